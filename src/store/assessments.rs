//! Repository for `assessment`: a goal's bedömning and analys per unit and period, and its
//! review state.
