//! Fuzzing what a page is handed from outside: share links, saved lists and
//! imported files, crafted and random. Nothing may panic (a panic kills the
//! page), a refused input leaves the scenario as it was, and whatever loads
//! is valid and fits the page's memory budget.
//!
//! `cargo test` runs a short pass; `scripts/fuzz.sh` a long one
//! (`MSGSIM_FUZZ_SECONDS`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use super::*;
use crate::studio::run::fits;

/// Paths from the scenario's vocabulary, and some that are not.
fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("producers[0].messages".to_string()),
        Just("producers[0].count".to_string()),
        Just("producers".to_string()),
        Just("queues[0].ack_timeout_ms".to_string()),
        Just("network.default.outages".to_string()),
        Just("network.links".to_string()),
        Just("consumers[0].crash.schedule".to_string()),
        Just("consumers[0].processing".to_string()),
        // The message graph: exchanges, bindings, services, outages of any node.
        Just("exchanges".to_string()),
        Just("exchanges[0].bindings".to_string()),
        Just("exchanges[0].bindings[0].keys".to_string()),
        Just("exchanges[0].classes".to_string()),
        Just("consumers[0].publish".to_string()),
        Just("consumers[1].publish.to".to_string()),
        Just("crashes".to_string()),
        Just("queues[0].durable".to_string()),
        Just("".to_string()),
        (1..20_000usize).prop_map(|n| vec!["a"; n].join(".")),
        "[a-z_\\[\\]0-9.]{0,40}",
    ]
}

/// A JSON value, small or hostile.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        "[ -~]{0,20}".prop_map(Value::from),
        Just(json!(4_294_967_296u64)),
        Just(json!(0.0001)),
        Just(json!(1e308)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A share link: well-formed around hostile parts, or random text.
fn fragment() -> impl Strategy<Value = String> {
    let preset = prop_oneof![
        Just("acks-and-retries".to_string()),
        Just("reliable-queue".to_string()),
        Just("fan-out".to_string()),
        Just("pipeline-duplicates".to_string()),
        "[a-z-]{0,12}"
    ];
    let patch = proptest::collection::btree_map(path(), value(), 0..6);
    prop_oneof![
        (preset, any::<u64>(), "[-0-9.e]{0,12}", "[a-z-]{0,20}", patch).prop_map(|(p, seed, t, lesson, patch)| {
            let d = URL_SAFE_NO_PAD.encode(serde_json::to_string(&patch).unwrap_or_default());
            format!("v=1&p={p}&seed={seed}&t={t}&lesson={lesson}&side=after&d={d}")
        }),
        "v=[0-9]{0,3}&[ -~]{0,200}",
        (0..200_000usize).prop_map(|n| format!("v=1&p=reliable-queue&seed=1&d={}", "QUFB".repeat(n / 4))),
    ]
}

/// A saved list: our format around hostile scenarios, or random text.
fn saved_list() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(("[ -~]{0,30}", value()), 0..4).prop_map(|entries| {
            let scenarios: Vec<Value> =
                entries.into_iter().map(|(name, s)| json!({"name": name, "scenario": s})).collect();
            json!({"version": 1, "scenarios": scenarios}).to_string()
        }),
        "[ -~]{0,300}",
    ]
}

/// Runs `test` on `cases` values of `strategy`; with `MSGSIM_FUZZ_SECONDS`
/// set, pass after pass (each with a fresh random stream) until that time is up.
fn hunt<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seconds: u64 = std::env::var("MSGSIM_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    for pass in 0u32.. {
        let config = Config {
            cases,
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource(
                "proptest-regressions",
            ))),
            source_file: Some(file!()),
            ..Config::default()
        };
        let mut runner = if pass == 0 {
            TestRunner::new(config)
        } else {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&pass.to_le_bytes());
            seed[4..8].copy_from_slice(&std::process::id().to_le_bytes());
            TestRunner::new_with_rng(
                config,
                proptest::test_runner::TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed),
            )
        };
        runner.run(&strategy, &test).unwrap_or_else(|e| panic!("{e}"));
        if std::time::Instant::now() >= deadline {
            break;
        }
    }
}

/// After any outside input, the studio runs something valid that fits.
fn sound(s: &Studio) -> Result<(), TestCaseError> {
    prop_assert_eq!(s.session.scenario.validate(), Ok(()));
    prop_assert!(fits(&s.session.scenario).is_ok());
    Ok(())
}

#[test]
fn crafted_links_never_panic_and_never_load_anything_invalid() {
    let base = Studio::new();
    hunt(48, fragment(), |f| {
        let mut s = Studio::new();
        s.update(UiEvent::Start(Box::new(Startup { fragment: f, ..Default::default() })));
        sound(&s)?;
        if s.library.notice.is_some() {
            prop_assert_eq!(&s.session.scenario, &base.session.scenario, "a refused link changes nothing");
        }
        Ok(())
    });
}

#[test]
fn crafted_saved_lists_never_panic() {
    hunt(48, saved_list(), |raw| {
        let mut list = crate::studio::saved::SavedList::default();
        list.update(crate::studio::saved::SavedEvent::Restore(Some(raw)));
        for saved in &list.saved {
            // What "Open" sends the page.
            let mut s = Studio::new();
            s.update(LibraryEvent::OpenSaved(Box::new(saved.scenario.clone())).into());
            sound(&s)?;
        }
        Ok(())
    });
}

#[test]
fn crafted_files_never_panic() {
    let file = prop_oneof![value().prop_map(|v| v.to_string()), "[ -~]{0,300}"];
    hunt(48, file, |text| {
        let mut s = Studio::new();
        let before = s.session.scenario.clone();
        s.update(LibraryEvent::Import("f.json".into(), text).into());
        sound(&s)?;
        if s.notice_view().is_some_and(|n| n.bad) {
            prop_assert_eq!(&s.session.scenario, &before);
        }
        Ok(())
    });
}

/// Cases found by hand and by the fuzzers, kept.
#[test]
fn found_cases_stay_fixed() {
    // A 10,000-step patch path (27 KB link) overflowed the stack when the
    // object it built was serialized.
    let deep = vec!["a"; 10_000].join(".");
    let patch = serde_json::to_string(&std::collections::BTreeMap::from([(deep, 1)])).unwrap();
    let link = format!("v=1&p=reliable-queue&seed=1&d={}", URL_SAFE_NO_PAD.encode(patch));
    let mut s = Studio::new();
    s.update(LibraryEvent::OpenLink(link).into());
    assert!(s.notice_view().is_some_and(|n| n.bad));
    // Whole-scenario replacement obeys the limits: 64 instances × 5M messages.
    let patch = json!({"producers": [{"name": "p", "to": "order-queue", "count": 64, "messages": 5_000_000}]});
    let link = format!("v=1&p=reliable-queue&seed=1&d={}", URL_SAFE_NO_PAD.encode(patch.to_string()));
    s.update(LibraryEvent::DismissNotice.into());
    s.update(LibraryEvent::OpenLink(link).into());
    assert!(s.notice_view().is_some_and(|n| n.bad));
}
