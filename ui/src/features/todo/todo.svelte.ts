// Att göra: the person's to-do list over the chosen unit and every unit below it, and the words
// of each item. The list reloads whenever a table an item comes from changes.
import type { TodoItem } from "../../generated/TodoItem";
import type { TodoList } from "../../generated/TodoList";
import { api } from "../../lib/api";
import { STATUS_TABLES, type Table } from "../../lib/changes";
import { t } from "../../lib/locale.svelte";
import { Loaded } from "../../lib/view.svelte";

/** What the items come from: the model and follow-up, report texts, uppdrag and controls. */
export const TODO_TABLES: readonly Table[] = [
  ...STATUS_TABLES,
  "report_text",
  "assignment",
  "assignment_follow_up",
  "control_plan",
  "control_risk",
  "control",
  "control_follow_up",
];

export const todoList = (params: () => { unitId: number }) =>
  new Loaded<TodoList>(TODO_TABLES, () => api.todoList(params().unitId));

/** What the item asks, in the window's language. */
export function todoText(item: TodoItem, language: "sv" | "en"): string {
  return t(`todo.kind.${item.kind}`, {
    what: language === "en" ? item.what_en : item.what,
    period: item.period_name ?? "",
    count: item.count,
    of: item.of,
  });
}

/** How late or how soon, or nothing without a deadline. */
export function whenText(item: TodoItem): string {
  if (item.days === null) return "";
  if (item.days < 0) return t("todo.late", { days: -item.days });
  if (item.days === 0) return t("todo.today");
  return t("todo.left", { days: item.days });
}
