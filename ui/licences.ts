// The licences of the npm packages whose code ends up in the window (ui/dist): the packages
// of the modules Rollup actually put into the bundle, found by walking up from each module to
// its package folder under node_modules. `make dist` puts the list beside the Rust crates'
// licences in the file the installed packages carry (see about.hbs).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import type { Plugin } from "vite";

export const UI_LICENCES_FILE = "third-party-licences-ui.txt";

interface Shipped {
  name: string;
  version: string;
  license: string;
  text: string;
}

/** The package folder of a module inside node_modules, or null for the window's own code. */
function packageDir(id: string): string | null {
  const marker = `${sep}node_modules${sep}`;
  const at = id.lastIndexOf(marker);
  if (at < 0) return null;
  const parts = id.slice(at + marker.length).split(sep);
  const depth = parts[0]?.startsWith("@") ? 2 : 1;
  return id.slice(0, at + marker.length) + parts.slice(0, depth).join(sep);
}

function read(dir: string): Shipped {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license?: string;
  };
  const files = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying)/i.test(f))
    .sort();
  const text = files.map((f) => readFileSync(join(dir, f), "utf8").trim()).join("\n\n");
  if (!text) throw new Error(`${pkg.name} ships no licence file: add its licence text before shipping it`);
  return { name: pkg.name, version: pkg.version, license: pkg.license ?? "see the text", text };
}

export function shippedLicences(): Plugin {
  return {
    name: "styrkort-shipped-licences",
    apply: "build",
    generateBundle(_options, bundle) {
      const dirs = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        for (const [id, module] of Object.entries(output.modules)) {
          const dir = module.renderedLength > 0 ? packageDir(id.replace(/^\0/, "")) : null;
          if (dir && existsSync(join(dir, "package.json"))) dirs.add(dir);
        }
      }
      const shipped = [...dirs].map(read).sort((a, b) => a.name.localeCompare(b.name));
      const text = [
        "======================================================================",
        "npm-paket i fönstret / npm packages in the window",
        "======================================================================",
        ...shipped.map(
          (p) =>
            `\n----------------------------------------------------------------------\n${p.name} ${p.version} (${p.license})\n----------------------------------------------------------------------\n\n${p.text}\n`,
        ),
      ].join("\n");
      this.emitFile({ type: "asset", fileName: UI_LICENCES_FILE, source: `${text}\n` });
    },
  };
}
