//! Playing, stepping, seeking, seeds and language while a run plays.

use super::*;

#[test]
fn starts_with_a_preset_and_computes_it() {
    let mut s = Studio::new();
    while s.compute(50_000) {}
    assert!(s.session.run.is_complete());
    assert_eq!(s.session.preset.as_deref(), Some(DEFAULT_PRESET));
    let v = s.counters_view();
    assert_eq!(v.report.as_ref().map(|r| r.verdict), Some(Verdict::Duplicates));
    assert!(v.sentence.contains("a second time"), "{}", v.sentence);
    assert_eq!(v.counts.produced, 0, "nothing shown yet at time 0");
}

#[test]
fn play_pause_step_and_seek() {
    let mut s = studio_with("reliable-queue");
    s.update(PlaybackEvent::SetSpeed(1.0).into());
    s.update(PlaybackEvent::TogglePlay.into());
    assert!(s.playback.clock.playing);
    s.advance(50.0); // 50 ms of wall time at 1× = 50 ms simulated
    assert_eq!(s.playback.clock.time, 50_000);
    let shown = s.playback.clock.cursor;
    assert!(shown > 0);
    s.update(PlaybackEvent::TogglePlay.into());
    s.advance(50.0);
    assert_eq!(s.playback.clock.time, 50_000, "paused");
    s.update(PlaybackEvent::Step.into());
    assert_eq!(s.playback.clock.cursor, shown + 1);
    // Seeking shows exactly the fold of the events up to that moment.
    s.update(PlaybackEvent::Seek(1_000_000).into());
    let trace = s.session.run.trace();
    let n = trace.iter().take_while(|e| e.time <= 1_000_000).count();
    assert_eq!(s.playback.clock.cursor, n);
    let mut fold = s.session.run.sim().fresh_metrics();
    trace[..n].iter().for_each(|e| fold.apply(e));
    assert_eq!(s.counters_view().counts, fold.counts);
    // Playing to the end stops there.
    s.update(PlaybackEvent::SetSpeed(10_000.0).into());
    s.update(PlaybackEvent::TogglePlay.into());
    for _ in 0..1_000 {
        s.advance(100.0);
    }
    assert!(!s.playback.clock.playing);
    assert_eq!(s.playback.clock.cursor, s.session.run.trace().len());
    assert_eq!(s.counters_view().counts.produced, 100);
}

#[test]
fn a_new_seed_gives_another_run_and_a_bad_seed_changes_nothing() {
    let mut s = studio_with("lossy-fire-and-forget");
    let lost = s.session.run.final_report().unwrap().counts.lost_in_transit;
    s.update(SessionEvent::SeedText("banana".into()).into());
    assert!(s.controls_view().seed_error);
    assert_eq!(s.session.seed, 1);
    s.update(SessionEvent::NewSeed(99).into());
    while s.compute(50_000) {}
    assert_eq!(s.session.seed, 99);
    assert_ne!(s.session.run.final_report().unwrap().counts.lost_in_transit, lost);
}

#[test]
fn switching_language_mid_run_keeps_the_run() {
    let mut s = studio_with("acks-and-retries");
    s.update(PlaybackEvent::SetSpeed(1.0).into());
    s.update(PlaybackEvent::TogglePlay.into());
    s.advance(100.0);
    let (t, cursor) = (s.playback.clock.time, s.playback.clock.cursor);
    s.update(PresentEvent::SetLang(Lang::Zh).into());
    assert!(s.playback.clock.playing);
    assert_eq!((s.playback.clock.time, s.playback.clock.cursor), (t, cursor));
    assert!(s.counters_view().sentence.contains("重复生效"));
    s.advance(100.0);
    assert!(s.playback.clock.time > t, "still playing");
}

#[test]
fn escape_closes_the_share_dialog_and_the_help() {
    let mut s = Studio::new();
    s.update(PresentEvent::ShowShare(true).into());
    s.update(PresentEvent::ShowHelp(true).into());
    s.update(PresentEvent::CloseDialogs.into());
    assert!(!s.present.share && !s.present.help);
}
