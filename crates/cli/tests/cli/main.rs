//! The `msgsim` binary: output, exit codes and messages.

use std::path::PathBuf;
use std::process::{Command, Output};

mod sweep;

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
fn a_bad_message_graph_exits_2_with_each_problem_at_its_path() {
    let path = temp(
        "bad-graph.json",
        r#"{"producers":[{"name":"p","to":"events"}],
            "exchanges":[{"name":"events","bindings":[{"queue":"missing"}]}],
            "queues":[{"name":"a"},{"name":"b"}],
            "consumers":[{"name":"x","from":"a","publish":{"to":"b"}},
                         {"name":"y","from":"b","publish":{"to":"a"}}],
            "crashes":[{"node":"ghost","at_ms":1,"down_ms":1}]}"#,
    );
    let o = msgsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("exchanges[0].bindings[0].queue"), "{err}");
    assert!(err.contains("consumers[0].publish.to") || err.contains("consumers[1].publish.to"), "{err}");
    assert!(err.contains("crashes[0].node"), "{err}");
    assert!(!err.contains("panicked"));
    let selfish = temp(
        "self.json",
        r#"{"producers":[{"name":"p","to":"a"}],"queues":[{"name":"a"}],
            "consumers":[{"name":"x","from":"a","publish":{"to":"a"}}]}"#,
    );
    let o = msgsim(&["run", selfish.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("consumers[0].publish.to"), "{}", stderr(&o));
}

#[test]
fn a_bad_saga_exits_2_with_each_problem_at_its_path_and_a_good_one_reports_its_sagas() {
    let path = temp(
        "bad-saga.json",
        r#"{"producers":[{"name":"p","to":"q"}],"queues":[{"name":"q"}],
            "consumers":[{"name":"orders","from":"q","saga":{"max_attempts":0,"steps":[
                {"service":"pay","compensation":false},
                {"service":"q","fail_probability":0.1},
                {"service":"ship","compensation":false,"fail_probability":0.5}]}}],
            "crashes":[{"node":"pay","at_ms":1,"down_ms":1},{"node":"ghost","at_ms":1,"down_ms":1}]}"#,
    );
    let o = msgsim(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for at in [
        "consumers[0].saga.max_attempts",
        "consumers[0].saga.steps[0].compensation: this step needs a compensation: a later step (\"q\") can fail",
        "consumers[0].saga.steps[1].service",
        "consumers[0].saga.steps[2].fail_probability: a step without a compensation must not fail",
        "crashes[1].node: no producer group, exchange, queue, topic, consumer group or saga service is named \"ghost\" (known: p, q, orders, pay, q, ship)",
    ] {
        assert!(err.contains(at), "{at} in {err}");
    }
    assert!(!err.contains("crashes[0]"), "a step's service can crash: {err}");
    assert!(!err.contains("panicked"));
    let o = msgsim(&["run", "--preset", "saga"]);
    assert_eq!(o.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((r["sagas"]["started"].as_u64(), r["sagas"]["half_done"].as_u64()), (Some(300), Some(0)));
    assert!(r["compensations"].as_u64().unwrap() > 0);
}

#[test]
fn a_bad_two_phase_commit_exits_2_and_a_good_one_reports_its_locks() {
    let path = temp(
        "bad-2pc.json",
        r#"{"producers":[{"name":"p","to":"q"}],"queues":[{"name":"q"}],
            "consumers":[{"name":"orders","from":"q","saga":{"protocol":"three_phase","steps":[{"service":"pay"}]}},
                         {"name":"other","from":"q","crash":{"probability":0.1,"point":"mid_transaction"}}]}"#,
    );
    let o = msgsim(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("consumers[0].saga.protocol"), "{err}");
    assert!(err.contains("two_phase_commit"), "the known protocols are named: {err}");
    let path = temp(
        "bad-2pc-point.json",
        r#"{"producers":[{"name":"p","to":"q"}],"queues":[{"name":"q"}],
            "consumers":[{"name":"other","from":"q","crash":{"probability":0.1,"point":"mid_transaction"}}]}"#,
    );
    let o = msgsim(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("consumers[0].crash.point: mid_transaction is a crash in the middle of a saga"),
        "{}",
        stderr(&o)
    );
    let o = msgsim(&["run", "--preset", "two-phase-commit"]);
    assert_eq!(o.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((r["sagas"]["started"].as_u64(), r["sagas"]["half_done"].as_u64()), (Some(500), Some(0)));
    assert!(r["sagas"]["locks_held"]["max"].as_f64().unwrap() >= 1000.0, "a lock held through the outage");
    assert!(r["lock_conflicts"].as_u64().unwrap() > 0);
}

#[test]
fn invalid_input_exits_2_with_every_problem_named() {
    let path = temp("bad.json", r#"{"producers":[{"to":"nowhere","arrival":{"kind":"poisson","rate_per_s":0}}]}"#);
    let o = msgsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("producers[0].to: no queue, exchange or topic is named \"nowhere\""), "{err}");
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

#[test]
fn hostile_input_gets_a_clear_message_and_exit_2() {
    for (contents, want) in [
        ("[1, 2]", "must be a JSON object"),
        (
            "\u{feff}{\"producers\":[{\"messages\":4294967296}]}",
            "producers[0].messages: must be a whole number ≤ 4294967295",
        ),
        (r#"{"producers":[{"count":-3}]}"#, "must be a whole number ≥ 0, got -3"),
        (
            r#"{"duration_ms":100,"producers":[{"start_ms":500}],"queues":[{}],"consumers":[{}]}"#,
            "starts after the run ends",
        ),
        (r#"{"producers":[{}],"queues":[{"ack_timeout_ms":0.0001}],"consumers":[{}]}"#, "at least 0.001 ms"),
    ] {
        let path = temp("hostile.json", contents);
        let o = msgsim(&["validate", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{contents}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{contents}: {}", stderr(&o));
    }
    let o = msgsim(&["run", "--preset", "reliable-queue", "--until", "-5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--until must be a number of milliseconds ≥ 0, got -5"), "{}", stderr(&o));
}

#[test]
fn a_huge_or_endless_file_is_not_read_whole() {
    let o = msgsim(&["validate", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than 2097152 bytes"), "{}", stderr(&o));
}

#[test]
fn problems_are_capped_and_names_shortened() {
    // 300 bad windows and a 100,000-character queue reference.
    let windows: Vec<String> = (0..300).map(|_| r#"{"from_ms":5,"to_ms":1}"#.to_string()).collect();
    let json = format!(
        r#"{{"network":{{"default":{{"outages":[{}]}}}},"producers":[{{"to":"{}"}}],"queues":[{{}}],"consumers":[{{}}]}}"#,
        windows.join(","),
        "q".repeat(100_000)
    );
    let o = msgsim(&["validate", temp("many.json", &json).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("(301 problems)"), "{}", &err[..200.min(err.len())]);
    assert!(err.contains("… and 251 more"));
    assert!(err.len() < 10_000, "{} bytes of problems", err.len());
}

#[test]
fn a_bad_trace_path_fails_before_the_run() {
    let o = msgsim(&["run", "--preset", "slow-consumer", "--trace", "/no/such/dir/t.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot write /no/such/dir/t.csv"));
    assert!(stdout(&o).is_empty(), "no report: the run never started");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_1_with_a_message() {
    let o = Command::new(env!("CARGO_BIN_EXE_msgsim"))
        .args(["run", "--preset", "reliable-queue"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot write the output"), "{}", stderr(&o));
}

#[test]
fn a_closed_pipe_is_exit_1_not_a_panic() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_msgsim"))
        .args(["schema"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close our end before the (large) schema is written.
    let mut out = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    out.read_exact(&mut byte).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    let code = o.status.code();
    assert!(code == Some(0) || code == Some(1), "exit {code:?}: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn the_trace_is_streamed_in_order() {
    let dir = std::env::temp_dir().join(format!("msgsim-cli-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("big.csv");
    let scenario = temp(
        "big.json",
        r#"{"producers":[{"to":"q","messages":20000,"arrival":{"kind":"fixed","interval_ms":1}}],
            "queues":[{"name":"q"}],"consumers":[{"from":"q","processing":{"kind":"constant","ms":0.5}}]}"#,
    );
    let o = msgsim(&["run", scenario.to_str().unwrap(), "--trace", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    let times: Vec<f64> = text.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order across chunks");
    assert!(times.len() > 65_536, "{} records: more than one chunk", times.len());
}

/// Fuzzing the command line: random argument lists from its vocabulary and
/// beyond. Every run ends (the scenarios are small), with exit 0, 1 or 2 and
/// never a panic. `scripts/fuzz.sh` runs more cases (`MSGSIM_FUZZ_SECONDS`).
#[test]
fn any_arguments_end_in_0_1_or_2_without_a_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let small = temp(
        "small.json",
        r#"{"producers":[{"to":"q","messages":50}],"queues":[{"name":"q"}],"consumers":[{"from":"q"}]}"#,
    );
    let small = small.to_str().unwrap().to_string();
    let word = prop_oneof![
        Just("run".to_string()),
        Just("validate".to_string()),
        Just("presets".to_string()),
        Just("schema".to_string()),
        Just("bench".to_string()),
        Just("--preset".to_string()),
        Just("reliable-queue".to_string()),
        Just("--seed".to_string()),
        Just("--until".to_string()),
        Just("--trace".to_string()),
        Just("--json".to_string()),
        Just("--show".to_string()),
        Just("--scale=0.001".to_string()),
        Just("--repeat=1".to_string()),
        Just("/dev/null".to_string()),
        Just("/dev/zero".to_string()),
        Just(small.clone()),
        Just(std::env::temp_dir().join("fuzz.csv").to_string_lossy().into_owned()),
        Just("-5".to_string()),
        Just("1e309".to_string()),
        Just("NaN".to_string()),
        Just("18446744073709551616".to_string()),
        "[ -~]{0,12}",
    ];
    let seconds: u64 = std::env::var("MSGSIM_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let args = proptest::collection::vec(word, 0..6);
    for pass in 0u32.. {
        let config = Config { cases: 40, failure_persistence: None, ..Config::default() };
        let mut seed = [0u8; 32];
        seed[..4].copy_from_slice(&pass.to_le_bytes());
        let rng = proptest::test_runner::TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed);
        TestRunner::new_with_rng(config, rng)
            .run(&args, |args| {
                // A bench of the full standard scenario would only be slow, not wrong.
                if args.iter().any(|a| a == "bench") && !args.iter().any(|a| a.starts_with("--scale")) {
                    return Ok(());
                }
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                let o = msgsim(&refs);
                let code = o.status.code();
                prop_assert!(matches!(code, Some(0..=2)), "{args:?}: exit {code:?}\n{}", stderr(&o));
                prop_assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        if std::time::Instant::now() >= deadline {
            break;
        }
    }
}

/// `docs/scenario-reference.md` is what `msgsim schema --markdown` prints:
/// the reference follows the types (regenerate with `UPDATE_DOCS=1`).
#[test]
fn the_scenario_reference_is_generated_from_the_schema() {
    let o = msgsim(&["schema", "--markdown"]);
    assert!(o.status.success());
    let md = stdout(&o);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario-reference.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &md).expect("writable docs/");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == md, "docs/scenario-reference.md is stale: run UPDATE_DOCS=1 cargo test -p msgsim-cli");
    for def in ["ProducerSpec", "QueueSpec", "ConsumerSpec", "LinkOverride", "Dist", "Arrival"] {
        assert!(md.contains(&format!("## {def}")), "{def} documented");
    }
}
