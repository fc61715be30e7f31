//! A strict SIE 4 reader: the bytes of a file exported from an ekonomisystem in, the parts
//! Styrkort uses out (header, accounts, dimensions and objects, balances, period balances
//! and budgets). Anything it cannot read exactly is refused with the file's name, the line
//! and what is wrong; nothing is guessed.
//!
//! **Encoding.** A UTF-8 byte order mark means UTF-8. Otherwise `#FORMAT PC8` means IBM code
//! page 437 (the format's own encoding: å ä ö are 0x86 0x84 0x94); a file without it that is
//! valid UTF-8 is read as UTF-8, and anything else as Windows-1252 (what many systems write
//! in practice). A file holding control characters other than tab and line breaks (a NUL, say:
//! not a text file) is refused whatever the encoding.
//!
//! **Lines and fields.** One tag a line; fields separated by spaces or tabs; strings in
//! double quotes with `\"` (and `\\`) escapes; object lists in braces, `{1 "100" 6 "P101"}`
//! or `{}`. `#VER` is followed by a block in `{` … `}` of `#TRANS` rows: they are checked
//! (account, object list, amount) and counted, not kept. Unknown tags are skipped, as the
//! format asks, since it is extended over time.
//!
//! **Amounts** are read exactly into öre: `-1234.5` is −123 450 öre. More than two decimals
//! are refused unless the extra digits are zeros (`12.500`): rounding would make the sums
//! differ from the ekonomisystem's by öre nobody can trace, and SIE amounts are kronor and
//! öre. A decimal comma is refused with a hint, as is any other text.
//!
//! The reader walks the text one line at a time and keeps only aggregates and period rows,
//! so its memory is the decoded text plus what it returns.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::{AppError, Msg, Result};
use crate::msg;

/// The largest SIE file read (a municipality's year with every voucher can be large; the
/// import itself needs only the balances).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// How the file's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// IBM code page 437, declared by `#FORMAT PC8`.
    Cp437,
    /// UTF-8, with or without a byte order mark.
    Utf8,
    /// Windows-1252.
    Windows1252,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Cp437 => "CP437 (PC8)",
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// A financial year of the file (`#RAR`): 0 is this year, −1 last year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinancialYear {
    pub index: i32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub line: usize,
}

/// An account (`#KONTO`, `#KTYP`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    pub name: String,
    /// T tillgång, S skuld, K kostnad, I intäkt (as written; not used for the sums).
    pub kind: Option<char>,
}

/// A dimension (`#DIM`, `#UNDERDIM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    pub name: String,
    pub parent: Option<u32>,
}

/// An object of a dimension: (dimension, code).
pub type ObjectRef = (u32, String);

/// Which balance a `#IB`, `#UB` or `#RES` row gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BalanceKind {
    /// Ingående balans.
    Opening,
    /// Utgående balans.
    Closing,
    /// Saldo för resultatkonto.
    Result,
}

/// A year's balance of an account, or of an account on one object (`#OIB`, `#OUB`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub kind: BalanceKind,
    pub year: i32,
    pub account: u32,
    pub object: Option<ObjectRef>,
    /// Öre, debit positive as in the file.
    pub amount: i64,
    pub line: usize,
}

/// Outcome (`#PSALDO`: the month's change) or budget (`#PBUDGET`) of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Actual,
    Budget,
}

/// One `#PSALDO` or `#PBUDGET` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodAmount {
    pub kind: PeriodKind,
    pub year: i32,
    /// The calendar month as `(year, month)`.
    pub month: (i32, u32),
    pub account: u32,
    /// Empty for the account's total.
    pub objects: Vec<ObjectRef>,
    /// Öre, debit positive as in the file.
    pub amount: i64,
    pub line: usize,
}

/// What Styrkort reads from an SIE file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SieFile {
    pub name: String,
    pub encoding: Encoding,
    pub program: Option<String>,
    pub generated: Option<NaiveDate>,
    pub sie_type: Option<u32>,
    pub company: Option<String>,
    pub org_number: Option<String>,
    pub chart: Option<String>,
    pub years: Vec<FinancialYear>,
    pub accounts: BTreeMap<u32, Account>,
    pub dimensions: BTreeMap<u32, Dimension>,
    pub objects: BTreeMap<ObjectRef, String>,
    pub balances: Vec<Balance>,
    pub periods: Vec<PeriodAmount>,
    pub vouchers: usize,
    /// Tags that were skipped, with how often (unknown to this reader, or not used).
    pub skipped: BTreeMap<String, usize>,
}

impl SieFile {
    /// The financial year with this index (0 this year, −1 last year).
    pub fn year(&self, index: i32) -> Option<&FinancialYear> {
        self.years.iter().find(|y| y.index == index)
    }
}

/// A refusal naming the file and the line.
fn bad(name: &str, line: usize, what: Msg) -> AppError {
    AppError::bad_file(msg!(
        "{name}: rad {line}: {what} Rätta filen eller exportera den på nytt ur ekonomisystemet; inget har sparats.",
        "{name}: line {line}: {what} Correct the file or export it again from the accounting system; nothing has been saved.",
        what = what
    ))
}

/// Decode the file's bytes as the module documentation says.
pub fn decode(name: &str, bytes: &[u8]) -> Result<(String, Encoding)> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(t) => (t.to_string(), Encoding::Utf8),
            Err(e) => {
                let line = 1 + rest[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
                return Err(bad(
                    name,
                    line,
                    msg!(
                        "Filen börjar som UTF-8 (byte order mark) men innehåller tecken som inte är UTF-8.",
                        "The file starts as UTF-8 (byte order mark) but holds characters that are not UTF-8."
                    ),
                ));
            }
        }
    } else if declares_pc8(bytes) {
        (oem_cp::decode_string_complete_table(bytes, &oem_cp::code_table::DECODING_TABLE_CP437), Encoding::Cp437)
    } else if let Ok(t) = std::str::from_utf8(bytes) {
        (t.to_string(), Encoding::Utf8)
    } else {
        // WHATWG's windows-1252 maps every byte, so this never fails; control characters are
        // checked below for every encoding alike.
        let (t, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (t.into_owned(), Encoding::Windows1252)
    };
    // A DOS end-of-file mark (Ctrl-Z) at the very end is tolerated.
    let text = text.strip_suffix('\u{1a}').map(str::to_string).unwrap_or(text);
    for (i, line) in text.split('\n').enumerate() {
        if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t' && *c != '\r') {
            return Err(bad(
                name,
                i + 1,
                msg!(
                    "Raden innehåller ett styrtecken (U+{code:04X}), så filen är inte en SIE-textfil.",
                    "The line holds a control character (U+{code:04X}), so the file is not an SIE text file.",
                    code = c as u32
                ),
            ));
        }
    }
    Ok((text, encoding))
}

/// Whether a line of the raw bytes is `#FORMAT PC8` (tags and the value are ASCII, so this
/// is read before the encoding is known).
fn declares_pc8(bytes: &[u8]) -> bool {
    bytes.split(|b| *b == b'\n').any(|line| {
        let line = line.trim_ascii();
        let Some(rest) = line.strip_prefix(b"#FORMAT") else { return false };
        let value = rest.trim_ascii();
        let value = value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(value);
        value.eq_ignore_ascii_case(b"PC8")
    })
}

/// One field of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Text(String),
    Objects(Vec<ObjectRef>),
}

/// Split a line into fields: words, quoted strings, object lists.
fn fields(name: &str, line_no: usize, line: &str) -> Result<Vec<Field>> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t' || *c == '\r') {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        if c == '{' {
            chars.next();
            let mut inner = String::new();
            let mut in_string = false;
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' if in_string => {
                        inner.push(c);
                        if let Some(n) = chars.next() {
                            inner.push(n);
                        }
                    }
                    '"' => {
                        in_string = !in_string;
                        inner.push(c);
                    }
                    '}' if !in_string => {
                        closed = true;
                        break;
                    }
                    '{' if !in_string => {
                        return Err(bad(
                            name,
                            line_no,
                            msg!("En objektlista får inte innehålla en ny '{{'.", "An object list must not contain another '{{'."),
                        ))
                    }
                    _ => inner.push(c),
                }
            }
            if !closed {
                return Err(bad(
                    name,
                    line_no,
                    msg!("Objektlistan saknar sin avslutande '}}'.", "The object list lacks its closing '}}'."),
                ));
            }
            let parts = fields(name, line_no, &inner)?;
            if parts.len() % 2 != 0 {
                return Err(bad(
                    name,
                    line_no,
                    msg!(
                        "Objektlistan ska bestå av par av dimension och objekt, t.ex. {{1 \"100\"}}.",
                        "The object list must be pairs of dimension and object, e.g. {{1 \"100\"}}."
                    ),
                ));
            }
            let mut list = Vec::with_capacity(parts.len() / 2);
            for pair in parts.chunks(2) {
                let (Field::Text(dim), Field::Text(code)) = (&pair[0], &pair[1]) else {
                    return Err(bad(
                        name,
                        line_no,
                        msg!(
                            "En objektlista får inte innehålla en annan objektlista.",
                            "An object list must not hold another object list."
                        ),
                    ));
                };
                let dim = dimension_number(name, line_no, dim)?;
                if code.is_empty() {
                    return Err(bad(
                        name,
                        line_no,
                        msg!("Ett objekt i objektlistan saknar kod.", "An object in the object list has no code."),
                    ));
                }
                list.push((dim, code.clone()));
            }
            out.push(Field::Objects(list));
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.peek() {
                        Some('"') | Some('\\') => s.push(chars.next().unwrap_or('\\')),
                        _ => s.push('\\'),
                    },
                    '"' => {
                        closed = true;
                        break;
                    }
                    _ => s.push(c),
                }
            }
            if !closed {
                return Err(bad(
                    name,
                    line_no,
                    msg!(
                        "En text inom citattecken slutar aldrig (det avslutande \" saknas).",
                        "A quoted text never ends (the closing \" is missing)."
                    ),
                ));
            }
            out.push(Field::Text(s));
        } else if c == '}' {
            return Err(bad(name, line_no, msg!("En '}}' utan en '{{' före på raden.", "A '}}' without a '{{' before it on the line.")));
        } else {
            let mut s = String::new();
            while let Some(&c) = chars.peek() {
                if c == ' ' || c == '\t' || c == '\r' || c == '{' || c == '"' || c == '}' {
                    break;
                }
                s.push(c);
                chars.next();
            }
            out.push(Field::Text(s));
        }
    }
    Ok(out)
}

fn dimension_number(name: &str, line: usize, text: &str) -> Result<u32> {
    match text.parse::<u32>() {
        Ok(d) if d > 0 && text.chars().all(|c| c.is_ascii_digit()) => Ok(d),
        _ => Err(bad(
            name,
            line,
            msg!(
                "'{text}' är inte ett dimensionsnummer (ett heltal från 1).",
                "'{text}' is not a dimension number (a whole number from 1)."
            ),
        )),
    }
}

/// An amount in kronor with at most two decimals (more only if they are zeros), into öre.
pub fn parse_amount(text: &str) -> std::result::Result<i64, Msg> {
    let not_a_number = || {
        msg!(
            "'{text}' är inte ett belopp. Ett belopp skrivs med punkt som decimaltecken, t.ex. -1234.50.",
            "'{text}' is not an amount. An amount is written with a point as the decimal sign, e.g. -1234.50."
        )
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.contains(',') {
        return Err(msg!(
            "'{text}' har decimalkomma; SIE skriver belopp med punkt, t.ex. 1234.50.",
            "'{text}' has a decimal comma; SIE writes amounts with a point, e.g. 1234.50."
        ));
    }
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(not_a_number());
    }
    let (cents, extra) = fraction.split_at(fraction.len().min(2));
    if extra.chars().any(|c| c != '0') {
        return Err(msg!(
            "'{text}' har fler än två decimaler. Belopp i SIE anges i kronor och ören.",
            "'{text}' has more than two decimals. SIE amounts are given in kronor and öre."
        ));
    }
    let too_big = || msg!("'{text}' är ett för stort belopp.", "'{text}' is too large an amount.");
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_big())? };
    let cents: i64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().map_err(|_| not_a_number())? * 10,
        _ => cents.parse().map_err(|_| not_a_number())?,
    };
    let ore = whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or_else(too_big)?;
    Ok(if negative { -ore } else { ore })
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y%m%d").ok()
}

/// Read an SIE file's bytes (see the module documentation).
pub fn parse(name: &str, bytes: &[u8]) -> Result<SieFile> {
    let (text, encoding) = decode(name, bytes)?;
    let mut file = SieFile {
        name: name.to_string(),
        encoding,
        program: None,
        generated: None,
        sie_type: None,
        company: None,
        org_number: None,
        chart: None,
        years: Vec::new(),
        accounts: BTreeMap::new(),
        dimensions: BTreeMap::new(),
        objects: BTreeMap::new(),
        balances: Vec::new(),
        periods: Vec::new(),
        vouchers: 0,
        skipped: BTreeMap::new(),
    };
    let mut reader = Reader { name, file: &mut file, block: Block::None };
    for (i, raw) in text.split('\n').enumerate() {
        reader.line(i + 1, raw)?;
    }
    match reader.block {
        Block::None => {}
        Block::Expected(at) | Block::Open(at) => {
            return Err(bad(
                name,
                at,
                msg!(
                    "Verifikationen som börjar här avslutas aldrig: filen tar slut innan dess '}}'. Filen kan vara avklippt.",
                    "The voucher that starts here is never closed: the file ends before its '}}'. The file may be cut short."
                ),
            ))
        }
    }
    if file.sie_type.is_none() && file.years.is_empty() && file.accounts.is_empty() && file.periods.is_empty() {
        return Err(bad(
            name,
            1,
            msg!(
                "Filen innehåller inga SIE-poster (#SIETYP, #RAR, #KONTO …). Är det en SIE-fil?",
                "The file holds no SIE records (#SIETYP, #RAR, #KONTO …). Is it an SIE file?"
            ),
        ));
    }
    Ok(file)
}

/// Where the reader is relative to a `#VER` block.
enum Block {
    None,
    /// A `#VER` on this line; its `{` comes next.
    Expected(usize),
    /// Inside the block of the `#VER` on this line.
    Open(usize),
}

struct Reader<'a> {
    name: &'a str,
    file: &'a mut SieFile,
    block: Block,
}

impl Reader<'_> {
    fn line(&mut self, no: usize, raw: &str) -> Result<()> {
        let line = raw.trim_matches(|c| c == ' ' || c == '\t' || c == '\r');
        if line.is_empty() {
            return Ok(());
        }
        match (&self.block, line) {
            (Block::Expected(at), "{") => {
                self.block = Block::Open(*at);
                return Ok(());
            }
            (Block::Expected(at), _) => {
                let at = *at;
                return Err(bad(
                    self.name,
                    no,
                    msg!(
                        "Verifikationen på rad {at} ska följas av en rad med '{{', men här står något annat.",
                        "The voucher on line {at} must be followed by a line with '{{', but something else is here."
                    ),
                ));
            }
            (Block::Open(_), "}") => {
                self.block = Block::None;
                return Ok(());
            }
            (Block::None, "{") => return Err(bad(self.name, no, msg!("En '{{' utan en #VER före.", "A '{{' without a #VER before it."))),
            (Block::None, "}") => {
                return Err(bad(self.name, no, msg!("En '}}' utan en öppnad verifikation.", "A '}}' without an open voucher.")))
            }
            (Block::Open(at), "{") => {
                let at = *at;
                return Err(bad(
                    self.name,
                    no,
                    msg!(
                        "En ny '{{' innan verifikationen på rad {at} har avslutats med '}}'.",
                        "A new '{{' before the voucher on line {at} has been closed with '}}'."
                    ),
                ));
            }
            _ => {}
        }
        let Some(rest) = line.strip_prefix('#') else {
            return Err(bad(
                self.name,
                no,
                msg!("Raden börjar inte med en etikett (#KONTO, #PSALDO …).", "The line does not start with a tag (#KONTO, #PSALDO …)."),
            ));
        };
        let tag_end = rest.find([' ', '\t', '{', '"']).unwrap_or(rest.len());
        let tag = rest[..tag_end].to_ascii_uppercase();
        let args = &rest[tag_end..];
        if let Block::Open(at) = self.block {
            return match tag.as_str() {
                "TRANS" | "RTRANS" | "BTRANS" => self.trans(no, args),
                "VER" => Err(bad(
                    self.name,
                    no,
                    msg!(
                        "En ny #VER innan verifikationen på rad {at} har avslutats med '}}'.",
                        "A new #VER before the voucher on line {at} has been closed with '}}'."
                    ),
                )),
                _ => {
                    self.skip(&tag);
                    Ok(())
                }
            };
        }
        match tag.as_str() {
            "FLAGGA" => {
                let f = self.fields(no, args, 1, "#FLAGGA 0")?;
                self.int(no, &f[0])?;
            }
            "PROGRAM" => {
                let f = self.fields(no, args, 1, "#PROGRAM \"Program\" 1.0")?;
                self.file.program = Some(self.text(no, &f[0])?);
            }
            "FORMAT" => {
                let f = self.fields(no, args, 1, "#FORMAT PC8")?;
                let value = self.text(no, &f[0])?;
                if !value.eq_ignore_ascii_case("PC8") {
                    return Err(bad(
                        self.name,
                        no,
                        msg!(
                            "Formatet '{value}' känns inte igen; SIE 4 anger #FORMAT PC8.",
                            "The format '{value}' is not recognised; SIE 4 gives #FORMAT PC8."
                        ),
                    ));
                }
            }
            "GEN" => {
                let f = self.fields(no, args, 1, "#GEN 20260905")?;
                self.file.generated = Some(self.date(no, &f[0])?);
            }
            "SIETYP" => {
                let f = self.fields(no, args, 1, "#SIETYP 4")?;
                let t = self.int(no, &f[0])?;
                if !(1..=4).contains(&t) {
                    return Err(bad(
                        self.name,
                        no,
                        msg!(
                            "SIE-typen {t} känns inte igen; typ 1–4 kan läsas.",
                            "The SIE type {t} is not recognised; types 1–4 can be read."
                        ),
                    ));
                }
                self.file.sie_type = Some(t as u32);
            }
            "FNAMN" => {
                let f = self.fields(no, args, 1, "#FNAMN \"Sjöbacka kommun\"")?;
                self.file.company = Some(self.text(no, &f[0])?);
            }
            "ORGNR" => {
                let f = self.fields(no, args, 1, "#ORGNR 212000-0000")?;
                self.file.org_number = Some(self.text(no, &f[0])?);
            }
            "KPTYP" => {
                let f = self.fields(no, args, 1, "#KPTYP \"Kommun-Bas 13\"")?;
                self.file.chart = Some(self.text(no, &f[0])?);
            }
            "RAR" => {
                let f = self.fields(no, args, 3, "#RAR 0 20260101 20261231")?;
                let index = self.year_index(no, &f[0])?;
                let start = self.date(no, &f[1])?;
                let end = self.date(no, &f[2])?;
                if end < start {
                    return Err(bad(
                        self.name,
                        no,
                        msg!("Räkenskapsåret slutar före det börjar.", "The financial year ends before it starts."),
                    ));
                }
                if self.file.year(index).is_some() {
                    return Err(bad(
                        self.name,
                        no,
                        msg!("Räkenskapsår {index} anges två gånger (#RAR).", "Financial year {index} is given twice (#RAR)."),
                    ));
                }
                self.file.years.push(FinancialYear { index, start, end, line: no });
            }
            "KONTO" => {
                let f = self.fields(no, args, 2, "#KONTO 3010 \"Försäljning\"")?;
                let account = self.account(no, &f[0])?;
                let name = self.text(no, &f[1])?;
                self.file.accounts.entry(account).or_default().name = name;
            }
            "KTYP" => {
                let f = self.fields(no, args, 2, "#KTYP 3010 I")?;
                let account = self.account(no, &f[0])?;
                let kind = self.text(no, &f[1])?;
                let mut chars = kind.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => self.file.accounts.entry(account).or_default().kind = Some(c.to_ascii_uppercase()),
                    _ => {
                        return Err(bad(
                            self.name,
                            no,
                            msg!(
                                "Kontotypen '{kind}' ska vara en bokstav: T, S, K eller I.",
                                "The account type '{kind}' must be one letter: T, S, K or I."
                            ),
                        ))
                    }
                }
            }
            "DIM" => {
                let f = self.fields(no, args, 2, "#DIM 1 \"Ansvar\"")?;
                let dim = dimension_number(self.name, no, &self.text(no, &f[0])?)?;
                let name = self.text(no, &f[1])?;
                self.file.dimensions.insert(dim, Dimension { name, parent: None });
            }
            "UNDERDIM" => {
                let f = self.fields(no, args, 3, "#UNDERDIM 21 \"Delprojekt\" 6")?;
                let dim = dimension_number(self.name, no, &self.text(no, &f[0])?)?;
                let name = self.text(no, &f[1])?;
                let parent = dimension_number(self.name, no, &self.text(no, &f[2])?)?;
                self.file.dimensions.insert(dim, Dimension { name, parent: Some(parent) });
            }
            "OBJEKT" => {
                let f = self.fields(no, args, 3, "#OBJEKT 1 \"100\" \"Kommunstyrelsen\"")?;
                let dim = dimension_number(self.name, no, &self.text(no, &f[0])?)?;
                let code = self.text(no, &f[1])?;
                if code.is_empty() {
                    return Err(bad(self.name, no, msg!("Objektet saknar kod.", "The object has no code.")));
                }
                let name = self.text(no, &f[2])?;
                self.file.objects.insert((dim, code), name);
            }
            "IB" | "UB" | "RES" => {
                let f = self.fields(no, args, 3, "#IB 0 1930 1234.50")?;
                let year = self.year_index(no, &f[0])?;
                let account = self.account(no, &f[1])?;
                let amount = self.amount(no, &f[2])?;
                let kind = match tag.as_str() {
                    "IB" => BalanceKind::Opening,
                    "UB" => BalanceKind::Closing,
                    _ => BalanceKind::Result,
                };
                self.file.balances.push(Balance { kind, year, account, object: None, amount, line: no });
            }
            "OIB" | "OUB" => {
                let f = self.fields(no, args, 4, "#OIB 0 1181 {6 \"P101\"} 1234.50")?;
                let year = self.year_index(no, &f[0])?;
                let account = self.account(no, &f[1])?;
                let objects = self.objects(no, &f[2])?;
                let [object] = <[ObjectRef; 1]>::try_from(objects).map_err(|_| {
                    bad(
                        self.name,
                        no,
                        msg!(
                            "#OIB och #OUB gäller ett objekt: objektlistan ska ha exakt ett, t.ex. {{6 \"P101\"}}.",
                            "#OIB and #OUB are for one object: the object list must hold exactly one, e.g. {{6 \"P101\"}}."
                        ),
                    )
                })?;
                let amount = self.amount(no, &f[3])?;
                let kind = if tag == "OIB" { BalanceKind::Opening } else { BalanceKind::Closing };
                self.file.balances.push(Balance { kind, year, account, object: Some(object), amount, line: no });
            }
            "PSALDO" | "PBUDGET" => {
                let f = self.fields(no, args, 5, "#PSALDO 0 202608 3010 {} -1234.50")?;
                let year = self.year_index(no, &f[0])?;
                let month = self.month(no, &f[1])?;
                let account = self.account(no, &f[2])?;
                let objects = self.objects(no, &f[3])?;
                let amount = self.amount(no, &f[4])?;
                let kind = if tag == "PSALDO" { PeriodKind::Actual } else { PeriodKind::Budget };
                self.file.periods.push(PeriodAmount { kind, year, month, account, objects, amount, line: no });
            }
            "VER" => {
                let f = self.fields(no, args, 3, "#VER A 1 20260131 \"Text\"")?;
                self.date(no, &f[2])?;
                self.file.vouchers += 1;
                self.block = Block::Expected(no);
            }
            "TRANS" | "RTRANS" | "BTRANS" => {
                return Err(bad(
                    self.name,
                    no,
                    msg!(
                        "#{tag} står utanför en verifikation (#VER följd av '{{').",
                        "#{tag} is outside a voucher (#VER followed by '{{')."
                    ),
                ))
            }
            other => self.skip(other),
        }
        Ok(())
    }

    fn skip(&mut self, tag: &str) {
        *self.file.skipped.entry(format!("#{tag}")).or_insert(0) += 1;
    }

    fn trans(&mut self, no: usize, args: &str) -> Result<()> {
        let f = self.fields(no, args, 3, "#TRANS 3010 {} -1234.50")?;
        self.account(no, &f[0])?;
        self.objects(no, &f[1])?;
        self.amount(no, &f[2])?;
        Ok(())
    }

    /// The line's fields after the tag; at least `min`, else refused with an example.
    fn fields(&self, no: usize, args: &str, min: usize, example: &str) -> Result<Vec<Field>> {
        let f = fields(self.name, no, args)?;
        if f.len() < min {
            return Err(bad(
                self.name,
                no,
                msg!(
                    "Raden har för få fält. Så ser en sådan rad ut: {example}",
                    "The line has too few fields. Such a line looks like this: {example}"
                ),
            ));
        }
        Ok(f)
    }

    fn text(&self, no: usize, f: &Field) -> Result<String> {
        match f {
            Field::Text(t) => Ok(t.clone()),
            Field::Objects(_) => {
                Err(bad(self.name, no, msg!("Här väntades en text, inte en objektlista.", "A text was expected here, not an object list.")))
            }
        }
    }

    fn int(&self, no: usize, f: &Field) -> Result<i64> {
        let t = self.text(no, f)?;
        t.parse::<i64>().map_err(|_| bad(self.name, no, msg!("'{t}' är inte ett heltal.", "'{t}' is not a whole number.")))
    }

    fn year_index(&self, no: usize, f: &Field) -> Result<i32> {
        let t = self.text(no, f)?;
        match t.parse::<i32>() {
            Ok(i) if (-99..=0).contains(&i) => Ok(i),
            _ => Err(bad(
                self.name,
                no,
                msg!(
                    "'{t}' är inte ett årsnummer: 0 för i år, -1 för i fjol och så vidare.",
                    "'{t}' is not a year number: 0 for this year, -1 for last year and so on."
                ),
            )),
        }
    }

    fn account(&self, no: usize, f: &Field) -> Result<u32> {
        let t = self.text(no, f)?;
        match t.parse::<u32>() {
            Ok(a) if t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 9 => Ok(a),
            _ => Err(bad(
                self.name,
                no,
                msg!("'{t}' är inte ett kontonummer (bara siffror).", "'{t}' is not an account number (digits only)."),
            )),
        }
    }

    fn amount(&self, no: usize, f: &Field) -> Result<i64> {
        let t = self.text(no, f)?;
        parse_amount(&t).map_err(|what| bad(self.name, no, what))
    }

    fn date(&self, no: usize, f: &Field) -> Result<NaiveDate> {
        let t = self.text(no, f)?;
        parse_date(&t).ok_or_else(|| {
            bad(
                self.name,
                no,
                msg!(
                    "'{t}' är inte ett datum. Datum skrivs ÅÅÅÅMMDD, t.ex. 20260831.",
                    "'{t}' is not a date. Dates are written YYYYMMDD, e.g. 20260831."
                ),
            )
        })
    }

    fn month(&self, no: usize, f: &Field) -> Result<(i32, u32)> {
        let t = self.text(no, f)?;
        let ok = t.len() == 6 && t.chars().all(|c| c.is_ascii_digit());
        let parsed = ok.then(|| (t[..4].parse::<i32>().ok(), t[4..].parse::<u32>().ok()));
        match parsed {
            Some((Some(y), Some(m))) if (1..=12).contains(&m) => Ok((y, m)),
            _ => Err(bad(
                self.name,
                no,
                msg!(
                    "'{t}' är inte en period. En period skrivs ÅÅÅÅMM, t.ex. 202608.",
                    "'{t}' is not a period. A period is written YYYYMM, e.g. 202608."
                ),
            )),
        }
    }

    fn objects(&self, no: usize, f: &Field) -> Result<Vec<ObjectRef>> {
        match f {
            Field::Objects(list) => Ok(list.clone()),
            Field::Text(t) => Err(bad(
                self.name,
                no,
                msg!(
                    "Här väntades en objektlista inom klamrar, t.ex. {{}} eller {{1 \"100\"}}, men det står '{t}'.",
                    "An object list in braces was expected here, e.g. {{}} or {{1 \"100\"}}, but it says '{t}'."
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    const HEAD: &str = "#FLAGGA 0\n#SIETYP 4\n#RAR 0 20260101 20261231\n";

    fn ok(text: &str) -> SieFile {
        parse("t.se", text.as_bytes()).unwrap_or_else(|e| panic!("{}", e.message))
    }

    fn refused(text: &str) -> AppError {
        let e = parse("t.se", text.as_bytes()).expect_err("should be refused");
        assert_eq!(e.code, ErrorCode::BadFile);
        assert!(!e.message_en.is_empty() && e.message != e.message_en);
        e
    }

    #[test]
    fn amounts_are_exact_ore() {
        assert_eq!(parse_amount("-1234.5"), Ok(-123_450));
        assert_eq!(parse_amount("1234.56"), Ok(123_456));
        assert_eq!(parse_amount("0.05"), Ok(5));
        assert_eq!(parse_amount("12"), Ok(1_200));
        assert_eq!(parse_amount("+12.500"), Ok(1_250));
        assert_eq!(parse_amount(".5"), Ok(50));
        assert!(parse_amount("12.345").is_err(), "more than two decimals");
        assert!(parse_amount("12,50").is_err());
        assert!(parse_amount("1e3").is_err());
        assert!(parse_amount("").is_err());
        assert!(parse_amount("-").is_err());
        assert!(parse_amount(".").is_err());
        assert!(parse_amount("99999999999999999999").is_err());
    }

    #[test]
    fn fields_read_strings_escapes_and_object_lists() {
        let f = fields("t", 1, r#"0 202608 3010 {1 "100" 6 "P 1\"2"} -5 "a \"b\"" {}"#).unwrap();
        assert_eq!(f[3], Field::Objects(vec![(1, "100".into()), (6, "P 1\"2".into())]));
        assert_eq!(f[5], Field::Text("a \"b\"".into()));
        assert_eq!(f[6], Field::Objects(vec![]));
        assert!(fields("t", 1, r#"{1 "100""#).is_err());
        assert!(fields("t", 1, r#"{1}"#).is_err());
        assert!(fields("t", 1, r#""open"#).is_err());
    }

    #[test]
    fn a_whole_small_file() {
        let f = ok(&format!(
            "{HEAD}#PROGRAM \"Eko\" 1.0\n#GEN 20260905\n#FNAMN \"Sjöbacka kommun\"\n#KONTO 3010 \"Försäljning\"\n#KTYP 3010 I\n#DIM 1 \"Ansvar\"\n#OBJEKT 1 \"300\" \"Socialnämnden\"\n#IB 0 1930 100.00\n#PSALDO 0 202601 3010 {{}} -50.25\n#PSALDO 0 202601 3010 {{1 \"300\"}} -50.25 3\n#PBUDGET 0 202601 3010 {{1 \"300\"}} -40\n#VER A 1 20260110 \"x\"\n{{\n   #TRANS 3010 {{1 \"300\"}} -50.25\n   #TRANS 1930 {{}} 50.25\n}}\n#OKAND 1 2 3\n"
        ));
        assert_eq!(f.company.as_deref(), Some("Sjöbacka kommun"));
        assert_eq!(f.accounts[&3010], Account { name: "Försäljning".into(), kind: Some('I') });
        assert_eq!(f.objects[&(1, "300".to_string())], "Socialnämnden");
        assert_eq!(f.periods.len(), 3);
        assert_eq!(f.periods[1].objects, vec![(1, "300".to_string())]);
        assert_eq!(f.periods[1].amount, -5_025);
        assert_eq!(f.periods[1].line, 13);
        assert_eq!(f.vouchers, 1);
        assert_eq!(f.skipped.get("#OKAND"), Some(&1), "unknown tags are skipped");
        assert_eq!(f.year(0).unwrap().start, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    }

    #[test]
    fn broken_lines_are_refused_with_their_number() {
        let cases = [
            ("#PSALDO 0 202601 3010 {} 12,5\n", 4, "decimalkomma"),
            ("#PSALDO 0 202613 3010 {} 12\n", 4, "202613"),
            ("#RAR -1 20251301 20251231\n", 4, "20251301"),
            ("#KONTO 3010 \"Försäljning\n", 4, "citattecken"),
            ("#VER A 1 20260110\n{\n#TRANS 3010 {} 1\n", 4, "avslutas aldrig"),
            ("#VER A 1 20260110\n#TRANS 3010 {} 1\n", 5, "'{'"),
            ("}\n", 4, "'}'"),
            ("#PSALDO 0 202601 3010 {1 \"100\" -5\n", 4, "'}'"),
            ("#PSALDO 0 202601 3010 -5\n", 4, "för få fält"),
            ("hej\n", 4, "etikett"),
            ("#IB 0 19x0 5\n", 4, "kontonummer"),
            ("#TRANS 3010 {} 5\n", 4, "utanför"),
            ("#PSALDO 0 202601 3010 {} 1.234\n", 4, "två decimaler"),
        ];
        for (tail, line, words) in cases {
            let e = refused(&format!("{HEAD}{tail}"));
            assert!(e.message.starts_with(&format!("t.se: rad {line}: ")), "{tail}: {}", e.message);
            assert!(e.message.contains(words), "{tail}: {}", e.message);
            assert!(e.message_en.starts_with(&format!("t.se: line {line}: ")), "{}", e.message_en);
        }
    }

    #[test]
    fn encodings_are_told_apart() {
        let body = "#FNAMN \"Överförmyndarnämnden i Sjöbacka\"\n";
        // CP437: Ö = 0x99, ö = 0x94, ä = 0x84.
        let mut cp437 = b"#FORMAT PC8\n#SIETYP 4\n#FNAMN \"".to_vec();
        cp437.extend_from_slice(b"\x99verf\x94rmyndarn\x84mnden i Sj\x94backa\"\n");
        let f = parse("a.se", &cp437).unwrap();
        assert_eq!((f.encoding, f.company.as_deref()), (Encoding::Cp437, Some("Överförmyndarnämnden i Sjöbacka")));

        let utf8 = format!("#SIETYP 4\n{body}");
        let f = parse("b.se", utf8.as_bytes()).unwrap();
        assert_eq!((f.encoding, f.company.as_deref()), (Encoding::Utf8, Some("Överförmyndarnämnden i Sjöbacka")));

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(utf8.as_bytes());
        assert_eq!(parse("c.se", &bom).unwrap().encoding, Encoding::Utf8);

        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&utf8);
        let f = parse("d.se", &latin).unwrap();
        assert_eq!((f.encoding, f.company.as_deref()), (Encoding::Windows1252, Some("Överförmyndarnämnden i Sjöbacka")));

        let e = parse("e.se", b"#SIETYP 4\n#FNAMN \"a\x00b\"\n").unwrap_err();
        assert!(e.message.starts_with("e.se: rad 2: "), "{}", e.message);
    }
}
