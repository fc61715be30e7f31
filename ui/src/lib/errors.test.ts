import { describe, expect, it } from "vitest";
import { LastError, messageOf } from "./errors.svelte";
import { locale } from "./locale.svelte";

describe("LastError", () => {
  it("keeps the core's error, field included, and says the call failed", async () => {
    const slot = new LastError();
    const ok = await slot.run(() =>
      Promise.reject({ code: "validation", message: "Målets rubrik får inte vara tomt.", field: "title" }),
    );
    expect(ok).toBe(false);
    expect(slot.current).toEqual({ code: "validation", message: "Målets rubrik får inte vara tomt.", field: "title" });
  });

  it("keeps the core's message in the window's language", async () => {
    const slot = new LastError();
    locale.language = "en";
    try {
      await slot.run(() =>
        Promise.reject({
          code: "period_locked",
          message: "Delår 2026 är låst och kan inte ändras.",
          message_en: "Delår 2026 is locked and cannot be changed.",
        }),
      );
    } finally {
      locale.language = "sv";
    }
    expect(slot.current).toEqual({ code: "period_locked", message: "Delår 2026 is locked and cannot be changed." });
  });

  it("clears the last error when a call succeeds", async () => {
    const slot = new LastError();
    slot.fail({ code: "io", message: "Disken är full." });
    expect(await slot.run(() => Promise.resolve(1))).toBe(true);
    expect(slot.current).toBeNull();
  });

  it("turns a fault in the window's own code into an internal error, not a crash", async () => {
    const slot = new LastError();
    await slot.run(async () => {
      throw new TypeError("x is undefined");
    });
    expect(slot.current?.code).toBe("internal");
  });
});

describe("messageOf", () => {
  it("gives the core's message, or the plain string rejected with", () => {
    expect(messageOf({ code: "period_locked", message: "Delår 2026 är låst." })).toBe("Delår 2026 är låst.");
    expect(messageOf("command not allowed")).toBe("command not allowed");
  });
});
