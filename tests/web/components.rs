//! Components render their view models: verdict, inline errors, the
//! virtualised log.

use msgsim_web::components::{Counters, CountersProps, EditorPanel, EditorProps, LogPanel, LogPanelProps};
use msgsim_web::i18n::Lang;
use msgsim_web::studio::fields::FieldKind;
use msgsim_web::studio::{EditEvent, EditorSync, PlaybackEvent, SessionEvent, Studio};
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Callback;

use crate::support::{fresh_root, text, wait_for};

fn computed(preset: &str) -> Studio {
    let mut s = Studio::new();
    s.update(SessionEvent::LoadPreset(preset.into()).into());
    while s.compute(50_000) {}
    s
}

#[wasm_bindgen_test]
async fn counters_show_the_verdict_and_its_sentence() {
    let s = computed("lossy-fire-and-forget");
    let root = fresh_root();
    let props = CountersProps { view: s.counters_view(), on_reveal: Callback::noop() };
    yew::Renderer::<Counters>::with_root_and_props(root.clone(), props).render();
    wait_for(&root, "[data-verdict=losses]", 50).await;
    assert!(text(&root, "[data-testid=verdict-sentence]").contains("never took effect"));
    assert_eq!(text(&root, "[data-testid=c-produced]"), "0 / 200");
}

#[wasm_bindgen_test]
async fn the_editor_shows_a_bad_value_beside_its_field() {
    // The editor's words, as the on-demand module installs them.
    msgsim_web::i18n::install_editor_words();
    let s = computed("acks-and-retries");
    let mut e = EditorSync::new(s.session.scenario.clone());
    let (run, _) = e.edit(EditEvent::Edit {
        path: "producers[0].send.timeout_ms".into(),
        kind: FieldKind::number(),
        text: "soon".into(),
    });
    assert!(run.is_none(), "nothing to run");
    let root = fresh_root();
    let props = EditorProps { view: e.editor.view(Lang::En), on_event: Callback::noop() };
    yew::Renderer::<EditorPanel>::with_root_and_props(root.clone(), props).render();
    let err = wait_for(&root, "[data-error-for='producers[0].send.timeout_ms']", 50).await;
    assert!(err.text_content().unwrap_or_default().contains("Enter a number"));
    let input = root.query_selector("[data-path='producers[0].send.timeout_ms']").unwrap().unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(root.query_selector("[data-testid=editor-blocked]").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn the_log_keeps_only_nearby_rows_in_the_dom() {
    let mut s = computed("slow-consumer");
    s.update(PlaybackEvent::Seek(s.session.run.horizon() / 2).into());
    let view = s.log_view();
    assert!(view.total > 3_000);
    let root = fresh_root();
    yew::Renderer::<LogPanel>::with_root_and_props(root.clone(), LogPanelProps { view, on_event: Callback::noop() })
        .render();
    wait_for(&root, "[data-testid=log-row]", 50).await;
    let rows = root.query_selector_all("[data-testid=log-row]").unwrap().length();
    assert!(rows as usize <= msgsim_web::studio::view::LOG_WINDOW, "{rows} rows in the DOM");
    assert!(root.query_selector(".log-row.now").unwrap().is_some(), "the current row is marked");
}

#[wasm_bindgen_test]
async fn a_lesson_hides_its_verdict_behind_a_reveal_button() {
    let mut s = Studio::new();
    s.update(msgsim_web::studio::LessonEvent::Open(Some("lossy-link".into())).into());
    // The page fetches the lesson's body; here it is handed over as the shell would.
    let body = include_str!("../../src/lessons/data/02-lossy-link.json");
    s.update(msgsim_web::studio::LessonEvent::Fetched("lossy-link".into(), Ok(body.into())).into());
    while s.compute(50_000) {}
    let root = fresh_root();
    let props = CountersProps { view: s.counters_view(), on_reveal: Callback::noop() };
    yew::Renderer::<Counters>::with_root_and_props(root.clone(), props).render();
    wait_for(&root, "[data-verdict=hidden]", 50).await;
    assert!(root.query_selector("[data-testid=reveal-outcome]").unwrap().is_some());
    assert!(root.query_selector("[data-testid=verdict-sentence]").unwrap().is_none(), "nothing of the outcome");
}
