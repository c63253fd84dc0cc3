//! Share links: the URL fragment carries the scenario (as changes from a
//! preset), the seed, the lesson and the position, compactly:
//!
//! `#v=1&p=acks-and-retries&seed=7&t=1200.5&lesson=idempotency&side=after&d=eyJj…`
//!
//! `d` is the patch (JSON path → value) base64url-encoded; it is absent when
//! the scenario is the preset itself. `sweep`, when present, is the sweep
//! panel's form (JSON, base64url-encoded): the link opens the panel and runs it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use msgsim_sim::{Problem, Scenario, presets};

use super::path::{self, Patch};

/// The link format this build writes and reads.
pub const LINK_VERSION: u32 = 1;

/// The longest fragment read, in bytes: a link is refused before any decoding
/// if it is longer (a scenario's changes from a preset take a few hundred).
pub const MAX_LINK_BYTES: usize = 64 << 10;

/// What a link describes.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The preset the scenario starts from.
    pub preset: String,
    /// Its changes.
    pub patch: Patch,
    /// The seed.
    pub seed: u64,
    /// Position, ms.
    pub time_ms: Option<f64>,
    /// The open lesson.
    pub lesson: Option<String>,
    /// Which setup of the lesson: `before`, `between` or `after`.
    pub side: Option<String>,
    /// The sweep panel's form (JSON), if the link runs a sweep.
    pub sweep: Option<String>,
}

/// Why a link cannot be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// Made by a newer msgsim.
    FutureVersion(u32),
    /// Cut short or garbled; names the part.
    Damaged(&'static str),
    /// Longer than [`MAX_LINK_BYTES`]: not read at all.
    TooLong,
    /// Names a preset this build does not have.
    UnknownPreset(String),
    /// Decodes, but the scenario is not valid.
    Invalid(Vec<Problem>),
}

/// The fragment (without `#`) for `link`.
pub fn encode(link: &Link) -> String {
    let mut s = format!("v={LINK_VERSION}&p={}&seed={}", link.preset, link.seed);
    if let Some(t) = link.time_ms {
        s.push_str(&format!("&t={}", (t * 1_000.0).round() / 1_000.0));
    }
    if let Some(l) = &link.lesson {
        s.push_str(&format!("&lesson={l}"));
        if let Some(side) = &link.side {
            s.push_str(&format!("&side={side}"));
        }
    }
    if !link.patch.is_empty() {
        let json = serde_json::to_string(&link.patch).unwrap_or_default();
        s.push_str("&d=");
        s.push_str(&URL_SAFE_NO_PAD.encode(json));
    }
    if let Some(form) = &link.sweep {
        s.push_str("&sweep=");
        s.push_str(&URL_SAFE_NO_PAD.encode(form));
    }
    s
}

fn params(fragment: &str) -> Vec<(&str, &str)> {
    fragment.trim_start_matches('#').split('&').filter_map(|kv| kv.split_once('=')).collect()
}

/// Whether a fragment looks like a share link at all (an empty or unrelated
/// fragment is not an error, just no link).
pub fn is_link(fragment: &str) -> bool {
    params(fragment).iter().any(|(k, _)| *k == "v")
}

/// Decodes a fragment (with or without `#`).
pub fn decode(fragment: &str) -> Result<Link, LinkError> {
    if fragment.len() > MAX_LINK_BYTES {
        return Err(LinkError::TooLong);
    }
    let ps = params(fragment);
    let get = |k: &str| ps.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let version: u32 = get("v").ok_or(LinkError::Damaged("v"))?.parse().map_err(|_| LinkError::Damaged("v"))?;
    if version > LINK_VERSION {
        return Err(LinkError::FutureVersion(version));
    }
    if version != LINK_VERSION {
        return Err(LinkError::Damaged("v"));
    }
    let preset = get("p").ok_or(LinkError::Damaged("p"))?.to_string();
    if presets::get(&preset).is_none() {
        return Err(LinkError::UnknownPreset(preset));
    }
    let seed = get("seed").ok_or(LinkError::Damaged("seed"))?.parse().map_err(|_| LinkError::Damaged("seed"))?;
    let time_ms = match get("t") {
        Some(t) => Some(crate::i18n::parse_number(t).filter(|t| *t >= 0.0).ok_or(LinkError::Damaged("t"))?),
        None => None,
    };
    // A base64url-encoded text parameter (as text, so the one JSON parser of
    // the program, for `&str`, reads it).
    let text = |name: &'static str| -> Result<Option<String>, LinkError> {
        let Some(value) = get(name) else { return Ok(None) };
        let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| LinkError::Damaged(name))?;
        String::from_utf8(bytes).map(Some).map_err(|_| LinkError::Damaged(name))
    };
    let patch = match text("d")? {
        Some(t) => serde_json::from_str::<Patch>(&t).map_err(|_| LinkError::Damaged("d"))?,
        None => Patch::new(),
    };
    // Read by the panel (which says what is wrong with it); here only
    // checked to look like a JSON object.
    let sweep = text("sweep")?;
    if sweep.as_ref().is_some_and(|t| !(t.starts_with('{') && t.ends_with('}'))) {
        return Err(LinkError::Damaged("sweep"));
    }
    // Only the names lessons use; anything else is the first setup.
    let side = get("side").filter(|s| ["before", "between", "after"].contains(s)).map(str::to_string);
    Ok(Link { preset, patch, seed, time_ms, lesson: get("lesson").map(str::to_string), side, sweep })
}

/// The scenario a decoded link describes.
pub fn scenario(link: &Link) -> Result<Scenario, LinkError> {
    let base = presets::get(&link.preset).ok_or_else(|| LinkError::UnknownPreset(link.preset.clone()))?;
    let mut doc = base.scenario.to_value();
    for (p, v) in &link.patch {
        *path::get_mut(&mut doc, p).ok_or(LinkError::Damaged("d"))? = v.clone();
    }
    let s = Scenario::from_value(doc).map_err(LinkError::Invalid)?;
    super::run::fits(&s).map_err(LinkError::Invalid)?;
    Ok(s)
}

/// A link to `scenario` at `seed`, as changes from preset `base`.
pub fn link_to(base: &str, scenario: &Scenario, seed: u64) -> Link {
    let patch = presets::get(base)
        .map(|p| {
            let (a, b) = (p.scenario.to_value(), scenario.to_value());
            path::diff(&a, &b)
        })
        .unwrap_or_default();
    Link { preset: base.to_string(), patch, seed, time_ms: None, lesson: None, side: None, sweep: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut s = presets::get("acks-and-retries").unwrap().scenario.clone();
        s.consumers[0].idempotency.enabled = true;
        s.producers[0].messages = 150;
        let mut link = link_to("acks-and-retries", &s, 77);
        link.time_ms = Some(1234.5678);
        link.lesson = Some("idempotency".into());
        link.side = Some("after".into());
        let text = encode(&link);
        assert!(text.len() < 200, "compact: {text}");
        let back = decode(&text).unwrap();
        assert_eq!(back.seed, 77);
        assert_eq!(back.time_ms, Some(1234.568));
        assert_eq!(back.lesson.as_deref(), Some("idempotency"));
        assert_eq!(back.side.as_deref(), Some("after"));
        assert_eq!(scenario(&back).unwrap(), s);
        // A preset as is needs no data at all.
        let plain = encode(&link_to("reliable-queue", &presets::get("reliable-queue").unwrap().scenario.clone(), 1));
        assert_eq!(plain, "v=1&p=reliable-queue&seed=1");
    }

    #[test]
    fn bad_links_say_why() {
        assert_eq!(decode("v=2&p=x&seed=1"), Err(LinkError::FutureVersion(2)));
        assert_eq!(decode("v=1&p=reliable-queue"), Err(LinkError::Damaged("seed")));
        assert_eq!(decode("v=1&p=nope&seed=1"), Err(LinkError::UnknownPreset("nope".into())));
        assert_eq!(decode("v=1&p=reliable-queue&seed=1&d=eyJwcm9k"), Err(LinkError::Damaged("d")), "truncated data");
        assert_eq!(decode("v=1&p=reliable-queue&seed=1&t=-3"), Err(LinkError::Damaged("t")));
        assert_eq!(decode("v=1&p=reliable-queue&seed=1&sweep=e30x"), Err(LinkError::Damaged("sweep")));
        let bad = Link {
            patch: Patch::from([("network.default.loss".into(), serde_json::json!(7))]),
            ..link_to("reliable-queue", &presets::get("reliable-queue").unwrap().scenario.clone(), 1)
        };
        match scenario(&decode(&encode(&bad)).unwrap()) {
            Err(LinkError::Invalid(p)) => assert_eq!(p[0].path, "network.default.loss"),
            other => panic!("{other:?}"),
        }
        let long = format!("v=1&p=reliable-queue&seed=1&d={}", "A".repeat(MAX_LINK_BYTES));
        assert_eq!(decode(&long), Err(LinkError::TooLong));
        // A patch may only change fields that exist, at bounded depth.
        for path in ["producers[0].colour", "producers[9].messages", "a.a.a.a.a.a.a.a.a.a.a"] {
            let bad = Link {
                patch: Patch::from([(path.to_string(), serde_json::json!({"x": 1}))]),
                ..link_to("reliable-queue", &presets::get("reliable-queue").unwrap().scenario, 1)
            };
            assert_eq!(scenario(&decode(&encode(&bad)).unwrap()), Err(LinkError::Damaged("d")), "{path}");
        }
        assert!(!is_link(""));
        assert!(!is_link("#section-2"));
        assert!(is_link("#v=1&p=x"));
    }
}
