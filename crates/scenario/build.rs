//! Minifies the preset files into OUT_DIR (see `minify_json.rs`). For the
//! browser (wasm32) their descriptions are left out: the page never shows
//! them, and they would cost 2.5 KB of its download budget; the command
//! line and the docs keep them.

include!("minify_json.rs");

fn main() {
    println!("cargo:rerun-if-env-changed=CARGO_CFG_TARGET_ARCH");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        minify_json_dir_without("presets", &["description"]);
    } else {
        minify_json_dir("presets");
    }
}
