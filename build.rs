//! Minifies the lesson files into OUT_DIR: the sources stay readable, the
//! download carries compact JSON.

use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=src/lessons/data");
    for entry in fs::read_dir("src/lessons/data").expect("src/lessons/data exists") {
        let path = entry.expect("readable directory").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(&path).expect("readable lesson");
            let value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_name().expect("a file name");
            fs::write(Path::new(&out).join(name), value.to_string()).expect("writable OUT_DIR");
        }
    }
}
