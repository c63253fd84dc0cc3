//! Share links, imported files, saved scenarios and preferences.

use super::*;

#[test]
fn a_share_link_reproduces_the_exact_run() {
    let mut a = studio_with("acks-and-retries");
    let mut e = editor_of(&a);
    edit(&mut a, &mut e, "producers[0].messages", FieldKind::integer(), "150");
    a.update(SessionEvent::NewSeed(4242).into());
    while a.compute(50_000) {}
    let effects = a.update(PlaybackEvent::Seek(700_000).into());
    let fragment = a.share_fragment();
    assert_eq!(effects, vec![Effect::SetFragment(fragment.clone())], "the address bar follows");
    let mut b = Studio::new();
    b.update(UiEvent::Start(Box::new(Startup { fragment: fragment.clone(), ..Default::default() })));
    while b.compute(50_000) {}
    assert_eq!(b.session.seed, 4242);
    assert_eq!(b.session.scenario, a.session.scenario);
    assert_eq!(b.session.run.final_report(), a.session.run.final_report());
    assert_eq!(b.playback.clock.time, a.playback.clock.time);
    assert_eq!(b.counters_view().counts, a.counters_view().counts);
    assert_eq!(b.share_fragment(), fragment);
}

#[test]
fn a_bad_link_says_why_and_changes_nothing() {
    let mut s = studio_with("reliable-queue");
    let before = s.session.scenario.clone();
    for (link, key) in [
        ("v=3&p=reliable-queue&seed=1", "newer"),
        ("v=1&p=reliable-queue&seed=1&d=eyJwcm9k", "damaged"),
        ("v=1&p=no-such&seed=1", "does not have"),
    ] {
        s.update(LibraryEvent::OpenLink(link.into()).into());
        let n = s.notice_view().expect("a notice");
        assert!(n.bad && n.lines.join(" ").contains(key), "{link}: {n:?}");
        assert_eq!(s.session.scenario, before);
        s.update(LibraryEvent::DismissNotice.into());
    }
    s.update(LibraryEvent::OpenLink("some-anchor".into()).into());
    assert!(s.library.notice.is_none(), "an unrelated fragment is not a link");
}

#[test]
fn a_malformed_import_is_reported_and_changes_nothing() {
    let mut s = studio_with("poison-to-dlq");
    let before = s.session.scenario.clone();
    s.update(
        LibraryEvent::Import(
            "bad.json".into(),
            r#"{"producers":[{"arrival":{"kind":"poisson","rate_per_s":"x"}}]}"#.into(),
        )
        .into(),
    );
    let n = s.notice_view().unwrap();
    assert!(n.bad && n.title.contains("bad.json"));
    assert!(n.lines[0].starts_with("producers[0].arrival.rate_per_s"), "{:?}", n.lines);
    assert_eq!(s.session.scenario, before);
    assert_eq!(s.session.preset.as_deref(), Some("poison-to-dlq"));
    s.update(LibraryEvent::Import("truncated.json".into(), "{\"version\": 1, \"produc".into()).into());
    assert!(s.notice_view().unwrap().lines[0].contains("ends too early"));
    // A good file loads.
    let json = studio_with("backpressure").session.scenario.to_json();
    s.update(LibraryEvent::Import("good.json".into(), json).into());
    assert_eq!(s.session.scenario.name, "Backpressure");
    assert!(!s.notice_view().unwrap().bad);
}

#[test]
fn saved_scenarios_and_preferences_round_trip_through_effects() {
    use crate::studio::saved::{SavedCmd, SavedEvent, SavedList};
    let mut s = studio_with("queue-full");
    // The module's list keeps what the page runs, and sends it back to open.
    let mut list = SavedList::default();
    let cmd = list.update(SavedEvent::SaveAs("  my overload ".into(), Box::new(s.session.scenario.clone())));
    let Some(SavedCmd::Store(stored)) = cmd else { panic!("{cmd:?}") };
    let mut after_reload = SavedList::default();
    after_reload.update(SavedEvent::Restore(Some(stored)));
    assert_eq!(after_reload.saved[0].name, "my overload");
    let mut t = Studio::new();
    t.update(LibraryEvent::OpenSaved(Box::new(after_reload.saved[0].scenario.clone())).into());
    assert_eq!(t.session.scenario, s.session.scenario);
    assert_eq!(t.session.preset, None, "a saved scenario is the student's own");
    s.update(PresentEvent::SetLang(Lang::Zh).into());
    let effects = s.update(PresentEvent::SetTheme(Theme::Dark).into());
    let Some(Effect::Store { key: StorageKey::Prefs, value: prefs }) = effects.first() else { panic!("{effects:?}") };
    let mut u = Studio::new();
    u.update(UiEvent::Start(Box::new(Startup {
        prefs: Some(prefs.clone()),
        browser_lang: Some("en-US".into()),
        ..Default::default()
    })));
    assert_eq!((u.present.lang, u.present.theme), (Lang::Zh, Theme::Dark));
    let mut v = Studio::new();
    v.update(UiEvent::Start(Box::new(Startup { browser_lang: Some("zh-CN".into()), ..Default::default() })));
    assert_eq!(v.present.lang, Lang::Zh, "a first visit follows the browser's language");
}

/// The body of lesson `id` as the build writes it for the page to fetch.
fn lesson_file(id: &str) -> String {
    let (_, json) = crate::lessons::SOURCES.iter().find(|(_, j)| j.contains(&format!("\"id\": \"{id}\""))).unwrap();
    json.to_string()
}

#[test]
fn a_lesson_not_fetched_yet_loads_then_opens() {
    crate::lessons::withhold("idempotency");
    let mut s = Studio::new();
    let preset = s.session.scenario.clone();
    let effects = s.update(LessonEvent::Open(Some("idempotency".into())).into());
    let url = "lessons/idempotency.json".to_string();
    assert_eq!(effects, vec![Effect::FetchLesson { id: "idempotency".into(), url }]);
    let v = s.lesson_view();
    assert!(v.open.is_none() && v.status.unwrap().contains("Idempotency keys"), "it says which lesson loads");
    assert_eq!(s.session.scenario, preset, "nothing changes meanwhile");
    s.update(LessonEvent::Fetched("idempotency".into(), Ok(lesson_file("idempotency"))).into());
    let v = s.lesson_view();
    assert_eq!(v.open.expect("open").id, "idempotency");
    assert_eq!(v.status, None);
    assert_eq!(s.lesson.side, Some(0), "its first setup runs");
}

#[test]
fn a_lesson_that_cannot_be_fetched_says_why_and_can_be_tried_again() {
    crate::lessons::withhold("ordering");
    let mut s = Studio::new();
    s.update(LessonEvent::Open(Some("ordering".into())).into());
    let effects = s.update(LessonEvent::Fetched("ordering".into(), Err("HTTP 404".into())).into());
    assert!(effects.contains(&Effect::Reveal("lesson-status".into())), "scrolled into view: {effects:?}");
    let v = s.lesson_view();
    assert!(v.open.is_none());
    let status = v.status.expect("a message");
    assert!(status.contains("HTTP 404") && status.contains("choose it again"), "{status}");
    // A damaged file is a failure too, with the parser's reason.
    let effects = s.update(LessonEvent::Open(Some("ordering".into())).into());
    assert!(matches!(effects.as_slice(), [Effect::FetchLesson { .. }]), "tried again: {effects:?}");
    s.update(LessonEvent::Fetched("ordering".into(), Ok("{\"id\": 3".into())).into());
    assert!(s.lesson_view().status.expect("a message").contains("damaged file"));
    s.update(LessonEvent::Open(Some("ordering".into())).into());
    s.update(LessonEvent::Fetched("ordering".into(), Ok(lesson_file("ordering"))).into());
    assert_eq!(s.lesson_view().open.expect("open").id, "ordering");
}

#[test]
fn a_link_into_a_lesson_waits_for_it_and_keeps_the_address() {
    let mut a = Studio::new();
    a.update(LessonEvent::Open(Some("broker-crash".into())).into());
    a.update(LessonEvent::Side(1).into());
    let fragment = a.share_fragment();
    assert!(fragment.contains("lesson=broker-crash"), "{fragment}");
    for fetched in [Ok(lesson_file("broker-crash")), Err("offline?".to_string())] {
        crate::lessons::withhold("broker-crash");
        let mut b = Studio::new();
        let effects = b.update(UiEvent::Start(Box::new(Startup { fragment: fragment.clone(), ..Default::default() })));
        assert!(matches!(effects.as_slice(), [Effect::FetchLesson { .. }]), "no SetFragment: {effects:?}");
        assert_eq!(b.session.scenario, a.session.scenario, "the link's run shows meanwhile");
        assert!(b.outcome_hidden(), "as part of its lesson: predict first");
        let ok = fetched.is_ok();
        b.update(LessonEvent::Fetched("broker-crash".into(), fetched).into());
        assert_eq!(b.session.scenario, a.session.scenario, "the link's scenario runs either way");
        if ok {
            assert_eq!((b.lesson.open.as_deref(), b.lesson.side), (Some("broker-crash"), Some(1)));
            assert_eq!(b.share_fragment(), fragment);
        } else {
            assert_eq!(b.lesson.open, None, "without its lesson");
            assert!(b.lesson_view().status.unwrap().contains("offline?"));
        }
    }
}
