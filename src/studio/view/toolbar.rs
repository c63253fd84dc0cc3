//! The toolbar and the timeline.

use std::rc::Rc;

use msgsim_sim::Time;

use crate::i18n::Lang;
use crate::render::palette::Theme;
use crate::studio::Studio;
use crate::studio::moments::Moment;

/// What the toolbar shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlsView {
    /// `(id, translated name)` of every preset, for the scenario menu.
    pub presets: Rc<Vec<(String, String)>>,
    /// The preset loaded unchanged, if any ("Custom scenario" otherwise).
    pub preset: Option<String>,
    /// Whether time is moving (the play button shows "Pause").
    pub playing: bool,
    /// Simulated time per wall-clock time.
    pub speed: f64,
    /// The seed field's text (what is being typed, else the committed text).
    pub seed_text: String,
    /// The committed seed text is not a seed.
    pub seed_error: bool,
    /// UI language.
    pub lang: Lang,
    /// Colour theme (the theme button offers the other one).
    pub theme: Theme,
    /// Compare mode is on (the compare button offers to leave it).
    pub comparing: bool,
    /// Large text is on.
    pub large_text: bool,
}

/// What the timeline bar shows.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeView {
    /// The moment shown, µs.
    pub time: Time,
    /// The latest moment that can be shown, µs (the slider's end).
    pub horizon: Time,
    /// The run is fully computed (else "Computing…").
    pub complete: bool,
    /// Trace events shown so far.
    pub cursor: usize,
    /// Trace events recorded.
    pub events: usize,
    /// The trace reached its cap (the rest is in the report only).
    pub truncated: bool,
    /// The kind of moment the jump buttons go to.
    pub moment: Moment,
    /// The last jump found nothing in its direction.
    pub no_more: bool,
    /// Marks over the slider: `(slice, kind)` of [`MARK_SLICES`] slices,
    /// up to now while a lesson's outcome is hidden.
    pub marks: Rc<Vec<(usize, Moment)>>,
    /// UI language.
    pub lang: Lang,
}

/// Slices of the timeline that marks are gathered in.
pub const MARK_SLICES: usize = 240;

impl Studio {
    /// The moments marked over the slider (only those already shown while a
    /// lesson's outcome is hidden).
    fn timeline_marks(&self) -> Vec<(usize, Moment)> {
        let run = &self.session.run;
        let horizon = self.session.horizon();
        let until = if self.outcome_hidden() { self.playback.clock.time } else { horizon };
        run.moments().marks(run.trace(), horizon, until, MARK_SLICES)
    }

    /// The toolbar's view.
    pub fn controls_view(&self) -> ControlsView {
        let lang = self.present.lang;
        let s = &self.session;
        ControlsView {
            presets: crate::i18n::preset_names(lang),
            preset: s.preset.clone(),
            playing: self.playback.clock.playing,
            speed: self.playback.clock.speed,
            seed_text: s.seed_typing.clone().unwrap_or_else(|| s.seed_text.clone()),
            seed_error: s.seed_error(),
            lang,
            theme: self.present.theme,
            comparing: s.reference.is_some(),
            large_text: self.present.large_text,
        }
    }

    /// The timeline's view.
    pub fn time_view(&self) -> TimeView {
        let s = &self.session;
        TimeView {
            time: self.playback.clock.time,
            horizon: s.horizon(),
            complete: s.is_complete(),
            cursor: self.playback.clock.cursor,
            events: s.run.trace().len(),
            truncated: s.run.truncated(),
            moment: self.playback.moment,
            no_more: self.playback.no_more,
            marks: Rc::new(self.timeline_marks()),
            lang: self.present.lang,
        }
    }
}
