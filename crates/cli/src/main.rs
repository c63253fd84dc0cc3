//! `msgsim`: run msgsim scenarios headless and print the report as JSON.
//!
//! The same engine as the web app, so the same scenario and seed give the same
//! trace and report here and in the browser.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;

use clap::{Parser, Subcommand};
use msgsim_sim::{Scenario, Simulation, presets, time, trace};

#[derive(Parser)]
#[command(
    name = "msgsim",
    version,
    about = "Simulate asynchronous messaging under faults and report whether every message took effect exactly once",
    after_help = "Examples:\n  \
        msgsim presets\n  \
        msgsim run --preset acks-and-retries\n  \
        msgsim run --preset acks-and-retries --seed 7 --trace run.csv\n  \
        msgsim run my-scenario.json --until 2000 --trace run.jsonl\n  \
        msgsim validate my-scenario.json\n  \
        msgsim schema > scenario.schema.json\n\n\
        Exit codes: 0 success, 1 I/O failure writing output, 2 invalid input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print its report (JSON) on stdout.
    Run {
        /// Scenario JSON file.
        #[arg(required_unless_present = "preset", conflicts_with = "preset")]
        file: Option<PathBuf>,
        /// Run a built-in preset instead (see `msgsim presets`).
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
        /// Seed for the run (default: the scenario's own `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Stop at this simulated time, in milliseconds.
        #[arg(long, value_name = "MS")]
        until: Option<f64>,
        /// Write the trace to this file: `.jsonl` for JSON Lines, `.csv` for CSV.
        #[arg(long, value_name = "PATH")]
        trace: Option<PathBuf>,
    },
    /// Measure engine speed (tracing off): the standard benchmark unless a
    /// scenario is given.
    Bench {
        /// Scenario JSON file (default: the standard benchmark, 1,000,000 messages).
        #[arg(conflicts_with = "preset")]
        file: Option<PathBuf>,
        /// Benchmark a built-in preset instead.
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
        /// Seed (default: the scenario's own).
        #[arg(long)]
        seed: Option<u64>,
        /// Runs; the best time is reported.
        #[arg(long, default_value_t = 3)]
        repeat: u32,
        /// Scale the message counts by this factor (e.g. 0.01 for a quick smoke run).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// List the built-in presets.
    Presets {
        /// Print JSON (id, name, description) instead of a table.
        #[arg(long)]
        json: bool,
        /// Print one preset's scenario JSON.
        #[arg(long, value_name = "NAME")]
        show: Option<String>,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
    /// Check a scenario file and list every problem.
    Validate {
        /// Scenario JSON file.
        file: PathBuf,
    },
}

/// A failure: message for stderr and exit code.
struct Failure(String, u8);

fn invalid(msg: impl Into<String>) -> Failure {
    Failure(msg.into(), 2)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg, code)) => {
            eprintln!("msgsim: {msg}");
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run { file, preset, seed, until, trace } => {
            let scenario = match (file, preset) {
                (Some(path), _) => load(&path)?,
                (None, Some(name)) => preset_scenario(&name)?,
                (None, None) => return Err(invalid("give a scenario FILE or --preset NAME")),
            };
            let format = trace.as_deref().map(trace_format).transpose()?;
            let seed = seed.unwrap_or(scenario.seed);
            let mut sim = Simulation::new(&scenario, seed).map_err(|p| invalid(problems_text("scenario", &p)))?;
            if trace.is_none() {
                sim = sim.without_trace();
            }
            if let Some(ms) = until {
                if !ms.is_finite() || ms < 0.0 {
                    return Err(invalid(format!("--until must be a number of milliseconds ≥ 0, got {ms}")));
                }
                sim.stop_at(time::ms(ms));
            }
            let report = sim.run();
            if let (Some(path), Some(format)) = (trace, format) {
                write_trace(&sim, &path, format)?;
            }
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            Ok(())
        }
        Command::Bench { file, preset, seed, repeat, scale, json } => {
            let mut scenario = match (file, preset) {
                (Some(path), _) => load(&path)?,
                (None, Some(name)) => preset_scenario(&name)?,
                (None, None) => Scenario::from_json(bench::STANDARD)
                    .map_err(|p| invalid(problems_text("the standard benchmark", &p)))?,
            };
            if !(scale.is_finite() && scale > 0.0 && scale <= 1.0) {
                return Err(invalid(format!("--scale must be in (0, 1], got {scale}")));
            }
            scenario.scale_messages(scale);
            let seed = seed.unwrap_or(scenario.seed);
            let r = bench::bench(&scenario, seed, repeat).map_err(|p| invalid(problems_text("scenario", &p)))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            } else {
                println!("scenario            {}", r.scenario);
                println!("messages            {}", r.messages);
                println!("engine events       {}", r.events);
                println!("best wall time      {:.3} s (of {repeat})", r.seconds);
                println!("first run           {:.3} s (with fresh memory from the OS)", r.first_seconds);
                println!("events per second   {:.2} million", r.events_per_second / 1e6);
                println!("messages per second {:.2} million", r.messages_per_second / 1e6);
                println!("pending events      {} at most × {} bytes", r.max_pending_events, r.bytes_per_pending_event);
                println!("peak memory (RSS)   {:.1} MB", r.peak_rss_bytes as f64 / 1e6);
                println!("verdict             {}", r.report.verdict.name());
            }
            Ok(())
        }
        Command::Presets { json, show } => {
            if let Some(name) = show {
                println!("{}", preset_scenario(&name)?.to_json());
                return Ok(());
            }
            let all = presets::all();
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.scenario.name, "description": p.scenario.description}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
            } else {
                for p in all {
                    println!("{:<26} {}", p.id, p.scenario.description);
                }
            }
            Ok(())
        }
        Command::Schema => {
            let schema = schemars::schema_for!(Scenario);
            println!("{}", serde_json::to_string_pretty(&schema).unwrap_or_default());
            Ok(())
        }
        Command::Validate { file } => {
            let s = load(&file)?;
            println!(
                "{}: valid ({} producers, {} queues, {} consumer groups, {} messages)",
                file.display(),
                s.producers.len(),
                s.queues.len(),
                s.consumers.len(),
                s.total_messages()
            );
            Ok(())
        }
    }
}

fn preset_scenario(name: &str) -> Result<Scenario, Failure> {
    presets::get(name).map(|p| p.scenario.clone()).ok_or_else(|| {
        invalid(format!("no preset named \"{name}\"; choose one of: {}", presets::ids().collect::<Vec<_>>().join(", ")))
    })
}

fn load(path: &Path) -> Result<Scenario, Failure> {
    let text = fs::read_to_string(path).map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
    Scenario::from_json(&text).map_err(|p| invalid(problems_text(&path.display().to_string(), &p)))
}

fn problems_text(what: &str, problems: &[msgsim_sim::Problem]) -> String {
    let mut s =
        format!("{what} is not valid ({} problem{}):", problems.len(), if problems.len() == 1 { "" } else { "s" });
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    s
}

#[derive(Clone, Copy)]
enum TraceFormat {
    JsonLines,
    Csv,
}

fn trace_format(path: &Path) -> Result<TraceFormat, Failure> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("jsonl") => Ok(TraceFormat::JsonLines),
        Some("csv") => Ok(TraceFormat::Csv),
        _ => Err(invalid(format!("--trace {}: the file name must end in .jsonl or .csv", path.display()))),
    }
}

fn write_trace(sim: &Simulation, path: &Path, format: TraceFormat) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure(format!("cannot write {}: {e}", path.display()), 1);
    let mut out = BufWriter::new(fs::File::create(path).map_err(io)?);
    let names = sim.topology().names();
    if let TraceFormat::Csv = format {
        writeln!(out, "{}", trace::CSV_HEADER).map_err(io)?;
    }
    for e in sim.trace() {
        let line = match format {
            TraceFormat::JsonLines => trace::json_line(e, &names),
            TraceFormat::Csv => trace::csv_line(e, &names),
        };
        writeln!(out, "{line}").map_err(io)?;
    }
    out.flush().map_err(io)
}
