//! JSON paths like `producers[0].arrival.rate_per_s`: the names validation
//! reports problems at, form fields edit, lessons patch and share links diff.
//!
//! A path only ever addresses what is already in the document (a scenario's
//! JSON has every field, `null` for the unset ones), is at most
//! [`MAX_DEPTH`] steps long, and is read without recursion: a crafted link
//! cannot build objects at any depth or make serializing them overflow the
//! stack.

use std::collections::BTreeMap;

use msgsim_sim::Scenario;
use serde_json::Value;

enum Seg {
    Key(String),
    Index(usize),
}

/// The deepest path a scenario has (`consumers[0].crash.schedule[0].at_ms` is 5 steps).
pub const MAX_DEPTH: usize = 8;

/// The steps of `path`, or `None` if it is malformed or deeper than [`MAX_DEPTH`].
fn segments(path: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    if path.is_empty() {
        return Some(out);
    }
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, None), |(n, r)| (n, Some(r)));
        if !name.is_empty() {
            out.push(Seg::Key(name.to_string()));
        }
        if let Some(rest) = rest {
            for idx in rest.split('[') {
                out.push(Seg::Index(idx.strip_suffix(']')?.parse().ok()?));
            }
        }
        if out.len() > MAX_DEPTH {
            return None;
        }
    }
    Some(out)
}

/// The value at `path`.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    segments(path)?.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

/// The value at `path`, if it exists (nothing is created).
pub fn get_mut<'a>(v: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    segments(path)?.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(k),
        Seg::Index(i) => v.get_mut(i),
    })
}

/// A set of changes: the value each path should have.
pub type Patch = BTreeMap<String, Value>;

/// `scenario` with `patch` applied. Errors name the first path that does not
/// apply or the resulting problems.
pub fn apply(scenario: &Scenario, patch: &Patch) -> Result<Scenario, String> {
    let mut doc = scenario.to_value();
    for (path, value) in patch {
        let slot = get_mut(&mut doc, path).ok_or_else(|| format!("{path}: no such field"))?;
        *slot = value.clone();
    }
    Scenario::from_value(doc).map_err(|p| p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
}

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

    #[test]
    fn paths_address_only_what_exists_and_only_so_deep() {
        let mut doc = msgsim_sim::presets::get("reliable-queue").unwrap().scenario.to_value();
        assert!(get_mut(&mut doc, "producers[0].messages").is_some());
        assert!(get_mut(&mut doc, "producers[0].colour").is_none(), "no new members");
        assert!(get_mut(&mut doc, "producers[7].messages").is_none(), "no new items");
        assert!(get_mut(&mut doc, "producers[x].messages").is_none(), "malformed");
        assert!(get_mut(&mut doc, "producers[0.messages").is_none(), "malformed");
        let deep = vec!["a"; 10_000].join(".");
        assert!(get_mut(&mut doc, &deep).is_none(), "too deep");
        assert!(get(&doc, &deep).is_none());
        assert_eq!(doc, msgsim_sim::presets::get("reliable-queue").unwrap().scenario.to_value(), "untouched");
    }

    #[test]
    fn a_bad_patch_names_its_path() {
        let s = msgsim_sim::presets::get("reliable-queue").unwrap().scenario.clone();
        let bad = Patch::from([("consumers[7].count".to_string(), Value::from(2))]);
        assert!(apply(&s, &bad).unwrap_err().contains("consumers[7].count"));
        let invalid = Patch::from([("network.default.loss".to_string(), Value::from(3))]);
        assert!(apply(&s, &invalid).unwrap_err().contains("probability"));
    }
}
