//! Amounts as people read and type them: öre stored, tkr or mnkr shown (a report setting),
//! Swedish style ("1 234", "−14,2"). Exact: typed text is turned into öre digit by digit,
//! never through floating point, and shown amounts are rounded half away from zero.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Msg;
use crate::msg;

/// The unit economy amounts are shown and typed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AmountUnit {
    /// Tusen kronor, whole numbers.
    #[default]
    Tkr,
    /// Miljoner kronor, one decimal.
    Mnkr,
}

/// Öre per krona.
pub const ORE_PER_KR: i64 = 100;

impl AmountUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            AmountUnit::Tkr => "tkr",
            AmountUnit::Mnkr => "mnkr",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "tkr" => Some(AmountUnit::Tkr),
            "mnkr" | "mkr" => Some(AmountUnit::Mnkr),
            _ => None,
        }
    }

    /// Öre in one of this unit.
    pub fn ore(self) -> i64 {
        match self {
            AmountUnit::Tkr => 1_000 * ORE_PER_KR,
            AmountUnit::Mnkr => 1_000_000 * ORE_PER_KR,
        }
    }

    /// Decimals shown.
    pub fn decimals(self) -> u32 {
        match self {
            AmountUnit::Tkr => 0,
            AmountUnit::Mnkr => 1,
        }
    }

    /// Decimals that can be typed: down to the öre.
    fn typed_decimals(self) -> u32 {
        match self {
            AmountUnit::Tkr => 5,
            AmountUnit::Mnkr => 8,
        }
    }
}

/// `ore` in `unit`, rounded half away from zero to the unit's decimals, Swedish style:
/// a space between thousands, a decimal comma, the minus sign "−". Zero never shows a sign.
pub fn format(ore: i64, unit: AmountUnit) -> String {
    let step = unit.ore() / 10_i64.pow(unit.decimals());
    let ore = i128::from(ore);
    let step = i128::from(step);
    let rounded = (ore.abs() + step / 2) / step; // in the unit's smallest shown step
    let negative = ore < 0 && rounded != 0;
    let scale = 10_i128.pow(unit.decimals());
    let (whole, fraction) = (rounded / scale, rounded % scale);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped);
    if unit.decimals() > 0 {
        out.push(',');
        out.push_str(&format!("{:0width$}", fraction, width = unit.decimals() as usize));
    }
    out
}

/// `ore` in `unit`, or "–" for no amount.
pub fn format_opt(ore: Option<i64>, unit: AmountUnit) -> String {
    ore.map(|o| format(o, unit)).unwrap_or_else(|| "–".to_string())
}

/// Read a typed or pasted amount in `unit` into öre, exactly. `Ok(None)` is an empty cell.
/// The number is read as `follow_up::paste` reads any number (spaces between thousands, a
/// decimal comma or point, "−"); a percent sign or more decimals than öre are refused.
pub fn parse(text: &str, unit: AmountUnit) -> Result<Option<i64>, Msg> {
    if crate::follow_up::paste::parse_number(text)?.is_none() {
        return Ok(None);
    }
    let t = text.trim();
    if t.ends_with('%') {
        return Err(msg!(
            "'{t}' är en procentsats, inte ett belopp. Skriv beloppet i {}.",
            "'{t}' is a percentage, not an amount. Write the amount in {}.",
            unit.as_str()
        ));
    }
    let normalised: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| match c {
            '\u{2212}' | '\u{2013}' => '-',
            ',' => '.',
            c => c,
        })
        .collect();
    let (negative, unsigned) = match normalised.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, normalised.strip_prefix('+').unwrap_or(&normalised)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let too_big = || {
        msg!(
            "'{t}' är för stort för ett belopp i {}. Kontrollera att beloppet är i {}.",
            "'{t}' is too large for an amount in {}. Check that the amount is in {}.",
            unit.as_str(),
            unit.as_str()
        )
    };
    if fraction.len() > unit.typed_decimals() as usize {
        return Err(msg!(
            "'{t}' har fler decimaler än öre. Skriv högst {} decimaler i {}.",
            "'{t}' has more decimals than öre. Write at most {} decimals in {}.",
            unit.typed_decimals(),
            unit.as_str()
        ));
    }
    if whole.len() > 15 {
        return Err(too_big());
    }
    let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_big())? };
    let fraction_ore: i128 = if fraction.is_empty() {
        0
    } else {
        let padded = format!("{fraction:0<width$}", width = unit.typed_decimals() as usize);
        padded.parse().map_err(|_| too_big())?
    };
    let ore = whole * i128::from(unit.ore()) + fraction_ore;
    let ore = if negative { -ore } else { ore };
    let ore = i64::try_from(ore).map_err(|_| too_big())?;
    if ore.abs() > super::rules::MAX_AMOUNT {
        return Err(too_big());
    }
    Ok(Some(ore))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TKR: i64 = 100_000;

    #[test]
    fn amounts_show_in_tkr_and_mnkr_rounded_half_away_from_zero() {
        assert_eq!(format(1_234_567 * TKR, AmountUnit::Tkr), "1 234 567");
        assert_eq!(format(-14_000 * TKR, AmountUnit::Tkr), "−14 000");
        assert_eq!(format(49_999, AmountUnit::Tkr), "0");
        assert_eq!(format(50_000, AmountUnit::Tkr), "1");
        assert_eq!(format(-50_000, AmountUnit::Tkr), "−1");
        assert_eq!(format(-49_999, AmountUnit::Tkr), "0", "no sign on a zero");
        assert_eq!(format(-14_250 * TKR, AmountUnit::Mnkr), "−14,3");
        assert_eq!(format(1_100_000 * TKR, AmountUnit::Mnkr), "1 100,0");
        assert_eq!(format(0, AmountUnit::Mnkr), "0,0");
        assert_eq!(format_opt(None, AmountUnit::Tkr), "–");
        assert_eq!(format(i64::MIN, AmountUnit::Tkr).chars().next(), Some('−'), "no overflow at the edge");
    }

    #[test]
    fn typed_amounts_become_exact_ore() {
        let cases: &[(&str, AmountUnit, Option<i64>)] = &[
            ("1 234", AmountUnit::Tkr, Some(1_234 * TKR)),
            ("−14 000", AmountUnit::Tkr, Some(-14_000 * TKR)),
            ("0,01", AmountUnit::Tkr, Some(1_000)),
            ("0,00001", AmountUnit::Tkr, Some(1)),
            ("-14,2", AmountUnit::Mnkr, Some(-14_200 * TKR)),
            ("1\u{a0}100,25", AmountUnit::Mnkr, Some(1_100_250 * TKR)),
            ("0.1", AmountUnit::Mnkr, Some(100 * TKR)),
            ("", AmountUnit::Tkr, None),
            ("–", AmountUnit::Tkr, None),
        ];
        for (text, unit, expected) in cases {
            assert_eq!(parse(text, *unit), Ok(*expected), "{text:?}");
        }
        // 0,1 + 0,2 in floating point is not 0,3; here it is.
        assert_eq!(parse("0,3", AmountUnit::Mnkr), Ok(Some(parse("0,1", AmountUnit::Mnkr).unwrap().unwrap() * 3)));
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        for text in ["abc", "12 %", "0,000001", "1 23", "99999999999999999"] {
            let err = parse(text, AmountUnit::Tkr).expect_err(text);
            assert!(err.sv.contains(text.trim()), "{text}: {err:?}");
        }
    }
}
