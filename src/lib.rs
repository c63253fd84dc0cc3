//! msgsim-web: the Yew shell over the msgsim simulation core.
//!
//! The core (`msgsim-sim`) does all the simulating; this crate only renders
//! views of a run and forwards what the user does. Start reading at [`App`].

pub mod i18n;

mod app;

pub use app::{App, DEMO_PRESET, run_demo};
