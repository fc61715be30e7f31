//! Plain-text views in Swedish, for the command line (and later the reports).

use std::fmt::Write;

use crate::model::{Period, Status, UnitNode};
use crate::scorecard::{ActivityRow, GoalCard, IndicatorCard, Scorecard};
use crate::status::{explain_sv, StatusView, Trend};

/// A count with the word that agrees with it: the one place the command line and the reports
/// make Swedish counts (the window has its own, from Intl.PluralRules). `count_sv(1, "röd",
/// "röda")` is "1 röd", `count_sv(0, "röd", "röda")` "0 röda".
pub fn count_sv<N: TryInto<i64> + Copy + std::fmt::Display>(n: N, one: &str, other: &str) -> String {
    let is_one = n.try_into().is_ok_and(|v: i64| v == 1);
    format!("{n} {}", if is_one { one } else { other })
}

/// A number the Swedish way: decimal comma, thin space between thousands.
pub fn number_sv(value: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (n, c) in int.chars().enumerate() {
        if n > 0 && (int.len() - n) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let negative = value < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

/// A value with its unit, the Swedish way ("7,6 %", "15 104 st", a no-break space before
/// the unit so the two stay on one line); "–" for none.
pub fn value_sv(value: Option<f64>, decimals: i32, unit: &str) -> String {
    match value {
        None => "–".to_string(),
        Some(v) if unit.trim().is_empty() => number_sv(v, decimals.max(0) as usize),
        Some(v) => format!("{}\u{a0}{}", number_sv(v, decimals.max(0) as usize), unit.trim()),
    }
}

/// The target beside a value with the year it is for: "Mål 2025: 20 st", or "Inget mål".
pub fn target_sv(i: &IndicatorCard) -> String {
    match (i.target, i.target_year) {
        (Some(t), Some(y)) => format!("Mål {y}: {}", value_sv(Some(t), i.decimals, &i.unit)),
        (Some(t), None) => format!("Mål: {}", value_sv(Some(t), i.decimals, &i.unit)),
        (None, _) => "Inget mål".to_string(),
    }
}

/// The period of the value a year earlier in brackets, "(2025 helår)", when it is not the
/// same period as the value's a year earlier (a part of the year beside a whole year).
pub fn previous_note_sv(i: &IndicatorCard) -> Option<String> {
    let previous = i.previous_period.as_deref()?;
    i.previous?;
    let kind = |label: &str| label.split_once(' ').map(|(_, k)| k.to_string());
    match i.value_period.as_deref() {
        Some(v) if kind(v) == kind(previous) => None,
        _ => Some(format!("({previous})")),
    }
}

/// Women's and men's values beside the total, where the data has them: "K 8,4 % · M 4,2 %".
pub fn genders_sv(i: &IndicatorCard) -> Option<String> {
    let d = i.decimals;
    match (i.value_women, i.value_men) {
        (None, None) => None,
        (w, m) => Some(format!("K {} · M {}", value_sv(w, d, &i.unit), value_sv(m, d, &i.unit))),
    }
}

/// The Kolada comparison as short lines, each naming its year: "Riket 2022: 8,1 %", the
/// group, the unit's own value of that year when the value shown is of another year
/// ("Eget värde 2022: 8,9 %"), and the rank ("Sämsta fjärdedelen 2022 (220 av 269)").
/// Empty without a comparison.
pub fn kolada_lines_sv(i: &IndicatorCard) -> Vec<String> {
    let Some(k) = &i.kolada else { return Vec::new() };
    let y = k.year;
    let v = |x: f64| value_sv(Some(x), i.decimals, &i.unit);
    let mut lines = Vec::new();
    if let Some(x) = k.riket {
        lines.push(format!("Riket {y}: {}", v(x)));
    }
    if let Some(x) = k.group_value {
        lines.push(format!("{} {y}: {}", k.group_name.as_deref().unwrap_or("Jämförelsegrupp"), v(x)));
    }
    let shown_year = i.value_period.as_deref().and_then(|p| p.get(..4)).and_then(|p| p.parse::<i32>().ok());
    if let (Some(own), true) = (k.own_value, shown_year != Some(y)) {
        lines.push(format!("Eget värde {y}: {}", v(own)));
    }
    if let Some(r) = &k.rank {
        let mut word = r.quartile.label_sv().to_string();
        if let Some(first) = word.get(..1) {
            word = first.to_uppercase() + &word[1..];
        }
        lines.push(format!("{word} {y} ({} av {})", r.position, r.of));
    }
    lines
}

/// How far a value is from its target (or from last year's), positive when worse, as a
/// reader can trust it: percentage points for a percentage ("1,5 procentenheter"), the
/// difference itself in the indicator's unit when the base is 0 or negative (a share of
/// 0 or of a negative number means nothing), otherwise the share of the base in per cent.
pub fn difference_sv(amount: f64, base: f64, unit: &str, decimals: i32) -> String {
    let u = unit.trim();
    let d = decimals.max(0) as usize;
    if u == "%" {
        let n = number_sv(amount, d);
        return if n == "1" { format!("{n} procentenhet") } else { format!("{n} procentenheter") };
    }
    if base <= 0.0 || base.abs() < 1e-12 {
        return value_sv(Some(amount), decimals, u);
    }
    let share = amount / base * 100.0;
    format!("{} %", number_sv(share, if share.abs() < 10.0 { 1 } else { 0 }))
}

/// Analysis text without the writer's marks: `**bold**` loses its stars (an unmatched `**`
/// stays as written), bullets ("- ", "• ", "* ") become "– " lines, paragraphs stay apart.
pub fn plain_analysis(text: &str) -> String {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    for line in normalised.split('\n') {
        let t = line.trim_end();
        let (bullet, rest) = match ["- ", "• ", "* "].iter().find_map(|p| t.trim_start().strip_prefix(p)) {
            Some(rest) => ("– ", rest),
            None => ("", t),
        };
        out.push(format!("{bullet}{}", without_bold_marks(rest)));
    }
    out.join("\n").trim().to_string()
}

/// `**bold**` pairs without their stars; an odd last `**` is kept.
fn without_bold_marks(text: &str) -> String {
    let parts: Vec<&str> = text.split("**").collect();
    let pairs = (parts.len() - 1) / 2 * 2;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > pairs {
            out.push_str("**");
        }
        out.push_str(part);
    }
    out
}

/// The sentences of a text: each up to and including its ". ", "! " or "? " (a full stop
/// inside a number, "7,6" or "1.2", is no end).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        current.push(*c);
        let ends = matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if ends {
            out.push(current.trim().to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// "Bidrar till: KF6 Sjöbacka kommun ska vara en attraktiv arbetsgivare; KS3 …": the goals
/// a goal serves one level up the red thread; `None` for a goal that serves none.
pub fn contributes_to_sv(g: &GoalCard) -> Option<String> {
    if g.parents.is_empty() {
        return None;
    }
    let names: Vec<String> =
        g.parents.iter().map(|p| if p.code.is_empty() { p.title.clone() } else { format!("{} {}", p.code, p.title) }).collect();
    Some(format!("Bidrar till: {}", names.join("; ")))
}

/// A short line on what is being done for a goal, with its label: "Det här gör vi nu" and
/// the goal's open activities (not done, not cancelled; two, then how many more), else "Ur
/// analysen" and the first sentence of the period's analysis that is not the judgement
/// itself (the status already says "Målet bedöms …"), without the writer's marks. `None`
/// when there is neither.
pub fn doing_now_sv(g: &GoalCard, activities: &[ActivityRow]) -> Option<(&'static str, String)> {
    use crate::model::ActivityStatus::{Delayed, NotStarted, Started};
    let open: Vec<&ActivityRow> = activities
        .iter()
        .filter(|a| !g.code.is_empty() && a.goal_codes.iter().any(|c| c == &g.code))
        .filter(|a| matches!(a.status, Started | Delayed | NotStarted))
        .collect();
    if !open.is_empty() {
        let mut titles: Vec<String> = open.iter().take(2).map(|a| a.title.trim().trim_end_matches('.').to_string()).collect();
        if open.len() > 2 {
            titles.push(format!("{} till", count_sv(open.len() - 2, "aktivitet", "aktiviteter")));
        }
        return Some(("Det här gör vi nu", titles.join("; ")));
    }
    let analysis = plain_analysis(g.assessment.as_ref().map(|a| a.analysis.as_str()).unwrap_or(""));
    let sentence = sentences(&analysis.replace('\n', " ")).into_iter().find(|s| !s.contains(" bedöms ") && !s.starts_with("Målet bedöms"));
    sentence.map(|s| ("Ur analysen", shortened(&s, 150)))
}

/// `text` cut at a word to at most `max` characters, with "…" when cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

fn status_text(s: &StatusView) -> String {
    match s.status {
        Some(st) => format!("{} {}{}", st.symbol(), st.label_sv(), if s.manual { " (bedömd)" } else { "" }),
        None => "○ Saknas".to_string(),
    }
}

fn trend_text(t: Option<Trend>) -> &'static str {
    match t {
        Some(Trend::Better) => "↗ bättre än året innan",
        Some(Trend::Worse) => "↘ sämre än året innan",
        Some(Trend::Unchanged) => "→ oförändrat",
        None => "",
    }
}

fn indicator_line(out: &mut String, i: &IndicatorCard) {
    let d = i.decimals.max(0) as usize;
    let value = i.value.map(|v| format!("{} {}", number_sv(v, d), i.unit)).unwrap_or_else(|| "–".into());
    let target = match (i.target, i.target_year) {
        (Some(t), Some(y)) => format!("mål {y} {} {}", number_sv(t, d), i.unit),
        (Some(t), None) => format!("mål {} {}", number_sv(t, d), i.unit),
        (None, _) => "inget mål".into(),
    };
    let beside: Vec<String> = i.value_period.iter().cloned().chain(genders_sv(i)).collect();
    let beside = if beside.is_empty() { String::new() } else { format!(" ({})", beside.join("; ")) };
    let _ = writeln!(out, "      • {}: {value}{beside}, {target}  {}  {}", i.name, status_text(&i.status), trend_text(i.trend));
}

fn goal_lines(out: &mut String, g: &GoalCard) {
    let code = if g.code.is_empty() { String::new() } else { format!("{} ", g.code) };
    let _ = writeln!(out, "    {code}{}  [{}]", g.title, status_text(&g.status));
    let _ = writeln!(out, "      {}", explain_sv(&g.status.explanation));
    if g.status.manual {
        let _ = writeln!(out, "      Beräknat: {} – {}", status_text(&g.computed), explain_sv(&g.computed.explanation));
    }
    if g.loose_thread {
        let _ = writeln!(out, "      ⚠ Lös tråd: målet är inte kopplat till något mål på högre nivå.");
    }
    for i in &g.indicators {
        indicator_line(out, i);
    }
}

/// The scorecard as text, in the order the window shows it.
pub fn scorecard(card: &Scorecard) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Styrkort – {}, {} ({})", card.unit.name, card.period.name, card.period.key);
    if !card.vision.is_empty() {
        let _ = writeln!(out, "Vision: {}", card.vision);
    }
    for p in &card.perspectives {
        let _ = writeln!(out);
        let _ = writeln!(out, "== {} ==  [{}]", p.name, status_text(&p.status));
        if p.goals.is_empty() {
            let _ = writeln!(out, "    (inga mål i detta perspektiv)");
        }
        for g in &p.goals {
            goal_lines(&mut out, g);
        }
    }
    if !card.activities.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "== Aktiviteter ==");
        for a in &card.activities {
            let dates = match (&a.start_date, &a.end_date) {
                (Some(s), Some(e)) => format!(" {s} – {e}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "    [{}] {}{dates} {}",
                a.status.label_sv(),
                a.title,
                if a.responsible.is_empty() { String::new() } else { format!("({})", a.responsible) }
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Teckenförklaring: {} Uppnått = målet nås, {} Nära = inom gränsen för gult, {} Ej uppnått = utanför gränsen, ○ Saknas = inget värde eller mål.",
        Status::Green.symbol(),
        Status::Yellow.symbol(),
        Status::Red.symbol()
    );
    out
}

/// The organisation tree as indented text.
pub fn unit_tree(nodes: &[UnitNode]) -> String {
    fn walk(out: &mut String, nodes: &[UnitNode], depth: usize) {
        for n in nodes {
            let inactive = if n.unit.active { "" } else { " (inaktiv)" };
            let _ = writeln!(out, "{}{} [{}, id {}]{inactive}", "  ".repeat(depth), n.unit.name, n.unit.kind.label_sv(), n.unit.id);
            walk(out, &n.children, depth + 1);
        }
    }
    let mut out = String::new();
    walk(&mut out, nodes, 0);
    out
}

/// The periods of a year as a table.
pub fn periods(year: i32, periods: &[Period]) -> String {
    let mut out = format!("Perioder {year}\n");
    for p in periods {
        let _ = writeln!(
            out,
            "  {:<8} {:<18} {} – {}  sista dag {}{}",
            p.key,
            p.name,
            p.start_date,
            p.end_date,
            p.deadline.as_deref().unwrap_or("–"),
            if p.locked { "  (låst)" } else { "" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_loses_its_marks_but_keeps_its_words() {
        assert_eq!(plain_analysis("Målet bedöms **delvis** uppfyllas."), "Målet bedöms delvis uppfyllas.");
        assert_eq!(plain_analysis("Två saker:\n- **ny** rutin\n* tidigare möten"), "Två saker:\n– ny rutin\n– tidigare möten");
        assert_eq!(plain_analysis("5 ** 2 är inget fetstil"), "5 ** 2 är inget fetstil");
        assert_eq!(sentences("Värdet var 7,6 procent. Vi gör mer! Klart"), vec!["Värdet var 7,6 procent.", "Vi gör mer!", "Klart"]);
    }

    #[test]
    fn swedish_numbers() {
        assert_eq!(number_sv(1234567.891, 2), "1\u{a0}234\u{a0}567,89");
        assert_eq!(number_sv(8.75, 1), "8,8");
        assert_eq!(number_sv(-1200.0, 0), "−1\u{a0}200");
        assert_eq!(number_sv(-0.04, 1), "0,0");
        assert_eq!(number_sv(999.0, 0), "999");
        assert_eq!(number_sv(15230.0, 0), "15\u{a0}230");
    }
}
