//! JSON paths like `producers[0].arrival.rate_per_s`: the names validation
//! reports problems at, the editor's fields edit, lessons and share links
//! patch, and sweeps vary (and read report figures by).
//!
//! A path only ever addresses what is already in the document (a scenario's
//! JSON has every field, `null` for the unset ones), is at most
//! [`MAX_DEPTH`] steps long, and is read without recursion: a crafted link
//! cannot build objects at any depth or make serializing them overflow the
//! stack.

use std::collections::BTreeMap;

use crate::Scenario;
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

/// The value of a field the scenario's JSON leaves out because it has its
/// default (the log broker's settings, kept out of scenarios without a
/// topic): what an editor shows for it.
pub fn default_at(path: &str) -> Option<Value> {
    let mut generic = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => generic.push(c),
            _ => {}
        }
    }
    let producer = crate::scenario::ProducerSpec::default();
    let log = || serde_json::to_value(crate::scenario::LogGroupSpec::default()).ok();
    match generic.as_str() {
        "producers.partitioner" => serde_json::to_value(producer.partitioner).ok(),
        "producers.batch_size" => Some(Value::from(producer.batch_size)),
        "producers.linger_ms" => Some(Value::from(producer.linger_ms)),
        "costs" => serde_json::to_value(crate::scenario::BrokerCosts::default()).ok(),
        "costs.queue" | "costs.log" => serde_json::to_value(crate::scenario::ServiceCost::default()).ok(),
        "costs.queue.request_ms" | "costs.queue.record_ms" | "costs.log.request_ms" | "costs.log.record_ms" => {
            Some(Value::from(0.0))
        }
        "producers.acks" => serde_json::to_value(producer.acks).ok(),
        "producers.idempotent" => Some(Value::Bool(producer.idempotent)),
        "consumers.log" => log(),
        "topics" => Some(Value::Array(Vec::new())),
        other => log()?.get(other.strip_prefix("consumers.log.")?).cloned(),
    }
}

/// Sets `path` in `doc` to `value`: an existing field, or one left out (in
/// an object that exists, or is made on the way — never an array item).
/// Returns whether it could. Whether the name is a field at all is for the
/// scenario's own reading to say.
pub fn set(doc: &mut Value, path: &str, value: Value) -> bool {
    if let Some(slot) = get_mut(doc, path) {
        *slot = value;
        return true;
    }
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    if key.contains('[') || key.is_empty() {
        return false;
    }
    if !parent.is_empty() && get(doc, parent).is_none() && !set(doc, parent, Value::Object(Default::default())) {
        return false;
    }
    let parent = if parent.is_empty() { Some(doc) } else { get_mut(doc, parent) };
    match parent.and_then(Value::as_object_mut) {
        Some(object) => {
            object.insert(key.to_string(), value);
            true
        }
        None => false,
    }
}

/// A set of changes: the value each path should have.
pub type Patch = BTreeMap<String, Value>;

/// `scenario` with `patch` applied. Errors name the first path that does not
/// apply or the resulting problems.
pub fn apply(scenario: &Scenario, patch: &Patch) -> Result<Scenario, String> {
    apply_to_value(scenario.to_value(), patch)
}

/// [`apply`] to a scenario already turned into JSON (`scenario.to_value()`),
/// for a caller that read it first.
pub fn apply_to_value(mut doc: Value, patch: &Patch) -> Result<Scenario, String> {
    for (path, value) in patch {
        // A field left out because it has its default is set too.
        if !set(&mut doc, path, value.clone()) {
            return Err(format!("{path}: no such field"));
        }
    }
    Scenario::from_value(doc).map_err(|p| p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_address_only_what_exists_and_only_so_deep() {
        let mut doc = crate::presets::get("reliable-queue").unwrap().scenario.to_value();
        assert!(get_mut(&mut doc, "producers[0].messages").is_some());
        assert!(get_mut(&mut doc, "producers[0].colour").is_none(), "no new members");
        assert!(get_mut(&mut doc, "producers[7].messages").is_none(), "no new items");
        assert!(get_mut(&mut doc, "producers[x].messages").is_none(), "malformed");
        assert!(get_mut(&mut doc, "producers[0.messages").is_none(), "malformed");
        let deep = vec!["a"; 10_000].join(".");
        assert!(get_mut(&mut doc, &deep).is_none(), "too deep");
        assert!(get(&doc, &deep).is_none());
        assert_eq!(doc, crate::presets::get("reliable-queue").unwrap().scenario.to_value(), "untouched");
    }

    #[test]
    fn a_bad_patch_names_its_path() {
        let s = crate::presets::get("reliable-queue").unwrap().scenario.clone();
        let bad = Patch::from([("consumers[7].count".to_string(), Value::from(2))]);
        assert!(apply(&s, &bad).unwrap_err().contains("consumers[7].count"));
        let invalid = Patch::from([("network.default.loss".to_string(), Value::from(3))]);
        assert!(apply(&s, &invalid).unwrap_err().contains("probability"));
        // A field left out because it has its default can be set; a name
        // that is no field cannot.
        let acks = Patch::from([("producers[0].acks".to_string(), Value::from("all"))]);
        assert_eq!(apply(&s, &acks).unwrap().producers[0].acks, crate::scenario::ProducerAcks::All);
        let colour = Patch::from([("producers[0].colour".to_string(), Value::from("red"))]);
        assert!(apply(&s, &colour).unwrap_err().contains("colour"), "{:?}", apply(&s, &colour));
        let commit = Patch::from([("consumers[0].log.commit".to_string(), Value::from("auto"))]);
        assert_eq!(apply(&s, &commit).unwrap().consumers[0].log.commit, crate::scenario::CommitPolicy::Auto);
        assert_eq!(default_at("consumers[2].log.fetch_wait_ms"), Some(Value::from(500.0)));
        assert_eq!(default_at("producers[0].acks"), Some(Value::from("leader")));
        assert_eq!(default_at("producers[0].messages"), None, "always in the JSON");
    }
}
