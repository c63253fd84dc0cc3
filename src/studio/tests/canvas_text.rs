//! Canvas labels fit: at the canvas sizes a 1280×720 and a 1920×1080
//! projector give, in normal and large text and in both languages, every
//! label a diagram draws lies inside its canvas and no two labels overlap
//! (the page's own text is measured in the browser by the end-to-end tests).

use super::*;

/// `(diagram, canvas sizes)`: the canvases at 1280×720 and 1920×1080.
const CANVASES: [(Diagram, [(f64, f64); 2]); 4] = [
    (Diagram::Slide, [(1920.0, 1080.0), (1280.0, 720.0)]),
    (Diagram::Topology, [(820.0, 330.0), (1360.0, 560.0)]),
    (Diagram::Sequence, [(820.0, 240.0), (1360.0, 400.0)]),
    (Diagram::Charts, [(820.0, 240.0), (1360.0, 400.0)]),
];

/// Labels of passing happenings (they sit beside a node for a moment).
fn transient(text: &str) -> bool {
    let words: Vec<&str> = [Lang::En, Lang::Zh]
        .iter()
        .flat_map(|&l| [crate::i18n::Key::DedupShort, crate::i18n::Key::OutOfOrderShort].map(|k| crate::i18n::t(l, k)))
        .collect();
    text == "×2" || text.starts_with('#') || words.contains(&text)
}

fn overlap(a: &(String, f64, f64, f64, f64), b: &(String, f64, f64, f64, f64)) -> bool {
    // A pixel of slack: glyph boxes touching is not overlapping.
    a.1 < b.3 - 1.0 && b.1 < a.3 - 1.0 && a.2 < b.4 - 1.0 && b.2 < a.4 - 1.0
}

fn check(s: &Studio, diagram: Diagram, size: (f64, f64), what: &str) {
    let mut rec = Recorder { size, text_scale: s.present.text_scale(), ..Default::default() };
    s.draw(diagram, &mut rec);
    for b in &rec.boxes {
        assert!(
            b.1 >= -0.5 && b.2 >= -0.5 && b.3 <= size.0 + 0.5 && b.4 <= size.1 + 0.5,
            "{what} {diagram:?} {size:?}: '{}' leaves the canvas: {b:?}",
            b.0
        );
    }
    let fixed: Vec<_> = rec.boxes.iter().filter(|b| !transient(&b.0)).collect();
    for (i, a) in fixed.iter().enumerate() {
        for b in &fixed[i + 1..] {
            assert!(!overlap(a, b), "{what} {diagram:?} {size:?}: '{}' overlaps '{}': {a:?} {b:?}", a.0, b.0);
        }
    }
}

#[test]
fn every_canvas_label_fits_at_projector_sizes() {
    for preset in
        ["crash-before-ack", "poison-to-dlq", "more-consumers", "backoff-with-jitter", "sync-call", "queue-full"]
    {
        let mut s = studio_with(preset);
        let end = s.session.run.horizon();
        for lang in [Lang::En, Lang::Zh] {
            for large in [false, true] {
                s.update(PresentEvent::SetLang(lang).into());
                s.update(PresentEvent::SetLargeText(large).into());
                for k in [1, 5, 8] {
                    s.update(PlaybackEvent::Seek(end * k / 8).into());
                    s.refresh_histogram();
                    for (diagram, sizes) in CANVASES {
                        for size in sizes {
                            check(&s, diagram, size, &format!("{preset} {lang:?} large={large} t={k}/8"));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_sequence_axis_shows_the_time_it_means() {
    // At 1,657 ms the labels once lost their first digit to the canvas edge.
    let mut s = studio_with("backoff-with-jitter");
    s.update(PlaybackEvent::Seek(1_657_000).into());
    for large in [false, true] {
        s.update(PresentEvent::SetLargeText(large).into());
        let mut rec = Recorder { size: (760.0, 170.0), text_scale: s.present.text_scale(), ..Default::default() };
        s.draw(Diagram::Sequence, &mut rec);
        assert!(rec.texts.iter().any(|t| t == "1657.0 ms"), "large={large}: {:?}", rec.texts);
        assert!(rec.boxes.iter().all(|b| b.1 >= 0.0), "large={large}");
    }
}

#[test]
fn two_phase_commit_s_services_are_drawn_as_participants_and_fit() {
    let mut s = studio_with("two-phase-commit");
    let end = s.session.run.horizon();
    for (lang, title) in [(Lang::En, "Participants"), (Lang::Zh, "参与者")] {
        s.update(PresentEvent::SetLang(lang).into());
        s.update(PlaybackEvent::Seek(end / 4).into());
        let mut rec = Recorder { size: (820.0, 330.0), text_scale: s.present.text_scale(), ..Default::default() };
        s.draw(Diagram::Topology, &mut rec);
        assert!(rec.texts.iter().any(|t| t == title), "{lang:?}: {:?}", rec.texts);
        assert!(!rec.texts.iter().any(|t| t.starts_with("Saga")), "{lang:?}: {:?}", rec.texts);
        check(&s, Diagram::Topology, (820.0, 330.0), "two-phase-commit");
    }
    // A saga's are its steps.
    let s = studio_with("saga");
    let mut rec = Recorder { size: (820.0, 330.0), text_scale: s.present.text_scale(), ..Default::default() };
    s.draw(Diagram::Topology, &mut rec);
    assert!(rec.texts.iter().any(|t| t == "Saga steps"), "{:?}", rec.texts);
}
