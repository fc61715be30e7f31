fn main() {
    // Declaring the app's commands makes each one need an explicit permission in
    // capabilities/ (least privilege): a command not granted there cannot be called.
    let commands: &'static [&'static str] = &[
        "app_info",
        "unit_tree",
        "plan_years",
        "scorecard",
        "value_grid",
        "paste_cells",
        "save_cells",
        "save_assessment",
        "review_assessment",
        "set_activity_follow_up",
        "set_period_locked",
        "completeness",
        "red_indicators",
        "indicator_series",
        "backups",
        "back_up_now",
        "restore_backup",
        "export_report",
        "open_export",
        "ensure_default_periods",
        "create_month_periods",
        "set_period_deadline",
        "report_settings",
        "save_report_settings",
        "pick_report_logo",
        "kolada_settings",
        "save_kolada_settings",
        "import_kolada_files",
        "red_thread",
        "export_value_template",
        "read_value_template",
        "apply_value_template",
        "search",
    ];
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
