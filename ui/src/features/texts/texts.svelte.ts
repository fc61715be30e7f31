// The report's own texts of a period ("Rapporttexter"): the municipality's sections and each
// nämnd's Verksamhet and Ekonomi och prognos, with who writes them and their review state.
import type { ReportTextsView } from "../../generated/ReportTextsView";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The texts, the units that write them and the period (its lock). */
export const REPORT_TEXT_TABLES: readonly Table[] = ["report_text", "org_unit", "follow_up_period"];

export const reportTexts = (periodId: () => number): Loaded<ReportTextsView> =>
  new Loaded(REPORT_TEXT_TABLES, () => api.reportTexts(periodId()));
