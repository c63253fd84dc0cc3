//! Minifies the lesson files into OUT_DIR (see `crates/scenario/minify_json.rs`),
//! without what only the tests read (their expectations and figures: the
//! tests read the source files themselves).

include!("crates/scenario/minify_json.rs");

fn main() {
    minify_json_dir_without("src/lessons/data", &["expect", "figures"]);
}
