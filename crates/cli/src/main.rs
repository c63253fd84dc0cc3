//! `msgsim`: run msgsim scenarios headless and print the report as JSON.
//!
//! The same engine as the web app, so the same scenario and seed give the same
//! trace and report here and in the browser.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod schema_doc;
mod sweep;

use clap::{Args, Parser, Subcommand};
use msgsim_sim::scenario::limits;
use msgsim_sim::{Problem, ProblemKind, Scenario, Simulation, presets, time, trace};

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
        msgsim sweep --preset acks-and-retries --vary 'network.links[0].loss=0:0.3:7' \\\n      --series 'producers[0].send.max_attempts=1,2,3' --seeds 20 --figure never_applied --out sweep.csv\n  \
        msgsim schema > scenario.schema.json\n\n\
        Exit codes: 0 success, 1 failure writing output (a full disk, a closed pipe),\n  \
        2 invalid input (a file that cannot be read, or every problem named with its JSON path)."
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
        #[arg(long, value_name = "MS", allow_hyphen_values = true)]
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
    Schema {
        /// Print the scenario reference in Markdown instead (docs/scenario-reference.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Check a scenario file and list every problem.
    Validate {
        /// Scenario JSON file.
        file: PathBuf,
    },
    /// Run a sweep: report figures against one setting, over many seeds, on
    /// every core (or `merge` the shards of one).
    Sweep(SweepArgs),
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct SweepArgs {
    #[command(subcommand)]
    merge: Option<SweepCommand>,
    /// Scenario JSON file.
    #[arg(conflicts_with = "preset")]
    file: Option<PathBuf>,
    /// Sweep a built-in preset instead.
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// The field to vary and its range: `steps` values from FROM to TO.
    #[arg(long, value_name = "PATH=FROM:TO:STEPS")]
    vary: Option<String>,
    /// Space the values evenly in logarithm (FROM and TO above 0).
    #[arg(long)]
    log: bool,
    /// A second field whose values make separate series.
    #[arg(long, value_name = "PATH=V1,V2,…")]
    series: Option<String>,
    /// Runs per point, each with its own seed (derived from the scenario's seed).
    #[arg(long, default_value_t = 10)]
    seeds: u32,
    /// A report field to keep (repeat or list several): `never_applied`, `latency.p99`…
    #[arg(long = "figure", value_name = "NAME", num_args = 1..)]
    figures: Vec<String>,
    /// Write the table to this file too: `.csv` or `.jsonl` (with --shard: the shard's runs, `.jsonl`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Run one slice only: run k of the sweep if k mod N = I (join them with `msgsim sweep merge`).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Threads (default: every core). The results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum SweepCommand {
    /// Join the shard files of one sweep into the table one whole run gives.
    Merge {
        /// The shard files (`--shard I/N --out FILE.jsonl`), every I once.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Write the table to this file too: `.csv` or `.jsonl`.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
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
            if let Some(ms) = until
                && (!ms.is_finite() || ms < 0.0)
            {
                return Err(invalid(format!("--until must be a number of milliseconds ≥ 0, got {ms}")));
            }
            // The trace file is opened before the run: a bad path fails now,
            // not after minutes of simulation.
            let mut sink = trace.as_deref().map(TraceSink::create).transpose()?;
            let seed = seed.unwrap_or(scenario.seed);
            let mut sim = Simulation::new(&scenario, seed).map_err(|p| invalid(problems_text("scenario", &p)))?;
            if sink.is_none() {
                sim = sim.without_trace();
            }
            if let Some(ms) = until {
                sim.stop_at(time::ms(ms));
            }
            // The trace goes to its file as the run goes: it never sits in memory whole.
            let names = sim.topology().names();
            while sim.run_events(1 << 16) > 0 {
                if let Some(sink) = &mut sink {
                    sink.write(sim.drain_trace(), &names)?;
                }
            }
            if let Some(sink) = sink {
                sink.finish()?;
            }
            print(&serde_json::to_string_pretty(&sim.report()).unwrap_or_default())
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
                print(&serde_json::to_string_pretty(&r).unwrap_or_default())
            } else {
                print(
                    &[
                        format!("scenario            {}", r.scenario),
                        format!("messages            {}", r.messages),
                        format!("engine events       {}", r.events),
                        format!("best wall time      {:.3} s (of {repeat})", r.seconds),
                        format!("first run           {:.3} s (with fresh memory from the OS)", r.first_seconds),
                        format!("events per second   {:.2} million", r.events_per_second / 1e6),
                        format!("messages per second {:.2} million", r.messages_per_second / 1e6),
                        format!(
                            "pending events      {} at most × {} bytes",
                            r.max_pending_events, r.bytes_per_pending_event
                        ),
                        format!("peak memory (RSS)   {:.1} MB", r.peak_rss_bytes as f64 / 1e6),
                        format!("verdict             {}", r.report.verdict.name()),
                    ]
                    .join("\n"),
                )
            }
        }
        Command::Presets { json, show } => {
            if let Some(name) = show {
                return print(&preset_scenario(&name)?.to_json());
            }
            let all = presets::all();
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.scenario.name, "description": p.scenario.description}))
                    .collect();
                print(&serde_json::to_string_pretty(&list).unwrap_or_default())
            } else {
                let lines: Vec<String> =
                    all.iter().map(|p| format!("{:<26} {}", p.id, p.scenario.description)).collect();
                print(&lines.join("\n"))
            }
        }
        Command::Schema { markdown } => {
            let schema = schemars::schema_for!(Scenario);
            if markdown {
                let value = serde_json::to_value(&schema).unwrap_or_default();
                print(schema_doc::markdown(&value).trim_end())
            } else {
                print(&serde_json::to_string_pretty(&schema).unwrap_or_default())
            }
        }
        Command::Sweep(a) => {
            if let Some(SweepCommand::Merge { shards, out }) = a.merge {
                return sweep::merge(&shards, out.as_deref());
            }
            let base = match (a.file, a.preset) {
                (Some(path), _) => load(&path)?,
                (None, Some(name)) => preset_scenario(&name)?,
                (None, None) => return Err(invalid("give a scenario FILE or --preset NAME")),
            };
            let vary = a.vary.ok_or_else(|| invalid("--vary PATH=FROM:TO:STEPS is required"))?;
            let spec = msgsim_sim::sweep::Sweep {
                vary: sweep::parse_vary(&vary, a.log)?,
                series: a.series.as_deref().map(sweep::parse_series).transpose()?,
                seeds: a.seeds,
                figures: a.figures,
            };
            let shard = a.shard.as_deref().map(sweep::parse_shard).transpose()?;
            sweep::sweep(spec, &base, a.out.as_deref(), shard, a.threads)
        }
        Command::Validate { file } => {
            let s = load(&file)?;
            print(&format!(
                "{}: valid ({} producers, {} queues, {} consumer groups, {} messages)",
                file.display(),
                s.producers.len(),
                s.queues.len(),
                s.consumers.len(),
                s.total_messages()
            ))
        }
    }
}

fn preset_scenario(name: &str) -> Result<Scenario, Failure> {
    presets::get(name).map(|p| p.scenario.clone()).ok_or_else(|| {
        invalid(format!("no preset named \"{name}\"; choose one of: {}", presets::ids().collect::<Vec<_>>().join(", ")))
    })
}

/// Writes `text` and a newline to standard output; a closed pipe or a full
/// disk is a failure (exit 1) with a message, not a panic.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).map_err(|e| Failure(format!("cannot write the output: {e}"), 1))
}

/// Reads a scenario file: no more than the largest scenario allowed (so
/// `/dev/zero` or a huge file is refused at once), then parses it.
fn load(path: &Path) -> Result<Scenario, Failure> {
    let io = |e: std::io::Error| invalid(format!("cannot read {}: {e}", path.display()));
    let file = fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(io)?;
    let shown = path.display().to_string();
    if bytes.len() > limits::MAX_FILE_BYTES {
        let kind = ProblemKind::FileTooLarge { max_bytes: limits::MAX_FILE_BYTES as u64 };
        return Err(invalid(problems_text(&shown, &[Problem::new("", kind)])));
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| invalid(format!("{shown} is not UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to())))?;
    Scenario::from_json(&text).map_err(|p| invalid(problems_text(&shown, &p)))
}

/// Problems listed at most this many; the rest are counted.
const PROBLEMS_SHOWN: usize = 50;

fn problems_text(what: &str, problems: &[msgsim_sim::Problem]) -> String {
    let mut s =
        format!("{what} is not valid ({} problem{}):", problems.len(), if problems.len() == 1 { "" } else { "s" });
    for p in problems.iter().take(PROBLEMS_SHOWN) {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    if problems.len() > PROBLEMS_SHOWN {
        s.push_str(&format!("\n  … and {} more", problems.len() - PROBLEMS_SHOWN));
    }
    s
}

/// Where the trace goes, as the run goes.
struct TraceSink {
    path: PathBuf,
    csv: bool,
    out: BufWriter<fs::File>,
}

impl TraceSink {
    /// Opens the trace file (its name must end in `.csv` or `.jsonl`).
    fn create(path: &Path) -> Result<Self, Failure> {
        let csv = match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => false,
            Some("csv") => true,
            _ => return Err(invalid(format!("--trace {}: the file name must end in .jsonl or .csv", path.display()))),
        };
        let file = fs::File::create(path).map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))?;
        let mut sink = TraceSink { path: path.to_path_buf(), csv, out: BufWriter::new(file) };
        if csv {
            let header = trace::CSV_HEADER;
            writeln!(sink.out, "{header}").map_err(|e| sink.failure(e))?;
        }
        Ok(sink)
    }

    fn failure(&self, e: std::io::Error) -> Failure {
        Failure(format!("cannot write {}: {e}", self.path.display()), 1)
    }

    fn write(&mut self, events: impl Iterator<Item = msgsim_sim::TraceEvent>, names: &[String]) -> Result<(), Failure> {
        for e in events {
            let line = if self.csv { trace::csv_line(&e, names) } else { trace::json_line(&e, names) };
            if let Err(err) = writeln!(self.out, "{line}") {
                return Err(self.failure(err));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), Failure> {
        self.out.flush().map_err(|e| self.failure(e))
    }
}
