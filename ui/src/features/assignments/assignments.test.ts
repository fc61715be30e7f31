import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AssignmentRow } from "../../generated/AssignmentRow";

const api = vi.hoisted(() => ({ saveAssignmentFollowUp: vi.fn(), assignments: vi.fn() }));
vi.mock("../../lib/api", async (original) => ({ ...(await original<object>()), api }));

import { ConflictDialog } from "../conflicts/conflict.svelte";
import { saveAssignmentFollowUp } from "./assignments.svelte";

const row = { id: 5, code: "U3", title: "Översyn av bistånd", follow_up: null } as unknown as AssignmentRow;
const place = { year: 2026, periodId: 2, unitId: 9 };
const theirs = { status: "done", comment: "Klart, antaget i nämnden.", version: 1 };

describe("saving an uppdrag's follow-up from the window", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.assignments.mockResolvedValue({ rows: [{ ...row, follow_up: theirs }] });
  });

  it("names the version the edit began from", async () => {
    api.saveAssignmentFollowUp.mockResolvedValue(undefined);
    const done = { saved: vi.fn(), dropped: vi.fn() };
    const ok = await saveAssignmentFollowUp(
      place,
      row,
      { status: "in_progress", comment: "Pågår." },
      0,
      done,
      new ConflictDialog(),
    );
    expect(ok).toBe(true);
    expect(api.saveAssignmentFollowUp).toHaveBeenCalledWith(
      { assignment_id: 5, period_id: 2, status: "in_progress", comment: "Pågår." },
      0,
    );
    expect(done.saved).toHaveBeenCalledOnce();
  });

  it("shows theirs and yours on conflict, and saves mine against the version now stored", async () => {
    const dialog = new ConflictDialog();
    api.saveAssignmentFollowUp
      .mockRejectedValueOnce({ code: "conflict", message: "Bo Ek ändrade uppföljningen av uppdraget 10:20 …" })
      .mockResolvedValueOnce(undefined);
    const done = { saved: vi.fn(), dropped: vi.fn() };
    const draft = { status: "in_progress", comment: "Försenad." } as const;
    const ok = await saveAssignmentFollowUp(place, row, draft, null, done, dialog);
    expect(ok).toBe(false);
    expect(api.assignments).toHaveBeenCalledWith(2026, 2, 9);
    expect(dialog.current).toMatchObject({
      subject: "assignmentFollowUp",
      what: "U3 Översyn av bistånd",
      theirs: "✓ Genomfört\n\nKlart, antaget i nämnden.",
      yours: "◐ Pågår\n\nFörsenad.",
    });
    expect(done.saved).not.toHaveBeenCalled();
    await dialog.saveMine();
    expect(api.saveAssignmentFollowUp).toHaveBeenLastCalledWith({ assignment_id: 5, period_id: 2, ...draft }, 1);
    expect(done.saved).toHaveBeenCalledOnce();
  });

  it("drops mine for theirs on Behåll deras", async () => {
    const dialog = new ConflictDialog();
    api.saveAssignmentFollowUp.mockRejectedValue({ code: "conflict", message: "…" });
    const done = { saved: vi.fn(), dropped: vi.fn() };
    await saveAssignmentFollowUp(place, row, { status: "not_started", comment: "" }, 0, done, dialog);
    await dialog.keepTheirs();
    expect(done.dropped).toHaveBeenCalledWith(theirs);
    expect(api.saveAssignmentFollowUp).toHaveBeenCalledOnce();
  });
});
