//! Share links, imported files, saved scenarios and preferences.

use super::*;

#[test]
fn a_share_link_reproduces_the_exact_run() {
    let mut a = studio_with("acks-and-retries");
    edit(&mut a, "producers[0].messages", FieldKind::integer(), "150");
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
    let mut s = studio_with("queue-full");
    let effects = s.update(LibraryEvent::SaveAs("  my overload ".into()).into());
    let [Effect::Store { key: StorageKey::Saved, value: stored }] = effects.as_slice() else { panic!("{effects:?}") };
    let mut t = Studio::new();
    t.update(UiEvent::Start(Box::new(Startup { saved: Some(stored.clone()), ..Default::default() })));
    assert_eq!(t.files_view().saved, vec!["my overload".to_string()]);
    t.update(LibraryEvent::LoadSaved(0).into());
    assert_eq!(t.session.scenario, s.session.scenario);
    let effects = t.update(LibraryEvent::Restore(Some("{broken".into())).into());
    assert!(t.notice_view().unwrap().bad);
    assert!(effects.contains(&Effect::SetAside(StorageKey::Saved)), "a damaged list is set aside");
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

#[test]
fn a_refused_write_is_reported() {
    let mut s = studio_with("queue-full");
    s.update(LibraryEvent::StorageFailed.into());
    assert!(s.notice_view().is_some_and(|n| n.bad));
}
