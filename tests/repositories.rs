//! The repository suite on both engines (issue 14): the same calls, the same answers, on the
//! laptop's SQLite file and on the shared PostgreSQL database.

mod common;

use common::engines::{demo, Engine};
use styrkort::store::units;

on_both_engines!(units_read_the_same, |engine: Engine| {
    let Some(u) = demo(engine, "units_read_the_same") else { return };
    let all = units::all(u.store.read()).unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(all[0].name, "Sjöbacka kommun");
    let hemtjänsten = units::resolve(u.store.read(), "Hemtjänsten").unwrap();
    assert_eq!(units::get(u.store.read(), hemtjänsten.id).unwrap().name, "Hemtjänsten");
});
