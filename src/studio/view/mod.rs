//! View models: what each component shows, built from the [`Studio`] as plain
//! data with `PartialEq`, so Yew re-renders a component only when its view
//! changed. Building a view never changes the studio.

mod log;
mod outcome;
mod panels;
mod toolbar;

pub use log::{LOG_WINDOW, LogRow, LogView, detail, kind_text};
pub use outcome::{CompareView, CountersView, verdict_sentence, verdict_text};
pub use panels::{EditorView, FilesView, LessonDetail, LessonView, LifeRow, MessageView, NoticeView};
pub use toolbar::{ControlsView, TimeView};
