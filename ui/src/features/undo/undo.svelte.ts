// Undo of planning changes (Ctrl+Z and the ↶ button).
import type { UndoableChange } from "../../generated/UndoableChange";
import { api } from "../../lib/api";
import { dataChanges, type Table } from "../../lib/changes";
import { t } from "../../lib/locale.svelte";
import type { Notices } from "../session/notices.svelte";

/** Every write appends to the change log; the undo list is read from it. */
export const UNDO_TABLES: readonly Table[] = ["audit_log"];

export class UndoStore {
  /** The planning changes that can be undone, newest first. */
  undoable = $state<UndoableChange[]>([]);

  constructor(private notices: Notices) {}

  async load(): Promise<void> {
    try {
      this.undoable = await api.undoableChanges();
    } catch {
      this.undoable = [];
    }
  }

  async undo(): Promise<void> {
    try {
      const label = await api.undoLast();
      this.notices.say(t("undo.done", { change: label }));
      dataChanges.wrote("undoLast");
    } catch (raw) {
      this.notices.fail(raw);
    }
  }

  watch(): () => void {
    return dataChanges.watch(UNDO_TABLES, () => void this.load());
  }
}
