//! The seam between the repositories and the two engines (issue 14): one small API, shaped
//! like rusqlite's, that runs the same SQL on the laptop's SQLite file and on a shared
//! PostgreSQL database.
//!
//! Repositories write SQL both engines accept (`?1` placeholders, `RETURNING id`,
//! `ON CONFLICT … DO …`, `IS NOT DISTINCT FROM`, `CAST(j.value AS BIGINT)` over `json_each`)
//! and bind and read values through [`ToValue`] and [`FromValue`]. On SQLite the statement
//! goes to rusqlite unchanged; on PostgreSQL the placeholders become `$N` and each value is
//! encoded as the type the server inferred for its place ([`Value`]'s `ToSql`), so the
//! schemas' INTEGER/BIGINT and REAL/DOUBLE PRECISION columns take the same Rust values.
//!
//! Why not sea-query: our SQL is already written and tuned per statement (CROSS JOIN orders,
//! index hints); a builder would mean writing all 390 statements again, while the dialect
//! gaps between SQLite ≥ 3.39 and PostgreSQL ≥ 13 are few enough to avoid in the text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use crate::error::{AppError, ErrorCode, Result as AppResult};
use crate::msg;

/// A value as both engines store it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A borrowed [`Value`], what [`FromValue`] reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Value {
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

impl<'a> ValueRef<'a> {
    pub fn as_str(self) -> Result<&'a str> {
        match self {
            ValueRef::Text(s) => Ok(s),
            other => Err(Error::Conversion(format!("expected text, found {other:?}"))),
        }
    }

    pub fn to_owned(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(s) => Value::Text(s.to_string()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }

    pub(in crate::store) fn from_sqlite(v: rusqlite::types::ValueRef<'a>) -> Result<Self> {
        use rusqlite::types::ValueRef as S;
        Ok(match v {
            S::Null => ValueRef::Null,
            S::Integer(i) => ValueRef::Integer(i),
            S::Real(f) => ValueRef::Real(f),
            S::Text(t) => ValueRef::Text(std::str::from_utf8(t).map_err(|e| Error::Conversion(e.to_string()))?),
            S::Blob(b) => ValueRef::Blob(b),
        })
    }
}

/// What went wrong in a statement. Converted into an [`AppError`] at the repository's edge.
#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    Pg(postgres::Error),
    /// `query_row` found no row; [`OptionalExtension::optional`] turns it into `None`.
    NoRows,
    /// A column held something the Rust type cannot take.
    Conversion(String),
    /// An operation only one engine has (the caller says which and why).
    Unsupported(&'static str),
    /// A rule inside a row mapping failed.
    App(Box<AppError>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sqlite(e) => write!(f, "{e}"),
            Error::Pg(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.code().code(), db.message()),
                None => write!(f, "{e}"),
            },
            Error::NoRows => write!(f, "no row"),
            Error::Conversion(m) => write!(f, "{m}"),
            Error::Unsupported(m) => write!(f, "{m}"),
            Error::App(e) => write!(f, "{}", e.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            other => Error::Sqlite(other),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Pg(e)
    }
}

impl From<AppError> for Error {
    fn from(e: AppError) -> Self {
        Error::App(Box::new(e))
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::Sqlite(e) => AppError::from(e),
            Error::Pg(e) => AppError::from(e),
            Error::NoRows => AppError::from(rusqlite::Error::QueryReturnedNoRows),
            Error::Conversion(m) => AppError::new(
                ErrorCode::Internal,
                msg!(
                    "Databasen innehåller ett värde av fel slag ({m}). Kontakta support.",
                    "The database holds a value of the wrong kind ({m}). Contact support."
                ),
            ),
            Error::Unsupported(what) => AppError::validation(msg!(
                "Det här går bara i en databasfil på datorn, inte i den gemensamma databasen ({what}).",
                "This works only in a database file on the computer, not in the shared database ({what})."
            )),
            Error::App(e) => *e,
        }
    }
}

/// `query_row(…).optional()`: no row is `None`, as in rusqlite.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Values in and out

/// A Rust value bound to a placeholder.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

/// A Rust value read from a column.
pub trait FromValue: Sized {
    fn from_value(v: ValueRef<'_>) -> Result<Self>;
}

fn wrong(v: ValueRef<'_>, wanted: &str) -> Error {
    Error::Conversion(format!("expected {wanted}, found {v:?}"))
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl FromValue for Value {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        Ok(v.to_owned())
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue + ?Sized> ToValue for Box<T> {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Integer(*self as i64)
            }
        }
        impl FromValue for $t {
            fn from_value(v: ValueRef<'_>) -> Result<Self> {
                match v {
                    ValueRef::Integer(i) => <$t>::try_from(i).map_err(|_| Error::Conversion(format!("{i} is out of range"))),
                    other => Err(wrong(other, "an integer")),
                }
            }
        }
    )*};
}
integer!(i8, i16, i32, i64, u8, u16, u32);

impl ToValue for usize {
    fn to_value(&self) -> Value {
        Value::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl FromValue for usize {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Integer(i) => usize::try_from(i).map_err(|_| Error::Conversion(format!("{i} is out of range"))),
            other => Err(wrong(other, "an integer")),
        }
    }
}
impl ToValue for u64 {
    fn to_value(&self) -> Value {
        Value::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl FromValue for u64 {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Integer(i) => u64::try_from(i).map_err(|_| Error::Conversion(format!("{i} is out of range"))),
            other => Err(wrong(other, "an integer")),
        }
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}
impl FromValue for bool {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Integer(i) => Ok(i != 0),
            other => Err(wrong(other, "0 or 1")),
        }
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl FromValue for f64 {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(wrong(other, "a number")),
        }
    }
}
impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::Real(f64::from(*self))
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl FromValue for String {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Text(s) => Ok(s.to_string()),
            other => Err(wrong(other, "text")),
        }
    }
}
impl ToValue for std::borrow::Cow<'_, str> {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(wrong(other, "bytes")),
        }
    }
}

impl ToValue for chrono::NaiveDate {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%Y-%m-%d").to_string())
    }
}
impl FromValue for chrono::NaiveDate {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        let s = v.as_str()?;
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| Error::Conversion(format!("{s}: {e}")))
    }
}

impl ToValue for serde_json::Value {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl FromValue for serde_json::Value {
    fn from_value(v: ValueRef<'_>) -> Result<Self> {
        serde_json::from_str(v.as_str()?).map_err(|e| Error::Conversion(e.to_string()))
    }
}

/// Binds a [`Value`] for rusqlite.
impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as S};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => S::Null,
            Value::Integer(i) => S::Integer(*i),
            Value::Real(f) => S::Real(*f),
            Value::Text(s) => S::Text(s.as_bytes()),
            Value::Blob(b) => S::Blob(b),
        }))
    }
}

// ---------------------------------------------------------------------------------------
// Parameters

/// What a statement binds: `[]`, `[id]`, `params![a, b]`, `params_from_iter(values)`.
pub trait Params {
    fn values(self) -> Vec<Value>;
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Vec<Value> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl Params for [&dyn ToValue; 0] {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

impl Params for () {
    fn values(self) -> Vec<Value> {
        Vec::new()
    }
}

impl Params for Vec<Value> {
    fn values(self) -> Vec<Value> {
        self
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToValue> Params for [T; $n] {
            fn values(self) -> Vec<Value> {
                self.iter().map(|v| v.to_value()).collect()
            }
        }
        impl<T: ToValue> Params for &[T; $n] {
            fn values(self) -> Vec<Value> {
                self.iter().map(|v| v.to_value()).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

/// Values from an iterator, as rusqlite's `params_from_iter`.
pub struct ParamsFromIter(Vec<Value>);

pub fn params_from_iter<I>(iter: I) -> ParamsFromIter
where
    I: IntoIterator,
    I::Item: ToValue,
{
    ParamsFromIter(iter.into_iter().map(|v| v.to_value()).collect())
}

impl Params for ParamsFromIter {
    fn values(self) -> Vec<Value> {
        self.0
    }
}

/// `params![a, b, c]`: the placeholders' values in order.
#[macro_export]
macro_rules! sql_params {
    () => {
        &[] as &[&dyn $crate::store::sql::ToValue]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::store::sql::ToValue),+] as &[&dyn $crate::store::sql::ToValue]
    };
}
pub use crate::sql_params as params;

// ---------------------------------------------------------------------------------------
// Rows

/// Which column: by position, as every repository reads.
pub trait RowIndex {
    fn index(&self) -> usize;
}
impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// One row of a result.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Pg(&'r [Value]),
}

impl Row<'_> {
    pub fn get<I: RowIndex, T: FromValue>(&self, idx: I) -> Result<T> {
        T::from_value(self.get_ref(idx)?)
    }

    pub fn get_ref<I: RowIndex>(&self, idx: I) -> Result<ValueRef<'_>> {
        let i = idx.index();
        match self {
            Row::Sqlite(r) => ValueRef::from_sqlite(r.get_ref(i)?),
            Row::Pg(values) => values.get(i).map(Value::as_ref).ok_or_else(|| Error::Conversion(format!("no column {i}"))),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The connection

/// A PostgreSQL session: the client (whose calls take `&mut`), its prepared statements, and
/// whether a transaction is open. Shared by the read handles of one store.
pub struct PgSession {
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
}

impl PgSession {
    pub fn new(client: postgres::Client) -> Self {
        Self { client: RefCell::new(client), statements: RefCell::new(HashMap::new()) }
    }

    /// The client, for what only PostgreSQL has (LISTEN, COPY, roles).
    pub fn with_client<T>(&self, f: impl FnOnce(&mut postgres::Client) -> T) -> T {
        f(&mut self.client.borrow_mut())
    }

    fn statement(&self, client: &mut postgres::Client, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = client.prepare(&pg_sql(sql)).inspect_err(|e| {
            if std::env::var_os("STYRKORT_DEBUG_SQL").is_some() {
                eprintln!("DEBUGSQL {e}: {sql}")
            }
        })?;
        let mut cache = self.statements.borrow_mut();
        if cache.len() > 512 {
            cache.clear();
        }
        cache.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }

    /// The tables other sessions and this one have announced as changed since the last call
    /// (PostgreSQL sends them at commit; see the `0003_notify` migration).
    pub fn take_notified(&self) -> Vec<String> {
        let mut client = self.client.borrow_mut();
        let mut notifications = client.notifications();
        let mut out = Vec::new();
        use postgres::fallible_iterator::FallibleIterator;
        let mut pending = notifications.iter();
        while let Ok(Some(n)) = pending.next() {
            if !out.iter().any(|t: &String| t == n.payload()) {
                out.push(n.payload().to_string());
            }
        }
        out
    }

    /// Forget prepared statements (after a reconnect or a schema change).
    pub fn forget_statements(&self) {
        self.statements.borrow_mut().clear();
    }

    fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Vec<Value>>> {
        let mut client = self.client.borrow_mut();
        let stmt = self.statement(&mut client, sql)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect();
        let rows = client.query(&stmt, &refs)?;
        rows.iter().map(|r| (0..r.len()).map(|i| r.try_get::<_, Value>(i).map_err(Error::from)).collect()).collect()
    }

    fn execute(&self, sql: &str, params: Vec<Value>) -> Result<usize> {
        let mut client = self.client.borrow_mut();
        let stmt = self.statement(&mut client, sql)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect();
        Ok(usize::try_from(client.execute(&stmt, &refs)?).unwrap_or(usize::MAX))
    }

    pub(in crate::store) fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }

    /// One round trip, so a connection the server or the network dropped is noticed (as
    /// `Disconnected`) before the window shows its data as fresh.
    pub(in crate::store) fn ping(&self) -> crate::error::Result<()> {
        self.client.borrow_mut().is_valid(super::pg::PING_TIMEOUT).map_err(super::pg::lost)
    }
}

/// A connection to either engine, as repositories see it.
#[derive(Clone, Copy)]
pub enum Db<'c> {
    Sqlite(&'c rusqlite::Connection),
    Pg(&'c PgSession),
}

impl<'c> Db<'c> {
    /// The SQLite connection, for what only a file has (backups, the page check, the
    /// pre-update hook); on PostgreSQL `Unsupported` naming the operation.
    pub fn sqlite(self, what: &'static str) -> Result<&'c rusqlite::Connection> {
        match self {
            Db::Sqlite(c) => Ok(c),
            Db::Pg(_) => Err(Error::Unsupported(what)),
        }
    }

    pub fn is_pg(self) -> bool {
        matches!(self, Db::Pg(_))
    }

    pub fn execute<P: Params>(self, sql: &str, params: P) -> Result<usize> {
        match self {
            Db::Sqlite(c) => Ok(c.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.values()))?),
            Db::Pg(s) => s.execute(sql, params.values()),
        }
    }

    /// Run an `INSERT … RETURNING id` and give the id.
    pub fn insert_returning_id<P: Params>(self, sql: &str, params: P) -> Result<i64> {
        self.query_row(sql, params, |r| r.get(0))
    }

    pub fn execute_batch(self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Db::Pg(s) => s.batch(sql),
        }
    }

    pub fn query_row<T, P: Params, F>(self, sql: &str, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params.values()))?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(Error::NoRows),
                }
            }
            Db::Pg(s) => {
                let rows = s.query(sql, params.values())?;
                match rows.first() {
                    Some(r) => f(&Row::Pg(r)),
                    None => Err(Error::NoRows),
                }
            }
        }
    }

    pub fn prepare(self, sql: &str) -> Result<Statement<'c>> {
        self.prepare_cached(sql)
    }

    pub fn prepare_cached(self, sql: &str) -> Result<Statement<'c>> {
        match self {
            Db::Sqlite(c) => Ok(Statement::Sqlite(c.prepare_cached(sql)?)),
            Db::Pg(s) => Ok(Statement::Pg { session: s, sql: sql.to_string() }),
        }
    }
}

/// A prepared statement.
pub enum Statement<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Pg { session: &'c PgSession, sql: String },
}

impl Statement<'_> {
    /// The names of the columns the statement returns.
    pub fn column_names(&self) -> Result<Vec<String>> {
        match self {
            Statement::Sqlite(s) => Ok(s.column_names().iter().map(|c| c.to_string()).collect()),
            Statement::Pg { session, sql } => {
                let mut client = session.client.borrow_mut();
                let stmt = session.statement(&mut client, sql)?;
                Ok(stmt.columns().iter().map(|c| c.name().to_string()).collect())
            }
        }
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        match self {
            Statement::Sqlite(s) => Ok(s.execute(rusqlite::params_from_iter(params.values()))?),
            Statement::Pg { session, sql } => session.execute(sql, params.values()),
        }
    }

    pub fn insert_returning_id<P: Params>(&mut self, params: P) -> Result<i64> {
        self.query_row(params, |r| r.get(0))
    }

    pub fn query_row<T, P: Params, F>(&mut self, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(r) => f(&r),
            None => Err(Error::NoRows),
        }
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        let mut rows = self.query(params)?;
        Ok(rows.next()?.is_some())
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        match self {
            Statement::Sqlite(s) => Ok(Rows::Sqlite(s.query(rusqlite::params_from_iter(params.values()))?)),
            Statement::Pg { session, sql } => Ok(Rows::Pg { rows: session.query(sql, params.values())?.into_iter(), current: None }),
        }
    }

    pub fn query_map<T, P: Params, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows { rows: self.query(params)?, f })
    }
}

/// The rows of a query, read one at a time (SQLite) or fetched whole (PostgreSQL).
pub enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Pg { rows: std::vec::IntoIter<Vec<Value>>, current: Option<Vec<Value>> },
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Rows::Pg { rows, current } => {
                *current = rows.next();
                Ok(current.as_deref().map(Row::Pg))
            }
        }
    }
}

/// `query_map`'s iterator.
pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(r)) => Some((self.f)(&r)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL's side

/// SQLite's `?N` and `?` placeholders as PostgreSQL's `$N`, outside quoted text.
pub fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next_bare = 1;
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    out.push_str(&next_bare.to_string());
                    next_bare += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        let bad = |v: &Value| -> Box<dyn std::error::Error + Sync + Send> { format!("{v:?} cannot be sent as {ty}").into() };
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i).map_err(|_| bad(self))?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i).map_err(|_| bad(self))?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => i.to_string().to_sql(&Type::TEXT, out),
                Type::NUMERIC => numeric_of_i64(*i, out),
                _ => Err(bad(self)),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => f.to_string().to_sql(&Type::TEXT, out),
                _ => Err(bad(self)),
            },
            Value::Text(s) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => s.as_str().to_sql(&Type::TEXT, out),
                Type::JSON => {
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                _ => Err(bad(self)),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA => b.as_slice().to_sql(ty, out),
                _ => Err(bad(self)),
            },
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// An integer as PostgreSQL's binary NUMERIC (base-10000 digits).
fn numeric_of_i64(
    i: i64,
    out: &mut bytes::BytesMut,
) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
    let mut n = i.unsigned_abs();
    let mut digits = Vec::new();
    while n > 0 {
        digits.push((n % 10_000) as i16);
        n /= 10_000;
    }
    digits.reverse();
    let weight = digits.len() as i16 - 1;
    out.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.max(0).to_be_bytes());
    out.extend_from_slice(&(if i < 0 { 0x4000u16 } else { 0 }).to_be_bytes());
    out.extend_from_slice(&0i16.to_be_bytes());
    for d in digits {
        out.extend_from_slice(&d.to_be_bytes());
    }
    Ok(postgres::types::IsNull::No)
}

/// PostgreSQL's binary NUMERIC as an integer when it has no fraction, else as f64.
fn value_of_numeric(raw: &[u8]) -> std::result::Result<Value, Box<dyn std::error::Error + Sync + Send>> {
    let short = || -> Box<dyn std::error::Error + Sync + Send> { "short NUMERIC".into() };
    let word = |i: usize| -> std::result::Result<i16, Box<dyn std::error::Error + Sync + Send>> {
        Ok(i16::from_be_bytes([*raw.get(i).ok_or_else(short)?, *raw.get(i + 1).ok_or_else(short)?]))
    };
    let ndigits = word(0)? as usize;
    let weight = i32::from(word(2)?);
    let sign = word(4)? as u16;
    let dscale = word(6)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut whole: i128 = 0;
    let mut value = 0f64;
    let mut exact = dscale == 0;
    for k in 0..ndigits {
        let d = i64::from(word(8 + 2 * k)?);
        let power = weight - k as i32;
        value += d as f64 * 10_000f64.powi(power);
        if power < 0 && d != 0 {
            exact = false;
        }
        if power >= 0 {
            whole = whole.saturating_add(i128::from(d) * 10_000i128.saturating_pow(power as u32));
        }
    }
    if sign == 0x4000 {
        value = -value;
        whole = -whole;
    }
    if exact {
        if let Ok(i) = i64::try_from(whole) {
            return Ok(Value::Integer(i));
        }
    }
    Ok(Value::Real(value))
}

impl<'a> postgres::types::FromSql<'a> for Value {
    fn from_sql(ty: &postgres::types::Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        Ok(match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Integer(i64::from(i16::from_sql(ty, raw)?)),
            Type::OID => Value::Integer(i64::from(u32::from_sql(ty, raw)?)),
            Type::BOOL => Value::Integer(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::NUMERIC => value_of_numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(String::from_utf8(raw.get(1..).unwrap_or_default().to_vec())?),
            _ => Value::Text(String::from_sql(&Type::TEXT, raw)?),
        })
    }

    fn from_sql_null(_: &postgres::types::Type) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Value::Null)
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}

/// Turn a layer error into the app's, for callers that return [`AppResult`].
pub fn app<T>(r: Result<T>) -> AppResult<T> {
    r.map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbered_outside_quotes() {
        assert_eq!(pg_sql("SELECT a FROM t WHERE b=?1 AND c = ?2"), "SELECT a FROM t WHERE b=$1 AND c = $2");
        assert_eq!(pg_sql("INSERT INTO t VALUES (?, ?, '?x')"), "INSERT INTO t VALUES ($1, $2, '?x')");
        assert_eq!(pg_sql("SELECT \"a?\" FROM t WHERE x = ?12"), "SELECT \"a?\" FROM t WHERE x = $12");
    }

    #[test]
    fn numbers_cross_the_numeric_form_exactly() {
        for i in [0i64, 1, -1, 9_999, 10_000, 123_456_789, -987_654_321_012, i64::MAX / 3] {
            let mut buf = bytes::BytesMut::new();
            numeric_of_i64(i, &mut buf).unwrap();
            assert_eq!(value_of_numeric(&buf).unwrap(), Value::Integer(i), "{i}");
        }
    }

    #[test]
    fn values_read_back_as_rust_types() {
        assert_eq!(i64::from_value(ValueRef::Integer(7)).unwrap(), 7);
        assert_eq!(f64::from_value(ValueRef::Integer(7)).unwrap(), 7.0);
        assert!(i64::from_value(ValueRef::Real(7.5)).is_err());
        assert_eq!(Option::<String>::from_value(ValueRef::Null).unwrap(), None);
        assert!(bool::from_value(ValueRef::Integer(1)).unwrap());
        assert!(i32::from_value(ValueRef::Integer(i64::MAX)).is_err());
    }
}
