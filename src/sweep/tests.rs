//! The sweep panel's state: forms checked at their fields, runs handed to
//! workers and collected in any order, the CLI's exact CSV, the budget,
//! cancelling, the overlay, the share link.

use super::job::JobState;
use super::state::EVENT_BUDGET;
use super::*;
use crate::render::painter::Recorder;
use crate::studio::{BottomTab, LibraryEvent, Studio};
use msgsim_sim::{Scenario, presets, sweep};

/// The panel on `preset`, its run not computed (as when the page has just
/// loaded it).
fn context(preset: &str) -> Context {
    let scenario = presets::get(preset).unwrap().scenario.clone();
    Context { scenario, events_per_run: None, lang: crate::i18n::Lang::En, theme: Default::default(), text_scale: 1.0 }
}

fn set(s: &mut SweepState, ctx: &Context, f: SweepField, text: &str) {
    s.update(SweepEvent::Set(f, text.into()), ctx);
}

/// The loss sweep of `acks-and-retries` (max attempts 1 and 3 as series).
fn loss_sweep(workers: &str) -> (SweepState, Context) {
    let ctx = context("acks-and-retries");
    let mut s = SweepState::new(2);
    for (f, text) in [
        (SweepField::Vary, "network.links[0].loss"),
        (SweepField::From, "0"),
        (SweepField::To, "0.2"),
        (SweepField::Steps, "3"),
        (SweepField::Series, "producers[0].send.max_attempts"),
        (SweepField::SeriesValues, "1, 3"),
        (SweepField::Seeds, "4"),
        (SweepField::Figures, "never_applied, latency.p99"),
        (SweepField::Workers, workers),
    ] {
        set(&mut s, &ctx, f, text);
    }
    (s, ctx)
}

/// Plays the shell and its workers: carries out the effects, running the
/// runs handed out — the newest assignment first, so runs come back out of
/// order — until the state says stop. Returns the runs each worker ran.
fn run_workers(s: &mut SweepState, first: Vec<SweepEffect>) -> Vec<u64> {
    let mut pending: Vec<(usize, u64)> = Vec::new();
    let mut per_worker = Vec::new();
    let mut effects = first;
    loop {
        let mut stopped = false;
        for e in effects.drain(..) {
            match e {
                SweepEffect::Start { workers, .. } => per_worker = vec![0; workers],
                SweepEffect::Assign { worker, from, to } => pending.extend((from..to).map(|i| (worker, i))),
                SweepEffect::Stop => stopped = true,
                _ => {}
            }
        }
        if stopped {
            return per_worker;
        }
        let Some((w, i)) = pending.pop() else { return per_worker };
        let job = s.job.as_ref().expect("a sweep runs");
        let r = job.sweep.run(&job.base, i).expect("a checked sweep runs");
        per_worker[w] += 1;
        let values = std::iter::once(i as f64).chain(r.figures.iter().map(|x| x.unwrap_or(f64::NAN))).collect();
        effects = s.ran(vec![(w, values)]);
    }
}

/// The CSV the CLI writes for the same sweep (the core's run-all path).
fn cli_csv(s: &SweepState) -> String {
    let job = s.job.as_ref().unwrap();
    let runs: Vec<_> = (0..job.sweep.runs()).map(|i| job.sweep.run(&job.base, i).unwrap()).collect();
    sweep::csv(&job.sweep, &job.base, &job.sweep.summarise(&runs))
}

#[test]
fn a_panel_sweep_gives_the_cli_s_csv_whatever_the_workers() {
    let mut csvs = Vec::new();
    for workers in ["1", "3"] {
        let (mut s, ctx) = loss_sweep(workers);
        let first = s.update(SweepEvent::Start, &ctx);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let ran = run_workers(&mut s, first);
        let job = s.job.as_ref().unwrap();
        assert_eq!(job.state, JobState::Done);
        assert_eq!(ran.len(), workers.parse::<usize>().unwrap());
        assert!(ran.iter().all(|&n| n > 0), "every worker ran some: {ran:?}");
        assert_eq!(ran.iter().sum::<u64>(), 24, "each run once");
        assert_eq!(job.csv(), cli_csv(&s));
        csvs.push(job.csv());
        // The table shows every point and figure; the chart draws them.
        assert_eq!(s.view(&ctx, &Default::default()).rows.len(), 12);
        let mut chart = Recorder { size: (900.0, 300.0), ..Default::default() };
        s.draw(&ctx, &mut chart);
        assert!(
            chart.texts.iter().any(|t| t == "never_applied") && chart.texts.iter().any(|t| t == "max_attempts = 3")
        );
        // The exports: the CSV, and an SVG of the chart.
        let csv = s.update(SweepEvent::ExportCsv, &ctx);
        assert!(matches!(&csv[..], [SweepEffect::Download { mime: "text/csv", text, .. }] if *text == cli_csv(&s)));
        let svg = s.update(SweepEvent::ExportSvg, &ctx);
        assert!(
            matches!(&svg[..], [SweepEffect::Download { mime: "image/svg+xml", text, .. }] if text.starts_with("<svg"))
        );
    }
    assert_eq!(csvs[0], csvs[1], "one worker or three: the same bytes");
}

#[test]
fn a_bad_form_says_what_is_wrong_at_each_field_and_starts_nothing() {
    let (mut s, ctx) = loss_sweep("2");
    set(&mut s, &ctx, SweepField::From, "zero");
    set(&mut s, &ctx, SweepField::Steps, "0");
    set(&mut s, &ctx, SweepField::SeriesValues, "1, two");
    let effects = s.update(SweepEvent::Start, &ctx);
    assert!(!effects.iter().any(|e| matches!(e, SweepEffect::Start { .. })), "nothing started");
    let at = |f| s.problems.iter().any(|(x, _)| *x == Some(f));
    assert!(at(SweepField::From) && at(SweepField::Steps) && at(SweepField::SeriesValues), "{:?}", s.problems);
    assert_eq!(s.form.from, "zero", "what was typed stays");
    // In Chinese, in Chinese.
    let zh = Context { lang: crate::i18n::Lang::Zh, ..ctx.clone() };
    s.update(SweepEvent::Start, &zh);
    assert!(s.problems.iter().any(|(f, e)| *f == Some(SweepField::From) && e == "“zero”不是数字"), "{:?}", s.problems);

    let (mut s, ctx) = loss_sweep("2");
    set(&mut s, &ctx, SweepField::Vary, "queues[0].name");
    set(&mut s, &ctx, SweepField::Figures, "never_applied, no.such");
    s.update(SweepEvent::Start, &ctx);
    let problems = &s.problems;
    assert!(
        problems.iter().any(|(f, e)| *f == Some(SweepField::Vary) && e.contains("not a numeric field")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|(f, e)| *f == Some(SweepField::Figures) && e.contains("no.such")), "{problems:?}");
    assert!(s.job.is_none());

    // A value outside the field's bounds names the field and the value.
    let (mut s, ctx) = loss_sweep("2");
    set(&mut s, &ctx, SweepField::To, "1.5");
    s.update(SweepEvent::Start, &ctx);
    assert!(
        s.problems.iter().any(|(f, e)| *f == Some(SweepField::Vary) && e.contains("network.links[0].loss = 1.5")),
        "{:?}",
        s.problems
    );
}

#[test]
fn a_sweep_over_the_budget_asks_before_starting() {
    let (mut s, ctx) = loss_sweep("2");
    set(&mut s, &ctx, SweepField::Steps, "500");
    set(&mut s, &ctx, SweepField::Seeds, "500");
    let effects = s.update(SweepEvent::Start, &ctx);
    assert!(effects.is_empty() && s.job.is_none(), "nothing started yet");
    let asked = s.asking.expect("asks first");
    assert!(asked > EVENT_BUDGET, "{asked}");
    s.update(SweepEvent::KeepForm, &ctx);
    assert!(s.asking.is_none() && s.job.is_none());
    s.update(SweepEvent::Start, &ctx);
    let effects = s.update(SweepEvent::StartAnyway, &ctx);
    assert!(effects.iter().any(|e| matches!(e, SweepEffect::Start { workers: 2, .. })));
    assert!(s.running());
}

#[test]
fn cancel_stops_the_workers_and_keeps_the_runs_in() {
    let (mut s, ctx) = loss_sweep("2");
    s.update(SweepEvent::Start, &ctx);
    let job = s.job.as_ref().unwrap();
    let r = job.sweep.run(&job.base, 0).unwrap();
    let values = vec![0.0, r.figures[0].unwrap(), r.figures[1].unwrap_or(f64::NAN)];
    s.ran(vec![(0, values)]);
    assert_eq!(s.update(SweepEvent::Cancel, &ctx), vec![SweepEffect::Stop]);
    let job = s.job.as_ref().unwrap();
    assert_eq!((job.state.clone(), job.done()), (JobState::Cancelled, 1));
    assert!(s.ran(vec![(1, vec![1.0, 0.0, 0.0])]).is_empty(), "a late run is dropped");
    assert_eq!(s.job.as_ref().unwrap().done(), 1);
    assert!(s.view(&ctx, &Default::default()).status.contains("Cancelled after 1 of 24"));
}

/// On an M/M/1 station the overlay is theory's own formula, drawn at every
/// x; where the scenario breaks an assumption, the panel names it.
#[test]
fn the_overlay_is_the_closed_form_where_its_assumptions_hold() {
    let ctx = context("hockey-stick");
    let mut s = SweepState::new(2);
    for (f, text) in [
        (SweepField::Vary, "producers[0].arrival.rate_per_s"),
        (SweepField::From, "100"),
        (SweepField::To, "800"),
        (SweepField::Steps, "3"),
        (SweepField::Seeds, "1"),
        (SweepField::Figures, "latency.mean"),
    ] {
        set(&mut s, &ctx, f, text);
    }
    s.update(SweepEvent::Start, &ctx);
    assert!(s.job.as_ref().expect("started").curves.is_empty(), "theory comes a frame later");
    s.prepare_theory();
    let job = s.job.as_ref().expect("started");
    let curve = &job.curves[0];
    assert_eq!(curve.name, "M/M/c");
    for &(x, y) in &curve.points {
        assert_eq!(Some(y), msgsim_sim::theory::mmc_time_in_system_ms(x, 1_000.0, 1), "at λ = {x}");
    }
    let view = s.view(&ctx, &Default::default());
    assert!(view.theories.iter().any(|(name, need)| *name == "M/M/c" && need.is_none()));
    let needs = |name: &str| view.theories.iter().find(|t| t.0 == name).and_then(|t| t.1.clone());
    assert_eq!(needs("M/M/1/K").as_deref(), Some("needs a queue capacity (K − 1 waiting places)"));
}

/// The share link carries the panel's form once used: the page puts it in
/// the link, and opening the link asks the panel to run it.
#[test]
fn a_share_link_carries_the_sweep_and_asks_the_panel_to_run_it() {
    let (s, _) = loss_sweep("2");
    let form = s.link().expect("a used panel has a link");
    let mut page = Studio::new();
    page.update(LibraryEvent::OpenLink("#v=1&p=acks-and-retries&seed=1".into()).into());
    page.update(crate::studio::UiEvent::Sweep(crate::studio::SweepEvent::Form(Some(form.clone()))));
    let fragment = page.share_fragment();
    assert!(fragment.contains("&sweep="), "{fragment}");
    let mut again = Studio::new();
    again.update(LibraryEvent::OpenLink(fragment).into());
    assert_eq!(again.present.bottom, BottomTab::Sweep);
    assert_eq!(again.sweep.request, Some((1, form.clone())));
    // The panel reads the request and runs the same sweep.
    let ctx = Context { scenario: again.session.scenario.clone(), ..context("acks-and-retries") };
    let mut panel = SweepState::new(2);
    let effects = panel.update(SweepEvent::Open(form.clone()), &ctx);
    assert!(effects.iter().any(|e| matches!(e, SweepEffect::Start { .. })), "{effects:?}");
    assert_eq!(panel.job.as_ref().map(|j| j.sweep.runs()), Some(24));
    // A crafted link's sweep that is not a form: said, nothing started, the
    // form kept.
    let mut other = SweepState::new(2);
    for bad in [r#"{"vary": 5}"#, "{", r#"{"steps": null}"#] {
        assert!(other.update(SweepEvent::Open(bad.into()), &ctx).is_empty(), "{bad}");
        assert!(other.problems.iter().any(|(f, e)| f.is_none() && e.contains("could not be read")), "{bad}");
        assert!(other.job.is_none() && other.form.vary.is_empty());
    }
    let _: Scenario = ctx.scenario;
}

/// Whatever the workers, the batches they finish in and the order their runs
/// come back in — and wherever a cancel falls — every run is handed out at
/// most once and only while the sweep runs, a finished sweep's CSV is the
/// CLI's, a running sweep always has runs out (it never stalls), and
/// nothing is taken after the end.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn any_worker_schedule_collects_each_run_once() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let (base, ctx) = loss_sweep("2");
    let reference = {
        let mut s = base.clone();
        let first = s.update(SweepEvent::Start, &ctx);
        run_workers(&mut s, first);
        s.job.unwrap().csv()
    };
    let schedule =
        (1u32..=5, proptest::collection::vec((0usize..64, 1usize..4), 0..80), proptest::option::of(0usize..30));
    TestRunner::new(Config { cases: 64, ..Config::default() })
        .run(&schedule, |(workers, picks, cancel_at)| {
            let mut s = base.clone();
            s.form.workers = workers.to_string();
            let mut out: Vec<(usize, u64)> = Vec::new();
            let mut handed = std::collections::BTreeSet::new();
            let mut effects = s.update(SweepEvent::Start, &ctx);
            let mut step = 0;
            let mut picks = picks.into_iter().cycle();
            loop {
                for e in effects.drain(..) {
                    if let SweepEffect::Assign { worker, from, to } = e {
                        prop_assert!(s.running(), "handed out while not running");
                        prop_assert!((worker as u32) < workers);
                        for i in from..to {
                            prop_assert!(handed.insert(i), "run {} handed out twice", i);
                            out.push((worker, i));
                        }
                    }
                }
                if !s.running() {
                    break;
                }
                prop_assert!(!out.is_empty(), "a running sweep with no runs out: it would stall");
                if cancel_at == Some(step) {
                    prop_assert_eq!(s.update(SweepEvent::Cancel, &ctx), vec![SweepEffect::Stop]);
                    break;
                }
                // A worker finishes a few of its runs, in the order it got them.
                let (pick, n) = picks.next().unwrap_or((0, 1));
                let w = out[pick % out.len()].0;
                let mine: Vec<usize> = (0..out.len()).filter(|&k| out[k].0 == w).take(n).collect();
                let mut batch = Vec::new();
                for k in mine.into_iter().rev() {
                    let (w, i) = out.remove(k);
                    let job = s.job.as_ref().unwrap();
                    let r = job.sweep.run(&job.base, i).unwrap();
                    batch.push((
                        w,
                        std::iter::once(i as f64).chain(r.figures.iter().map(|x| x.unwrap_or(f64::NAN))).collect(),
                    ));
                }
                effects = s.ran(batch);
                step += 1;
            }
            let job = s.job.as_ref().unwrap();
            if job.state == JobState::Done {
                prop_assert_eq!(job.csv(), reference.clone());
                prop_assert_eq!(handed.len() as u64, job.sweep.runs());
            } else {
                prop_assert!(job.done() < job.sweep.runs());
                prop_assert!(s.ran(vec![(0, vec![0.0, 0.0, 0.0])]).is_empty(), "nothing after a cancel");
            }
            Ok(())
        })
        .unwrap();
}
