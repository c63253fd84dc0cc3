//! The `msgsim` binary: output, exit codes and messages.

use std::path::PathBuf;
use std::process::{Command, Output};

fn msgsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msgsim")).args(args).output().expect("msgsim runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("msgsim-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn run_preset_prints_the_report() {
    let o = msgsim(&["run", "--preset", "acks-and-retries", "--seed", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON report");
    for field in ["produced", "sent", "lost_in_transit", "duplicate_effects", "never_applied", "latency", "verdict"] {
        assert!(r.get(field).is_some(), "report lacks {field}");
    }
    assert_eq!(r["produced"], 200);
    assert_eq!(r["seed"], 3);
    assert_eq!(r["verdict"], "duplicates");
}

#[test]
fn same_seed_same_report_and_until_cuts_the_run() {
    let a = stdout(&msgsim(&["run", "--preset", "slow-consumer", "--seed", "5"]));
    let b = stdout(&msgsim(&["run", "--preset", "slow-consumer", "--seed", "5"]));
    assert_eq!(a, b);
    let cut: serde_json::Value =
        serde_json::from_str(&stdout(&msgsim(&["run", "--preset", "slow-consumer", "--until", "300"]))).unwrap();
    assert_eq!(cut["sim_time_ms"], 300.0);
    assert_eq!(cut["verdict"], "incomplete");
}

#[test]
fn traces_in_both_formats() {
    let dir = std::env::temp_dir().join(format!("msgsim-cli-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("t.csv");
    let jsonl = dir.join("t.jsonl");
    assert!(msgsim(&["run", "--preset", "reliable-queue", "--trace", csv.to_str().unwrap()]).status.success());
    assert!(msgsim(&["run", "--preset", "reliable-queue", "--trace", jsonl.to_str().unwrap()]).status.success());
    let csv = std::fs::read_to_string(csv).unwrap();
    let jsonl = std::fs::read_to_string(jsonl).unwrap();
    assert!(csv.starts_with("time_ms,kind,node,peer,msg,"));
    assert_eq!(csv.lines().count() - 1, jsonl.lines().count(), "one row per event in both");
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["kind"], "produce");
    assert_eq!(first["node"], "orders");
    let bad = msgsim(&["run", "--preset", "reliable-queue", "--trace", "out.txt"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains(".jsonl or .csv"));
}

#[test]
fn invalid_input_exits_2_with_every_problem_named() {
    let path = temp("bad.json", r#"{"producers":[{"to":"nowhere","arrival":{"kind":"poisson","rate_per_s":0}}]}"#);
    let o = msgsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("producers[0].to: no queue is named \"nowhere\""), "{err}");
    assert!(err.contains("producers[0].arrival.rate_per_s"), "{err}");
    assert!(err.contains("queues: needs at least one entry"), "{err}");
    assert!(!err.contains("panicked"));

    let o = msgsim(&["validate", "/definitely/not/here.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /definitely/not/here.json"));

    let o = msgsim(&["run", "--preset", "no-such-thing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("choose one of: reliable-queue"));

    let o = msgsim(&["run", "--preset", "reliable-queue", "--until", "-5"]);
    assert_eq!(o.status.code(), Some(2));

    let o = msgsim(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn validate_presets_and_schema() {
    let shown = stdout(&msgsim(&["presets", "--show", "poison-to-dlq"]));
    let path = temp("ok.json", &shown);
    let o = msgsim(&["validate", path.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("valid"));

    let list: serde_json::Value = serde_json::from_str(&stdout(&msgsim(&["presets", "--json"]))).unwrap();
    assert!(list.as_array().unwrap().len() >= 14);

    let schema: serde_json::Value = serde_json::from_str(&stdout(&msgsim(&["schema"]))).unwrap();
    let props = &schema["properties"];
    for field in ["version", "network", "producers", "queues", "consumers"] {
        assert!(props.get(field).is_some(), "schema lacks {field}");
    }
    assert!(stdout(&msgsim(&["--help"])).contains("Examples:"));
}

#[test]
fn bench_measures_the_same_run_as_run() {
    let o = msgsim(&["bench", "--preset", "acks-and-retries", "--seed", "3", "--repeat", "1", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let b: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let run: serde_json::Value =
        serde_json::from_str(&stdout(&msgsim(&["run", "--preset", "acks-and-retries", "--seed", "3"]))).unwrap();
    assert_eq!(b["report"], run, "tracing off changes nothing in the report");
    assert_eq!(b["events"], run["events"]);
    assert_eq!(b["messages"], 200);
    assert!(b["events_per_second"].as_f64().unwrap() > 0.0);
    let pending = b["max_pending_events"].as_u64().unwrap();
    assert!(pending > 0 && pending < 1_000, "{pending}");
    assert!(b["bytes_per_pending_event"].as_u64().unwrap() <= 64);
}

#[test]
fn bench_scales_the_standard_benchmark() {
    let o = msgsim(&["bench", "--scale", "0.001", "--repeat", "1", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let b: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(b["scenario"], "Standard benchmark");
    // 333,334 + 333,333 + 333,333 messages, each scaled and rounded.
    assert_eq!(b["messages"], 999);
    assert_eq!(b["report"]["verdict"], "correct", "retries and idempotency make it exactly once");
    let text = stdout(&msgsim(&["bench", "--scale", "0.001", "--repeat", "1"]));
    assert!(text.contains("events per second") && text.contains("peak memory"), "{text}");
}

#[test]
fn bench_rejects_a_bad_scale() {
    for bad in ["0", "-1", "2", "NaN"] {
        let o = msgsim(&["bench", &format!("--scale={bad}")]);
        assert_eq!(o.status.code(), Some(2), "--scale {bad}");
        assert!(stderr(&o).contains("--scale must be in (0, 1]"), "{}", stderr(&o));
    }
}
