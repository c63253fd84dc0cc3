//! The UI's behaviour, natively: the flows a student goes through.

use msgsim_sim::{EventKind, Verdict};

use super::fields::{FieldKind, Target};
use super::log::{KindFilter, LogFilter};
use super::*;
use crate::render::painter::Recorder;

fn studio_with(preset: &str) -> Studio {
    let mut s = Studio::new();
    s.update(UiEvent::LoadPreset(preset.into()));
    while s.compute(50_000) {}
    s
}

fn draw(s: &mut Studio) -> Recorder {
    let mut r = Recorder { size: (900.0, 480.0), ..Default::default() };
    s.draw_topology(&mut r);
    r
}

#[test]
fn starts_with_a_preset_and_computes_it() {
    let mut s = Studio::new();
    while s.compute(50_000) {}
    assert!(s.run.is_complete());
    assert_eq!(s.preset.as_deref(), Some(DEFAULT_PRESET));
    let v = s.counters_view();
    assert_eq!(v.report.as_ref().map(|r| r.verdict), Some(Verdict::Duplicates));
    assert!(v.sentence.contains("a second time"), "{}", v.sentence);
    assert_eq!(v.counts.produced, 0, "nothing shown yet at time 0");
}

#[test]
fn play_pause_step_and_seek() {
    let mut s = studio_with("reliable-queue");
    s.update(UiEvent::SetSpeed(1.0));
    s.update(UiEvent::TogglePlay);
    assert!(s.clock.playing);
    s.advance(50.0); // 50 ms of wall time at 1× = 50 ms simulated
    assert_eq!(s.clock.time, 50_000);
    let shown = s.clock.cursor;
    assert!(shown > 0);
    s.update(UiEvent::TogglePlay);
    s.advance(50.0);
    assert_eq!(s.clock.time, 50_000, "paused");
    s.update(UiEvent::Step);
    assert_eq!(s.clock.cursor, shown + 1);
    // Seeking shows exactly the fold of the events up to that moment.
    s.update(UiEvent::Seek(1_000_000));
    let trace = s.run.trace();
    let n = trace.iter().take_while(|e| e.time <= 1_000_000).count();
    assert_eq!(s.clock.cursor, n);
    let mut fold = s.run.sim().fresh_metrics();
    trace[..n].iter().for_each(|e| fold.apply(e));
    assert_eq!(s.counters_view().counts, fold.counts);
    // Playing to the end stops there.
    s.update(UiEvent::SetSpeed(10_000.0));
    s.update(UiEvent::TogglePlay);
    for _ in 0..1_000 {
        s.advance(100.0);
    }
    assert!(!s.clock.playing);
    assert_eq!(s.clock.cursor, s.run.trace().len());
    assert_eq!(s.counters_view().counts.produced, 100);
}

#[test]
fn clicking_a_dot_selects_its_message_and_shows_its_life() {
    let mut s = studio_with("acks-and-retries");
    draw(&mut s);
    // A moment with packets in flight.
    let trace = s.run.trace().to_vec();
    let send = trace.iter().find(|e| e.kind == EventKind::Send && e.time > 50_000).unwrap();
    s.update(UiEvent::Seek(send.time + (send.end - send.time) / 2));
    let layout = s.layout();
    let frame = s.topology_frame(&layout);
    let dot = frame.dots.iter().find(|d| d.msg == send.msg).expect("its dot is on screen");
    s.update(UiEvent::ClickTopology(dot.at.0, dot.at.1));
    assert_eq!(s.selected, Some(send.msg));
    assert_eq!(s.side, SideTab::Message);
    let card = s.message_view().expect("a card");
    assert_eq!(card.msg, send.msg);
    assert!(card.rows.iter().any(|r| r.text.contains("produce")));
    assert!(card.outcome.is_some());
    // Escape-equivalent clears it.
    s.update(UiEvent::Select(None));
    assert!(s.message_view().is_none());
}

#[test]
fn clicking_a_node_opens_its_section_and_a_link_offers_an_override() {
    let mut s = studio_with("reliable-queue");
    draw(&mut s);
    let layout = s.layout();
    let q = layout.center(1);
    s.update(UiEvent::ClickTopology(q.0, q.1));
    assert_eq!(s.focus, Some(Target::Queue(0)));
    let (a, b) = layout.link_ends(0, 1);
    s.update(UiEvent::ClickTopology((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
    assert_eq!(s.suggested_link, Some(("orders".into(), "order-queue".into())));
    s.update(UiEvent::AddLinkOverride("orders".into(), "order-queue".into()));
    assert_eq!(s.focus, Some(Target::Link(0)));
    assert_eq!(s.scenario.network.links.len(), 1);
}

#[test]
fn a_bad_value_shows_inline_and_keeps_other_edits_and_the_run() {
    let mut s = studio_with("acks-and-retries");
    let before = s.scenario.clone();
    s.update(UiEvent::Edit { path: "producers[0].messages".into(), kind: FieldKind::integer(), text: "120".into() });
    assert_eq!(s.scenario.producers[0].messages, 120, "a valid edit runs at once");
    s.update(UiEvent::Edit {
        path: "producers[0].send.timeout_ms".into(),
        kind: FieldKind::number(),
        text: "fast".into(),
    });
    let v = s.editor_view();
    assert!(!v.runnable);
    assert_eq!(v.draft.text("producers[0].send.timeout_ms"), "fast");
    assert!(v.draft.error("producers[0].send.timeout_ms").is_some());
    assert_eq!(v.draft.text("producers[0].messages"), "120", "the other edit is intact");
    assert_eq!(s.scenario.producers[0].messages, 120, "the last valid scenario keeps running");
    assert_ne!(s.scenario, before);
    s.update(UiEvent::Edit { path: "network.links[0].loss".into(), kind: FieldKind::number(), text: "2".into() });
    assert!(s.editor_view().draft.error("network.links[0].loss").is_some(), "validation's message too");
    assert_eq!(s.editor_view().draft.error_count(), 2);
}

#[test]
fn turning_idempotency_on_turns_the_verdict_correct() {
    let mut s = studio_with("acks-and-retries");
    assert_eq!(s.run.final_report().map(|r| r.verdict), Some(Verdict::Duplicates));
    s.update(UiEvent::Edit {
        path: "consumers[0].idempotency.enabled".into(),
        kind: FieldKind::Bool,
        text: "true".into(),
    });
    while s.compute(50_000) {}
    let r = s.run.final_report().expect("computed");
    assert_eq!(r.verdict, Verdict::Correct);
    assert!(r.dedup_hits > 0);
    assert!(s.preset.is_none(), "now a custom scenario");
}

#[test]
fn a_new_seed_gives_another_run_and_a_bad_seed_changes_nothing() {
    let mut s = studio_with("lossy-fire-and-forget");
    let lost = s.run.final_report().unwrap().lost_in_transit;
    s.update(UiEvent::SeedText("banana".into()));
    assert!(s.controls_view().seed_error);
    assert_eq!(s.seed, 1);
    s.update(UiEvent::NewSeed(99));
    while s.compute(50_000) {}
    assert_eq!(s.seed, 99);
    assert_ne!(s.run.final_report().unwrap().lost_in_transit, lost);
}

#[test]
fn the_log_filters_follows_and_selects() {
    let mut s = studio_with("lossy-fire-and-forget");
    s.update(UiEvent::SetBottomTab(BottomTab::Log));
    s.update(UiEvent::SetLogFilter(LogFilter { kind: KindFilter::Kind(EventKind::Lost), ..Default::default() }));
    s.update(UiEvent::Seek(s.run.horizon()));
    let v = s.log_view();
    assert_eq!(v.total as u64, s.run.final_report().unwrap().lost_in_transit);
    assert!(v.rows.iter().all(|r| r.kind == EventKind::Lost));
    let first = v.rows[0].clone();
    s.update(UiEvent::LogRow(first.row));
    assert_eq!(s.selected, first.msg);
    assert!(!s.clock.playing);
    let v = s.log_view();
    assert!(v.rows.iter().any(|r| r.now && r.row == first.row));
    s.update(UiEvent::LogMsgText("#3".into()));
    assert!(s.log_view().rows.iter().all(|r| r.msg == Some(3)));
}

#[test]
fn views_draw_without_panicking_at_any_moment() {
    for p in msgsim_sim::presets::all() {
        let mut s = studio_with(p.id);
        let end = s.run.horizon();
        for k in 0..=8 {
            s.update(UiEvent::Seek(end * k / 8));
            draw(&mut s);
            let mut r = Recorder { size: (700.0, 300.0), ..Default::default() };
            s.draw_sequence(&mut r);
            s.refresh_histogram();
            s.draw_charts(&mut r);
            let _ = (s.log_view(), s.editor_view(), s.counters_view(), s.time_view());
        }
    }
}

#[test]
fn text_being_typed_survives_re_renders_until_committed() {
    let mut s = studio_with("reliable-queue");
    s.update(UiEvent::Typing("producers[0].messages".into(), "12".into()));
    assert_eq!(s.editor_view().typing.get("producers[0].messages").map(String::as_str), Some("12"));
    assert_eq!(s.scenario.producers[0].messages, 100, "not applied while typing");
    s.update(UiEvent::Edit { path: "producers[0].messages".into(), kind: FieldKind::integer(), text: "120".into() });
    assert!(s.editor_view().typing.is_empty());
    assert_eq!(s.scenario.producers[0].messages, 120);
    s.update(UiEvent::Typing("seed".into(), "4".into()));
    assert_eq!(s.controls_view().seed_text, "4");
    s.update(UiEvent::SeedText("42".into()));
    assert_eq!(s.controls_view().seed_text, "42");
    // Idle frames after a run completes change nothing the DOM shows.
    let r = s.revision;
    s.compute(1_000);
    s.advance(16.0);
    assert_eq!(s.revision, r);
}

#[test]
fn a_lesson_flips_its_key_setting_on_the_same_seed() {
    let mut s = Studio::new();
    s.update(UiEvent::OpenLesson(Some("idempotency".into())));
    while s.compute(50_000) {}
    assert_eq!(s.lesson_after, Some(false));
    assert_eq!(s.run.final_report().unwrap().verdict, Verdict::Duplicates);
    let v = s.lesson_view();
    let d = v.open.expect("open");
    assert!(
        d.changes
            .iter()
            .any(|(p, was, now)| p == "consumers[0].idempotency.enabled" && was == "false" && now == "true")
    );
    let seed = s.seed;
    s.update(UiEvent::LessonSide(true));
    while s.compute(50_000) {}
    assert_eq!(s.seed, seed);
    assert_eq!(s.run.final_report().unwrap().verdict, Verdict::Correct);
    // Side by side: the reference is "before", on the same seed.
    s.update(UiEvent::CompareLesson);
    while s.compute(50_000) {}
    let c = s.compare_view().expect("comparing");
    let rows = c.rows.expect("both computed");
    let dup = rows.iter().find(|r| r.label == crate::i18n::Key::DuplicateEffects).unwrap();
    let alone = msgsim_sim::Simulation::new(&msgsim_sim::presets::get("acks-and-retries").unwrap().scenario, seed)
        .unwrap()
        .run();
    assert_eq!((dup.before.clone(), dup.after.as_str()), (alone.duplicate_effects.to_string(), "0"));
    assert_eq!(s.bottom, BottomTab::Compare);
    let mut r = Recorder { size: (600.0, 300.0), ..Default::default() };
    s.draw_reference(&mut r);
    assert!(r.texts.iter().any(|t| t == "inventory"));
    s.update(UiEvent::StopCompare);
    assert!(s.compare_view().is_none());
}

#[test]
fn a_share_link_reproduces_the_exact_run() {
    let mut a = studio_with("acks-and-retries");
    a.update(UiEvent::Edit { path: "producers[0].messages".into(), kind: FieldKind::integer(), text: "150".into() });
    a.update(UiEvent::NewSeed(4242));
    while a.compute(50_000) {}
    a.update(UiEvent::Seek(700_000));
    let fragment = a.share_fragment();
    let mut b = Studio::new();
    b.update(UiEvent::OpenLink(fragment.clone()));
    while b.compute(50_000) {}
    assert_eq!(b.seed, 4242);
    assert_eq!(b.scenario, a.scenario);
    assert_eq!(b.run.final_report(), a.run.final_report());
    assert_eq!(b.clock.time, a.clock.time);
    assert_eq!(b.counters_view().counts, a.counters_view().counts);
    assert_eq!(b.share_fragment(), fragment);
}

#[test]
fn a_bad_link_says_why_and_changes_nothing() {
    let mut s = studio_with("reliable-queue");
    let before = s.scenario.clone();
    for (link, key) in [
        ("v=3&p=reliable-queue&seed=1", "newer"),
        ("v=1&p=reliable-queue&seed=1&d=eyJwcm9k", "damaged"),
        ("v=1&p=no-such&seed=1", "does not have"),
    ] {
        s.update(UiEvent::OpenLink(link.into()));
        let n = s.notice_view().expect("a notice");
        assert!(n.bad && n.lines.join(" ").contains(key), "{link}: {n:?}");
        assert_eq!(s.scenario, before);
        s.update(UiEvent::DismissNotice);
    }
    s.update(UiEvent::OpenLink("some-anchor".into()));
    assert!(s.notice.is_none(), "an unrelated fragment is not a link");
}

#[test]
fn a_malformed_import_is_reported_and_changes_nothing() {
    let mut s = studio_with("poison-to-dlq");
    let before = s.scenario.clone();
    s.update(UiEvent::Import(
        "bad.json".into(),
        r#"{"producers":[{"arrival":{"kind":"poisson","rate_per_s":"x"}}]}"#.into(),
    ));
    let n = s.notice_view().unwrap();
    assert!(n.bad && n.title.contains("bad.json"));
    assert!(n.lines[0].starts_with("producers[0].arrival.rate_per_s"), "{:?}", n.lines);
    assert_eq!(s.scenario, before);
    assert_eq!(s.preset.as_deref(), Some("poison-to-dlq"));
    s.update(UiEvent::Import("truncated.json".into(), "{\"version\": 1, \"produc".into()));
    assert!(s.notice_view().unwrap().lines[0].contains("ends too early"));
    // A good file loads.
    let (_, json) = studio_with("backpressure").export_scenario();
    s.update(UiEvent::Import("good.json".into(), json));
    assert_eq!(s.scenario.name, "Backpressure");
    assert!(!s.notice_view().unwrap().bad);
}

#[test]
fn saved_scenarios_and_preferences_round_trip() {
    let mut s = studio_with("queue-full");
    s.update(UiEvent::SaveAs("  my overload ".into()));
    assert!(s.saved_dirty);
    let stored = crate::studio::library::saved_json(&s.saved);
    let mut t = Studio::new();
    t.update(UiEvent::RestoreSaved(Some(stored)));
    assert_eq!(t.files_view().saved, vec!["my overload".to_string()]);
    t.update(UiEvent::LoadSaved(0));
    assert_eq!(t.scenario, s.scenario);
    t.update(UiEvent::RestoreSaved(Some("{broken".into())));
    assert!(t.notice_view().unwrap().bad);
    s.update(UiEvent::SetLang(crate::i18n::Lang::Zh));
    s.update(UiEvent::SetTheme(crate::render::palette::Theme::Dark));
    let prefs = s.prefs_json();
    let mut u = Studio::new();
    u.apply_prefs(&prefs);
    assert_eq!((u.lang, u.theme), (crate::i18n::Lang::Zh, crate::render::palette::Theme::Dark));
    u.apply_prefs("garbage");
    assert_eq!(u.lang, crate::i18n::Lang::Zh, "garbage is ignored");
}

#[test]
fn switching_language_mid_run_keeps_the_run() {
    let mut s = studio_with("acks-and-retries");
    s.update(UiEvent::SetSpeed(1.0));
    s.update(UiEvent::TogglePlay);
    s.advance(100.0);
    let (t, cursor) = (s.clock.time, s.clock.cursor);
    s.update(UiEvent::SetLang(crate::i18n::Lang::Zh));
    assert!(s.clock.playing);
    assert_eq!((s.clock.time, s.clock.cursor), (t, cursor));
    assert!(s.counters_view().sentence.contains("重复生效"));
    s.advance(100.0);
    assert!(s.clock.time > t, "still playing");
}

#[test]
fn exports_match_the_run() {
    let mut s = studio_with("reliable-queue");
    let (name, parts) = s.export_trace(true).unwrap();
    assert_eq!(name, "msgsim-a-reliable-queue-seed1-trace.csv");
    assert_eq!(parts.concat().lines().count(), s.run.trace().len() + 1);
    let (svg_name, svg) = s.export_svg(BottomTab::Sequence, true, (800.0, 400.0));
    assert!(svg_name.ends_with("-topology.svg") && svg.contains("order-queue"));
    let (_, svg) = s.export_svg(BottomTab::Charts, false, (800.0, 400.0));
    assert!(svg.contains("Queue depth"));
}
