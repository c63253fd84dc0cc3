//! Minifies the preset files into OUT_DIR (see `minify_json.rs`).

include!("minify_json.rs");

fn main() {
    minify_json_dir("presets");
}
