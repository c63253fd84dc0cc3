//! Writes the lesson index into OUT_DIR: each lesson's id and title, in
//! teaching order (file name order). The app carries only this index; a
//! lesson's body is fetched when it is opened (`dist/lessons/<id>.json`,
//! written by `scripts/lessons-dist.mjs` after each build), so a lesson
//! costs the download nothing until someone opens it. The tests embed the
//! source files themselves.

use std::{env, fs, path::Path};

fn main() {
    let dir = "src/lessons/data";
    println!("cargo:rerun-if-changed={dir}");
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut index = String::from("/// `(id, English title, Chinese title)` of every lesson, in teaching order.\n");
    index.push_str("pub const INDEX: &[(&str, &str, &str)] = &[\n");
    for path in files {
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let field = |p: &str| {
            value
                .pointer(p)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{}: no {p}", path.display()))
                .to_string()
        };
        let (id, en, zh) = (field("/id"), field("/title/en"), field("/title/zh"));
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: a lesson id is lowercase letters, digits and dashes (it names a file)",
            path.display()
        );
        index.push_str(&format!("    ({id:?}, {en:?}, {zh:?}),\n"));
    }
    index.push_str("];\n");
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out).join("lesson_index.rs"), index).expect("writable OUT_DIR");
}
