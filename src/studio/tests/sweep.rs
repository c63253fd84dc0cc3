//! The sweep panel: forms checked at their fields, runs handed to workers
//! and collected in any order, the CLI's exact CSV, the budget, cancelling.

use super::*;
use crate::studio::sweep::JobState;
use msgsim_sim::sweep;

fn set(s: &mut Studio, f: SweepField, text: &str) {
    s.update(SweepEvent::Set(f, text.into()).into());
}

/// The loss sweep of `acks-and-retries` (max attempts 1 and 3 as series).
fn loss_sweep(workers: &str) -> Studio {
    let mut s = studio_with("acks-and-retries");
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
        set(&mut s, f, text);
    }
    s
}

/// Plays the shell and its workers: carries out the sweep effects, running
/// the runs handed out — the newest assignment first, so runs come back out
/// of order — until the studio says stop. Returns the runs each worker ran.
fn run_workers(s: &mut Studio, first: Vec<Effect>) -> Vec<u64> {
    let mut pending: Vec<(usize, u64)> = Vec::new();
    let mut per_worker = Vec::new();
    let mut effects = first;
    loop {
        let mut stopped = false;
        for e in effects.drain(..) {
            match e {
                Effect::SweepStart { workers, .. } => per_worker = vec![0; workers],
                Effect::SweepAssign { worker, from, to } => pending.extend((from..to).map(|i| (worker, i))),
                Effect::SweepStop => stopped = true,
                _ => {}
            }
        }
        if stopped {
            return per_worker;
        }
        let Some((w, i)) = pending.pop() else { return per_worker };
        let job = s.sweep.job.as_ref().expect("a sweep runs");
        let r = job.sweep.run(&job.base, i).expect("a checked sweep runs");
        per_worker[w] += 1;
        let values = std::iter::once(i as f64).chain(r.figures.iter().map(|x| x.unwrap_or(f64::NAN))).collect();
        effects = s.sweep_ran(vec![(w, values)]);
    }
}

/// The CSV the CLI writes for the same sweep (the core's run-all path).
fn cli_csv(s: &Studio) -> String {
    let job = s.sweep.job.as_ref().unwrap();
    let runs: Vec<_> = (0..job.sweep.runs()).map(|i| job.sweep.run(&job.base, i).unwrap()).collect();
    sweep::csv(&job.sweep, &job.base, &job.sweep.summarise(&runs))
}

#[test]
fn a_panel_sweep_gives_the_cli_s_csv_whatever_the_workers() {
    let mut csvs = Vec::new();
    for workers in ["1", "3"] {
        let mut s = loss_sweep(workers);
        let first = s.update(SweepEvent::Start.into());
        assert!(s.sweep.problems.is_empty(), "{:?}", s.sweep.problems);
        let ran = run_workers(&mut s, first);
        let job = s.sweep.job.as_ref().unwrap();
        assert_eq!(job.state, JobState::Done);
        assert_eq!(ran.len(), workers.parse::<usize>().unwrap());
        assert!(ran.iter().all(|&n| n > 0), "every worker ran some: {ran:?}");
        assert_eq!(ran.iter().sum::<u64>(), 24, "each run once");
        assert_eq!(job.csv(), cli_csv(&s));
        csvs.push(job.csv());
        // The table shows every point and figure; the chart draws.
        assert_eq!(s.sweep_view().rows.len(), 12);
        let chart = draw(&s, Diagram::Sweep, (900.0, 300.0));
        assert!(
            chart.texts.iter().any(|t| t == "never_applied")
                && chart.texts.iter().any(|t| t.contains("max_attempts = 3"))
        );
    }
    assert_eq!(csvs[0], csvs[1], "one worker or three: the same bytes");
}

#[test]
fn a_bad_form_says_what_is_wrong_at_each_field_and_starts_nothing() {
    let mut s = loss_sweep("2");
    set(&mut s, SweepField::From, "zero");
    set(&mut s, SweepField::Steps, "0");
    set(&mut s, SweepField::SeriesValues, "1, two");
    let effects = s.update(SweepEvent::Start.into());
    assert!(!effects.iter().any(|e| matches!(e, Effect::SweepStart { .. })), "nothing started");
    let at = |f| s.sweep.problems.iter().any(|(x, _)| *x == Some(f));
    assert!(at(SweepField::From) && at(SweepField::Steps) && at(SweepField::SeriesValues), "{:?}", s.sweep.problems);
    assert_eq!(s.sweep.form.from, "zero", "what was typed stays");

    let mut s = loss_sweep("2");
    set(&mut s, SweepField::Vary, "queues[0].name");
    set(&mut s, SweepField::Figures, "never_applied, no.such");
    s.update(SweepEvent::Start.into());
    let problems = &s.sweep.problems;
    assert!(
        problems.iter().any(|(f, e)| *f == Some(SweepField::Vary) && e.contains("not a numeric field")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|(f, e)| *f == Some(SweepField::Figures) && e.contains("no.such")), "{problems:?}");
    assert!(s.sweep.job.is_none());

    // A value outside the field's bounds names the field and the value.
    let mut s = loss_sweep("2");
    set(&mut s, SweepField::To, "1.5");
    s.update(SweepEvent::Start.into());
    assert!(
        s.sweep.problems.iter().any(|(f, e)| *f == Some(SweepField::Vary) && e.contains("network.links[0].loss = 1.5")),
        "{:?}",
        s.sweep.problems
    );
}

#[test]
fn a_sweep_over_the_budget_asks_before_starting() {
    let mut s = loss_sweep("2");
    set(&mut s, SweepField::Steps, "500");
    set(&mut s, SweepField::Seeds, "500");
    let effects = s.update(SweepEvent::Start.into());
    assert!(effects.is_empty() && s.sweep.job.is_none(), "nothing started yet");
    let asked = s.sweep.asking.expect("asks first");
    assert!(asked > crate::studio::sweep::EVENT_BUDGET, "{asked}");
    s.update(SweepEvent::KeepForm.into());
    assert!(s.sweep.asking.is_none() && s.sweep.job.is_none());
    s.update(SweepEvent::Start.into());
    let effects = s.update(SweepEvent::StartAnyway.into());
    assert!(effects.iter().any(|e| matches!(e, Effect::SweepStart { workers: 2, .. })));
    assert!(s.sweep.running());
}

#[test]
fn cancel_stops_the_workers_and_keeps_the_runs_in() {
    let mut s = loss_sweep("2");
    s.update(SweepEvent::Start.into());
    let job = s.sweep.job.as_ref().unwrap();
    let r = job.sweep.run(&job.base, 0).unwrap();
    let values = vec![0.0, r.figures[0].unwrap(), r.figures[1].unwrap_or(f64::NAN)];
    s.sweep_ran(vec![(0, values.clone())]);
    assert_eq!(s.update(SweepEvent::Cancel.into()), vec![Effect::SweepStop]);
    let job = s.sweep.job.as_ref().unwrap();
    assert_eq!((job.state.clone(), job.done()), (JobState::Cancelled, 1));
    assert!(s.sweep_ran(vec![(1, vec![1.0, 0.0, 0.0])]).is_empty(), "a late run is dropped");
    assert_eq!(s.sweep.job.as_ref().unwrap().done(), 1);
    assert!(s.sweep_view().status.contains("Cancelled after 1 of 24"));
}

/// On an M/M/1 station the overlay is theory's own formula, drawn at every
/// x; where the scenario breaks an assumption, the panel names it.
#[test]
fn the_overlay_is_the_closed_form_where_its_assumptions_hold() {
    let mut s = studio_with("acks-and-retries");
    let mm1 = msgsim_sim::Scenario::from_json(include_str!("../../../docs/examples/mm1.json")).unwrap();
    s.update(LibraryEvent::Import("mm1.json".into(), mm1.to_json()).into());
    while s.compute(50_000) {}
    for (f, text) in [
        (SweepField::Vary, "producers[0].arrival.rate_per_s"),
        (SweepField::From, "100"),
        (SweepField::To, "800"),
        (SweepField::Steps, "3"),
        (SweepField::Seeds, "1"),
        (SweepField::Figures, "latency.mean"),
    ] {
        set(&mut s, f, text);
    }
    s.update(SweepEvent::Start.into());
    let job = s.sweep.job.as_ref().expect("started");
    let curve = &job.curves[0];
    assert_eq!(curve.name, "M/M/c");
    for &(x, y) in &curve.points {
        assert_eq!(Some(y), msgsim_sim::theory::mmc_time_in_system_ms(x, 1_000.0, 1), "at λ = {x}");
    }
    let view = s.sweep_view();
    assert!(view.theories.iter().any(|(name, need)| *name == "M/M/c" && need.is_none()));
    let needs = |name: &str| view.theories.iter().find(|t| t.0 == name).and_then(|t| t.1.clone());
    assert_eq!(needs("M/M/1/K").as_deref(), Some("needs a queue capacity (K − 1 waiting places)"));
}

/// The share link carries the sweep: opening it shows the panel and runs
/// the same sweep again (nothing typed is lost on the way).
#[test]
fn a_share_link_carries_the_sweep_and_runs_it() {
    let mut s = loss_sweep("2");
    s.update(PresentEvent::SetBottomTab(BottomTab::Sweep).into());
    let fragment = s.share_fragment();
    assert!(fragment.contains("&sweep="), "{fragment}");
    let mut t = Studio::new();
    let effects = t.update(LibraryEvent::OpenLink(fragment).into());
    assert_eq!(t.present.bottom, BottomTab::Sweep);
    assert_eq!(SweepForm { workers: s.sweep.form.workers.clone(), ..t.sweep.form.clone() }, s.sweep.form);
    assert!(effects.iter().any(|e| matches!(e, Effect::SweepStart { .. })), "{effects:?}");
    assert_eq!(t.sweep.job.as_ref().map(|j| j.sweep.runs()), Some(24));
}
