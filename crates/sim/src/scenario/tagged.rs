//! Deserializing `{"kind": "...", ...}` objects with precise error paths.
//!
//! serde's derived internally tagged enums buffer their content, which loses
//! the path of an error inside a variant (`arrival` instead of
//! `arrival.rate_per_s`). Here the object is rewritten to the externally tagged
//! form `{"poisson": {...}}`, which serde reads without buffering, and the
//! inner path is carried out in the error message as a `` `field`: `` prefix
//! that [`Scenario::from_json`](super::Scenario::from_json) moves into the path.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Arrival;
use crate::dist::Dist;

/// Marks a field name carried in an error message.
pub(super) const FIELD_PREFIX: char = '`';

fn deserialize_tagged<'de, D, T, X>(d: D, unwrap: fn(X) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    X: serde::de::DeserializeOwned,
{
    let mut map = Map::<String, Value>::deserialize(d)?;
    let kind = match map.remove("kind") {
        Some(Value::String(k)) => k,
        Some(other) => return Err(D::Error::custom(format!("`kind`: must be a string, got {other}"))),
        None => return Err(D::Error::custom("`kind`: missing (say which kind, e.g. \"kind\": \"constant\")")),
    };
    let external = Value::Object(Map::from_iter([(kind, Value::Object(map))]));
    serde_path_to_error::deserialize::<_, X>(external).map(unwrap).map_err(|e| {
        let path = e.path().to_string();
        // The first segment is the variant; what follows is the field.
        let field = match path.split_once('.') {
            Some((_, field)) if !field.is_empty() => field,
            _ if e.inner().to_string().starts_with("unknown variant") => "kind",
            _ => "",
        };
        let msg = super::validate::explain_serde_error(e.inner());
        if field.is_empty() { D::Error::custom(msg) } else { D::Error::custom(format!("`{field}`: {msg}")) }
    })
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
        deserialize_tagged(d, |DistExt(x)| x)
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
        deserialize_tagged(d, |ArrivalExt(x)| x)
    }
}
