//! Minifies the lesson files into OUT_DIR (see `crates/scenario/minify_json.rs`).

include!("crates/scenario/minify_json.rs");

fn main() {
    minify_json_dir("src/lessons/data");
}
