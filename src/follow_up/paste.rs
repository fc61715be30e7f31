//! Numbers as people type and paste them: Swedish decimal comma, spaces between
//! thousands, a trailing percent sign, and blocks copied from Excel (tab-separated).

use serde::Serialize;
use ts_rs::TS;

use crate::error::Msg;
use crate::msg;

/// Why a cell could not be read, with its place in the pasted block (1-based).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CellProblem {
    pub row: u32,
    pub column: u32,
    pub text: String,
    /// Why, in Swedish.
    pub reason: String,
    /// Why, in English.
    pub reason_en: String,
}

impl CellProblem {
    pub fn new(row: u32, column: u32, text: String, reason: Msg) -> Self {
        Self { row, column, text, reason: reason.sv, reason_en: reason.en }
    }
}

/// Read one typed or pasted number. `Ok(None)` is an empty cell (or a dash).
///
/// Accepted: `1 234,5` (space, no-break or narrow no-break space between thousands),
/// `1234,5`, `1234.5` (a point is read as the decimal mark when there is no comma),
/// `−3,2` (Unicode minus), `12,5 %`. Refused with a reason: letters, two decimal marks,
/// misplaced thousands groups, non-finite numbers.
pub fn parse_number(text: &str) -> Result<Option<f64>, Msg> {
    let t = text.trim();
    if t.is_empty() || t == "-" || t == "–" || t == "—" {
        return Ok(None);
    }
    let t = t.strip_suffix('%').map(str::trim_end).unwrap_or(t);
    let mut s: String = t
        .chars()
        .map(|c| match c {
            '\u{2212}' | '\u{2013}' => '-',
            c => c,
        })
        .collect();
    // Thousands separators: any kind of space, only between groups of three digits.
    let has_space = s.chars().any(|c| c == ' ' || c == '\u{a0}' || c == '\u{202f}');
    if has_space {
        let unsigned = s.trim_start_matches(['-', '+']);
        let int_part = unsigned.split([',', '.']).next().unwrap_or("");
        let groups: Vec<&str> = int_part.split([' ', '\u{a0}', '\u{202f}']).collect();
        let well_grouped = groups.len() > 1 && !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
        if !well_grouped {
            return Err(msg!(
                "'{text}' har mellanslag på fel ställe. Skriv talet utan mellanslag eller med mellanslag mellan tusental (1 234,5).",
                "'{text}' has spaces in the wrong place. Write the number without spaces or with spaces between thousands (1 234.5)."
            ));
        }
        s.retain(|c| c != ' ' && c != '\u{a0}' && c != '\u{202f}');
    }
    let commas = s.matches(',').count();
    let points = s.matches('.').count();
    if commas + points > 1 {
        return Err(msg!(
            "'{text}' har mer än ett decimaltecken. Använd decimalkomma, t.ex. 12,5.",
            "'{text}' has more than one decimal mark. Use one decimal mark, e.g. 12.5."
        ));
    }
    let s = s.replace(',', ".");
    if !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+') || !s.chars().any(|c| c.is_ascii_digit()) {
        return Err(msg!(
            "'{text}' är inte ett tal. Skriv bara siffror, t.ex. 1 234,5.",
            "'{text}' is not a number. Write digits only, e.g. 1 234.5."
        ));
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(msg!(
            "'{text}' är inte ett tal. Skriv bara siffror, t.ex. 1 234,5.",
            "'{text}' is not a number. Write digits only, e.g. 1 234.5."
        )),
    }
}

/// Split a block copied from a spreadsheet into rows and cells (tab-separated, with
/// `\n` or `\r\n` between rows; one trailing newline is ignored).
pub fn split_block(block: &str) -> Vec<Vec<String>> {
    let trimmed = block.strip_suffix("\r\n").or_else(|| block.strip_suffix('\n')).unwrap_or(block);
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed.split('\n').map(|row| row.trim_end_matches('\r').split('\t').map(str::to_string).collect()).collect()
}

/// Read a whole pasted block: every cell parsed, or the list of every problem.
/// Nothing partial: a caller saves only when this returns `Ok`.
pub fn parse_block(block: &str) -> Result<Vec<Vec<Option<f64>>>, Vec<CellProblem>> {
    let mut problems = Vec::new();
    let rows: Vec<Vec<Option<f64>>> = split_block(block)
        .iter()
        .enumerate()
        .map(|(r, cells)| {
            cells
                .iter()
                .enumerate()
                .map(|(c, text)| match parse_number(text) {
                    Ok(v) => v,
                    Err(reason) => {
                        problems.push(CellProblem::new(r as u32 + 1, c as u32 + 1, text.clone(), reason));
                        None
                    }
                })
                .collect()
        })
        .collect();
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_the_way_swedes_write_them() {
        let cases: &[(&str, Option<f64>)] = &[
            ("12,5", Some(12.5)),
            ("1 234,5", Some(1234.5)),
            ("1\u{a0}234\u{a0}567", Some(1234567.0)),
            ("1\u{202f}234,25", Some(1234.25)),
            ("−3,2", Some(-3.2)),
            ("-1 200", Some(-1200.0)),
            ("12,5 %", Some(12.5)),
            ("8.4", Some(8.4)),
            ("  42  ", Some(42.0)),
            ("", None),
            ("   ", None),
            ("-", None),
            ("–", None),
            ("0", Some(0.0)),
            (",5", Some(0.5)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_number(text), Ok(*expected), "{text:?}");
        }
    }

    #[test]
    fn text_and_malformed_numbers_are_refused_with_a_reason() {
        for text in ["abc", "12,5,3", "1.234,5", "12 34", "1 23 456", "NaN", "inf", "12a", "1e400", "--5", "%"] {
            let err = parse_number(text).expect_err(text);
            assert!(err.sv.contains(text.trim()) && err.en.contains(text.trim()), "{text}: {err:?}");
        }
    }

    #[test]
    fn blocks_from_excel_keep_their_shape() {
        let rows = parse_block("1,5\t2 000\t\r\n\t-\t3\n").unwrap();
        assert_eq!(rows, vec![vec![Some(1.5), Some(2000.0), None], vec![None, None, Some(3.0)]]);
        assert!(parse_block("").unwrap().is_empty());
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_place() {
        let problems = parse_block("1\tx\n2,5\t3\nja\t4").unwrap_err();
        let places: Vec<(u32, u32)> = problems.iter().map(|p| (p.row, p.column)).collect();
        assert_eq!(places, [(1, 2), (3, 1)]);
        assert_eq!(problems[1].text, "ja");
    }
}
