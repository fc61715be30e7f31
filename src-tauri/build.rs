fn main() {
    // Declaring the app's commands makes each one need an explicit permission in
    // capabilities/ (least privilege): a command not granted there cannot be called.
    let commands: &'static [&'static str] = &["app_info", "unit_tree", "plan_years", "scorecard"];
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
