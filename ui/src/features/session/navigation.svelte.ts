// Which view and dialogs the window shows.
import type { SearchKind } from "../../generated/SearchKind";

export const TABS = [
  "todo",
  "scorecard",
  "values",
  "assessments",
  "economy",
  "completeness",
  "texts",
  "assignments",
  "internal_control",
  "red",
  "thread",
  "agenda",
  "plan",
] as const;
export type Tab = (typeof TABS)[number];
export type DialogName = "backups" | "settings" | "kolada" | "search" | "userName" | "about";

/** The tab a search hit opens: a goal in the red thread, an indicator among the values, an activity in the follow-up. */
export function tabForHit(kind: SearchKind): Tab {
  switch (kind) {
    case "goal":
      return "thread";
    case "indicator":
      return "values";
    case "activity":
      return "assessments";
    default:
      return "scorecard";
  }
}

export class Navigation {
  tab = $state<Tab>("scorecard");
  /** The goal the röda tråden view is centred on, or null for the whole municipality. */
  threadFocus = $state<number | null>(null);
  /** The goal whose editor the Styrmodell tab opens next (click-through from the red thread). */
  editGoal = $state<number | null>(null);
  dialogs = $state<Record<DialogName, boolean>>({
    backups: false,
    settings: false,
    kolada: false,
    search: false,
    userName: false,
    about: false,
  });

  showThread(goalId: number): void {
    this.threadFocus = goalId;
    this.tab = "thread";
  }

  open(dialog: DialogName): void {
    this.dialogs[dialog] = true;
  }

  close(dialog: DialogName): void {
    this.dialogs[dialog] = false;
  }
}
