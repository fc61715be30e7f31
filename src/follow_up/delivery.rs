//! What the completeness overview expects of the steering model's other follow-up (issue 16):
//! the uppdrag a unit is responsible for, the controls of its intern kontroll plans and its
//! tjänstegarantier. The rules are in ARCHITECTURE.md's "Follow-up rules".

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model::{AssessmentState, AssignmentStatus, ControlReportIn, Period, PeriodKind};
use crate::store::{assignments, internal_control, periods, unit_missions, Read};

/// How much of one kind of follow-up a unit has delivered for a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KindDelivery {
    pub expected: u32,
    /// Followed up (a row for the period exists).
    pub delivered: u32,
    /// Followed up and waiting for approval (klar för granskning).
    pub waiting: u32,
    pub approved: u32,
}

impl KindDelivery {
    pub(crate) fn add(&mut self, o: &KindDelivery) {
        self.expected += o.expected;
        self.delivered += o.delivered;
        self.waiting += o.waiting;
        self.approved += o.approved;
    }

    /// One item: expected, and its review state when it has been followed up.
    fn count(&mut self, state: Option<AssessmentState>) {
        self.expected += 1;
        self.delivered += state.is_some() as u32;
        self.waiting += (state == Some(AssessmentState::Ready)) as u32;
        self.approved += (state == Some(AssessmentState::Approved)) as u32;
    }
}

/// Per unit: uppdrag, controls and tjänstegarantier.
pub(crate) type SteeringDelivery = HashMap<i64, [KindDelivery; 3]>;

/// An uppdrag whose follow-up says this is not followed up any more after this period.
pub fn assignment_finished(status: AssignmentStatus) -> bool {
    matches!(status, AssignmentStatus::Done | AssignmentStatus::ClosedUndone)
}

/// A control is reported in periods of this kind.
pub fn control_expected(report_in: ControlReportIn, kind: PeriodKind) -> bool {
    match report_in {
        ControlReportIn::EveryPeriod => true,
        ControlReportIn::Delar => kind == PeriodKind::Delar,
        ControlReportIn::Helar => kind == PeriodKind::Helar,
        ControlReportIn::DelarHelar => matches!(kind, PeriodKind::Delar | PeriodKind::Helar),
    }
}

/// Every tjänstegaranti is reported in the delår and helår reports (as the report texts);
/// in other periods only those a unit has started are counted.
pub fn guarantee_expected(kind: PeriodKind) -> bool {
    matches!(kind, PeriodKind::Delar | PeriodKind::Helar)
}

/// Per unit, what is expected and delivered of uppdrag, controls and tjänstegarantier in
/// `period`. Anything followed up in the period counts as expected too.
pub(crate) fn steering(db: Read<'_>, period: &Period) -> Result<SteeringDelivery> {
    let mut out: SteeringDelivery = HashMap::new();

    // Uppdrag: not finished (done or closed undone) in a period of the year that ends before this one.
    let mut finished = std::collections::HashSet::new();
    for earlier in periods::of_year(db, period.plan_year)?.into_iter().filter(|p| p.end_date < period.end_date) {
        for f in assignments::follow_ups_of_period(db, earlier.id)? {
            if assignment_finished(f.status) {
                finished.insert(f.assignment_id);
            }
        }
    }
    let now: HashMap<i64, AssessmentState> =
        assignments::follow_ups_of_period(db, period.id)?.into_iter().map(|f| (f.assignment_id, f.state)).collect();
    for a in assignments::of_year(db, period.plan_year)? {
        let state = now.get(&a.id).copied();
        if state.is_some() || !finished.contains(&a.id) {
            out.entry(a.responsible_unit_id).or_default()[0].count(state);
        }
    }

    // Controls: those of the unit's plans reported in this kind of period.
    let plans = internal_control::plans_of_year(db, period.plan_year)?;
    let risks = internal_control::risks_of_year(db, period.plan_year)?;
    let unit_of_plan: HashMap<i64, i64> = plans.iter().map(|p| (p.id, p.org_unit_id)).collect();
    let unit_of_risk: HashMap<i64, i64> = risks.iter().filter_map(|r| unit_of_plan.get(&r.plan_id).map(|&unit| (r.id, unit))).collect();
    let now: HashMap<i64, AssessmentState> =
        internal_control::follow_ups_of_period(db, period.id)?.into_iter().map(|f| (f.control_id, f.state)).collect();
    for c in internal_control::controls_of_year(db, period.plan_year)? {
        let state = now.get(&c.id).copied();
        let Some(&unit) = unit_of_risk.get(&c.risk_id) else { continue };
        if state.is_some() || control_expected(c.report_in, period.kind) {
            out.entry(unit).or_default()[1].count(state);
        }
    }

    // Tjänstegarantier.
    let now: HashMap<i64, AssessmentState> =
        unit_missions::guarantee_follow_ups_of_period(db, period.id)?.into_iter().map(|f| (f.guarantee_id, f.state)).collect();
    for g in unit_missions::guarantees_of_year(db, period.plan_year)? {
        let state = now.get(&g.id).copied();
        if state.is_some() || guarantee_expected(period.kind) {
            out.entry(g.org_unit_id).or_default()[2].count(state);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_controls_are_reported_in_which_periods() {
        use ControlReportIn::*;
        use PeriodKind::*;
        let cases = [
            (EveryPeriod, [true, true, true, true]),
            (ControlReportIn::Delar, [false, false, true, false]),
            (ControlReportIn::Helar, [false, false, false, true]),
            (DelarHelar, [false, false, true, true]),
        ];
        for (report_in, expected) in cases {
            for (kind, want) in [Month, Tertial, PeriodKind::Delar, PeriodKind::Helar].into_iter().zip(expected) {
                assert_eq!(control_expected(report_in, kind), want, "{report_in:?} in {kind:?}");
            }
        }
    }

    #[test]
    fn guarantees_are_expected_in_the_reports_and_uppdrag_end_when_done_or_closed() {
        assert!(guarantee_expected(PeriodKind::Delar) && guarantee_expected(PeriodKind::Helar));
        assert!(!guarantee_expected(PeriodKind::Tertial) && !guarantee_expected(PeriodKind::Month));
        let finished: Vec<bool> = AssignmentStatus::ALL.iter().map(|&s| assignment_finished(s)).collect();
        assert_eq!(finished, [false, false, true, true], "{:?}", AssignmentStatus::ALL);
    }
}
