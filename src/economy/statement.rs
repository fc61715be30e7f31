//! The lines of a kommunal resultaträkning, balansräkning and balanskravsutredning (LKBR,
//! RKR R17), and how their sums follow from the entered lines. Sums are never stored: a
//! report shows what its lines add up to, so the arithmetic cannot disagree with itself.
//!
//! Signs. Resultaträkning: revenue positive, costs negative, so every sum is a plain
//! addition. Balansräkning: both sides positive. Balanskravsutredning: the entered lines are
//! the positive amounts the standard layout lists, and each sum applies the sign the layout
//! prints in front of the line ("− samtliga realisationsvinster").

use std::collections::HashMap;

/// Which statement a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Statement {
    /// Resultaträkning.
    Income,
    /// Balansräkning.
    Balance,
    /// Balanskravsutredning.
    BalanceRequirement,
}

/// How a line gets its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Entered by hand or imported (`statement_amount`).
    Entered,
    /// The sum of other lines, each with the sign (+1 or −1) it carries here.
    Sum(&'static [(&'static str, i64)]),
}

/// One line of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub key: &'static str,
    pub statement: Statement,
    pub label_sv: &'static str,
    pub label_en: &'static str,
    pub kind: LineKind,
    /// The sign the standard layout prints in front of the line's label (balanskrav only):
    /// `-1` for "− samtliga realisationsvinster", `1` for "+ …", `0` for none.
    pub sign_shown: i8,
}

const fn entered(key: &'static str, statement: Statement, label_sv: &'static str, label_en: &'static str) -> Line {
    Line { key, statement, label_sv, label_en, kind: LineKind::Entered, sign_shown: 0 }
}

const fn signed(key: &'static str, sign: i8, label_sv: &'static str, label_en: &'static str) -> Line {
    Line { key, statement: Statement::BalanceRequirement, label_sv, label_en, kind: LineKind::Entered, sign_shown: sign }
}

const fn sum(
    key: &'static str,
    statement: Statement,
    label_sv: &'static str,
    label_en: &'static str,
    terms: &'static [(&'static str, i64)],
) -> Line {
    Line { key, statement, label_sv, label_en, kind: LineKind::Sum(terms), sign_shown: 0 }
}

use Statement::{Balance as B, BalanceRequirement as K, Income as R};

/// Every line, in the order the statements print them. A sum comes after its terms.
pub const LINES: &[Line] = &[
    // Resultaträkning
    entered("rr.revenue", R, "Verksamhetens intäkter", "Operating revenue"),
    entered("rr.costs", R, "Verksamhetens kostnader", "Operating costs"),
    entered("rr.depreciation", R, "Avskrivningar", "Depreciation"),
    sum(
        "rr.net_cost",
        R,
        "Verksamhetens nettokostnad",
        "Net operating cost",
        &[("rr.revenue", 1), ("rr.costs", 1), ("rr.depreciation", 1)],
    ),
    entered("rr.tax", R, "Skatteintäkter", "Tax revenue"),
    entered("rr.grants", R, "Generella statsbidrag och utjämning", "General government grants and equalisation"),
    sum("rr.operating_result", R, "Verksamhetens resultat", "Operating result", &[("rr.net_cost", 1), ("rr.tax", 1), ("rr.grants", 1)]),
    entered("rr.financial_income", R, "Finansiella intäkter", "Financial income"),
    entered("rr.financial_costs", R, "Finansiella kostnader", "Financial costs"),
    sum(
        "rr.result_after_financial",
        R,
        "Resultat efter finansiella poster",
        "Result after financial items",
        &[("rr.operating_result", 1), ("rr.financial_income", 1), ("rr.financial_costs", 1)],
    ),
    entered("rr.extraordinary", R, "Extraordinära poster", "Extraordinary items"),
    sum("rr.result", R, "Årets resultat", "Result for the year", &[("rr.result_after_financial", 1), ("rr.extraordinary", 1)]),
    // Balansräkning: tillgångar
    entered("br.intangible", B, "Immateriella anläggningstillgångar", "Intangible fixed assets"),
    entered("br.land_buildings", B, "Mark, byggnader och tekniska anläggningar", "Land, buildings and technical facilities"),
    entered("br.machinery", B, "Maskiner och inventarier", "Machinery and equipment"),
    entered("br.financial_assets", B, "Finansiella anläggningstillgångar", "Financial fixed assets"),
    sum(
        "br.fixed_assets",
        B,
        "Summa anläggningstillgångar",
        "Total fixed assets",
        &[("br.intangible", 1), ("br.land_buildings", 1), ("br.machinery", 1), ("br.financial_assets", 1)],
    ),
    entered("br.inventories", B, "Förråd, lager och exploateringsfastigheter", "Inventories and development properties"),
    entered("br.receivables", B, "Fordringar", "Receivables"),
    entered("br.short_investments", B, "Kortfristiga placeringar", "Short-term investments"),
    entered("br.cash", B, "Kassa och bank", "Cash and bank"),
    sum(
        "br.current_assets",
        B,
        "Summa omsättningstillgångar",
        "Total current assets",
        &[("br.inventories", 1), ("br.receivables", 1), ("br.short_investments", 1), ("br.cash", 1)],
    ),
    sum("br.total_assets", B, "Summa tillgångar", "Total assets", &[("br.fixed_assets", 1), ("br.current_assets", 1)]),
    // Balansräkning: eget kapital, avsättningar och skulder
    entered("br.equity_result", B, "Årets resultat", "Result for the year"),
    entered("br.equity_reserve", B, "Resultatutjämningsreserv", "Result equalisation reserve"),
    entered("br.equity_other", B, "Övrigt eget kapital", "Other equity"),
    sum("br.equity", B, "Summa eget kapital", "Total equity", &[("br.equity_result", 1), ("br.equity_reserve", 1), ("br.equity_other", 1)]),
    entered("br.provision_pensions", B, "Avsättningar för pensioner och liknande förpliktelser", "Provisions for pensions"),
    entered("br.provision_other", B, "Andra avsättningar", "Other provisions"),
    sum("br.provisions", B, "Summa avsättningar", "Total provisions", &[("br.provision_pensions", 1), ("br.provision_other", 1)]),
    entered("br.long_term_debt", B, "Långfristiga skulder", "Long-term liabilities"),
    entered("br.short_term_debt", B, "Kortfristiga skulder", "Current liabilities"),
    sum("br.debts", B, "Summa skulder", "Total liabilities", &[("br.long_term_debt", 1), ("br.short_term_debt", 1)]),
    sum(
        "br.total_equity_liabilities",
        B,
        "Summa eget kapital, avsättningar och skulder",
        "Total equity, provisions and liabilities",
        &[("br.equity", 1), ("br.provisions", 1), ("br.debts", 1)],
    ),
    // Balanskravsutredning
    sum("bk.result", K, "Årets resultat enligt resultaträkningen", "Result for the year per the income statement", &[("rr.result", 1)]),
    signed("bk.gains", -1, "Samtliga realisationsvinster", "All capital gains"),
    signed("bk.gains_exception", 1, "Realisationsvinster enligt undantagsmöjlighet", "Capital gains under the exception"),
    signed("bk.losses_exception", 1, "Realisationsförluster enligt undantagsmöjlighet", "Capital losses under the exception"),
    signed("bk.unrealised_gains", -1, "Orealiserade vinster i värdepapper", "Unrealised gains on securities"),
    signed(
        "bk.unrealised_losses_reversed",
        1,
        "Återföring av orealiserade förluster i värdepapper",
        "Reversal of unrealised losses on securities",
    ),
    sum(
        "bk.adjusted",
        K,
        "Årets resultat efter balanskravsjusteringar",
        "Result after balance requirement adjustments",
        &[
            ("bk.result", 1),
            ("bk.gains", -1),
            ("bk.gains_exception", 1),
            ("bk.losses_exception", 1),
            ("bk.unrealised_gains", -1),
            ("bk.unrealised_losses_reversed", 1),
        ],
    ),
    signed("bk.to_reserve", -1, "Reservering av medel till resultatutjämningsreserv", "Allocation to the result equalisation reserve"),
    signed("bk.from_reserve", 1, "Användning av medel från resultatutjämningsreserv", "Use of the result equalisation reserve"),
    sum(
        "bk.requirement",
        K,
        "Årets balanskravsresultat",
        "Balance requirement result for the year",
        &[("bk.adjusted", 1), ("bk.to_reserve", -1), ("bk.from_reserve", 1)],
    ),
];

/// The line with this key.
pub fn line(key: &str) -> Option<&'static Line> {
    LINES.iter().find(|l| l.key == key)
}

/// The lines of one statement, in print order.
pub fn lines_of(statement: Statement) -> impl Iterator<Item = &'static Line> {
    LINES.iter().filter(move |l| l.statement == statement)
}

/// Every line's amount in one column, sums worked out from the entered amounts. A sum is
/// `None` only when none of its terms has an amount (a statement nobody has filled in shows
/// empty, not zero); otherwise a missing term counts as zero.
pub fn compute(entered: &HashMap<&str, i64>) -> HashMap<&'static str, Option<i64>> {
    let mut out: HashMap<&'static str, Option<i64>> = HashMap::with_capacity(LINES.len());
    for l in LINES {
        let amount = match l.kind {
            LineKind::Entered => entered.get(l.key).copied(),
            LineKind::Sum(terms) => {
                let parts: Vec<(Option<i64>, i64)> = terms.iter().map(|(k, sign)| (out.get(k).copied().flatten(), *sign)).collect();
                if parts.iter().all(|(a, _)| a.is_none()) {
                    None
                } else {
                    Some(parts.iter().map(|(a, sign)| a.unwrap_or(0) * sign).sum())
                }
            }
        };
        out.insert(l.key, amount);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sum_comes_after_its_terms_and_every_key_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for l in LINES {
            if let LineKind::Sum(terms) = l.kind {
                for (k, sign) in terms {
                    assert!(seen.contains(k), "{} sums {k} before it is defined", l.key);
                    assert!(*sign == 1 || *sign == -1);
                }
            }
            assert!(seen.insert(l.key), "{} twice", l.key);
        }
    }

    #[test]
    fn the_income_statement_adds_up_with_costs_negative() {
        // Sjöbacka-sized, in tkr × 100 000 öre.
        let tkr = 100_000;
        let e: HashMap<&str, i64> = [
            ("rr.revenue", 182_400 * tkr),
            ("rr.costs", -1_031_900 * tkr),
            ("rr.depreciation", -38_200 * tkr),
            ("rr.tax", 702_500 * tkr),
            ("rr.grants", 201_300 * tkr),
            ("rr.financial_income", 4_100 * tkr),
            ("rr.financial_costs", -6_800 * tkr),
        ]
        .into_iter()
        .collect();
        let c = compute(&e);
        assert_eq!(c["rr.net_cost"], Some(-887_700 * tkr));
        assert_eq!(c["rr.operating_result"], Some(16_100 * tkr));
        assert_eq!(c["rr.result_after_financial"], Some(13_400 * tkr));
        assert_eq!(c["rr.result"], Some(13_400 * tkr), "no extraordinary items counts as zero");
        assert_eq!(c["rr.extraordinary"], None, "an entered line nobody filled in stays empty");
    }

    #[test]
    fn the_balance_requirement_applies_the_standard_signs() {
        let e: HashMap<&str, i64> = [
            ("rr.revenue", 1_000),
            ("rr.costs", -800),
            ("bk.gains", 150),
            ("bk.gains_exception", 20),
            ("bk.losses_exception", 5),
            ("bk.unrealised_gains", 30),
            ("bk.unrealised_losses_reversed", 10),
            ("bk.to_reserve", 40),
            ("bk.from_reserve", 7),
        ]
        .into_iter()
        .collect();
        let c = compute(&e);
        assert_eq!(c["bk.result"], Some(200));
        // 200 − 150 + 20 + 5 − 30 + 10
        assert_eq!(c["bk.adjusted"], Some(55));
        // 55 − 40 + 7
        assert_eq!(c["bk.requirement"], Some(22));
    }

    #[test]
    fn a_negative_result_gives_a_negative_balance_requirement() {
        let e: HashMap<&str, i64> = [("rr.costs", -500), ("rr.tax", 400), ("bk.from_reserve", 60)].into_iter().collect();
        let c = compute(&e);
        assert_eq!(c["bk.requirement"], Some(-40), "a deficit the reserve does not cover must be restored");
    }

    #[test]
    fn empty_statements_stay_empty() {
        let c = compute(&HashMap::new());
        assert!(c.values().all(Option::is_none));
    }

    #[test]
    fn both_sides_of_the_balance_sheet_sum_their_groups() {
        let e: HashMap<&str, i64> = [
            ("br.land_buildings", 900),
            ("br.cash", 100),
            ("br.equity_other", 600),
            ("br.provision_pensions", 150),
            ("br.long_term_debt", 250),
        ]
        .into_iter()
        .collect();
        let c = compute(&e);
        assert_eq!(c["br.total_assets"], Some(1_000));
        assert_eq!(c["br.total_equity_liabilities"], Some(1_000));
    }
}
