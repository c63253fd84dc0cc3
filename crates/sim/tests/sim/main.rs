//! Integration tests of the simulation core (one test binary).

mod behaviour;
mod choreography;
mod consistency;
mod costs;
mod determinism;
mod event_store;
mod fuzz;
mod golden;
mod graph;
mod limits;
mod log;
mod properties;
mod queueing;
mod rebuild;
mod saga;
mod support;
mod theory;
mod timeline;
mod two_phase;
