import { afterEach, describe, expect, it } from "vitest";
import { toAppError } from "./api";
import { locale } from "./locale.svelte";

describe("toAppError", () => {
  it("keeps a well-formed core error", () => {
    expect(toAppError({ code: "period_locked", message: "Delår 2026 är låst." })).toEqual({
      code: "period_locked",
      message: "Delår 2026 är låst.",
    });
  });
  it("turns an unknown code into internal, keeping nothing unsafe", () => {
    expect(toAppError({ code: "boom", message: "x" }).code).toBe("internal");
  });
  it("wraps a plain string rejection", () => {
    expect(toAppError("command scorecard not allowed")).toEqual({
      code: "internal",
      message: "command scorecard not allowed",
    });
  });
});

describe("toAppError with a field", () => {
  it("keeps the form field a message belongs to", () => {
    expect(toAppError({ code: "validation", message: "Målets rubrik får inte vara tomt.", field: "title" })).toEqual({
      code: "validation",
      message: "Målets rubrik får inte vara tomt.",
      field: "title",
    });
  });
});

describe("toAppError in the window's language", () => {
  const core = {
    code: "validation",
    message: "Målvärdet för 2026 måste vara ett tal.",
    message_en: "The target for 2026 must be a number.",
    field: "targets",
  };
  afterEach(() => {
    locale.language = "sv";
  });

  it("shows the core's Swedish message in Swedish, without the English one", () => {
    expect(toAppError(core, "sv")).toEqual({
      code: "validation",
      message: "Målvärdet för 2026 måste vara ett tal.",
      field: "targets",
    });
  });
  it("shows the core's English message in English", () => {
    expect(toAppError(core, "en")).toEqual({
      code: "validation",
      message: "The target for 2026 must be a number.",
      field: "targets",
    });
  });
  it("follows the language the window is switched to", () => {
    locale.language = "en";
    expect(toAppError(core).message).toBe("The target for 2026 must be a number.");
    locale.language = "sv";
    expect(toAppError(core).message).toBe("Målvärdet för 2026 måste vara ett tal.");
  });
  it("falls back to the Swedish message when an error has no English one", () => {
    expect(toAppError({ code: "io", message: "Disken är full." }, "en").message).toBe("Disken är full.");
  });
  it("says an unknown failure in the window's language, from the translation files", () => {
    expect(toAppError(undefined, "sv")).toEqual({ code: "internal", message: "Okänt fel. Starta om Styrkort." });
    expect(toAppError({ nothing: 1 }, "en")).toEqual({ code: "internal", message: "Unknown error. Restart Styrkort." });
  });
});
