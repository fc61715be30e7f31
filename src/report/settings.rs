//! Report settings, saved per database in the `setting` table (audited like every write):
//! municipality name, logo, colours, which sections to include, footer text.
//!
//! | key | value |
//! |---|---|
//! | `municipality_name` | the name on every report (shared with the seed loader) |
//! | `report.logo` | PNG or JPEG, base64 (standard alphabet); empty for none |
//! | `report.colour_primary` | `#rrggbb`: bands, table headers, headings |
//! | `report.colour_accent` | `#rrggbb`: charts (the outcome line) and rules |
//! | `report.sections` | JSON object of booleans, see [`ReportSections`] |
//! | `report.footer` | footer text on every page |
//! | `report.economy_unit` | `tkr` or `mnkr`: the unit economy amounts are shown and typed in |

use std::path::Path;

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::pdf_layout::Colour;
use crate::error::{AppError, Msg, Result};
use crate::msg;
use crate::store::{ChangeContext, Store, Writer};

pub const KEY_MUNICIPALITY: &str = "municipality_name";
pub const KEY_LOGO: &str = "report.logo";
pub const KEY_PRIMARY: &str = "report.colour_primary";
pub const KEY_ACCENT: &str = "report.colour_accent";
pub const KEY_SECTIONS: &str = "report.sections";
pub const KEY_FOOTER: &str = "report.footer";
pub const KEY_ECONOMY_UNIT: &str = "report.economy_unit";

/// Largest logo accepted, in bytes of the image file.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// Largest logo accepted, in pixels along either side.
pub const MAX_LOGO_PIXELS: usize = 4000;
const MAX_FOOTER_CHARS: usize = 200;
const MAX_NAME_CHARS: usize = 200;

pub const DEFAULT_PRIMARY: &str = "#1f4e79";
pub const DEFAULT_ACCENT: &str = "#2e75b6";

/// Which parts the delårsrapport includes (the styrkort page follows `activities`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ReportSections {
    /// The summary of goal attainment (Måluppfyllelse).
    pub summary: bool,
    /// Each goal's analysis text.
    pub analysis: bool,
    /// The indicator tables.
    pub indicators: bool,
    /// A small trend chart per indicator.
    pub charts: bool,
    /// Activities with their status.
    pub activities: bool,
}

impl Default for ReportSections {
    fn default() -> Self {
        Self { summary: true, analysis: true, indicators: true, charts: true, activities: true }
    }
}

impl ReportSections {
    /// The sections named in a list (English keys or Swedish words); the others are off.
    pub fn from_names(names: &[String]) -> Result<Self> {
        let mut s = Self { summary: false, analysis: false, indicators: false, charts: false, activities: false };
        for name in names.iter().map(|n| n.trim().to_lowercase()).filter(|n| !n.is_empty()) {
            match name.as_str() {
                "summary" | "måluppfyllelse" | "sammanfattning" => s.summary = true,
                "analysis" | "analys" => s.analysis = true,
                "indicators" | "nyckeltal" => s.indicators = true,
                "charts" | "diagram" => s.charts = true,
                "activities" | "aktiviteter" => s.activities = true,
                other => {
                    return Err(AppError::validation(msg!(
                        "Avsnittet '{other}' finns inte. Välj bland summary (måluppfyllelse), analysis (analys), indicators (nyckeltal), charts (diagram) och activities (aktiviteter).", "The section '{other}' does not exist. Choose among summary (goal attainment), analysis, indicators, charts and activities."
                    )))
                }
            }
        }
        Ok(s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportSettings {
    pub municipality_name: String,
    /// PNG or JPEG bytes, base64 (standard alphabet); `None` for no logo.
    pub logo_base64: Option<String>,
    /// `#rrggbb`
    pub primary_colour: String,
    /// `#rrggbb`
    pub accent_colour: String,
    pub sections: ReportSections,
    pub footer_text: String,
    /// The unit economy amounts are shown and typed in (tkr unless set).
    #[serde(default)]
    pub economy_unit: crate::economy::AmountUnit,
}

/// What kind of image a logo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
}

impl ReportSettings {
    /// The settings stored in the database, with defaults for what was never set.
    pub fn load(store: &Store) -> Result<Self> {
        let stored = |key: &str| store.setting(key);
        let municipality_name = stored(KEY_MUNICIPALITY)?.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "Kommunen".to_string());
        let logo_base64 = stored(KEY_LOGO)?.filter(|s| !s.trim().is_empty());
        let primary_colour = stored(KEY_PRIMARY)?.unwrap_or_else(|| DEFAULT_PRIMARY.to_string());
        let accent_colour = stored(KEY_ACCENT)?.unwrap_or_else(|| DEFAULT_ACCENT.to_string());
        let sections = match stored(KEY_SECTIONS)? {
            Some(json) if !json.trim().is_empty() => serde_json::from_str(&json).map_err(|e| {
                AppError::validation(msg!(
                    "Rapportinställningen {KEY_SECTIONS} i databasen går inte att läsa ({e}). Spara rapportinställningarna igen.",
                    "The report setting {KEY_SECTIONS} in the database cannot be read ({e}). Save the report settings again."
                ))
            })?,
            _ => ReportSections::default(),
        };
        let footer_text = stored(KEY_FOOTER)?.unwrap_or_default();
        let economy_unit = match stored(KEY_ECONOMY_UNIT)? {
            Some(text) if !text.trim().is_empty() => crate::economy::AmountUnit::parse(&text).ok_or_else(|| {
                AppError::validation(msg!(
                    "Rapportinställningen {KEY_ECONOMY_UNIT} i databasen är '{text}', varken tkr eller mnkr. Spara rapportinställningarna igen.",
                    "The report setting {KEY_ECONOMY_UNIT} in the database is '{text}', neither tkr nor mnkr. Save the report settings again."
                ))
            })?,
            _ => crate::economy::AmountUnit::default(),
        };
        let settings = Self { municipality_name, logo_base64, primary_colour, accent_colour, sections, footer_text, economy_unit };
        settings.validate().map_err(|e| {
            AppError::validation(msg!(
                "Rapportinställningarna i databasen är ogiltiga: {} Spara rapportinställningarna igen.",
                "The report settings in the database are not valid: {} Save the report settings again.",
                e.msg()
            ))
        })?;
        Ok(settings)
    }

    /// Check every field; the message names the field and says how to fix it.
    pub fn validate(&self) -> Result<()> {
        let name = self.municipality_name.trim();
        if name.is_empty() {
            return Err(AppError::validation(msg!(
                "Kommunens namn får inte vara tomt. Fyll i namnet som ska stå på rapporterna.",
                "The municipality's name cannot be empty. Fill in the name to show on the reports."
            )));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(AppError::validation(msg!(
                "Kommunens namn är för långt (högst {MAX_NAME_CHARS} tecken).",
                "The municipality's name is too long (at most {MAX_NAME_CHARS} characters)."
            )));
        }
        for (value, what) in [
            (&self.primary_colour, msg!("huvudfärgen", "the main colour")),
            (&self.accent_colour, msg!("accentfärgen", "the accent colour")),
        ] {
            if Colour::parse_hex(value).is_none() {
                return Err(AppError::validation(msg!(
                    "'{value}' är ingen färgkod för {what}. Ange färgen som #rrggbb, t.ex. {DEFAULT_PRIMARY}.",
                    "'{value}' is not a colour code for {what}. Give the colour as #rrggbb, e.g. {DEFAULT_PRIMARY}.",
                    what = what
                )));
            }
        }
        if self.footer_text.chars().count() > MAX_FOOTER_CHARS {
            return Err(AppError::validation(msg!(
                "Sidfotstexten är för lång (högst {MAX_FOOTER_CHARS} tecken). Korta texten.",
                "The footer text is too long (at most {MAX_FOOTER_CHARS} characters). Shorten the text."
            )));
        }
        if self.footer_text.contains('\n') {
            return Err(AppError::validation(msg!(
                "Sidfotstexten ska vara en enda rad. Ta bort radbrytningarna.",
                "The footer text must be a single line. Remove the line breaks."
            )));
        }
        if let Some(b64) = &self.logo_base64 {
            let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| {
                AppError::validation(msg!(
                    "Logotypen är inte sparad som base64. Välj logotypfilen (PNG eller JPEG) igen.",
                    "The logo is not saved as base64. Choose the logo file (PNG or JPEG) again."
                ))
            })?;
            check_logo(&bytes, &msg!("Logotypen", "The logo"))?;
        }
        Ok(())
    }

    /// Validate and save the settings in one transaction; only keys whose value changes
    /// are written (each one audited). Returns how many keys changed.
    pub fn save(&self, store: &mut Store, ctx: &ChangeContext) -> Result<usize> {
        self.validate()?;
        let sections = serde_json::to_string(&self.sections).map_err(|e| {
            AppError::new(
                crate::error::ErrorCode::Internal,
                msg!("Rapportinställningarna kunde inte sparas: {e}", "The report settings could not be saved: {e}"),
            )
        })?;
        let values = [
            (KEY_MUNICIPALITY, self.municipality_name.trim().to_string()),
            (KEY_LOGO, self.logo_base64.as_deref().map(str::trim).unwrap_or("").to_string()),
            (KEY_PRIMARY, self.primary_colour.trim().to_lowercase()),
            (KEY_ACCENT, self.accent_colour.trim().to_lowercase()),
            (KEY_SECTIONS, sections),
            (KEY_FOOTER, self.footer_text.trim().to_string()),
            (KEY_ECONOMY_UNIT, self.economy_unit.as_str().to_string()),
        ];
        let mut changed = Vec::new();
        for (key, value) in values {
            // A setting never stored reads as its default: saving the default writes nothing.
            let stored = match store.setting(key)? {
                None if key == KEY_ECONOMY_UNIT => Some(crate::economy::AmountUnit::default().as_str().to_string()),
                other => other,
            };
            if stored.as_deref() != Some(value.as_str()) {
                changed.push((key, value));
            }
        }
        store.write(ctx, |w: &mut Writer<'_>| {
            for (key, value) in &changed {
                crate::store::settings::set(w, key, value)?;
            }
            Ok(())
        })?;
        Ok(changed.len())
    }

    /// The settings as Swedish text, one per line.
    pub fn describe_sv(&self) -> String {
        let logo = match self.logo_bytes() {
            Some(b) => format!("{}, {} kB", if logo_format(&b) == Some(LogoFormat::Png) { "PNG" } else { "JPEG" }, b.len().div_ceil(1024)),
            None => "ingen".to_string(),
        };
        let s = &self.sections;
        let on = |b: bool| if b { "med" } else { "utan" };
        format!(
            "Kommunens namn: {}\nLogotyp: {logo}\nHuvudfärg: {}\nAccentfärg: {}\nSidfot: {}\nDelårsrapporten: {} måluppfyllelse, {} analys, {} nyckeltal, {} diagram, {} aktiviteter\nEkonomiska belopp i: {}\n",
            self.municipality_name,
            self.primary_colour,
            self.accent_colour,
            if self.footer_text.is_empty() { "(ingen)" } else { &self.footer_text },
            on(s.summary),
            on(s.analysis),
            on(s.indicators),
            on(s.charts),
            on(s.activities),
            self.economy_unit.as_str()
        )
    }

    /// The logo's image bytes, if there is a logo.
    pub fn logo_bytes(&self) -> Option<Vec<u8>> {
        self.logo_base64.as_ref().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
    }

    pub(crate) fn primary(&self) -> Colour {
        Colour::parse_hex(&self.primary_colour).unwrap_or(Colour::rgb(0x1f, 0x4e, 0x79))
    }

    pub(crate) fn accent(&self) -> Colour {
        Colour::parse_hex(&self.accent_colour).unwrap_or(Colour::rgb(0x2e, 0x75, 0xb6))
    }
}

/// Read a logo file and return it as base64, after checking that it is a PNG or JPEG that
/// can be decoded and is not too big.
pub fn logo_from_file(path: &Path) -> Result<String> {
    let what = msg!("Logotypen {}", "The logo {}", path.display());
    let bytes = crate::files::read_limited(path, MAX_LOGO_BYTES as u64, &msg!("en bildfil", "an image file"), |size| {
        too_big(&what, size as usize)
    })?;
    check_logo(&bytes, &what)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn too_big(what: &Msg, len: usize) -> AppError {
    AppError::validation(msg!(
        "{what} är för stor ({} kB; högst {} kB). Spara en mindre version av bilden.",
        "{what} is too big ({} kB; at most {} kB). Save a smaller version of the image.",
        len.div_ceil(1024),
        MAX_LOGO_BYTES / 1024,
        what = what
    ))
}

/// The format of an image from its first bytes.
pub fn logo_format(bytes: &[u8]) -> Option<LogoFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(LogoFormat::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(LogoFormat::Jpeg)
    } else {
        None
    }
}

fn check_logo(bytes: &[u8], what: &Msg) -> Result<()> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(too_big(what, bytes.len()));
    }
    if logo_format(bytes).is_none() {
        return Err(AppError::validation(msg!(
            "{what} är varken PNG eller JPEG. Spara logotypen som PNG eller JPEG och välj den igen.",
            "{what} is neither PNG nor JPEG. Save the logo as PNG or JPEG and choose it again.",
            what = what
        )));
    }
    let image = printpdf::RawImage::decode_from_bytes(bytes, &mut Vec::new()).map_err(|_| {
        AppError::validation(msg!(
            "{what} går inte att läsa som bild (filen är skadad eller ofullständig). Spara om den som PNG eller JPEG.",
            "{what} cannot be read as an image (the file is damaged or incomplete). Save it again as PNG or JPEG.",
            what = what
        ))
    })?;
    if image.width == 0 || image.height == 0 || image.width > MAX_LOGO_PIXELS || image.height > MAX_LOGO_PIXELS {
        return Err(AppError::validation(msg!(
            "{what} är {} × {} bildpunkter; högst {MAX_LOGO_PIXELS} × {MAX_LOGO_PIXELS} går att använda. Spara en mindre version.",
            "{what} is {} × {} pixels; at most {MAX_LOGO_PIXELS} × {MAX_LOGO_PIXELS} can be used. Save a smaller version.",
            image.width,
            image.height,
            what = what
        )));
    }
    Ok(())
}
