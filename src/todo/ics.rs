//! The deadlines as an iCalendar file (RFC 5545) for Outlook's calendar: the follow-up
//! periods' deadlines of the year, the uppdrag's deadlines and the controls' reporting
//! deadlines in the person's units, and the person's to-do items with a deadline.
//!
//! Each deadline is an all-day event (`VALUE=DATE`) with a reminder three days before. UIDs are
//! made of the item's key and the database's identity, so importing the file again updates the
//! events instead of adding copies. Written by hand rather than with the `icalendar` crate,
//! whose writer puts DTSTAMP (not allowed there) and a random UID into every VALARM; the tests
//! parse the file back with that crate's parser.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{reports_in, Context, TodoKind};
use crate::error::Result;
use crate::store::{assignments, internal_control, settings, Store};

/// Days before a deadline the reminder goes off.
pub const REMINDER_DAYS: i64 = 3;

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// Stable key of what it is ("period-12", "assignment-4", …).
    pub key: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon and comma get a backslash,
/// a line break (CRLF, CR or LF) becomes `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded (RFC 5545 3.1): no line longer than 75 octets, CRLF and one space
/// before each continuation, never inside a UTF-8 character; the line ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    let mut limit = 75;
    for c in line.chars() {
        if used + c.len_utf8() > limit {
            out.push_str("\r\n ");
            used = 1;
            limit = 75;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// The calendar file of these deadlines, stamped `stamp`; `database_id` makes the UIDs unique
/// to this database.
pub fn write(deadlines: &[Deadline], database_id: &str, name: &str, stamp: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |text: String| out.push_str(&fold(&text));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!("PRODID:-//Styrkort//Styrkort {}//SV", env!("CARGO_PKG_VERSION")));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for d in deadlines {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}.{}@styrkort", d.key, database_id));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", d.date.format("%Y%m%d")));
        line(format!("DTEND;VALUE=DATE:{}", (d.date + Duration::days(1)).format("%Y%m%d")));
        line(format!("SUMMARY:{}", escape(&d.summary)));
        if !d.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&d.description)));
        }
        line("TRANSP:TRANSPARENT".into());
        line("BEGIN:VALARM".into());
        line("ACTION:DISPLAY".into());
        line(format!("DESCRIPTION:{}", escape(&d.summary)));
        line(format!("TRIGGER:-P{REMINDER_DAYS}D"));
        line("END:VALARM".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// The deadlines of `user`'s calendar over `unit_id` and every unit below it, by date.
pub fn deadlines(store: &Store, user: &str, unit_id: i64, today: NaiveDate) -> Result<Vec<Deadline>> {
    let ctx = Context::new(store, user, unit_id, today)?;
    let Some(year) = ctx.year else { return Ok(Vec::new()) };
    let db = store.read();
    let mut out = Vec::new();
    let today_text = today.format("%Y-%m-%d").to_string();
    // The periods of the plan year, and those of the year before still ahead.
    let periods: Vec<_> = ctx
        .periods
        .iter()
        .filter(|p| p.plan_year == year || p.deadline.as_deref().is_some_and(|d| d >= today_text.as_str()))
        .filter_map(|p| Some((p, super::period_deadline(p)?)))
        .collect();
    for (p, date) in &periods {
        out.push(Deadline {
            key: format!("period-{}", p.id),
            date: *date,
            summary: format!("Sista dag för {}: värden, bedömningar och texter", p.name),
            description: format!("Uppföljningen av {} ska vara klar i Styrkort.", p.name),
        });
    }
    for a in assignments::of_year(db, year)? {
        let Some(date) = a.deadline else { continue };
        let person = super::person_of(&a.responsible_person);
        if !ctx.belongs(person.as_deref(), a.responsible_unit_id) {
            continue;
        }
        let what = if a.code.trim().is_empty() { a.title.clone() } else { format!("{} {}", a.code.trim(), a.title) };
        out.push(Deadline {
            key: format!("assignment-{}", a.id),
            date,
            summary: format!("Uppdrag klart: {what}"),
            description: format!("{} – {}", ctx.unit_name(a.responsible_unit_id), a.description.trim()),
        });
    }
    for (c, unit) in internal_control::controls_with_unit_of_year(db, year)? {
        if !ctx.belongs(super::person_of(&c.responsible).as_deref(), unit) {
            continue;
        }
        for (p, date) in periods.iter().filter(|(p, _)| p.plan_year == year && reports_in(c.report_in, p.kind)) {
            out.push(Deadline {
                key: format!("control-{}-{}", c.id, p.id),
                date: *date,
                summary: format!("Rapportera kontrollen {} ({})", c.what, p.name),
                description: format!("Intern kontroll, {}: {}", ctx.unit_name(unit), c.method.trim()),
            });
        }
    }
    // The person's own items with a deadline that the events above do not already cover.
    for item in super::items(store, &ctx, today)? {
        let (Some(due), false) =
            (item.due.as_deref().and_then(super::date), matches!(item.kind, TodoKind::AssignmentLate | TodoKind::ControlDue))
        else {
            continue;
        };
        out.push(Deadline { key: format!("todo-{}", item.key), date: due, summary: super::describe_sv(&item), description: String::new() });
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.key.cmp(&b.key)));
    Ok(out)
}

/// The calendar file of `user`'s deadlines, stamped `stamp`.
pub fn calendar(store: &Store, user: &str, unit_id: i64, today: NaiveDate, stamp: DateTime<Utc>) -> Result<String> {
    let list = deadlines(store, user, unit_id, today)?;
    let database_id = settings::database_id(store.read())?;
    let unit = store.unit(unit_id)?;
    Ok(write(&list, &database_id, &format!("Styrkort – {} ({})", user.trim(), unit.name), stamp))
}

/// Write the calendar file to `out` (never over the database or its backups); returns how many
/// deadlines it holds.
pub fn export(store: &Store, user: &str, unit_id: i64, today: NaiveDate, stamp: DateTime<Utc>, out: &Path) -> Result<usize> {
    crate::files::check_output(out, store.path())?;
    let text = calendar(store, user, unit_id, today, stamp)?;
    let count = text.matches("BEGIN:VEVENT\r\n").count();
    crate::files::write_output(out, store.path(), text.as_bytes())?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        for (text, want) in [
            ("a,b;c\\d", "a\\,b\\;c\\\\d"),
            ("rad 1\r\nrad 2\nrad 3\rrad 4", "rad 1\\nrad 2\\nrad 3\\nrad 4"),
            ("Årsredovisning för Sjöbacka", "Årsredovisning för Sjöbacka"),
        ] {
            assert_eq!(escape(text), want);
        }
    }

    #[test]
    fn folds_at_75_octets_on_character_boundaries() {
        for line in ["SUMMARY:kort", &format!("SUMMARY:{}", "å".repeat(100)), &format!("DESCRIPTION:{}", "ab€".repeat(60))] {
            let folded = fold(line);
            assert!(folded.ends_with("\r\n"));
            let lines: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
            for (n, l) in lines.iter().enumerate() {
                assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
                assert_eq!(n > 0, l.starts_with(' '), "{l:?}");
            }
            let unfolded: String = lines.iter().enumerate().map(|(n, l)| if n == 0 { *l } else { &l[1..] }).collect();
            assert_eq!(unfolded, line);
        }
    }
}
