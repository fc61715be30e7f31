import { describe, expect, it } from "vitest";
import { toAppError } from "./api";

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
