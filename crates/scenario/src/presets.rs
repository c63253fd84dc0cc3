//! Built-in scenarios, one JSON file each under `crates/scenario/presets/`.
//!
//! They are data, so a teacher can read one, copy it and change a number. The
//! order here is the order of the menus: the teaching story from a healthy
//! queue through every fault and its remedy.

use crate::scenario::Scenario;

macro_rules! presets {
    ($($id:literal),* $(,)?) => {
        /// `(id, JSON)` of every preset, in menu order.
        pub const SOURCES: &[(&str, &str)] = &[
            // Minified into OUT_DIR by build.rs.
            $(($id, include_str!(concat!(env!("OUT_DIR"), "/", $id, ".json"))),)*
        ];
    };
}

presets![
    "reliable-queue",
    "sync-call",
    "async-queue",
    "lossy-fire-and-forget",
    "acks-and-retries",
    "retries-with-idempotency",
    "crash-before-ack",
    "retry-storm",
    "backoff-with-jitter",
    "poison-to-dlq",
    "queue-full",
    "backpressure",
    "slow-consumer",
    "more-consumers",
    "fan-out",
    "sync-chain",
    "pipeline-duplicates",
    "dual-write",
    "dual-write-publish-first",
    "outbox",
    "versions",
    "event-store",
    "saga",
    "choreography",
    "two-phase-commit",
    "broker-crash",
    "how-many-retries",
    "hockey-stick",
    "log-keys-and-partitions",
    "log-idle-members",
    "log-rebalance",
    "log-commit-policy",
    "log-acks-failover",
    "log-replay",
    "projection-rebuild",
    "queue-or-log-queues",
    "queue-or-log-log",
    "knee-queues",
    "knee-log",
];

/// A built-in scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Stable identifier (the file name), used in URLs and on the command line.
    pub id: &'static str,
    /// The scenario; its `name` is the title and `description` the one-liner.
    pub scenario: Scenario,
}

/// Every preset, in menu order. Parsed once, on first use, and shared.
pub fn all() -> &'static [Preset] {
    static ALL: std::sync::OnceLock<Vec<Preset>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        // Presets are checked by the tests; a broken one is simply absent.
        SOURCES
            .iter()
            .filter_map(|(id, json)| Scenario::from_json(json).ok().map(|scenario| Preset { id, scenario }))
            .collect()
    })
}

/// The preset called `id`.
pub fn get(id: &str) -> Option<&'static Preset> {
    all().iter().find(|p| p.id == id)
}

/// The ids of every preset.
pub fn ids() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_validates() {
        for (id, json) in SOURCES {
            let s = Scenario::from_json(json).unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert!(!s.name.is_empty() && !s.description.is_empty(), "{id} needs a name and description");
        }
        assert_eq!(all().len(), SOURCES.len());
    }
}
