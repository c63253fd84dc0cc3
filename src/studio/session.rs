//! What runs: the scenario, the seed, the preset it came from, and the run.

use msgsim_sim::{Scenario, presets};

use msgsim_sim::Time;

use super::Cmd;
use super::compare::Reference;
use super::load::Load;
use super::run::Run;

/// The preset shown first.
pub const DEFAULT_PRESET: &str = "acks-and-retries";

/// Something the user did to what runs.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionEvent {
    /// Load a built-in scenario.
    LoadPreset(String),
    /// Text typed into the seed field (kept across re-renders, not applied).
    SeedTyping(String),
    /// The seed field's text, committed.
    SeedText(String),
    /// A new random seed.
    NewSeed(u64),
}

/// The scenario and seed that run, and their run.
pub struct Session {
    /// The scenario running.
    pub scenario: Scenario,
    /// The seed running.
    pub seed: u64,
    /// The seed field's committed text (may not be a number).
    pub seed_text: String,
    /// What is being typed into the seed field.
    pub seed_typing: Option<String>,
    /// Which built-in scenario is loaded, unchanged, if any.
    pub preset: Option<String>,
    /// The preset the scenario started from (share links describe the
    /// scenario as changes from it).
    pub base_preset: String,
    /// The run.
    pub run: Run,
    /// The reference run of compare mode, on the same seed.
    pub reference: Option<Reference>,
}

/// What a slice of computing changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Computed {
    /// Work remains.
    pub more: bool,
    /// Something shown changed (new events, or a run finished).
    pub changed: bool,
    /// The main run finished in this slice.
    pub finished: bool,
}

impl Session {
    /// The default preset at its own seed.
    pub fn new() -> Self {
        let preset = presets::get(DEFAULT_PRESET).or_else(|| presets::all().first());
        let (scenario, run) = match preset.map(|p| (p.scenario.clone(), Run::new(&p.scenario, p.scenario.seed))) {
            Some((scenario, Ok(run))) => (scenario, run),
            _ => fallback(),
        };
        let seed = scenario.seed;
        Session {
            scenario,
            seed,
            seed_text: seed.to_string(),
            seed_typing: None,
            preset: Some(DEFAULT_PRESET.to_string()),
            base_preset: DEFAULT_PRESET.to_string(),
            run,
            reference: None,
        }
    }

    /// Handles one event.
    pub fn update(&mut self, ev: SessionEvent) -> Vec<Cmd> {
        match ev {
            SessionEvent::LoadPreset(id) => match presets::get(&id) {
                Some(p) => vec![Cmd::Load(Box::new(Load::preset(p)))],
                None => Vec::new(),
            },
            SessionEvent::SeedTyping(text) => {
                self.seed_typing = Some(text);
                Vec::new()
            }
            SessionEvent::SeedText(text) => {
                self.seed_typing = None;
                self.seed_text = text;
                match self.seed_text.trim().parse::<u64>() {
                    Ok(seed) if seed != self.seed => self.set_seed(seed),
                    _ => Vec::new(),
                }
            }
            SessionEvent::NewSeed(seed) => {
                self.seed_text = seed.to_string();
                self.set_seed(seed)
            }
        }
    }

    fn set_seed(&mut self, seed: u64) -> Vec<Cmd> {
        self.seed = seed;
        self.seed_text = seed.to_string();
        vec![Cmd::Rerun]
    }

    /// Shows `l`'s scenario and seed (the run starts on the next rerun).
    pub fn load(&mut self, l: &Load) {
        self.scenario = l.scenario.clone();
        self.seed = l.seed;
        self.seed_text = l.seed.to_string();
        self.seed_typing = None;
        self.preset = l.preset.clone();
        self.base_preset = l.base.clone();
        self.reference = None;
    }

    /// Runs `scenario` from now on (an edit): no longer a preset as is.
    pub fn set_scenario(&mut self, scenario: Scenario) {
        self.scenario = scenario;
        self.preset = None;
    }

    /// Starts the runs again from the beginning, with the current scenarios
    /// and seed (the reference runs on the same seed).
    pub fn rerun(&mut self) {
        // The scenario was validated before it got here.
        if let Ok(run) = Run::new(&self.scenario, self.seed) {
            self.run = run;
        }
        if let Some(r) = &mut self.reference
            && let Ok(run) = Run::new(&r.scenario, self.seed)
        {
            r.run = run;
        }
    }

    /// Computes up to `max_events` more of each unfinished run.
    pub fn compute(&mut self, max_events: u64) -> Computed {
        let mut c = Computed::default();
        if let Some(r) = &mut self.reference
            && !r.run.is_complete()
        {
            c.more |= r.run.compute(max_events);
            c.changed = true;
        }
        if !self.run.is_complete() {
            let before = self.run.trace().len();
            let more = self.run.compute(max_events);
            c.more |= more;
            c.finished = !more;
            c.changed |= self.run.trace().len() != before || !more;
        }
        c
    }

    /// The latest time that can be shown (in compare mode, of either run).
    pub fn horizon(&self) -> Time {
        let r = self.reference.as_ref().map_or(0, |r| r.run.horizon());
        self.run.horizon().max(r)
    }

    /// Whether every run shown is fully computed.
    pub fn is_complete(&self) -> bool {
        self.run.is_complete() && self.reference.as_ref().is_none_or(|r| r.run.is_complete())
    }

    /// Whether the seed field does not hold a seed.
    pub fn seed_error(&self) -> bool {
        self.seed_text.trim().parse::<u64>().is_err()
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// The built-in default: used only if every preset failed to load, which the
/// tests rule out.
fn fallback() -> (Scenario, Run) {
    let s = Scenario {
        producers: vec![Default::default()],
        queues: vec![Default::default()],
        consumers: vec![Default::default()],
        ..Default::default()
    };
    let run = Run::new(&s, 1).unwrap_or_else(|_| unreachable!("the default scenario is valid"));
    (s, run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_change_reruns_and_a_bad_seed_changes_nothing() {
        let mut s = Session::new();
        let seed = s.seed;
        assert!(s.update(SessionEvent::SeedTyping("12".into())).is_empty());
        assert_eq!(s.seed_typing.as_deref(), Some("12"));
        assert!(s.update(SessionEvent::SeedText("banana".into())).is_empty());
        assert!(s.seed_error());
        assert_eq!(s.seed, seed);
        assert!(s.seed_typing.is_none());
        assert!(matches!(s.update(SessionEvent::SeedText(" 42 ".into())).as_slice(), [Cmd::Rerun]));
        assert_eq!((s.seed, s.seed_error()), (42, false));
        assert!(s.update(SessionEvent::SeedText("42".into())).is_empty(), "the same seed: nothing to do");
        assert!(matches!(s.update(SessionEvent::NewSeed(7)).as_slice(), [Cmd::Rerun]));
        assert_eq!(s.seed_text, "7");
    }

    #[test]
    fn only_known_presets_load() {
        let mut s = Session::new();
        assert!(s.update(SessionEvent::LoadPreset("no-such".into())).is_empty());
        let cmds = s.update(SessionEvent::LoadPreset("poison-to-dlq".into()));
        let [Cmd::Load(l)] = cmds.as_slice() else { panic!("one load") };
        assert_eq!((l.preset.as_deref(), l.base.as_str()), (Some("poison-to-dlq"), "poison-to-dlq"));
    }
}
