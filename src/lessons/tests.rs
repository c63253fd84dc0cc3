//! Every lesson tells the truth: its setups build, its runs show what it
//! claims, every number it states is a setting or a checked figure, and its
//! key moment comes soon enough at the speed it opens at.

use msgsim_sim::{Cause, EventKind, Report, Simulation, TraceEvent};

use super::*;

fn run(l: &Lesson, i: usize, trace: bool) -> Simulation {
    let scenario = l.setups[i].scenario().unwrap_or_else(|e| panic!("{}: {e}", l.id));
    let sim = Simulation::new(&scenario, scenario.seed).unwrap();
    let mut sim = if trace { sim } else { sim.without_trace() };
    sim.run();
    sim
}

#[test]
fn every_lesson_parses_and_has_both_languages() {
    for (file, json) in SOURCES {
        let l: Lesson = serde_json::from_str(json).unwrap_or_else(|e| panic!("{file}: {e}"));
        for t in l.texts() {
            assert!(!t.en.trim().is_empty() && !t.zh.trim().is_empty(), "{file}: a text is missing");
            assert!(!t.zh.is_ascii(), "{file}: '{}' is not Chinese", t.zh);
        }
        assert!((2..=3).contains(&l.setups.len()), "{file}");
        for s in &l.setups {
            s.scenario().unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }
    assert_eq!(all().len(), SOURCES.len());
    let ids: std::collections::BTreeSet<_> = all().iter().map(|l| &l.id).collect();
    assert_eq!(ids.len(), SOURCES.len(), "ids are unique");
    // The index the app carries (build.rs, from every file in data/) lists
    // the same lessons in the same order.
    let index: Vec<_> = INDEX.iter().map(|(id, en, zh)| (id.to_string(), en.to_string(), zh.to_string())).collect();
    let files: Vec<_> = all().iter().map(|l| (l.id.clone(), l.title.en.clone(), l.title.zh.clone())).collect();
    assert_eq!(index, files, "every file in src/lessons/data is listed in SOURCES");
}

/// The app reads a fetched body (the file without its expectations and
/// figures) into the same lesson as the tests' serde reading of the file.
#[test]
fn the_app_reads_each_lesson_body_as_the_tests_read_the_file() {
    for (file, json) in SOURCES {
        let l: Lesson = serde_json::from_str(json).unwrap();
        let mut body: Value = serde_json::from_str(json).unwrap();
        let o = body.as_object_mut().unwrap();
        o.remove("expect");
        o.remove("figures");
        let read = Lesson::from_json(&body.to_string()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let without_checks = Lesson { expect: Vec::new(), figures: Vec::new(), ..l };
        assert_eq!(read, without_checks, "{file}");
    }
    assert_eq!(Lesson::from_json("{\"id\": 3}").unwrap_err(), "id: not a string");
    // A damaged list of changes is named, to the row.
    let (_, json) = SOURCES[0];
    let mut body: Value = serde_json::from_str(json).unwrap();
    for (bad, why) in [
        (serde_json::json!(3), "changes: not a list"),
        (serde_json::json!([3]), "changes[0]: not a list"),
        (
            serde_json::json!([[{"what": {"en": "a", "zh": "b"}, "was": {"en": "x"}}]]),
            "changes[0][0].was.zh: not a string",
        ),
    ] {
        body["changes"] = bad;
        assert_eq!(Lesson::from_json(&body.to_string()).unwrap_err(), why);
    }
    assert!(Lesson::from_json("[1,").is_err());
}

/// Each setup's run (at the preset's seed) shows what the lesson says.
#[test]
fn every_lesson_shows_what_it_claims() {
    for l in all() {
        let reports: Vec<Report> = (0..l.setups.len()).map(|i| run(l, i, false).report()).collect();
        for (i, r) in reports.iter().enumerate() {
            let failures = check(r, Some(&reports[0]), &l.expect[i]);
            assert!(failures.is_empty(), "{} ({}): {failures:?}", l.id, side_name(i, l.setups.len()));
        }
        for i in 0..l.setups.len() - 1 {
            assert!(!l.changes(i).is_empty(), "{}: setups {i} and {} are the same", l.id, i + 1);
        }
    }
}

/// The numbers a text states (`8 attempts`, `1.5 s`, `10%`, `1,367`),
/// skipping those inside names (`p99`, `M/M/3`, `×2`).
fn numbers(text: &str) -> Vec<f64> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
                    || (chars[i] == ','
                        && (1..=3).all(|k| chars.get(i + k).is_some_and(char::is_ascii_digit))
                        && !chars.get(i + 4).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            let inside_a_name = start > 0
                && (chars[start - 1].is_alphabetic() && chars[start - 1].is_ascii()
                    || "/×#-_".contains(chars[start - 1]));
            let written: String = chars[start..i].iter().filter(|&&c| c != ',').collect();
            if !inside_a_name && let Some(x) = crate::i18n::parse_number(&written) {
                out.push(x);
            }
        }
        i += 1;
    }
    out
}

/// Every number in a scenario (its settings).
fn settings(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::Array(a) => a.iter().for_each(|x| settings(x, out)),
        Value::Object(o) => o.values().for_each(|x| settings(x, out)),
        _ => {}
    }
}

/// The numbers of a lesson's sweep form (its range, steps, seeds, series).
fn sweep_form(l: &Lesson) -> Option<crate::sweep::SweepForm> {
    l.sweep.as_ref().map(|json| serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: sweep: {e}", l.id)))
}

fn sweep_settings(l: &Lesson, out: &mut Vec<f64>) {
    if let Some(f) = sweep_form(l) {
        for text in [&f.from, &f.to, &f.steps, &f.seeds] {
            out.extend(crate::i18n::parse_number(text));
        }
        out.extend(f.series_values.split(',').filter_map(crate::i18n::parse_number));
    }
}

/// A figure of the lesson's sweep at `(series, x)`: the mean over the
/// point's seeds, or theory's value there. The sweep is the same on every
/// setup (it varies what they differ in).
fn sweep_figure(l: &Lesson, (series, x): (Option<f64>, f64), f: &Figure) -> f64 {
    let form = sweep_form(l).unwrap_or_else(|| panic!("{}: a figure at a sweep point, but no sweep", l.id));
    let form = crate::sweep::SweepForm { workers: "1".into(), ..form };
    let base = l.setups[0].scenario().unwrap();
    let (sweep, _) = form.parse(&base, crate::i18n::Lang::En).unwrap_or_else(|p| panic!("{}: sweep: {p:?}", l.id));
    for s in &l.setups[1..] {
        let other = sweep.scenario_for(&s.scenario().unwrap(), 0).unwrap();
        assert_eq!(
            other.to_value(),
            sweep.scenario_for(&base, 0).unwrap().to_value(),
            "{}: the sweep differs by setup",
            l.id
        );
    }
    let j = (0..sweep.points())
        .find(|&j| sweep.point(j) == (series, x))
        .unwrap_or_else(|| panic!("{}: the sweep has no point {series:?}, {x}", l.id));
    let figure = sweep.figures.iter().position(|g| Some(g) == f.field.as_ref()).expect("a figure of the sweep");
    if f.theory {
        return sweep.theory(&base, j)[figure].unwrap_or(f64::NAN);
    }
    let seeds = u64::from(sweep.seeds);
    let runs: Vec<_> = (j * seeds..(j + 1) * seeds).map(|i| sweep.run(&base, i).unwrap()).collect();
    msgsim_sim::sweep::summarise(runs.iter().map(|r| r.figures[figure].unwrap_or(f64::NAN))).mean
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

/// Every number a lesson states is a setting of one of its scenarios (in
/// ms, s or %), or a declared figure; the figures of a run are checked
/// against it. Both languages are held to this.
#[test]
fn every_number_a_lesson_states_is_a_setting_or_a_checked_figure() {
    for l in all() {
        let mut known = Vec::new();
        for s in &l.setups {
            settings(&s.scenario().unwrap().to_value(), &mut known);
        }
        let reports: Vec<serde_json::Value> =
            (0..l.setups.len()).map(|i| serde_json::to_value(run(l, i, false).report()).unwrap()).collect();
        sweep_settings(l, &mut known);
        for f in &l.figures {
            if let Some(at) = f.at {
                let got = sweep_figure(l, at, f);
                assert!(
                    (got - f.value).abs() <= f.tolerance,
                    "{}: sweep at {at:?}: {got}, the text says {}",
                    l.id,
                    f.value
                );
                continue;
            }
            let (Some(side), Some(field)) = (&f.side, &f.field) else {
                assert!(f.note.is_some(), "{}: figure {} is neither a run's figure nor explained", l.id, f.value);
                continue;
            };
            let i = l.side_of(side).unwrap_or_else(|| panic!("{}: no side {side}", l.id));
            let got = path::get(&reports[i], field).and_then(Value::as_f64).unwrap_or(f64::NAN);
            let got = if f.percent { got * 100.0 } else { got };
            assert!(
                (got - f.value).abs() <= f.tolerance,
                "{}: {side} {field} is {got}, the text says {}",
                l.id,
                f.value
            );
        }
        for t in l.texts() {
            for text in [&t.en, &t.zh] {
                for x in numbers(text) {
                    let as_setting =
                        [x, x / 100.0, x * 1_000.0, x / 1_000.0].iter().any(|c| known.iter().any(|k| close(*k, *c)));
                    let as_figure = l.figures.iter().any(|f| close(f.value, x));
                    assert!(
                        as_setting || as_figure,
                        "{}: \"{text}\" states {x}, which is no setting and no declared figure",
                        l.id
                    );
                }
            }
        }
    }
}

/// Whether `e` is a lesson's key moment (`kind` or `kind:cause`).
fn is_moment(e: &TraceEvent, moment: &str) -> bool {
    let (kind, cause) = moment.split_once(':').map_or((moment, None), |(k, c)| (k, Some(c)));
    e.kind.name() == kind && cause.is_none_or(|c| e.cause.name() == c)
}

/// At the speed a lesson opens at, its key moment comes within 20 s.
#[test]
fn every_key_moment_comes_within_twenty_seconds() {
    for l in all() {
        let sim = run(l, 0, true);
        let at = sim.trace().iter().find(|e| is_moment(e, &l.moment)).map(|e| e.time);
        let at = at.or_else(|| {
            // A moment the first setup lacks (what the change brings): the last one's.
            run(l, l.setups.len() - 1, true).trace().iter().find(|e| is_moment(e, &l.moment)).map(|e| e.time)
        });
        let at = at.unwrap_or_else(|| panic!("{}: no {} in its runs", l.id, l.moment));
        // The jump buttons open on the lesson's moment when it is one of theirs.
        if let Some(m) = crate::studio::moments::Moment::from_pattern(&l.moment) {
            let e = run(l, 0, true)
                .trace()
                .iter()
                .chain(run(l, l.setups.len() - 1, true).trace())
                .find(|e| is_moment(e, &l.moment))
                .copied();
            assert_eq!(e.as_ref().and_then(crate::studio::moments::Moment::of), Some(m), "{}", l.id);
        }
        let wall_s = msgsim_sim::time::to_ms(at) / 1_000.0 / l.speed;
        assert!(wall_s <= 20.0, "{}: its {} comes after {wall_s:.1} s at {}×", l.id, l.moment, l.speed);
        assert!(crate::studio::clock::SPEEDS.contains(&l.speed), "{}: {} is not an offered speed", l.id, l.speed);
    }
    // The moment names what the log can filter.
    assert!(
        EventKind::ALL.iter().any(|k| k.name() == "dead_letter") && Cause::ALL.iter().any(|c| c.name() == "duplicate")
    );
}

#[test]
fn numbers_are_read_from_texts_as_people_write_them() {
    assert_eq!(numbers("8 attempts, 1.5 s, 10% loss; p99 and M/M/3 and ×2 are names"), vec![8.0, 1.5, 10.0]);
    assert_eq!(numbers("1,367 of 1,000, then 1, 2, 3"), vec![1367.0, 1000.0, 1.0, 2.0, 3.0]);
    assert_eq!(numbers("重试 8 次，等待 1.5 秒"), vec![8.0, 1.5]);
}

/// Every report field a lesson names (in an expectation or a figure) is in
/// the report: a misspelt or renamed field fails here, not silently as null.
#[test]
fn every_field_a_lesson_names_is_in_the_report() {
    for l in all() {
        // The last setup's report: it has every group the lesson talks about.
        let report = serde_json::to_value(run(l, l.setups.len() - 1, false).report()).unwrap();
        let compared = l.expect.iter().flatten().filter_map(|(_, _, w)| w.as_str().and_then(field_ref));
        let named = l
            .expect
            .iter()
            .flatten()
            .map(|(f, _, _)| f.as_str())
            .chain(compared)
            .chain(l.figures.iter().filter_map(|f| f.field.as_deref()));
        for field in named {
            assert!(path::get(&report, field).is_some(), "{}: the report has no field {field}", l.id);
        }
    }
}
