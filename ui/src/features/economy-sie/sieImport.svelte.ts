// Reading an SIE 4 file from the ekonomisystem into a period: the core picks the file (a
// native dialog), reads it strictly and returns what would change; nothing is saved until
// `save`. The economy view shows the preview (per nämnd, per line, per project, and what maps
// to nothing) with "Importera" and "Avbryt". The core announces the tables it wrote
// (`data-changed`), so views showing the economy reload by themselves.
import type { SiePreview } from "../../generated/SiePreview";
import { api } from "../../lib/api";

export class SieImport {
  /** The preview of the file read last, or null. */
  preview = $state<SiePreview | null>(null);

  /** Pick a file and show what it would change in the period; null when cancelled. */
  async read(periodId: number): Promise<SiePreview | null> {
    this.preview = await api.siePreview(periodId);
    return this.preview;
  }

  /** Save the previewed import, all or nothing. */
  async save(): Promise<void> {
    await api.sieImport();
    this.preview = null;
  }

  cancel(): void {
    this.preview = null;
  }
}
