// Used by this crate's build script (`include!`d): copies every JSON file of
// a folder into OUT_DIR, minified, so the sources stay readable and the
// binaries (and the browser download) carry compact JSON.

/// Minifies `dir/*.json` into OUT_DIR under the same names.
#[allow(dead_code)]
fn minify_json_dir(dir: &str) {
    minify_json_dir_without(dir, &[]);
}

/// Minifies `dir/*.json` into OUT_DIR under the same names, leaving out the
/// top-level keys `drop` (what only the tests read).
fn minify_json_dir_without(dir: &str, drop: &[&str]) {
    use std::{env, fs, path::Path};
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed={dir}");
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.expect("readable directory").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(o) = value.as_object_mut() {
                for key in drop {
                    o.remove(*key);
                }
            }
            let name = path.file_name().expect("a file name");
            fs::write(Path::new(&out).join(name), value.to_string()).expect("writable OUT_DIR");
        }
    }
}
