import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ControlRow } from "../../generated/ControlRow";

const api = vi.hoisted(() => ({ saveControlFollowUp: vi.fn(), internalControlPlan: vi.fn() }));
vi.mock("../../lib/api", async (original) => ({ ...(await original<object>()), api }));

import { ConflictDialog } from "../conflicts/conflict.svelte";
import { saveControlFollowUp } from "./internalControl.svelte";

const control = { id: 8, what: "Stickprov på utbetalningar", follow_up: null } as unknown as ControlRow;
const place = { unitId: 3, year: 2026, periodId: 2 };
const theirs = {
  result: "deviation",
  comment: "40 granskade.",
  deviation: "3 saknade kontroll.",
  action: "Checklistan görs obligatorisk.",
  version: 2,
};

describe("saving a control's follow-up from the window", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.internalControlPlan.mockResolvedValue({
      risks: [{ controls: [] }, { controls: [{ ...control, follow_up: theirs }] }],
    });
  });

  it("shows theirs with the deviation and action on conflict, and saves mine against the version now stored", async () => {
    const dialog = new ConflictDialog();
    api.saveControlFollowUp
      .mockRejectedValueOnce({ code: "conflict", message: "Bo Ek ändrade uppföljningen av kontrollen 10:20 …" })
      .mockResolvedValueOnce(undefined);
    const done = { saved: vi.fn(), dropped: vi.fn() };
    const draft = { result: "no_remarks", comment: "Inga fel.", deviation: "", action: "" } as const;
    expect(await saveControlFollowUp(place, control, draft, 1, done, dialog)).toBe(false);
    expect(api.saveControlFollowUp).toHaveBeenCalledWith({ control_id: 8, period_id: 2, ...draft }, 1);
    expect(api.internalControlPlan).toHaveBeenCalledWith(3, 2026, 2);
    expect(dialog.current).toMatchObject({
      subject: "controlFollowUp",
      what: "Stickprov på utbetalningar",
      theirs:
        "Avvikelse\n\n40 granskade.\n\nAvvikelse: 3 saknade kontroll.\n\nBeslutad åtgärd: Checklistan görs obligatorisk.",
      yours: "Utan anmärkning\n\nInga fel.",
    });
    await dialog.saveMine();
    expect(api.saveControlFollowUp).toHaveBeenLastCalledWith({ control_id: 8, period_id: 2, ...draft }, 2);
    expect(done.saved).toHaveBeenCalledOnce();
    expect(dialog.current).toBeNull();
  });

  it("keeps theirs without saving again, and lets other failures through", async () => {
    const dialog = new ConflictDialog();
    api.saveControlFollowUp.mockRejectedValueOnce({ code: "conflict", message: "…" });
    const done = { saved: vi.fn(), dropped: vi.fn() };
    const draft = { result: "no_remarks", comment: "", deviation: "", action: "" } as const;
    await saveControlFollowUp(place, control, draft, null, done, dialog);
    await dialog.keepTheirs();
    expect(done.dropped).toHaveBeenCalledWith(theirs);
    expect(api.saveControlFollowUp).toHaveBeenCalledOnce();

    api.saveControlFollowUp.mockRejectedValueOnce({ code: "period_locked", message: "Perioden är låst." });
    await expect(saveControlFollowUp(place, control, draft, 2, done, dialog)).rejects.toMatchObject({
      code: "period_locked",
    });
    expect(dialog.current).toBeNull();
  });
});
