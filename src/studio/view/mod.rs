//! View models: what each component shows, built from the [`Studio`] as plain
//! data with `PartialEq`, so Yew re-renders a component only when its view
//! changed. Building a view never changes the studio.

mod lesson;
#[cfg(test)]
mod lesson_changes;
mod log;
mod outcome;
mod panels;
mod sagas;
mod state;
mod toolbar;

pub use lesson::{ChangeGroup, ChangeRow, LessonDetail, LessonView};
pub use log::{LOG_WINDOW, LogRow, LogView, cause_text, detail, ends, kind_text, packet_text};
pub use outcome::{CompareView, CountersView, verdict_sentence, verdict_text};
pub use panels::{EditorView, FilesView, LifeRow, MessageView, NoticeView};
pub use sagas::{SAGA_ROWS, SagaOutcome, SagaRow, SagaTimeline, StepMark, saga_timeline};
pub use state::{ConsistencySeries, StateCell, StateRow, StateView, consistency_series, state_view};
pub use toolbar::{ControlsView, MARK_SLICES, TimeView};
