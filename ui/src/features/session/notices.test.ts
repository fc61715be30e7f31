import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Notices } from "./notices.svelte";

describe("Notices", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("lets a confirmation fade by itself", () => {
    const n = new Notices(1000);
    n.say("Sparat");
    vi.advanceTimersByTime(999);
    expect(n.text).toBe("Sparat");
    vi.advanceTimersByTime(1);
    expect(n.text).toBeNull();
  });

  it("keeps a confirmation that offers something to do until it is dismissed or replaced", () => {
    const n = new Notices(1000);
    const run = vi.fn();
    n.say("Sparad som rapport.pdf", { label: "Öppna", run });
    vi.advanceTimersByTime(60_000);
    expect(n.text).toBe("Sparad som rapport.pdf");
    n.action?.run();
    expect(run).toHaveBeenCalledOnce();
    n.say("Ångrat: nytt mål");
    expect(n.action).toBeNull();
    vi.advanceTimersByTime(1000);
    expect(n.text).toBeNull();
  });

  it("keeps an error until it is dismissed", () => {
    const n = new Notices(1000);
    n.fail({ code: "io", message: "Disken är full" });
    vi.advanceTimersByTime(60_000);
    expect(n.error?.message).toBe("Disken är full");
    n.dismissError();
    expect(n.error).toBeNull();
  });

  it("clears what was said about another view, not about this one", () => {
    const n = new Notices(1000);
    n.showing("1:plan");
    n.say("Ångrat: nytt mål");
    n.showing("1:plan");
    expect(n.text).toBe("Ångrat: nytt mål");
    n.fail({ code: "io", message: "Exporten misslyckades" });
    n.showing("2:plan");
    expect(n.error).toBeNull();
    expect(n.text).toBeNull();
  });

  it("a newer confirmation gets its own full time", () => {
    const n = new Notices(1000);
    n.say("first");
    vi.advanceTimersByTime(800);
    n.say("second");
    vi.advanceTimersByTime(800);
    expect(n.text).toBe("second");
  });
});
