//! Deserializing `{"kind": "...", ...}` objects with precise error paths.
//!
//! [`problems`] checks every tagged object of a parsed scenario against its
//! kind's field list (names and numeric types), so each problem names its
//! field; the scenario is read only once that passes. The deserializer itself
//! rewrites the object to the externally tagged form `{"poisson": {...}}`
//! that serde reads.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Arrival;
use crate::dist::Dist;

/// The fields of each kind: `(kind, [(field, whole number?)])`.
pub type Kinds = &'static [(&'static str, &'static [(&'static str, bool)])];

/// The duration distributions' kinds and fields (the one list the
/// deserializer, its error messages and the editor's forms follow).
pub const DIST_KINDS: Kinds = &[
    ("constant", &[("ms", false)]),
    ("uniform", &[("min_ms", false), ("max_ms", false)]),
    ("normal", &[("mean_ms", false), ("std_ms", false)]),
    ("exponential", &[("mean_ms", false)]),
    ("log_normal", &[("median_ms", false), ("sigma", false)]),
];

/// The arrival processes' kinds and fields.
pub const ARRIVAL_KINDS: Kinds = &[
    ("fixed", &[("interval_ms", false)]),
    ("poisson", &[("rate_per_s", false)]),
    ("bursts", &[("size", true), ("every_ms", false)]),
];

fn quoted(names: impl Iterator<Item = &'static str>) -> String {
    names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Checks one tagged object: `Err((field, message))` names what is wrong.
fn check(map: &Map<String, Value>, kinds: Kinds) -> Result<(), (String, String)> {
    let kind = match map.get("kind") {
        Some(Value::String(k)) => k,
        Some(other) => return Err(("kind".into(), format!("must be a string, got {other}"))),
        None => return Err(("kind".into(), "missing (say which kind, e.g. \"kind\": \"constant\")".into())),
    };
    let Some((_, fields)) = kinds.iter().find(|(k, _)| k == kind) else {
        let expected = quoted(kinds.iter().map(|(k, _)| *k));
        return Err(("kind".into(), format!("unknown variant `{kind}`, expected one of {expected}")));
    };
    for (name, value) in map.iter().filter(|(k, _)| *k != "kind") {
        match fields.iter().find(|(f, _)| f == name) {
            None => {
                let expected = quoted(fields.iter().map(|(f, _)| *f));
                return Err((name.clone(), format!("unknown field `{name}`, expected {expected}")));
            }
            Some((_, whole)) if *whole && value.as_u64().is_none_or(|v| v > u64::from(u32::MAX)) => {
                return Err((name.clone(), format!("wrong type: {value}, expected a whole number ≥ 0")));
            }
            Some(_) if !value.is_number() => {
                return Err((name.clone(), format!("wrong type: {value}, expected a number")));
            }
            Some(_) => {}
        }
    }
    match fields.iter().find(|(f, _)| !map.contains_key(*f)) {
        Some((name, _)) => Err((name.to_string(), format!("missing field `{name}`"))),
        None => Ok(()),
    }
}

/// The problems of every tagged object (distribution, arrival process) in a
/// parsed scenario, each at its field's path.
pub(super) fn problems(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut visit = |v: Option<&Value>, path: String, kinds: Kinds| {
        if let Some(Value::Object(map)) = v
            && let Err((field, why)) = check(map, kinds)
        {
            out.push((format!("{path}.{field}"), why));
        }
    };
    let list = |key: &str| doc.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    visit(doc.pointer("/network/default/latency"), "network.default.latency".into(), DIST_KINDS);
    let links = doc.pointer("/network/links").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, l) in links.iter().enumerate() {
        visit(l.get("latency"), format!("network.links[{i}].latency"), DIST_KINDS);
    }
    for (i, p) in list("producers").iter().enumerate() {
        visit(p.get("arrival"), format!("producers[{i}].arrival"), ARRIVAL_KINDS);
    }
    for (i, c) in list("consumers").iter().enumerate() {
        visit(c.get("processing"), format!("consumers[{i}].processing"), DIST_KINDS);
    }
    out
}

fn deserialize_tagged<'de, D, T, X>(d: D, kinds: Kinds, unwrap: fn(X) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    X: serde::de::DeserializeOwned,
{
    let mut map = Map::<String, Value>::deserialize(d)?;
    check(&map, kinds).map_err(|(field, why)| D::Error::custom(format!("{field}: {why}")))?;
    let kind = map.remove("kind").unwrap_or_default();
    let Value::String(kind) = kind else { return Err(D::Error::custom("kind: must be a string")) };
    // Inserted, not `Map::from_iter` (which sorts its items with the stable
    // sort: 3 KB of the page's download for a map of one entry).
    let mut outer = Map::new();
    outer.insert(kind, Value::Object(map));
    let external = Value::Object(outer);
    serde_json::from_value::<X>(external).map(unwrap).map_err(|e| D::Error::custom(e.to_string()))
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Dist", rename_all = "snake_case", deny_unknown_fields)]
enum DistExternal {
    Constant { ms: f64 },
    Uniform { min_ms: f64, max_ms: f64 },
    Normal { mean_ms: f64, std_ms: f64 },
    Exponential { mean_ms: f64 },
    LogNormal { median_ms: f64, sigma: f64 },
}

#[derive(Deserialize)]
struct DistExt(#[serde(with = "DistExternal")] Dist);

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_tagged(d, DIST_KINDS, |DistExt(x)| x)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Arrival", rename_all = "snake_case", deny_unknown_fields)]
enum ArrivalExternal {
    Fixed { interval_ms: f64 },
    Poisson { rate_per_s: f64 },
    Bursts { size: u32, every_ms: f64 },
}

#[derive(Deserialize)]
struct ArrivalExt(#[serde(with = "ArrivalExternal")] Arrival);

impl<'de> Deserialize<'de> for Arrival {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_tagged(d, ARRIVAL_KINDS, |ArrivalExt(x)| x)
    }
}
