//! How things are shown, whatever runs: language, theme, text size, motion,
//! which panels are open, the sequence diagram's window and the dialogs.

use msgsim_sim::{Scenario, Time, time};

use super::effect::{Effect, StorageKey};
use crate::i18n::Lang;
use crate::render::palette::Theme;

/// The panel under the topology.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BottomTab {
    /// Sequence diagram.
    #[default]
    Sequence,
    /// Event log.
    Log,
    /// Charts.
    Charts,
    /// A topic's partitions as logs (scenarios with topics).
    Partitions,
    /// Each service's own table of committed changes (scenarios with services).
    State,
    /// The comparison of two runs (in compare mode).
    Compare,
    /// Sweeps: a figure against a setting over many runs.
    Sweep,
}

/// The panel beside the topology.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SideTab {
    /// Lessons: the list, or the open lesson (with what msgsim is).
    #[default]
    Lesson,
    /// The selected message (or how to select one).
    Message,
    /// The scenario editor.
    Editor,
    /// Files: import, export, the student's saved scenarios.
    Files,
}

/// Something the user changed about how things look.
#[derive(Clone, Debug, PartialEq)]
pub enum PresentEvent {
    /// UI language.
    SetLang(Lang),
    /// Colour theme.
    SetTheme(Theme),
    /// Large text for projectors.
    SetLargeText(bool),
    /// Reduce motion (marks do not fade or grow); follows the browser's setting.
    SetReducedMotion(bool),
    /// Show or hide the keyboard shortcuts.
    ShowHelp(bool),
    /// Open or close the share dialog.
    ShowShare(bool),
    /// Enter or leave full screen.
    ToggleFullscreen,
    /// Esc: close whatever dialog is open.
    CloseDialogs,
    /// Choose the panel under the topology.
    SetBottomTab(BottomTab),
    /// Choose the panel beside it.
    SetSideTab(SideTab),
    /// Show less (`true`) or more time in the sequence diagram.
    ZoomSequence(bool),
    /// Lessons hide their outcome until the run ends.
    SetPredictFirst(bool),
    /// Write each message's id beside its dot and arrow.
    SetShowIds(bool),
    /// Colour dots and arrows by the message's business key.
    SetColourByKey(bool),
}

/// How things are shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Presentation {
    /// UI language.
    pub lang: Lang,
    /// Colour theme.
    pub theme: Theme,
    /// Large text on the page and the canvases (for projectors).
    pub large_text: bool,
    /// Marks appear and vanish without fading or growing.
    pub reduced_motion: bool,
    /// The keyboard shortcuts overlay is open.
    pub help: bool,
    /// The share dialog is open.
    pub share: bool,
    /// The panel under the topology.
    pub bottom: BottomTab,
    /// The panel beside it.
    pub side: SideTab,
    /// How much time the sequence diagram shows, µs.
    pub sequence_span: Time,
    /// Lessons hide the outcome of the whole run until it ends or is revealed.
    pub predict_first: bool,
    /// Message ids are written beside dots and arrows.
    pub show_ids: bool,
    /// Dots and arrows are coloured by business key.
    pub colour_by_key: bool,
}

impl Default for Presentation {
    fn default() -> Self {
        Presentation {
            lang: Lang::En,
            theme: Theme::Light,
            large_text: false,
            reduced_motion: false,
            help: false,
            share: false,
            bottom: BottomTab::default(),
            side: SideTab::default(),
            sequence_span: 1_000_000,
            predict_first: true,
            show_ids: false,
            colour_by_key: false,
        }
    }
}

/// How much larger text is with "large text" on (projectors).
pub const LARGE_TEXT: f64 = 1.35;

/// Remembered preferences (kept in the browser's storage).
#[derive(serde::Serialize, serde::Deserialize)]
struct Prefs {
    lang: String,
    theme: String,
    large_text: bool,
    #[serde(default = "yes")]
    predict_first: bool,
}

fn yes() -> bool {
    true
}

/// A sequence window showing about forty typical hops of `s`.
pub fn default_span(s: &Scenario) -> Time {
    time::ms((s.network.default.latency.mean_ms() * 40.0).clamp(20.0, 5_000.0))
}

impl Presentation {
    /// Handles one event; a change worth remembering is stored.
    pub fn update(&mut self, ev: PresentEvent) -> Vec<Effect> {
        let remembered = self.remembered();
        match ev {
            PresentEvent::SetLang(l) => self.lang = l,
            PresentEvent::SetTheme(t) => self.theme = t,
            PresentEvent::SetLargeText(on) => self.large_text = on,
            PresentEvent::SetReducedMotion(on) => self.reduced_motion = on,
            PresentEvent::ShowHelp(on) => self.help = on,
            PresentEvent::ShowShare(on) => self.share = on,
            PresentEvent::ToggleFullscreen => return vec![Effect::ToggleFullscreen],
            PresentEvent::CloseDialogs => {
                self.help = false;
                self.share = false;
            }
            PresentEvent::SetBottomTab(t) => self.bottom = t,
            PresentEvent::SetSideTab(t) => self.side = t,
            PresentEvent::ZoomSequence(zoom_in) => {
                let span = if zoom_in { self.sequence_span / 2 } else { self.sequence_span.saturating_mul(2) };
                self.sequence_span = span.clamp(1_000, 3_600_000_000);
            }
            PresentEvent::SetPredictFirst(on) => self.predict_first = on,
            PresentEvent::SetShowIds(on) => self.show_ids = on,
            PresentEvent::SetColourByKey(on) => self.colour_by_key = on,
        }
        if self.remembered() == remembered {
            Vec::new()
        } else {
            vec![Effect::Store { key: StorageKey::Prefs, value: self.prefs_json() }]
        }
    }

    fn remembered(&self) -> (Lang, Theme, bool, bool) {
        (self.lang, self.theme, self.large_text, self.predict_first)
    }

    /// How much larger text is drawn.
    pub fn text_scale(&self) -> f64 {
        if self.large_text { LARGE_TEXT } else { 1.0 }
    }

    /// How the diagrams size text and mark messages.
    pub fn look(&self) -> crate::render::Look {
        crate::render::Look { text_scale: self.text_scale(), ids: self.show_ids, by_key: self.colour_by_key }
    }

    /// Whether a dialog covers the page.
    pub fn dialog_open(&self) -> bool {
        self.help || self.share
    }

    /// The preferences to remember, as JSON.
    pub fn prefs_json(&self) -> String {
        let p = Prefs {
            lang: self.lang.tag().to_string(),
            theme: if self.theme == Theme::Dark { "dark" } else { "light" }.to_string(),
            large_text: self.large_text,
            predict_first: self.predict_first,
        };
        serde_json::to_string(&p).unwrap_or_default()
    }

    /// Restores remembered preferences (or, with none, follows the browser's
    /// language); anything unreadable is ignored.
    pub fn restore(&mut self, prefs: Option<&str>, browser_lang: Option<&str>) {
        match prefs.and_then(|json| serde_json::from_str::<Prefs>(json).ok()) {
            Some(p) => {
                if let Some(l) = Lang::from_tag(&p.lang) {
                    self.lang = l;
                }
                self.theme = if p.theme == "dark" { Theme::Dark } else { Theme::Light };
                self.large_text = p.large_text;
                self.predict_first = p.predict_first;
            }
            None => {
                if let Some(l) = browser_lang.and_then(Lang::from_tag) {
                    self.lang = l;
                }
            }
        }
    }

    /// A new scenario is shown: its own sequence window, and the comparison
    /// tab goes with the comparison.
    pub fn reset_for(&mut self, s: &Scenario) {
        self.sequence_span = default_span(s);
        if self.bottom == BottomTab::Compare {
            self.bottom = BottomTab::Sequence;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_are_stored_when_they_change_and_restored() {
        let mut p = Presentation::default();
        assert!(p.update(PresentEvent::SetBottomTab(BottomTab::Log)).is_empty(), "a tab is not a preference");
        let effects = p.update(PresentEvent::SetLang(Lang::Zh));
        let Some(Effect::Store { key: StorageKey::Prefs, value }) = effects.first() else { panic!("{effects:?}") };
        p.update(PresentEvent::SetTheme(Theme::Dark));
        assert!(!p.update(PresentEvent::SetPredictFirst(false)).is_empty(), "predict first is a preference");
        let mut q = Presentation::default();
        q.restore(Some(&p.prefs_json()), Some("en-US"));
        assert_eq!((q.lang, q.theme, q.predict_first), (Lang::Zh, Theme::Dark, false));
        let mut old = Presentation::default();
        old.restore(Some(r#"{"lang":"en","theme":"light","large_text":false}"#), None);
        assert!(old.predict_first, "preferences stored before the setting existed: on");
        assert!(value.contains("zh-CN"));
        let mut r = Presentation::default();
        r.restore(Some("garbage"), Some("zh-TW"));
        assert_eq!(r.lang, Lang::Zh, "unreadable preferences: the browser's language");
    }

    #[test]
    fn escape_closes_every_dialog_and_zoom_is_bounded() {
        let mut p = Presentation::default();
        p.update(PresentEvent::ShowHelp(true));
        p.update(PresentEvent::ShowShare(true));
        assert!(p.dialog_open());
        p.update(PresentEvent::CloseDialogs);
        assert!(!p.dialog_open());
        for _ in 0..40 {
            p.update(PresentEvent::ZoomSequence(true));
        }
        assert_eq!(p.sequence_span, 1_000);
        assert_eq!(p.update(PresentEvent::ToggleFullscreen), vec![Effect::ToggleFullscreen]);
    }
}
