//! # msgsim-scenario: what a simulation is asked to do
//!
//! The scenario format of msgsim, as plain data: producers, queues, consumers,
//! the network between them and the run's limits ([`Scenario`]), the duration
//! distributions they use ([`Dist`]), and the built-in [`presets`].
//!
//! Reading a scenario is where people make mistakes, so it is careful:
//! [`Scenario::from_json`] reports every problem it finds, each with the JSON
//! path of its field (`producers[0].arrival.rate_per_s`) and a sentence that
//! says what is wrong, and [`Scenario::validate`] checks a scenario built in
//! code or edited in a form.
//!
//! This crate only describes; the `msgsim-sim` engine runs what it describes
//! (and re-exports all of it, so most code only names the engine). The split
//! is also a build choice: this code runs once per scenario and is built for
//! a small download, while the engine's hot loop is built for speed (see the
//! release profile in the workspace `Cargo.toml`).

pub mod dist;
pub mod path;
pub mod presets;
pub mod scenario;

pub use dist::Dist;
pub use scenario::{Problem, ProblemKind, Scenario};
