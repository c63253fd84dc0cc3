//! Tests of the web crate in headless Chromium (wasm-bindgen-test):
//! `cargo test --target wasm32-unknown-unknown -p msgsim-web`.
#![cfg(target_arch = "wasm32")]

mod components;
mod determinism;
mod mount;
mod support;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
