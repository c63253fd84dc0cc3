//! msgsim-web: the Yew shell over the msgsim simulation core.
//!
//! The core (`msgsim-sim`) does all the simulating; this crate only renders
//! views of a run and forwards what the user does. Start reading at [`App`].

pub mod bench;
pub mod compare_shell;
pub mod components;
pub mod dialog_shell;
pub mod editor_shell;
pub mod export_shell;
pub mod i18n;
pub mod lessons;
pub mod platform;
pub mod render;
pub mod saved_shell;
pub mod state_shell;
pub mod studio;
pub mod sweep;

mod app;
#[cfg(test)]
mod testing;

pub use app::App;
