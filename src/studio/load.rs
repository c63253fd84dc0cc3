//! A scenario to show, wherever it came from: a preset, a lesson, a share
//! link, a file or the student's saved list. Loading one resets everything
//! that belonged to the old one (see `Studio::load`).

use msgsim_sim::presets::Preset;
use msgsim_sim::{Scenario, Time};

/// What to show and how it is described.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// The scenario.
    pub scenario: Scenario,
    /// The seed to run it with.
    pub seed: u64,
    /// The preset it is, unchanged, if it is one.
    pub preset: Option<String>,
    /// The preset it starts from (share links carry the changes from it).
    pub base: String,
    /// The lesson it belongs to, and which of its setups.
    pub lesson: Option<(String, usize)>,
    /// A moment to show once the run is computed that far, µs.
    pub seek: Option<Time>,
    /// The playback speed to open at (else one from the scenario's latency).
    pub speed: Option<f64>,
}

impl Load {
    /// A built-in scenario at its own seed.
    pub fn preset(p: &Preset) -> Self {
        Load {
            scenario: p.scenario.clone(),
            seed: p.scenario.seed,
            preset: Some(p.id.to_string()),
            base: p.id.to_string(),
            lesson: None,
            seek: None,
            speed: None,
        }
    }

    /// A scenario of the student's (a file, a saved one) at its own seed.
    pub fn custom(scenario: Scenario) -> Self {
        Load {
            seed: scenario.seed,
            scenario,
            preset: None,
            base: super::session::DEFAULT_PRESET.to_string(),
            lesson: None,
            seek: None,
            speed: None,
        }
    }
}
