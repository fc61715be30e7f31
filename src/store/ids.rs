//! Sets of ids passed to SQL as one JSON array, read with `json_each`, so one statement
//! serves one id or thousands.

/// Ids as a JSON array: `[1,2,3]`.
pub(in crate::store) fn list(ids: impl IntoIterator<Item = i64>) -> String {
    let mut s = String::from("[");
    for (n, id) in ids.into_iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}

/// Pairs of ids as a JSON array of arrays: `[[1,2],[3,4]]`.
pub(in crate::store) fn pairs(pairs: &[(i64, i64)]) -> String {
    let mut s = String::from("[");
    for (n, (a, b)) in pairs.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        s.push_str(&format!("[{a},{b}]"));
    }
    s.push(']');
    s
}
