//! The app mounts in a real browser and its controls drive the core.

use msgsim_web::App;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{click, fresh_root, next_tick, text, wait_for};

#[wasm_bindgen_test]
async fn step_shows_one_event_and_the_counters_follow() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root(root.clone()).render();
    let step = wait_for(&root, "[data-testid=step]", 100).await;
    wait_for(&root, "[data-testid=verdict][data-verdict=duplicates]", 200).await;
    assert!(text(&root, "[data-testid=event-count]").starts_with("event 0 of"));
    click(&step);
    for _ in 0..50 {
        if text(&root, "[data-testid=event-count]").starts_with("event 1 of") {
            break;
        }
        next_tick().await;
    }
    assert!(text(&root, "[data-testid=event-count]").starts_with("event 1 of"));
    // The first event is the first message being produced.
    assert_eq!(text(&root, "[data-testid=c-produced]").split(' ').next(), Some("1"));
}
