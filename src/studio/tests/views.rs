//! What the student sees and clicks: canvases, the log, exports, and the
//! work a frame does.

use super::*;

#[test]
fn clicking_a_dot_selects_its_message_and_shows_its_life() {
    let mut s = studio_with("acks-and-retries");
    // A moment with packets in flight.
    let trace = s.session.run.trace().to_vec();
    let send = trace.iter().find(|e| e.kind == EventKind::Send && e.time > 50_000).unwrap();
    s.update(PlaybackEvent::Seek(send.time + (send.end - send.time) / 2).into());
    let layout = s.layout(SIZE);
    let frame = s.topology_frame(&layout);
    let dot = frame.dots.iter().find(|d| d.msg == send.msg).expect("its dot is on screen");
    click(&mut s, dot.at);
    assert_eq!(s.selection.msg, Some(send.msg));
    assert_eq!(s.present.side, SideTab::Message);
    let card = s.message_view().expect("a card");
    assert_eq!(card.msg, send.msg);
    assert!(card.rows.iter().any(|r| r.text.contains("produce")));
    assert!(card.outcome.is_some());
    // Escape-equivalent clears it.
    s.update(UiEvent::Select(None));
    assert!(s.message_view().is_none());
}

#[test]
fn clicking_a_node_opens_its_section_and_a_link_opens_its_override_form() {
    let mut s = studio_with("reliable-queue");
    let mut e = editor_of(&s);
    let layout = s.layout(SIZE);
    s.update(Click { canvas: Canvas::Topology, at: layout.center(1), size: SIZE }.into());
    assert_eq!(s.present.side, SideTab::Editor);
    assert_eq!(focus_asked(&s, &mut e).as_deref(), Some("edit-queue-0"));
    assert_eq!(e.editor.focus, Some(Target::Queue(0)));
    let (a, b) = layout.link_ends(0, 1);
    click(&mut s, ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
    assert_eq!(focus_asked(&s, &mut e).as_deref(), Some("edit-link-new"));
    assert_eq!(e.editor.new_link, Some(("orders".into(), "order-queue".into())));
    let v = editor_view(&e);
    let form = v.sections.iter().find(|x| x.target == Target::NewLink).expect("the link's own form");
    assert_eq!(form.name, "orders → order-queue");
    assert_eq!(v.draft.text("network.links[0].loss"), "", "empty: the defaults apply");
    edit(&mut s, &mut e, "network.links[0].loss", FieldKind::Number { optional: true }, "0.3");
    assert_eq!(e.editor.focus, Some(Target::Link(0)));
    assert_eq!(s.session.scenario.network.links.len(), 1);
    assert_eq!(s.session.scenario.network.links[0].loss, Some(0.3), "the first value created the override and runs");
}

#[test]
fn hit_testing_uses_the_size_clicked_not_the_size_drawn() {
    let mut s = studio_with("reliable-queue");
    // Drawn small (an export, a thumbnail): nothing is remembered.
    draw(&s, Diagram::Topology, (300.0, 160.0));
    let q = s.layout(SIZE).center(1);
    click(&mut s, q);
    let mut e = editor_of(&s);
    focus_asked(&s, &mut e);
    assert_eq!(e.editor.focus, Some(Target::Queue(0)));
}

#[test]
fn exporting_a_picture_leaves_the_screen_as_it_was() {
    let mut s = studio_with("acks-and-retries");
    s.update(PlaybackEvent::Seek(500_000).into());
    let before = draw(&s, Diagram::Topology, SIZE);
    let revision = s.revision();
    for what in [Export::Svg(Diagram::Topology), Export::Svg(Diagram::Sequence), Export::Svg(Diagram::Charts)] {
        let effects = s.update(what.into());
        assert!(matches!(effects.as_slice(), [Effect::Download { mime: "image/svg+xml", .. }]), "{effects:?}");
    }
    assert_eq!(draw(&s, Diagram::Topology, SIZE), before, "the same picture on screen");
    assert!(s.revision() > revision);
    let png = s.update(Export::Png(Diagram::Charts).into());
    assert!(matches!(png.as_slice(), [Effect::DownloadPng { diagram: Diagram::Charts, .. }]));
}

#[test]
fn a_frame_while_playing_parses_nothing() {
    let mut s = studio_with("acks-and-retries");
    s.update(LessonEvent::Open(Some("idempotency".into())).into());
    while s.compute(50_000) {}
    s.update(PlaybackEvent::TogglePlay.into());
    // Warm up: the first frame may build the per-language tables.
    let frame = |s: &mut Studio| {
        s.compute(4_000);
        s.advance(16.0);
        s.refresh_histogram();
        for d in [Diagram::Topology, Diagram::Sequence, Diagram::Charts] {
            draw(s, d, SIZE);
        }
        let _ = (s.controls_view(), s.time_view(), s.counters_view(), s.lesson_view(), s.log_view());
        let _ = (s.files_view(), s.message_view(), s.notice_view(), s.compare_view());
    };
    frame(&mut s);
    let parsed = msgsim_sim::scenario::parse_count();
    for _ in 0..30 {
        frame(&mut s);
    }
    assert_eq!(msgsim_sim::scenario::parse_count(), parsed, "no scenario text was parsed while playing");
}

#[test]
fn the_log_filters_follows_and_selects() {
    let mut s = studio_with("lossy-fire-and-forget");
    s.update(PresentEvent::SetBottomTab(BottomTab::Log).into());
    s.update(LogEvent::SetFilter(LogFilter { kind: KindFilter::Kind(EventKind::Lost), ..Default::default() }).into());
    s.update(PlaybackEvent::Seek(s.session.run.horizon()).into());
    let v = s.log_view();
    assert_eq!(v.total as u64, s.session.run.final_report().unwrap().counts.lost_in_transit);
    assert!(v.rows.iter().all(|r| r.kind == EventKind::Lost));
    let first = v.rows[0].clone();
    s.update(LogEvent::Row(first.row).into());
    assert_eq!(s.selection.msg, first.msg);
    assert!(!s.playback.clock.playing);
    let v = s.log_view();
    assert!(v.rows.iter().any(|r| r.now && r.row == first.row));
    s.update(LogEvent::MsgText("#3".into()).into());
    assert!(s.log_view().rows.iter().all(|r| r.msg == Some(3)));
}

#[test]
fn views_draw_without_panicking_at_any_moment() {
    for p in msgsim_sim::presets::all() {
        let mut s = studio_with(p.id);
        let end = s.session.run.horizon();
        for k in 0..=8 {
            s.update(PlaybackEvent::Seek(end * k / 8).into());
            draw(&s, Diagram::Topology, SIZE);
            draw(&s, Diagram::Sequence, (700.0, 300.0));
            s.refresh_histogram();
            draw(&s, Diagram::Charts, (700.0, 300.0));
            let _ = (s.log_view(), s.counters_view(), s.time_view());
        }
    }
}

#[test]
fn exports_match_the_run() {
    let mut s = studio_with("reliable-queue");
    // The trace is written by the on-demand module, from the same scenario
    // and seed: the same trace as the page's run.
    let Some(Effect::ExportTrace { name, csv: true }) = s.update(Export::Trace(true).into()).pop() else { panic!() };
    assert_eq!(name, "msgsim-a-reliable-queue-seed1-trace.csv");
    let parts = crate::studio::trace_file(&s.session.scenario.to_json(), s.session.seed, true).unwrap();
    assert_eq!(parts.concat().lines().count(), s.session.run.trace().len() + 1);
    let names = s.session.run.names();
    assert_eq!(parts, crate::studio::export::trace_chunks(s.session.run.trace(), &names, true), "line for line");
    let Some(Effect::Download { name, parts, .. }) = s.update(Export::Svg(Diagram::Topology).into()).pop() else {
        panic!()
    };
    assert!(name.ends_with("-topology.svg") && parts[0].contains("order-queue"));
    let Some(Effect::Download { parts, .. }) = s.update(Export::Svg(Diagram::Charts).into()).pop() else { panic!() };
    assert!(
        parts[0].contains("Messages waiting and in flight") && parts[0].contains("Retries reaching brokers per 10 ms")
    );
    let Some(Effect::Download { name, parts, .. }) = s.update(Export::Scenario.into()).pop() else { panic!() };
    assert!(name.ends_with(".json") && parts[0].contains("\"producers\""));
}

#[test]
fn hostile_names_survive_every_export_escaped() {
    let nasty = "<script>\"&x\n'";
    let mut s = studio_with("reliable-queue");
    let mut e = editor_of(&s);
    edit(&mut s, &mut e, "queues[0].name", FieldKind::Text, nasty);
    assert_eq!(s.session.scenario.queues[0].name, nasty, "the name runs");
    while s.compute(50_000) {}
    let text = |e: Option<Effect>| match e {
        Some(Effect::Download { parts, .. }) => parts.concat(),
        other => panic!("{other:?}"),
    };
    // SVG: text only, escaped; nothing that runs or loads.
    for d in [Diagram::Topology, Diagram::Sequence, Diagram::Charts] {
        let svg = text(s.update(Export::Svg(d).into()).pop());
        assert!(!svg.contains("<script") && !svg.contains("javascript:"), "{d:?}");
        assert!(!svg.contains("<foreignObject") && !svg.contains("href"), "{d:?}");
        let attributes =
            svg.split('<').flat_map(|tag| tag.split_whitespace().skip(1).map(str::to_string).collect::<Vec<_>>());
        assert!(
            attributes.filter(|a| a.to_ascii_lowercase().starts_with("on")).count() == 0,
            "{d:?}: an event handler"
        );
        if d == Diagram::Topology {
            assert!(svg.contains("&lt;script&gt;&quot;&amp;x"), "the name is there, escaped");
        }
    }
    // CSV: one quoted field, quotes doubled; the newline stays inside it.
    let trace = |csv| crate::studio::trace_file(&s.session.scenario.to_json(), s.session.seed, csv).unwrap().concat();
    let csv = trace(true);
    assert!(csv.contains("\"<script>\"\"&x\n'\""), "quoted and doubled");
    // JSON Lines and the scenario: JSON strings, read back exactly.
    let jsonl = trace(false);
    let peer = jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v.get("peer").and_then(|p| p.as_str()).filter(|p| p.starts_with("<script")).map(str::to_string));
    assert_eq!(peer.as_deref(), Some(nasty));
    let json = text(s.update(Export::Scenario.into()).pop());
    assert_eq!(msgsim_sim::Scenario::from_json(&json).map(|s| s.queues[0].name.clone()), Ok(nasty.to_string()));
}

#[test]
fn a_slide_shows_the_title_the_moment_and_the_verdict_once_revealed() {
    let mut s = Studio::new();
    s.update(LessonEvent::Open(Some("idempotency".into())).into());
    while s.compute(50_000) {}
    s.update(PlaybackEvent::Seek(400_000).into());
    let lesson = crate::lessons::get("idempotency").unwrap();
    let slide = draw(&s, Diagram::Slide, (1920.0, 1080.0));
    assert!(slide.texts.contains(&lesson.title.en), "{:?}", slide.texts);
    assert!(slide.texts.contains(&lesson.setups[0].label.en));
    assert!(slide.texts.iter().any(|t| t.starts_with("At 400.0 ms")));
    assert!(slide.texts.iter().any(|t| t.starts_with("Predict first")), "hidden until the end");
    assert!(slide.texts.contains(&"inventory".to_string()), "the topology is on it");
    let below = slide.boxes.iter().find(|b| b.0 == "inventory").unwrap();
    assert!(below.2 > 228.0, "the topology sits under the title block");
    s.update(LessonEvent::Reveal.into());
    let slide = draw(&s, Diagram::Slide, (1920.0, 1080.0));
    assert!(
        slide.texts.iter().any(|t| t.starts_with("Duplicates") || t.contains("a second time")),
        "{:?}",
        slide.texts
    );
    let Some(Effect::DownloadPng { name, size, .. }) = s.export(Export::Png(Diagram::Slide)) else { panic!() };
    assert!(name.ends_with("-slide.png") && size == (1920.0, 1080.0));
}

#[test]
fn a_fan_out_shows_its_exchange_each_group_and_layers_left_to_right() {
    let s = studio_with("fan-out");
    let v = s.counters_view();
    let names: Vec<&str> = v.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["inventory (inventory-queue)", "billing (billing-queue)", "email (email-queue)"]);
    assert!(v.groups.iter().all(|g| g.effects == "300" && !g.bad), "{:?}", v.groups);
    assert!(v.sentence.contains("900") && v.sentence.contains("3 groups"), "{}", v.sentence);
    // Producer, exchange, queues, consumers: one column each, left to right.
    let topo = s.session.run.sim().topology().clone();
    let layout = s.layout(SIZE);
    let x = |name: &str| layout.center(topo.nodes.iter().position(|n| n.name == name).unwrap() as u16).0;
    assert!(x("orders") < x("order-events") && x("order-events") < x("email-queue") && x("email-queue") < x("email"));
    assert_eq!(x("inventory-queue"), x("email-queue"));
    // Every node drawn, the exchange with its kind; bindings drawn dashed.
    let r = draw(&s, Diagram::Topology, SIZE);
    for n in &topo.nodes {
        assert!(r.texts.iter().any(|t| t == &n.name), "{} not drawn", n.name);
    }
    assert!(r.texts.iter().any(|t| t == "fanout"));
    // Clicking the exchange opens its section.
    let mut s = s;
    let at = layout.center(topo.nodes.iter().position(|n| n.name == "order-events").unwrap() as u16);
    click(&mut s, at);
    let mut e = editor_of(&s);
    focus_asked(&s, &mut e);
    assert_eq!(e.editor.focus, Some(Target::Exchange(0)));
}

#[test]
fn a_crashed_broker_is_drawn_down_and_a_pipeline_reports_end_to_end() {
    let mut s = studio_with("broker-crash");
    let crash = s.session.run.trace().iter().find(|e| e.kind == EventKind::Crash).copied().expect("the crash");
    s.update(PlaybackEvent::Seek(crash.time + 1_000).into());
    let r = draw(&s, Diagram::Topology, SIZE);
    assert!(r.texts.iter().any(|t| t == "DOWN"), "the broker reads DOWN");
    let p = studio_with("pipeline-duplicates");
    let report = p.session.run.final_report().unwrap();
    assert!(report.counts.derived > 0 && report.end_to_end_latency.p50 > report.latency.p50);
    assert_eq!(p.counters_view().groups.len(), 3);
}

#[test]
fn a_seven_column_pipeline_names_every_node_in_full_on_a_projector_canvas() {
    // The topology pane of a 1280×720 window.
    let s = studio_with("pipeline-duplicates");
    let r = draw(&s, Diagram::Topology, (820.0, 330.0));
    for n in &s.session.run.sim().topology().nodes {
        assert!(r.texts.iter().any(|t| t == &n.name), "{} is not drawn in full: {:?}", n.name, r.texts);
    }
}
