import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { shippedLicences } from "./licences.ts";

// The desktop shell embeds ui/dist at compile time; no dev server is needed to run the app.
export default defineConfig({
  plugins: [svelte(), shippedLicences()],
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
