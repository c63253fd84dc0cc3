//! Editing a scenario and switching lesson sides.

use super::*;

#[test]
fn a_bad_value_shows_inline_and_keeps_other_edits_and_the_run() {
    let mut s = studio_with("acks-and-retries");
    let mut e = editor_of(&s);
    let before = s.session.scenario.clone();
    edit(&mut s, &mut e, "producers[0].messages", FieldKind::integer(), "120");
    assert_eq!(s.session.scenario.producers[0].messages, 120, "a valid edit runs at once");
    edit(&mut s, &mut e, "producers[0].send.timeout_ms", FieldKind::number(), "fast");
    let v = editor_view(&e);
    assert!(!v.runnable);
    assert_eq!(v.draft.text("producers[0].send.timeout_ms"), "fast");
    assert!(v.draft.error("producers[0].send.timeout_ms").is_some());
    assert_eq!(v.draft.text("producers[0].messages"), "120", "the other edit is intact");
    assert_eq!(s.session.scenario.producers[0].messages, 120, "the last valid scenario keeps running");
    assert_ne!(s.session.scenario, before);
    edit(&mut s, &mut e, "network.links[0].loss", FieldKind::number(), "2");
    assert!(editor_view(&e).draft.error("network.links[0].loss").is_some(), "validation's message too");
    assert_eq!(editor_view(&e).draft.error_count(), 2);
}

#[test]
fn turning_idempotency_on_turns_the_verdict_correct() {
    let mut s = studio_with("acks-and-retries");
    let mut e = editor_of(&s);
    assert_eq!(s.session.run.final_report().map(|r| r.verdict), Some(Verdict::Duplicates));
    edit(&mut s, &mut e, "consumers[0].idempotency.enabled", FieldKind::Bool, "true");
    while s.compute(50_000) {}
    let r = s.session.run.final_report().expect("computed");
    assert_eq!(r.verdict, Verdict::Correct);
    assert!(r.counts.dedup_hits > 0);
    assert!(s.session.preset.is_none(), "now a custom scenario");
}

#[test]
fn text_being_typed_survives_re_renders_until_committed() {
    let mut s = studio_with("reliable-queue");
    let mut e = editor_of(&s);
    e.edit(EditEvent::Typing("producers[0].messages".into(), "12".into()));
    assert_eq!(editor_view(&e).typing.get("producers[0].messages").map(String::as_str), Some("12"));
    assert_eq!(s.session.scenario.producers[0].messages, 100, "not applied while typing");
    edit(&mut s, &mut e, "producers[0].messages", FieldKind::integer(), "120");
    assert!(editor_view(&e).typing.is_empty());
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
    assert_eq!(s.lesson.side, Some(0));
    assert_eq!(s.session.run.final_report().unwrap().verdict, Verdict::Duplicates);
    let v = s.lesson_view();
    let d = v.open.expect("open");
    let [group] = d.changes.as_slice() else { panic!("one pair: {:?}", d.changes) };
    assert!(
        group
            .rows
            .iter()
            .any(|r| r.what.ends_with("Idempotency store (dedup by message id)") && r.was == "off" && r.now == "on"),
        "{group:?}"
    );
    let seed = s.session.seed;
    s.update(LessonEvent::Side(1).into());
    while s.compute(50_000) {}
    assert_eq!(s.session.seed, seed);
    assert_eq!(s.session.run.final_report().unwrap().verdict, Verdict::Correct);
    // Side by side: the reference is "before", on the same seed.
    s.update(LessonEvent::Compare(0).into());
    s.update(LessonEvent::Reveal.into());
    while s.compute(50_000) {}
    let c = s.compare_view().expect("comparing");
    // The table, as the module computes it from the two runs' reports.
    let reference = s.session.reference.as_ref().unwrap().run.final_report().unwrap();
    let rows = crate::studio::compare::rows(reference, s.session.run.final_report().unwrap(), Lang::En);
    let dup = rows.iter().find(|r| r.label == crate::i18n::Key::DuplicateEffects).unwrap();
    let preset = &msgsim_sim::presets::get("acks-and-retries").unwrap().scenario.clone();
    let alone = msgsim_sim::Simulation::new(preset, seed).unwrap().run();
    assert_eq!((dup.before.clone(), dup.after.as_str()), (alone.counts.duplicate_effects.to_string(), "0"));
    assert_eq!(s.present.bottom, BottomTab::Compare);
    assert_eq!(c.before_verdict.map(|v| v.0), Some("duplicates"), "each pane says its verdict");
    assert_eq!(c.after_verdict.map(|v| v.0), Some("correct"));
    let r = draw(&s, Diagram::Reference, (600.0, 300.0));
    assert!(r.texts.iter().any(|t| t == "inventory"));
    s.update(CompareEvent::Stop.into());
    assert!(s.compare_view().is_none());
    assert_eq!(s.present.bottom, BottomTab::Sequence);
}

#[test]
fn a_lesson_hides_its_outcome_until_the_run_ends_or_is_revealed() {
    let mut s = Studio::new();
    s.update(LessonEvent::Open(Some("lossy-link".into())).into());
    while s.compute(50_000) {}
    let hidden = s.counters_view();
    assert!(hidden.hidden && hidden.report.is_none(), "no verdict, percentiles or throughput before the end");
    assert!(s.lesson_view().open.unwrap().takeaway.is_none());
    s.update(PlaybackEvent::Seek(s.session.horizon() / 2).into());
    assert!(s.outcome_hidden(), "half way is not the end");
    assert!(s.counters_view().counts.produced > 0, "the counters so far stay");
    s.update(PlaybackEvent::Seek(s.session.horizon()).into());
    assert!(!s.outcome_hidden(), "the end reveals");
    assert!(s.counters_view().report.is_some());
    assert!(s.lesson_view().open.unwrap().takeaway.is_some());
    // Another setup is a new prediction; Reveal shows it at once.
    s.update(LessonEvent::Side(1).into());
    while s.compute(50_000) {}
    assert!(s.outcome_hidden());
    s.update(LessonEvent::Reveal.into());
    assert!(s.counters_view().report.is_some());
    // Free exploration: the setting turns it off.
    s.update(LessonEvent::Side(0).into());
    s.update(PresentEvent::SetPredictFirst(false).into());
    while s.compute(50_000) {}
    assert!(!s.outcome_hidden() && s.counters_view().report.is_some());
    // Outside lessons nothing is hidden.
    s.update(PresentEvent::SetPredictFirst(true).into());
    s.update(LessonEvent::Open(None).into());
    s.update(SessionEvent::LoadPreset("reliable-queue".into()).into());
    while s.compute(50_000) {}
    assert!(!s.outcome_hidden());
}

#[test]
fn a_lesson_opens_at_its_own_speed() {
    let mut s = Studio::new();
    s.update(LessonEvent::Open(Some("poison-and-dlq".into())).into());
    let lesson = crate::lessons::get("poison-and-dlq").unwrap();
    assert_eq!(s.playback.clock.speed, crate::studio::clock::Clock::nearest_speed(lesson.speed));
}

#[test]
fn a_number_that_would_not_come_back_exactly_is_refused_at_its_field() {
    let mut s = studio_with("acks-and-retries");
    let mut e = editor_of(&s);
    let before = s.session.scenario.clone();
    edit(&mut s, &mut e, "producers[0].send.timeout_ms", FieldKind::number(), "250.30000000000004");
    let error = editor_view(&e).draft.error("producers[0].send.timeout_ms");
    use super::super::draft::{FieldError, ParseError};
    assert_eq!(error, Some(FieldError::Parse(ParseError::Inexact)), "said at the field");
    assert_eq!(editor_view(&e).draft.text("producers[0].send.timeout_ms"), "250.30000000000004", "the text is kept");
    assert_eq!(s.session.scenario, before, "the last valid scenario keeps running");
    edit(&mut s, &mut e, "producers[0].send.timeout_ms", FieldKind::number(), "250.3");
    assert_eq!(s.session.scenario.producers[0].send.timeout_ms, 250.3);
}
