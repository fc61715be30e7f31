//! Creating follow-up periods: the standard ones (T1, delår, helår), months for indicators
//! measured monthly, and deadlines.

use crate::error::{AppError, Result};
use crate::model::PeriodKind;
use crate::msg;
use crate::store::{periods, Writer};
use chrono::{Datelike, NaiveDate};

const MONTHS_SV: [&str; 12] =
    ["Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti", "September", "Oktober", "November", "December"];

/// First and last day of a month, and the reporting deadline: the 10th of the month after.
pub fn month_dates(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(year, month + 1, 1)? };
    let end = next.pred_opt()?;
    let deadline = NaiveDate::from_ymd_opt(next.year(), next.month(), 10)?;
    Some((start, end, deadline))
}

impl Writer<'_> {
    fn period_exists(&self, year: i32, kind: PeriodKind, seq: i32) -> Result<bool> {
        periods::exists(self.read(), year, kind, seq)
    }

    /// Create whichever of T1, delår and helår the plan year lacks. Returns how many.
    pub fn ensure_default_periods(&mut self, year: i32) -> Result<usize> {
        let specs = [
            (PeriodKind::Tertial, format!("Tertial 1 {year}"), format!("{year}-04-30"), format!("{year}-05-20")),
            (PeriodKind::Delar, format!("Delår {year}"), format!("{year}-08-31"), format!("{year}-09-20")),
            (PeriodKind::Helar, format!("Helår {year}"), format!("{year}-12-31"), format!("{}-02-15", year + 1)),
        ];
        let mut made = 0;
        for (kind, name, end, deadline) in specs {
            if !self.period_exists(year, kind, 1)? {
                crate::store::periods::insert(self, year, kind, 1, &name, &format!("{year}-01-01"), &end, Some(&deadline))?;
                made += 1;
            }
        }
        Ok(made)
    }

    /// Create the twelve months of a plan year (those missing), each with the 10th of the
    /// next month as deadline. Returns how many were made.
    pub fn create_month_periods(&mut self, year: i32) -> Result<usize> {
        let mut made = 0;
        for month in 1..=12u32 {
            if self.period_exists(year, PeriodKind::Month, month as i32)? {
                continue;
            }
            let (start, end, deadline) = month_dates(year, month).ok_or_else(|| {
                AppError::validation(msg!("Året {year} går inte att dela i månader.", "The year {year} cannot be divided into months."))
            })?;
            let name = format!("{} {year}", MONTHS_SV[month as usize - 1]);
            let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
            crate::store::periods::insert(
                self,
                year,
                PeriodKind::Month,
                month as i32,
                &name,
                &iso(start),
                &iso(end),
                Some(&iso(deadline)),
            )?;
            made += 1;
        }
        Ok(made)
    }

    /// Set or clear the deadline of a period (ISO date).
    pub fn set_period_deadline(&mut self, period_id: i64, deadline: Option<&str>) -> Result<()> {
        let deadline = match deadline.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                AppError::validation(msg!(
                    "Sista dag '{d}' är inte ett datum. Skriv som ÅÅÅÅ-MM-DD, t.ex. 2026-09-20.",
                    "The deadline '{d}' is not a date. Write it as YYYY-MM-DD, e.g. 2026-09-20."
                ))
            })?),
        };
        periods::set_deadline(self, period_id, deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_dates_handle_leap_years_and_december() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(month_dates(2028, 2), Some((d("2028-02-01"), d("2028-02-29"), d("2028-03-10"))));
        assert_eq!(month_dates(2026, 2).unwrap().1, d("2026-02-28"));
        assert_eq!(month_dates(2026, 12), Some((d("2026-12-01"), d("2026-12-31"), d("2027-01-10"))));
        assert_eq!(month_dates(2026, 13), None);
    }
}
