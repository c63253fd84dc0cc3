//! The student's own scenarios (kept in the browser's storage by the shell)
//! and the files the app exports.

use msgsim_sim::{Scenario, TraceEvent, trace};
use serde::{Deserialize, Serialize};

/// Storage format version of the saved-scenarios list.
pub const STORE_VERSION: u32 = 1;

/// A scenario saved under a name.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// The name the student gave it.
    pub name: String,
    /// The scenario.
    pub scenario: Scenario,
}

#[derive(Serialize, Deserialize)]
struct Store {
    version: u32,
    scenarios: Vec<Stored>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    scenario: serde_json::Value,
}

/// Why the saved list could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Not our format (damaged, or edited by hand).
    Corrupt,
    /// Written by a newer msgsim.
    Newer(u32),
}

/// Reads the stored list. Entries that are no longer valid scenarios are
/// left out and counted.
pub fn parse_saved(raw: &str) -> Result<(Vec<Saved>, usize), StoreError> {
    let store: Store = serde_json::from_str(raw).map_err(|_| StoreError::Corrupt)?;
    if store.version > STORE_VERSION {
        return Err(StoreError::Newer(store.version));
    }
    let total = store.scenarios.len();
    let saved: Vec<Saved> = store
        .scenarios
        .into_iter()
        .filter_map(|s| {
            let scenario = Scenario::from_value(s.scenario).ok()?;
            Some(Saved { name: s.name, scenario })
        })
        .collect();
    let skipped = total - saved.len();
    Ok((saved, skipped))
}

/// The stored form of the list.
pub fn saved_json(saved: &[Saved]) -> String {
    let store = Store {
        version: STORE_VERSION,
        scenarios: saved.iter().map(|s| Stored { name: s.name.clone(), scenario: s.scenario.to_value() }).collect(),
    };
    serde_json::to_string(&store).unwrap_or_default()
}

/// A trace export as pieces of about a megabyte each (so a long trace never
/// has to sit in one string).
pub fn trace_chunks(events: &[TraceEvent], names: &[String], csv: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut chunk = String::new();
    if csv {
        chunk.push_str(trace::CSV_HEADER);
        chunk.push('\n');
    }
    for e in events {
        let line = if csv { trace::csv_line(e, names) } else { trace::json_line(e, names) };
        chunk.push_str(&line);
        chunk.push('\n');
        if chunk.len() > 1 << 20 {
            out.push(std::mem::take(&mut chunk));
        }
    }
    if !chunk.is_empty() {
        out.push(chunk);
    }
    out
}

/// A file name: lowercase letters, digits and dashes.
pub fn file_stem(name: &str, seed: u64) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() { "scenario".to_string() } else { slug };
    format!("msgsim-{slug}-seed{seed}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::{Simulation, presets};

    #[test]
    fn saved_round_trip_and_damage() {
        let saved = vec![Saved { name: "mine".into(), scenario: presets::get("poison-to-dlq").unwrap().scenario }];
        let (back, skipped) = parse_saved(&saved_json(&saved)).unwrap();
        assert_eq!((back, skipped), (saved, 0));
        assert_eq!(parse_saved("{not json"), Err(StoreError::Corrupt));
        assert_eq!(parse_saved(r#"{"version":9,"scenarios":[]}"#), Err(StoreError::Newer(9)));
        let one_bad = r#"{"version":1,"scenarios":[{"name":"x","scenario":{"version":1}}]}"#;
        assert_eq!(parse_saved(one_bad).map(|(s, n)| (s.len(), n)), Ok((0, 1)));
    }

    #[test]
    fn trace_export_has_one_line_per_event() {
        let s = presets::get("reliable-queue").unwrap().scenario;
        let mut sim = Simulation::new(&s, 1).unwrap();
        sim.run();
        let names = sim.topology().names();
        let csv: String = trace_chunks(sim.trace(), &names, true).concat();
        assert_eq!(csv.lines().count(), sim.trace().len() + 1);
        let jsonl: String = trace_chunks(sim.trace(), &names, false).concat();
        assert_eq!(jsonl.lines().count(), sim.trace().len());
        assert_eq!(file_stem("Acks and retries!", 7), "msgsim-acks-and-retries-seed7");
        assert_eq!(file_stem("重试", 1), "msgsim-scenario-seed1");
    }
}
