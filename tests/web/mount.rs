//! The app mounts and its Run button runs the core in WebAssembly.

use msgsim_web::App;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{click, fresh_root, text, wait_for};

#[wasm_bindgen_test]
async fn run_button_shows_counts() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    let button = wait_for(&root, "[data-testid=run]", 50).await;
    click(&button);
    wait_for(&root, "[data-testid=counts]", 50).await;
    let want = msgsim_web::run_demo().expect("demo runs");
    assert_eq!(text(&root, "[data-testid=sent]"), want.sent.to_string());
    assert_eq!(text(&root, "[data-testid=lost]"), want.lost_in_transit.to_string());
    assert!(want.lost_in_transit > 0);
}
