//! `msgsim sweep`: results that do not depend on threads or shards, and
//! bad input refused before anything runs.

use super::{msgsim, stderr, stdout, temp};

const PRESET: [&str; 2] = ["--preset", "acks-and-retries"];

fn sweep_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["sweep"];
    a.extend(PRESET);
    a.extend([
        "--vary",
        "network.links[0].loss=0:0.2:3",
        "--series",
        "producers[0].send.max_attempts=1,3",
        "--seeds",
        "4",
        "--figure",
        "never_applied",
        "duplicate_effects",
    ]);
    a.extend(extra);
    a
}

/// `msgsim sweep` of the loss on the preset, with `extra` arguments.
fn loss_sweep(extra: &[&str]) -> std::process::Output {
    let mut a = vec!["sweep", "--preset", "acks-and-retries", "--vary", "network.links[0].loss=0:0.2:3"];
    a.extend(extra);
    msgsim(&a)
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_sweep_is_the_same_on_one_thread_or_two_and_in_shards() {
    let one = temp("sweep-1.csv", "");
    let two = temp("sweep-2.csv", "");
    let a = msgsim(&sweep_args(&["--threads", "1", "--out", one.to_str().unwrap()]));
    assert!(a.status.success(), "{}", stderr(&a));
    let b = msgsim(&sweep_args(&["--threads", "2", "--out", two.to_str().unwrap()]));
    assert!(b.status.success(), "{}", stderr(&b));
    assert_eq!(read(&one), read(&two));
    assert_eq!(stdout(&a), stdout(&b));
    let csv = read(&one);
    assert_eq!(csv.lines().next(), Some("series,value,figure,runs,mean,ci95,theory"));
    assert_eq!(csv.lines().count(), 1 + 2 * 3 * 2, "a row per point and figure");
    assert!(csv.contains("\n1,0,never_applied,4,0,0,0\n"), "no loss, nothing unapplied (and pᵏ says 0):\n{csv}");
    // More attempts leave fewer messages unapplied at 20% loss.
    let mean = |series: &str| -> f64 {
        let row = csv.lines().find(|l| l.starts_with(&format!("{series},0.2,never_applied,"))).unwrap();
        row.split(',').nth(4).unwrap().parse().unwrap()
    };
    assert!(mean("3") < mean("1"), "{csv}");

    // Three shards, merged in any order, give the same table and file.
    let shards: Vec<_> = (0..3).map(|i| temp(&format!("shard-{i}.jsonl"), "")).collect();
    for (i, s) in shards.iter().enumerate() {
        let shard = format!("{i}/3");
        let o = msgsim(&sweep_args(&["--shard", &shard, "--out", s.to_str().unwrap()]));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged = temp("merged.csv", "");
    let (s0, s1, s2) = (shards[0].to_str().unwrap(), shards[1].to_str().unwrap(), shards[2].to_str().unwrap());
    let m = msgsim(&["sweep", "merge", s2, s0, s1, "--out", merged.to_str().unwrap()]);
    assert!(m.status.success(), "{}", stderr(&m));
    assert_eq!(read(&merged), read(&one));
    assert_eq!(stdout(&m), stdout(&a));

    // Shards of another sweep, a missing shard, a shard twice: refused.
    let other = temp("other.jsonl", "");
    let o =
        loss_sweep(&["--seeds", "4", "--figure", "never_applied", "--shard", "0/3", "--out", other.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A shard edited by hand: a run without its figures.
    let text = read(&shards[0]);
    let (header, runs) = text.split_once('\n').unwrap();
    let damaged =
        temp("damaged.jsonl", &format!("{header}\n{}", runs.replacen(r#""figures":["#, r#""figures":[],"x":["#, 1)));
    let damaged = damaged.to_str().unwrap();
    for (files, why) in [
        (vec![damaged, s1, s2], "figures, the sweep 2"),
        (vec![other.to_str().unwrap(), s1, s2], "different sweep"),
        (vec![s0, s1], "missing: 2/3"),
        (vec![s0, s0, s1, s2], "twice"),
    ] {
        let mut args = vec!["sweep", "merge"];
        args.extend(files);
        let o = msgsim(&args);
        assert_eq!(o.status.code(), Some(2), "{why}");
        assert!(stderr(&o).contains(why), "{why}: {}", stderr(&o));
    }
}

#[test]
fn bad_sweeps_are_refused_before_anything_runs() {
    for (extra, why) in [
        (vec!["--vary", "name=0:1:3"], "name: not a numeric field"),
        (vec!["--vary", "producers[9].messages=1:5:3"], "no such field"),
        (vec!["--vary", "network.links[0].loss=0:2:3"], "probability"),
        (vec!["--vary", "network.links[0].loss=0:0.2:0"], "steps must be from 1"),
        (vec!["--vary", "network.links[0].loss=0:0.2"], "FROM:TO:STEPS"),
        (vec!["--vary", "network.links[0].loss=0:0.2:3", "--log"], "above 0"),
        (vec!["--vary", "network.links[0].loss=0:0.2:3", "--shard", "3/3", "--out", "x.jsonl"], "0 ≤ I < N"),
        (vec!["--vary", "network.links[0].loss=0:0.2:3", "--shard", "0/3"], "give --out FILE.jsonl"),
        (vec!["--vary", "network.links[0].loss=0:0.2:3", "--out", "x.txt"], ".csv or .jsonl"),
        (vec!["--vary", "network.links[0].loss=0:0.2:3", "--threads", "100000"], "--threads must be from 1 to 1024"),
        (vec!["--vary", "network.links[0].loss=0:0.2:3", "--threads", "0"], "--threads must be from 1 to 1024"),
        (
            vec!["--vary", "network.links[0].loss=0:0.2:3", "--series", "producers[0].send.max_attempts=1,x"],
            "\"x\" is not a number",
        ),
    ] {
        let mut args = vec!["sweep", "--preset", "acks-and-retries", "--seeds", "2", "--figure", "never_applied"];
        args.extend(extra);
        let o = msgsim(&args);
        assert_eq!(o.status.code(), Some(2), "{why}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "{why}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{why}: nothing ran");
    }
    let o = loss_sweep(&["--figure", "no.such"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("figure no.such: no such field in the report"), "{}", stderr(&o));
}

/// An M/M/1 station: the table and the file carry theory's mean time in
/// system and utilisation beside the runs' (the engine's own closed forms,
/// the ones the theory tests check it against); elsewhere a line says why
/// no theory is drawn.
#[test]
fn a_station_sweep_carries_its_theory_and_others_say_why_not() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples/mm1.json");
    let csv = temp("mm1.csv", "");
    let o = msgsim(&[
        "sweep",
        scenario,
        "--vary",
        "producers[0].arrival.rate_per_s=100:500:3",
        "--seeds",
        "4",
        "--figure",
        "latency.mean",
        "consumer_utilization",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("(theory 2.000)"), "{}", stdout(&o));
    for line in read(&csv).lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let lambda: f64 = cells[1].parse().unwrap();
        let (mean, theory): (f64, f64) = (cells[4].parse().unwrap(), cells[6].parse().unwrap());
        let want = match cells[2] {
            "latency.mean" => msgsim_sim::theory::mmc_time_in_system_ms(lambda, 1_000.0, 1).unwrap(),
            _ => lambda / 1_000.0,
        };
        assert_eq!(theory, want, "{line}");
        assert!((mean - theory).abs() < 0.1 * theory, "{line}: the runs agree with theory");
    }
    let o = loss_sweep(&["--seeds", "2", "--figure", "latency.mean"]);
    assert!(stdout(&o).contains("no theory drawn: M/M/c theory of latency.mean needs"), "{}", stdout(&o));
}
