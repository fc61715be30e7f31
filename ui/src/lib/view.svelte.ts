// What most views are: data fetched from the core, shown until one of the tables it comes
// from changes, then fetched again.
import { dataChanges, type Table } from "./changes";
import { LastError } from "./errors.svelte";

export class Loaded<T> {
  data = $state<T | null>(null);
  readonly failure = new LastError();

  /** `fetch` reads the view's current parameters each time it is called. */
  constructor(
    readonly tables: readonly Table[],
    private fetch: () => Promise<T>,
  ) {}

  async load(): Promise<void> {
    await this.failure.run(async () => {
      this.data = await this.fetch();
    });
  }

  /** Reload whenever one of the view's tables changes; returns the function that stops it. */
  watch(): () => void {
    return dataChanges.watch(this.tables, () => void this.load());
  }
}
