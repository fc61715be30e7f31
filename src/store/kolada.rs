//! Repository for `kolada_kpi`, `kolada_value` and `kolada_value_history`.
