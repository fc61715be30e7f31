//! Economy follow-up (issue 15): driftredovisning per nämnd/förvaltning and bolag,
//! investeringsredovisning, the municipality's resultaträkning, balansräkning and
//! balanskravsutredning, for a follow-up period.
//!
//! Amounts are exact `i64` öre (hundredths of a krona), signed as in the resultaträkning:
//! revenue positive, costs negative; balance-sheet lines positive on both sides. Avvikelse is
//! prognos − budget, so a positive deviation is better than budget. The SQL lives in
//! `store/economy.rs`.

pub mod figures;
pub mod sie;
pub mod statement;
