//! The Kolada KPI list shipped with the app (reference/kolada-kpi.tsv, Källa: Kolada), so an
//! indicator's Kolada id can be searched without a network or an import.

const LIST: &str = include_str!("../../reference/kolada-kpi.tsv");

/// Every (id, title) of the shipped list, in id order.
pub fn kpis() -> impl Iterator<Item = (&'static str, &'static str)> {
    LIST.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('\t'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_list_has_known_kpis_with_swedish_titles() {
        let all: Vec<_> = super::kpis().collect();
        assert!(all.len() > 2000, "{}", all.len());
        let sick = all.iter().find(|(id, _)| *id == "N00090").map(|(_, t)| *t);
        assert_eq!(sick, Some("Sjukfrånvaro totalt bland anställda, kommun, andel (%)"));
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "sorted and unique");
    }
}
