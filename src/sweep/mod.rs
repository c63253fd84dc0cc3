//! Sweeps in the browser: one report figure against one setting, over many
//! runs spread across Web Workers, with 95% confidence bands and theory.
//!
//! The panel is its own small app, in its own WebAssembly module
//! (`msgsim-sweep.js`, built from `src/bin/msgsim-sweep.rs`), which the page
//! loads when the Sweep tab is first opened: the page's own download stays
//! without it. The module also runs in the workers (`static/sweep-worker.js`),
//! so its runs use the same engine.
//!
//! ```text
//!  page (app.rs) ── #sweep-host data-scenario / data-request ──▶ SweepApp (app.rs here)
//!       ▲                                                           │ SweepState::update
//!       └──── "msgsim-sweep" event (the form, for the share link) ──┘ SweepEffect → workers
//! ```
//!
//! - [`state`]: the panel's state, events and effects — which runs each
//!   worker gets, when the sweep is done, the budget; with [`form`] (the form
//!   and its checks), [`job`] (a started sweep, its runs and theory) and
//!   [`view`] (what the panel shows). No web dependencies, tested natively.
//! - [`chart`]: draws the chart with any painter (canvas, SVG).
//! - [`panel`]: the Yew component.
//! - [`words`]: its strings in both languages (not in the page's download).
//! - [`workers`]: the Web Workers.
//! - [`app`]: the panel's shell: reads the page, performs the effects.

pub mod app;
pub mod chart;
pub mod form;
pub mod job;
pub mod panel;
pub mod state;
pub mod view;
pub mod words;
pub mod workers;

#[cfg(test)]
mod tests;

pub use form::{SweepField, SweepForm};
pub use state::{Context, SweepEffect, SweepEvent, SweepState};

/// The DOM id of the element the panel lives in (the page renders it).
pub const HOST_ID: &str = "sweep-host";

/// The name of the event the panel sends on its host when its form changes
/// (`detail`: the form as JSON, or null).
pub const FORM_EVENT: &str = "msgsim-sweep";
