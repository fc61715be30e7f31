import { describe, expect, it, vi } from "vitest";
import type { Scorecard } from "../../generated/Scorecard";

const api = vi.hoisted(() => ({ scorecard: vi.fn(), scorecardPainted: vi.fn(), finishStartChecks: vi.fn() }));
vi.mock("../../lib/api", async (original) => ({ ...(await original<object>()), api }));

import type { Session } from "../session/session.svelte";

// The first card on screen is reported on the next frame; the test has none.
vi.stubGlobal("requestAnimationFrame", (run: () => void) => setTimeout(run, 0));
import { ScorecardStore } from "./scorecard.svelte";

function cardOf(unitId: number, name: string): Scorecard {
  return {
    unit: { id: unitId, name },
    year: 2026,
    period: { id: 3, name: "Delår 2026", locked: false },
  } as unknown as Scorecard;
}

/** A call whose answer the test gives when it wants. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("ScorecardStore.load", () => {
  api.scorecardPainted.mockResolvedValue(undefined);
  api.finishStartChecks.mockResolvedValue({ daily_backup_error: null });

  it("shows the unit chosen last when an earlier load answers after it", async () => {
    const session = { unitId: 1, year: 2026, periodId: 3, info: null } as unknown as Session;
    const store = new ScorecardStore(session, () => {});
    const kommun = deferred<Scorecard>();
    const social = deferred<Scorecard>();
    api.scorecard.mockReturnValueOnce(kommun.promise).mockReturnValueOnce(social.promise);

    // A reload of the kommun (after a save) is on its way when the user picks Socialnämnden.
    const first = store.load();
    session.unitId = 2;
    const second = store.load();
    social.resolve(cardOf(2, "Socialnämnden"));
    await second;
    kommun.resolve(cardOf(1, "Sjöbacka kommun"));
    await first;

    expect(store.card?.unit.id).toBe(2);
    expect(store.loading).toBe(false);
  });

  it("keeps the newest card and no error when an older load fails late", async () => {
    const session = { unitId: 1, year: 2026, periodId: 3, info: null } as unknown as Session;
    const store = new ScorecardStore(session, () => {});
    const old = deferred<Scorecard>();
    api.scorecard.mockReturnValueOnce(old.promise).mockResolvedValueOnce(cardOf(2, "Socialnämnden"));
    const first = store.load();
    session.unitId = 2;
    await store.load();
    old.reject({ code: "busy", message: "Databasen är upptagen." });
    await first;

    expect(store.card?.unit.name).toBe("Socialnämnden");
    expect(store.failure.current).toBeNull();
  });
});
