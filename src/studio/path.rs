//! JSON paths (the core's [`msgsim_sim::path`]) and the changes between two
//! documents, as share links carry them.

use serde_json::Value;

pub use msgsim_sim::path::{MAX_DEPTH, Patch, apply, get, get_mut};

/// The changes that turn `base` into `target`, leaf by leaf (an array whose
/// length differs is replaced whole).
pub fn diff(base: &Value, target: &Value) -> Patch {
    fn walk(path: &str, a: &Value, b: &Value, out: &mut Patch) {
        match (a, b) {
            // A member removed (e.g. a distribution switched kind): a patch
            // only sets values, so the whole object is replaced.
            (Value::Object(x), Value::Object(y)) if x.keys().any(|k| !y.contains_key(k)) => {
                out.insert(path.to_string(), b.clone());
            }
            (Value::Object(x), Value::Object(y)) => {
                for (k, vb) in y {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    match x.get(k) {
                        Some(va) => walk(&p, va, vb, out),
                        None => {
                            out.insert(p, vb.clone());
                        }
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    walk(&format!("{path}[{i}]"), va, vb, out);
                }
            }
            _ if a != b => {
                out.insert(path.to_string(), b.clone());
            }
            _ => {}
        }
    }
    let mut out = Patch::new();
    walk("", base, target, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_then_apply_round_trips() {
        for p in msgsim_sim::presets::all() {
            for q in msgsim_sim::presets::all() {
                let (a, b) = (serde_json::to_value(&p.scenario).unwrap(), serde_json::to_value(&q.scenario).unwrap());
                let d = diff(&a, &b);
                assert_eq!(apply(&p.scenario, &d).as_ref(), Ok(&q.scenario), "{} → {}", p.id, q.id);
                if p.id == q.id {
                    assert!(d.is_empty());
                }
            }
        }
    }
}
