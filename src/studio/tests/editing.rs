//! Editing a scenario and switching lesson sides.

use super::*;

#[test]
fn a_bad_value_shows_inline_and_keeps_other_edits_and_the_run() {
    let mut s = studio_with("acks-and-retries");
    let before = s.session.scenario.clone();
    edit(&mut s, "producers[0].messages", FieldKind::integer(), "120");
    assert_eq!(s.session.scenario.producers[0].messages, 120, "a valid edit runs at once");
    edit(&mut s, "producers[0].send.timeout_ms", FieldKind::number(), "fast");
    let v = s.editor_view();
    assert!(!v.runnable);
    assert_eq!(v.draft.text("producers[0].send.timeout_ms"), "fast");
    assert!(v.draft.error("producers[0].send.timeout_ms").is_some());
    assert_eq!(v.draft.text("producers[0].messages"), "120", "the other edit is intact");
    assert_eq!(s.session.scenario.producers[0].messages, 120, "the last valid scenario keeps running");
    assert_ne!(s.session.scenario, before);
    edit(&mut s, "network.links[0].loss", FieldKind::number(), "2");
    assert!(s.editor_view().draft.error("network.links[0].loss").is_some(), "validation's message too");
    assert_eq!(s.editor_view().draft.error_count(), 2);
}

#[test]
fn turning_idempotency_on_turns_the_verdict_correct() {
    let mut s = studio_with("acks-and-retries");
    assert_eq!(s.session.run.final_report().map(|r| r.verdict), Some(Verdict::Duplicates));
    edit(&mut s, "consumers[0].idempotency.enabled", FieldKind::Bool, "true");
    while s.compute(50_000) {}
    let r = s.session.run.final_report().expect("computed");
    assert_eq!(r.verdict, Verdict::Correct);
    assert!(r.dedup_hits > 0);
    assert!(s.session.preset.is_none(), "now a custom scenario");
}

#[test]
fn text_being_typed_survives_re_renders_until_committed() {
    let mut s = studio_with("reliable-queue");
    s.update(EditEvent::Typing("producers[0].messages".into(), "12".into()).into());
    assert_eq!(s.editor_view().typing.get("producers[0].messages").map(String::as_str), Some("12"));
    assert_eq!(s.session.scenario.producers[0].messages, 100, "not applied while typing");
    edit(&mut s, "producers[0].messages", FieldKind::integer(), "120");
    assert!(s.editor_view().typing.is_empty());
    assert_eq!(s.session.scenario.producers[0].messages, 120);
    s.update(SessionEvent::SeedTyping("4".into()).into());
    assert_eq!(s.controls_view().seed_text, "4");
    s.update(SessionEvent::SeedText("42".into()).into());
    assert_eq!(s.controls_view().seed_text, "42");
    // Idle frames after a run completes change nothing the DOM shows.
    while s.compute(50_000) {}
    let r = s.revision();
    s.compute(1_000);
    assert!(s.advance(16.0).is_empty());
    assert_eq!(s.revision(), r);
}

#[test]
fn a_lesson_flips_its_key_setting_on_the_same_seed() {
    let mut s = Studio::new();
    s.update(LessonEvent::Open(Some("idempotency".into())).into());
    while s.compute(50_000) {}
    assert_eq!(s.lesson.side, Some(false));
    assert_eq!(s.session.run.final_report().unwrap().verdict, Verdict::Duplicates);
    let v = s.lesson_view();
    let d = v.open.expect("open");
    assert!(
        d.changes
            .iter()
            .any(|(p, was, now)| p == "consumers[0].idempotency.enabled" && was == "false" && now == "true")
    );
    let seed = s.session.seed;
    s.update(LessonEvent::Side(true).into());
    while s.compute(50_000) {}
    assert_eq!(s.session.seed, seed);
    assert_eq!(s.session.run.final_report().unwrap().verdict, Verdict::Correct);
    // Side by side: the reference is "before", on the same seed.
    s.update(LessonEvent::Compare.into());
    while s.compute(50_000) {}
    let c = s.compare_view().expect("comparing");
    let rows = c.rows.expect("both computed");
    let dup = rows.iter().find(|r| r.label == crate::i18n::Key::DuplicateEffects).unwrap();
    let preset = &msgsim_sim::presets::get("acks-and-retries").unwrap().scenario.clone();
    let alone = msgsim_sim::Simulation::new(preset, seed).unwrap().run();
    assert_eq!((dup.before.clone(), dup.after.as_str()), (alone.duplicate_effects.to_string(), "0"));
    assert_eq!(s.present.bottom, BottomTab::Compare);
    let r = draw(&s, Diagram::Reference, (600.0, 300.0));
    assert!(r.texts.iter().any(|t| t == "inventory"));
    s.update(CompareEvent::Stop.into());
    assert!(s.compare_view().is_none());
    assert_eq!(s.present.bottom, BottomTab::Sequence);
}
