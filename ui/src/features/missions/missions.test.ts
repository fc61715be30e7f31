import { beforeEach, describe, expect, it, vi } from "vitest";
import type { GuaranteeRow } from "../../generated/GuaranteeRow";

const api = vi.hoisted(() => ({ followUpGuarantee: vi.fn(), unitMissions: vi.fn() }));
vi.mock("../../lib/api", async (original) => ({ ...(await original<object>()), api }));

import { ConflictDialog } from "../conflicts/conflict.svelte";
import { saveGuaranteeFollowUp } from "./missions.svelte";

const g = { id: 4, promise: "Du får besök inom 24 timmar", follow_up: null } as unknown as GuaranteeRow;
const place = { unitId: 6, year: 2026, periodId: 3 };

describe("saving a tjänstegaranti's follow-up from the window", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("names the version the edit began from, and on conflict shows theirs and saves mine against theirs", async () => {
    const dialog = new ConflictDialog();
    api.unitMissions.mockResolvedValue({
      guarantees: [{ ...g, follow_up: { kept: "not_kept", comment: "Sjukfrånvaro.", version: 0 } }],
    });
    api.followUpGuarantee
      .mockRejectedValueOnce({ code: "conflict", message: "Bo Ek ändrade uppföljningen av tjänstegarantin 10:20 …" })
      .mockResolvedValueOnce(undefined);
    const done = { saved: vi.fn(), dropped: vi.fn() };
    expect(await saveGuaranteeFollowUp(place, g, { kept: "kept", comment: "" }, null, done, dialog)).toBe(false);
    expect(api.followUpGuarantee).toHaveBeenCalledWith(4, 3, "kept", "", null);
    expect(api.unitMissions).toHaveBeenCalledWith(6, 2026, 3);
    expect(dialog.current).toMatchObject({
      subject: "guaranteeFollowUp",
      what: "Du får besök inom 24 timmar",
      theirs: "✗ Hölls inte\n\nSjukfrånvaro.",
      yours: "✓ Hölls",
    });
    await dialog.saveMine();
    expect(api.followUpGuarantee).toHaveBeenLastCalledWith(4, 3, "kept", "", 0);
    expect(done.saved).toHaveBeenCalledOnce();
  });

  it("shows theirs as empty and saves mine as new when no follow-up is stored now", async () => {
    const dialog = new ConflictDialog();
    api.unitMissions.mockResolvedValue({ guarantees: [{ ...g, follow_up: null }] });
    api.followUpGuarantee.mockRejectedValueOnce({ code: "conflict", message: "…" }).mockResolvedValueOnce(undefined);
    const done = { saved: vi.fn(), dropped: vi.fn() };
    await saveGuaranteeFollowUp(place, g, { kept: "kept", comment: "Bra." }, 3, done, dialog);
    expect(dialog.current?.theirs).toBe("");
    await dialog.saveMine();
    expect(api.followUpGuarantee).toHaveBeenLastCalledWith(4, 3, "kept", "Bra.", null);
  });
});
