//! Fetching values from the Kolada API v3, when a network exists.
//!
//! `GET {base}/data/kpi/{kpis}/municipality/{ids}[/year/{years}]`, each list at most
//! [`MAX_IDS_PER_SEGMENT`] ids (longer lists are split into several requests, since Kolada
//! answers 400/422 to longer ones), following `next_url` page by page. A page that fails
//! with a network error, HTTP 429 or 5xx is tried again after a growing pause; other HTTP
//! errors stop at once. The caller can cancel at any moment through an [`AtomicBool`] and
//! is told about progress through a callback. Nothing is written until every page has
//! arrived and parsed; then all pages are imported in one transaction, exactly as saved
//! files are. A cancelled or failed fetch leaves the database as it was.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::import::{import_parsed, KoladaImportSummary, DEFAULT_MAX_FILE_BYTES};
use super::parse::{self, ParsedFile};
use super::SETTING_BASE_URL;
use crate::error::{AppError, Msg, Result};
use crate::msg;
use crate::store::{ChangeContext, Store};

pub const DEFAULT_BASE_URL: &str = "https://api.kolada.se/v3";
/// Kolada refuses longer comma-separated lists in one path segment.
pub const MAX_IDS_PER_SEGMENT: usize = 25;

/// What to fetch: every combination of the KPIs and areas (and years, if given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchRequest {
    pub kpis: Vec<String>,
    /// Municipality, region, Riket (`0000`) or group (`G...`) ids.
    pub municipalities: Vec<String>,
    /// Empty means every year Kolada has.
    pub years: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Tries per page, the first included.
    pub attempts: u32,
    /// Pause after the first failure; doubled after each further one, at most 30 s.
    pub first_backoff: Duration,
    /// Longest time for one request, body included.
    pub timeout: Duration,
    /// Largest page accepted.
    pub max_page_bytes: u64,
    /// Stop following `next_url` after this many pages (guards against a loop).
    pub max_pages: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            attempts: 4,
            first_backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(60),
            max_page_bytes: DEFAULT_MAX_FILE_BYTES,
            max_pages: 10_000,
        }
    }
}

/// Reported to the caller while fetching.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchProgress {
    /// A page arrived and was parsed.
    Page { url: String, pages: usize, values: usize },
    /// A request failed and will be tried again after `wait`.
    Retry { url: String, attempt: u32, wait: Duration, reason: String },
}

/// The pages fetched, or the news that the caller cancelled.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    Pages(Vec<ParsedFile>),
    Cancelled,
}

/// What [`fetch_and_import`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOutcome {
    pub pages: usize,
    /// True when the caller cancelled; nothing was imported then.
    pub cancelled: bool,
    pub summary: Option<KoladaImportSummary>,
}

fn check_ids(what: Msg, ids: &[String]) -> Result<Vec<String>> {
    let ids: Vec<String> = ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if ids.is_empty() {
        return Err(AppError::validation(msg!("Ange minst ett {what}.", "Give at least one {what}.", what = what)));
    }
    for id in &ids {
        if id.len() > 40 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(AppError::validation(msg!(
                "'{id}' är inte ett Kolada-id ({what}). Ett id består av bokstäver och siffror, t.ex. N00090 eller 2083.",
                "'{id}' is not a Kolada id ({what}). An id consists of letters and digits, e.g. N00090 or 2083.",
                what = what
            )));
        }
    }
    Ok(ids)
}

/// The first-page URLs for a request, with no list longer than [`MAX_IDS_PER_SEGMENT`].
pub fn urls(base_url: &str, request: &FetchRequest) -> Result<Vec<String>> {
    let base = base_url.trim().trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(AppError::validation(msg!(
            "Kolada-adressen '{base}' är ingen webbadress. Ange t.ex. {DEFAULT_BASE_URL} (inställningen {SETTING_BASE_URL}).",
            "The Kolada address '{base}' is not a web address. Give e.g. {DEFAULT_BASE_URL} (the setting {SETTING_BASE_URL})."
        )));
    }
    let kpis: Vec<String> = check_ids(msg!("nyckeltal", "indicator"), &request.kpis)?.into_iter().map(|k| k.to_ascii_uppercase()).collect();
    let areas = check_ids(msg!("kommun- eller grupp-id", "municipality or group id"), &request.municipalities)?;
    for y in &request.years {
        if !(1900..=2100).contains(y) {
            return Err(AppError::validation(msg!("Året {y} är inte rimligt.", "The year {y} is not plausible.")));
        }
    }
    let years: Vec<String> = request.years.iter().map(|y| y.to_string()).collect();
    let year_chunks: Vec<Option<String>> =
        if years.is_empty() { vec![None] } else { years.chunks(MAX_IDS_PER_SEGMENT).map(|c| Some(c.join(","))).collect() };
    let mut out = Vec::new();
    for k in kpis.chunks(MAX_IDS_PER_SEGMENT) {
        for m in areas.chunks(MAX_IDS_PER_SEGMENT) {
            for y in &year_chunks {
                let mut url = format!("{base}/data/kpi/{}/municipality/{}", k.join(","), m.join(","));
                if let Some(y) = y {
                    url.push_str("/year/");
                    url.push_str(y);
                }
                out.push(url);
            }
        }
    }
    Ok(out)
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// Sleep for `wait`, waking early when cancelled. True when cancelled.
fn pause(wait: Duration, cancel: &AtomicBool) -> bool {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if cancel.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep((until - Instant::now()).min(Duration::from_millis(20)));
    }
    cancel.load(Ordering::Relaxed)
}

fn get_page(
    agent: &ureq::Agent,
    url: &str,
    options: &FetchOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<Option<String>> {
    let attempts = options.attempts.max(1);
    for attempt in 1..=attempts {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let reason = match agent.get(url).header("Accept", "application/json").call() {
            Ok(mut response) => {
                let status = response.status().as_u16();
                if (200..300).contains(&status) {
                    match response.body_mut().with_config().limit(options.max_page_bytes).read_to_string() {
                        Ok(text) => return Ok(Some(text)),
                        Err(ureq::Error::BodyExceedsLimit(_)) => {
                            return Err(AppError::bad_file(msg!(
                                "{url}: svaret är större än {} MB. Hämta färre nyckeltal eller kommuner åt gången; inget har sparats.", "{url}: the response is larger than {} MB. Fetch fewer indicators or municipalities at a time; nothing has been saved.",
                                options.max_page_bytes / (1024 * 1024)
                            )))
                        }
                        Err(e) => e.to_string(),
                    }
                } else if status == 429 || status >= 500 {
                    format!("HTTP {status}")
                } else {
                    return Err(AppError::io(msg!(
                        "Kolada svarade HTTP {status} för {url}. Kontrollera nyckeltals- och kommun-id:n; inget har sparats.",
                        "Kolada answered HTTP {status} for {url}. Check the indicator and municipality ids; nothing has been saved."
                    )));
                }
            }
            Err(e @ (ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::InvalidProxyUrl)) => {
                return Err(AppError::validation(msg!(
                    "Adressen {url} går inte att använda ({e}). Kontrollera inställningen {SETTING_BASE_URL}.",
                    "The address {url} cannot be used ({e}). Check the setting {SETTING_BASE_URL}."
                )))
            }
            Err(e) => e.to_string(),
        };
        if attempt == attempts {
            return Err(AppError::io(msg!(
                "Kolada kunde inte nås ({reason}) för {url}, efter {attempts} försök. Kontrollera nätverket och försök igen; inget har sparats.", "Kolada could not be reached ({reason}) for {url}, after {attempts} attempts. Check the network and try again; nothing has been saved."
            )));
        }
        let wait = options.first_backoff.saturating_mul(1 << (attempt - 1).min(16)).min(Duration::from_secs(30));
        progress(FetchProgress::Retry { url: url.to_string(), attempt, wait, reason });
        if pause(wait, cancel) {
            return Ok(None);
        }
    }
    Ok(None)
}

/// Fetch every page of a request. Nothing is written.
pub fn fetch(
    base_url: &str,
    request: &FetchRequest,
    options: &FetchOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<Fetched> {
    let first_urls = urls(base_url, request)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(options.timeout))
        .user_agent(concat!("Styrkort/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut pages = Vec::new();
    let mut values = 0;
    for first in first_urls {
        let mut url = first.clone();
        let mut seen = std::collections::HashSet::new();
        loop {
            if !seen.insert(url.clone()) || pages.len() >= options.max_pages {
                return Err(AppError::bad_file(msg!(
                    "{url}: Kolada skickar samma sida igen eller för många sidor ({}). Inget har sparats; försök igen senare.",
                    "{url}: Kolada sends the same page again or too many pages ({}). Nothing has been saved; try again later.",
                    pages.len()
                )));
            }
            let Some(text) = get_page(&agent, &url, options, cancel, progress)? else {
                return Ok(Fetched::Cancelled);
            };
            let page = parse::parse(&url, &text)?;
            values += page.value_count();
            let next = page.next_url.clone();
            pages.push(page);
            progress(FetchProgress::Page { url: url.clone(), pages: pages.len(), values });
            match next {
                Some(n) if origin(&n) == origin(&first) => url = n,
                Some(n) => {
                    return Err(AppError::bad_file(msg!(
                        "{url}: nästa sida ({n}) ligger på en annan server än Kolada. Inget har sparats.",
                        "{url}: the next page ({n}) is on another server than Kolada. Nothing has been saved."
                    )))
                }
                None => break,
            }
        }
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(Fetched::Cancelled);
    }
    Ok(Fetched::Pages(pages))
}

/// The API base URL: setting `kolada_base_url`, else [`DEFAULT_BASE_URL`].
pub fn base_url(store: &Store) -> Result<String> {
    Ok(store
        .setting(SETTING_BASE_URL)?
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string()))
}

/// Fetch every page, then import them all in one transaction.
pub fn fetch_and_import(
    store: &mut Store,
    ctx: &ChangeContext,
    request: &FetchRequest,
    options: &FetchOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<FetchOutcome> {
    let base = base_url(store)?;
    match fetch(&base, request, options, cancel, progress)? {
        Fetched::Cancelled => Ok(FetchOutcome { pages: 0, cancelled: true, summary: None }),
        Fetched::Pages(pages) => {
            let summary = import_parsed(store, ctx, &pages)?;
            Ok(FetchOutcome { pages: pages.len(), cancelled: false, summary: Some(summary) })
        }
    }
}

/// What the window offers to fetch: the Kolada ids of the indicators, and the configured
/// municipality, Riket and comparison group. The user may edit both lists before fetching.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KoladaFetchPlan {
    pub kpis: Vec<String>,
    pub areas: Vec<String>,
}

pub fn fetch_plan(store: &Store) -> Result<KoladaFetchPlan> {
    let kpis = crate::store::indicators::kolada_ids_in_use(store.read())?;
    let settings = super::KoladaSettings::load(store)?;
    let mut areas = Vec::new();
    for a in [settings.municipality.trim(), super::RIKET, settings.group.trim()] {
        if !a.is_empty() && !areas.iter().any(|x: &String| x == a) {
            areas.push(a.to_string());
        }
    }
    Ok(KoladaFetchPlan { kpis, areas })
}

impl KoladaFetchPlan {
    pub fn request(&self) -> FetchRequest {
        FetchRequest { kpis: self.kpis.clone(), municipalities: self.areas.clone(), years: Vec::new() }
    }
}

/// Progress of a fetch, as the window shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KoladaFetchStatus {
    pub pages: u32,
    pub values: u32,
    /// Why the last request failed and is being tried again, if it did.
    pub retry: Option<String>,
}

impl KoladaFetchStatus {
    pub fn from_progress(p: &FetchProgress) -> Self {
        match p {
            FetchProgress::Page { pages, values, .. } => Self { pages: *pages as u32, values: *values as u32, retry: None },
            FetchProgress::Retry { attempt, wait, reason, .. } => Self {
                pages: 0,
                values: 0,
                retry: Some(format!("Försök {attempt} misslyckades ({reason}). Försöker igen om {} s.", wait.as_secs().max(1))),
            },
        }
    }
}

/// What a finished fetch did, for the window.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KoladaFetchResult {
    pub pages: u32,
    pub cancelled: bool,
    pub summary: Option<KoladaImportSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_split_into_segments_of_at_most_25() {
        let municipalities: Vec<String> = (0..60).map(|i| format!("{:04}", 100 + i)).collect();
        let request = FetchRequest { kpis: vec!["n00090".into()], municipalities: municipalities.clone(), years: vec![2021, 2022] };
        let urls = urls("https://api.kolada.se/v3/", &request).unwrap();
        assert_eq!(urls.len(), 3, "25 + 25 + 10");
        let mut seen = Vec::new();
        for u in &urls {
            let rest = u.strip_prefix("https://api.kolada.se/v3/data/kpi/N00090/municipality/").unwrap();
            let (ids, years) = rest.split_once("/year/").unwrap();
            assert_eq!(years, "2021,2022");
            let ids: Vec<&str> = ids.split(',').collect();
            assert!(ids.len() <= MAX_IDS_PER_SEGMENT);
            seen.extend(ids.into_iter().map(String::from));
        }
        assert_eq!(seen, municipalities, "every id once, in order");
    }

    #[test]
    fn ids_and_base_url_are_checked_before_any_request() {
        let ok = FetchRequest { kpis: vec!["N00090".into()], municipalities: vec!["2083".into()], years: vec![] };
        assert_eq!(urls(DEFAULT_BASE_URL, &ok).unwrap(), ["https://api.kolada.se/v3/data/kpi/N00090/municipality/2083"]);
        let bad_id = FetchRequest { municipalities: vec!["2083/../x".into()], ..ok.clone() };
        assert_eq!(urls(DEFAULT_BASE_URL, &bad_id).unwrap_err().code, crate::error::ErrorCode::Validation);
        let no_kpi = FetchRequest { kpis: vec![], ..ok.clone() };
        assert!(urls(DEFAULT_BASE_URL, &no_kpi).unwrap_err().message.contains("nyckeltal"));
        assert_eq!(urls("ftp://x", &ok).unwrap_err().code, crate::error::ErrorCode::Validation);
    }

    #[test]
    fn origin_is_scheme_host_and_port() {
        assert_eq!(origin("http://127.0.0.1:8080/v3/data?page=2"), "http://127.0.0.1:8080");
        assert_eq!(origin("https://api.kolada.se"), "https://api.kolada.se");
    }
}
