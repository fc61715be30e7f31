import { describe, expect, it, vi } from "vitest";
import { EditedFrom, followUpText, saveChecked, type CheckedSave } from "./checked.svelte";
import { ConflictDialog } from "./conflict.svelte";

const refusal = {
  code: "conflict",
  message: "Bo Ek ändrade uppföljningen av uppdraget 10:20 efter att du öppnade den. Välj vilket som ska gälla.",
  field: "comment",
};

type Row = { comment: string; version: number };

function checked(over: Partial<CheckedSave<Row>> = {}): CheckedSave<Row> {
  return {
    subject: "assignmentFollowUp",
    what: "U1 Ta fram en plan",
    yours: "Min kommentar",
    save: vi.fn().mockResolvedValue(undefined),
    stored: vi.fn().mockResolvedValue({ version: 4, text: "Deras kommentar", row: { comment: "Deras", version: 4 } }),
    saved: vi.fn(),
    dropped: vi.fn(),
    ...over,
  };
}

describe("the version an edit began from", () => {
  it("keeps the first version while a reload shows a newer one, until the edit is over", () => {
    const from = new EditedFrom();
    expect(from.expected(7, 3)).toBe(3);
    from.begin(7, 3);
    from.begin(7, 4);
    expect(from.expected(7, 4)).toBe(3);
    from.clear(7);
    expect(from.expected(7, 4)).toBe(4);
  });

  it("remembers an edit begun on no row as no row, not as the version shown later", () => {
    const from = new EditedFrom();
    from.begin("12", null);
    expect(from.expected(12, 0)).toBeNull();
    expect(from.expected(13, 0)).toBe(0);
  });
});

describe("a checked save", () => {
  it("saves against the version given and says so", async () => {
    const dialog = new ConflictDialog();
    const s = checked();
    expect(await saveChecked(s, 2, dialog)).toBe(true);
    expect(s.save).toHaveBeenCalledWith(2);
    expect(s.saved).toHaveBeenCalledOnce();
    expect(dialog.current).toBeNull();
  });

  it("shows theirs and yours when refused, and saves mine against the version read then", async () => {
    const dialog = new ConflictDialog();
    const save = vi.fn().mockRejectedValueOnce(refusal).mockResolvedValueOnce(undefined);
    const s = checked({ save });
    expect(await saveChecked(s, 2, dialog)).toBe(false);
    expect(s.saved).not.toHaveBeenCalled();
    expect(dialog.current).toMatchObject({
      subject: "assignmentFollowUp",
      what: "U1 Ta fram en plan",
      message: refusal.message,
      theirs: "Deras kommentar",
      yours: "Min kommentar",
    });
    await dialog.saveMine();
    expect(save).toHaveBeenLastCalledWith(4);
    expect(s.saved).toHaveBeenCalledOnce();
    expect(dialog.current).toBeNull();
  });

  it("keeps theirs without saving again", async () => {
    const dialog = new ConflictDialog();
    const s = checked({ save: vi.fn().mockRejectedValue(refusal) });
    await saveChecked(s, null, dialog);
    await dialog.keepTheirs();
    expect(s.dropped).toHaveBeenCalledWith({ comment: "Deras", version: 4 });
    expect(s.save).toHaveBeenCalledOnce();
    expect(s.saved).not.toHaveBeenCalled();
    expect(dialog.current).toBeNull();
  });

  it("shows the next conflict when yet another save came in before mine", async () => {
    const dialog = new ConflictDialog();
    const next = { ...refusal, message: "Cecilia Ek ändrade uppföljningen av uppdraget 10:25 …" };
    const save = vi.fn().mockRejectedValueOnce(refusal).mockRejectedValueOnce(next).mockResolvedValueOnce(undefined);
    const stored = vi
      .fn()
      .mockResolvedValueOnce({ version: 4, text: "Bo:s", row: null })
      .mockResolvedValueOnce({ version: 5, text: "Cecilias", row: null });
    const s = checked({ save, stored });
    await saveChecked(s, 3, dialog);
    await dialog.saveMine();
    expect(save).toHaveBeenLastCalledWith(4);
    expect(dialog.current?.message).toBe(next.message);
    expect(dialog.current?.theirs).toBe("Cecilias");
    await dialog.saveMine();
    expect(save).toHaveBeenLastCalledWith(5);
    expect(dialog.current).toBeNull();
    expect(s.saved).toHaveBeenCalledOnce();
  });

  it("lets any other failure through without the dialog", async () => {
    const dialog = new ConflictDialog();
    const s = checked({ save: vi.fn().mockRejectedValue({ code: "period_locked", message: "Perioden är låst." }) });
    await expect(saveChecked(s, 1, dialog)).rejects.toMatchObject({ code: "period_locked" });
    expect(s.stored).not.toHaveBeenCalled();
    expect(dialog.current).toBeNull();
  });

  it("shows a follow-up as its outcome, then its texts, leaving out empty ones", () => {
    expect(followUpText("◐ Pågår", " Utredningen pågår. ", "")).toBe("◐ Pågår\n\nUtredningen pågår.");
  });
});
