// Saves checked against the version an edit began from (issue 14, "no silent overwrites"), for
// forms over one versioned row each (uppdrag, control and tjänstegaranti follow-up). A live
// reload may bring someone else's save while the user types; the save must still be checked
// against what the user began editing, so that their change is refused and shown beside the
// other one instead of silently overwriting it.
import { conflicts, isConflict, type ConflictDialog, type ConflictSubject } from "./conflict.svelte";

/** The version each edit began from, by the edited row's key (null: there was no row). */
export class EditedFrom {
  from = $state<Record<string, number | null>>({});

  /** The user began editing `key`, shown at `version`; an edit already begun keeps its version. */
  begin(key: string | number, version: number | null): void {
    if (!(String(key) in this.from)) this.from = { ...this.from, [String(key)]: version };
  }

  /** The version a save of `key` is checked against: where its edit began, else the one shown. */
  expected(key: string | number, shown: number | null): number | null {
    const k = String(key);
    return k in this.from ? (this.from[k] ?? null) : shown;
  }

  /** The edit is over: saved, dropped, or the user's own action (a review) moved the version on. */
  clear(key: string | number): void {
    const { [String(key)]: _v, ...rest } = this.from;
    this.from = rest;
  }
}

/** What one row is, as stored now: its version (null: no row), how the dialog shows it, itself. */
export type Stored<T> = { version: number | null; text: string; row: T | null };

/** One checked save of a form over one row. */
export type CheckedSave<T> = {
  subject: ConflictSubject;
  /** What was edited, as the dialog names it (an uppdrag's title, a control). */
  what: string;
  /** What the user tried to save, as the dialog shows it. */
  yours: string;
  /** Save the user's over the row loaded at `expected` (null: they saw none). */
  save: (expected: number | null) => Promise<unknown>;
  /** Read the row again as stored now. */
  stored: () => Promise<Stored<T>>;
  /** The save went through (the first try, or "Spara mitt"). */
  saved: () => void;
  /** "Behåll deras": the user's edit is dropped; `theirs` is what is stored. */
  dropped: (theirs: T | null) => void;
};

/**
 * Save `s` over the row loaded at `expected`. True when saved. When someone else saved the row
 * since (`conflict`), the dialog shows theirs and yours side by side and this resolves false;
 * "Spara mitt" saves again against the version then read. Any other failure rejects (from the
 * dialog's "Spara mitt", the dialog shows it).
 */
export async function saveChecked<T>(
  s: CheckedSave<T>,
  expected: number | null,
  dialog: ConflictDialog = conflicts,
): Promise<boolean> {
  try {
    await s.save(expected);
  } catch (e) {
    if (!isConflict(e)) throw e;
    const theirs = await s.stored();
    dialog.show({
      subject: s.subject,
      what: s.what,
      message: e.message,
      theirs: theirs.text,
      yours: s.yours,
      keepTheirs: () => s.dropped(theirs.row),
      saveMine: async () => {
        await saveChecked(s, theirs.version, dialog);
      },
    });
    return false;
  }
  s.saved();
  return true;
}

/** A follow-up as one side of the dialog shows it: its outcome in words, then its texts. */
export function followUpText(head: string, ...texts: string[]): string {
  return [head, ...texts.map((x) => x.trim()).filter((x) => x !== "")].join("\n\n");
}
