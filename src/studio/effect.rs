//! What the shell must do after an update: side effects as values.
//!
//! [`Studio::update`](super::Studio::update) never touches the browser. It
//! returns the effects an event calls for — remember something, offer a file,
//! move the address bar, go full screen — and the shell (`app.rs`) performs
//! them, reporting back through an event where the browser can refuse (a full
//! storage). So every decision is made, and tested, natively.

/// Where something is remembered in the browser (versioned keys, so a future
/// format can live beside this one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageKey {
    /// Language, theme and text size.
    Prefs,
    /// The student's saved scenarios (the module's: `crate::saved_shell`).
    Saved,
}

impl StorageKey {
    /// The `localStorage` key.
    pub const fn name(self) -> &'static str {
        match self {
            StorageKey::Prefs => "msgsim.prefs.v1",
            StorageKey::Saved => "msgsim.saved.v1",
        }
    }
}

/// A picture the studio can draw (pure functions of its state, see `scenes.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Diagram {
    /// The topology with its moving dots.
    Topology,
    /// The reference run's topology (compare mode).
    Reference,
    /// The sequence diagram.
    Sequence,
    /// The charts.
    Charts,
    /// The topics' partitions.
    Partitions,
    /// A slide for a presentation: the lesson or scenario's title, the
    /// moment shown, the verdict (once revealed) and the topology.
    Slide,
}

/// One thing for the shell to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Write `value` under `key` (a browser that refuses only forgets).
    Store {
        /// Which stored item.
        key: StorageKey,
        /// The JSON to keep.
        value: String,
    },
    /// Offer a file for download, its text in pieces (a long trace never has
    /// to sit in one string).
    Download {
        /// File name.
        name: String,
        /// MIME type.
        mime: &'static str,
        /// The contents, concatenated.
        parts: Vec<String>,
    },
    /// Offer the run's trace as a file called `name` (CSV, or JSON Lines):
    /// the on-demand module writes it (`export_shell.rs`), running the same
    /// scenario and seed again, so the page carries no trace writer.
    ExportTrace {
        /// File name.
        name: String,
        /// CSV rather than JSON Lines.
        csv: bool,
    },
    /// Draw `diagram` at `size` CSS px on an off-screen canvas at twice the
    /// resolution and offer it as a PNG called `name`.
    DownloadPng {
        /// File name.
        name: String,
        /// What to draw.
        diagram: Diagram,
        /// Size in CSS px.
        size: (f64, f64),
    },
    /// Fetch the body of lesson `id` from `url`; the shell sends
    /// `LessonEvent::Fetched` with its text, or why it could not.
    FetchLesson {
        /// The lesson.
        id: String,
        /// Where its body is, relative to the page.
        url: String,
    },
    /// Show `0` as the URL fragment (no history entry, no scrolling).
    SetFragment(String),
    /// Enter or leave full screen.
    ToggleFullscreen,
    /// Scroll the element with this DOM id into view (once the page shows it).
    Reveal(String),
}
