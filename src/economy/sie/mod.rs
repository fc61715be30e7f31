//! SIE 4 import (issue 15): an SIE file exported from the ekonomisystem, read strictly
//! (`parse`), mapped once onto the resultaträkning's and balansräkning's lines, the nämnder
//! and the investment projects (`map`), and turned into a period's `Figures` with a preview
//! of what changes (`import`). Applying writes everything in one transaction, or nothing.

pub mod connect;
pub mod import;
pub mod map;
pub mod parse;
