//! `msgsim sweep`: runs a sweep (the core's [`msgsim_sim::sweep`]) on every
//! core, prints its table and writes it as CSV or JSON Lines; with
//! `--shard I/N`, runs every N-th run only and writes them raw, for
//! `msgsim sweep merge` to join into the same table one whole run gives.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use msgsim_sim::Scenario;
use msgsim_sim::sweep::{self, Axis, RunResult, Summary, Sweep};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Failure, invalid, print};

/// The most threads a sweep starts (each is an OS thread with its stack).
const MAX_THREADS: usize = 1024;

/// The first line of a shard file.
#[derive(Serialize, Deserialize)]
struct ShardHeader {
    /// The format (1).
    msgsim_sweep_shard: u32,
    /// Of the sweep and its scenario: shards of different sweeps differ.
    fingerprint: String,
    /// This shard's index and the number of shards.
    shard: (u64, u64),
    /// The sweep and its scenario (to print its table from the shards alone).
    sweep: Sweep,
    scenario: Scenario,
}

/// Parses `PATH=FROM:TO:STEPS` into an axis.
pub fn parse_vary(spec: &str, log: bool) -> Result<Axis, Failure> {
    let bad = |why: &str| {
        invalid(format!("--vary {spec}: {why} (write PATH=FROM:TO:STEPS, e.g. network.default.loss=0:0.3:7)"))
    };
    let (path, range) = spec.split_once('=').ok_or_else(|| bad("no '='"))?;
    let parts: Vec<&str> = range.split(':').collect();
    let [from, to, steps] = parts.as_slice() else { return Err(bad("the range needs FROM:TO:STEPS")) };
    let number =
        |t: &str, what: &str| t.trim().parse::<f64>().map_err(|_| bad(&format!("{what} {t:?} is not a number")));
    let steps = steps.trim().parse::<u32>().map_err(|_| bad(&format!("STEPS {steps:?} is not a whole number")))?;
    let values = sweep::range(number(from, "FROM")?, number(to, "TO")?, steps, log).map_err(|e| bad(&e))?;
    Ok(Axis { path: path.trim().to_string(), values })
}

/// Parses `PATH=V1,V2,…` into an axis.
pub fn parse_series(spec: &str) -> Result<Axis, Failure> {
    let bad = |why: &str| {
        invalid(format!("--series {spec}: {why} (write PATH=V1,V2,…, e.g. producers[0].send.max_attempts=1,2,3)"))
    };
    let (path, list) = spec.split_once('=').ok_or_else(|| bad("no '='"))?;
    let values = list
        .split(',')
        .map(|v| {
            v.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| bad(&format!("{v:?} is not a number")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Axis { path: path.trim().to_string(), values })
}

/// Parses `I/N` (0 ≤ I < N).
pub fn parse_shard(spec: &str) -> Result<(u64, u64), Failure> {
    let bad = || invalid(format!("--shard {spec}: write I/N with 0 ≤ I < N, e.g. 0/4"));
    let (i, n) = spec.split_once('/').ok_or_else(bad)?;
    let (i, n) = (i.trim().parse::<u64>().map_err(|_| bad())?, n.trim().parse::<u64>().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Runs `runs` of `sweep` over `base` on `threads` threads (all cores if
/// none), in run order whatever the threads.
fn run_all(sweep: &Sweep, base: &Scenario, runs: &[u64], threads: Option<usize>) -> Result<Vec<RunResult>, Failure> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure(format!("cannot start the threads: {e}"), 1))?;
    pool.install(|| runs.par_iter().map(|&i| sweep.run(base, i)).collect::<Result<Vec<_>, _>>())
        .map_err(|e| invalid(format!("a run failed: {e}")))
}

/// `msgsim sweep …`: checks everything, then runs (all of it, or a shard).
pub fn sweep(
    sweep: Sweep,
    base: &Scenario,
    out: Option<&Path>,
    shard: Option<(u64, u64)>,
    threads: Option<usize>,
) -> Result<(), Failure> {
    if threads.is_some_and(|t| t == 0 || t > MAX_THREADS) {
        return Err(invalid(format!("--threads must be from 1 to {MAX_THREADS}")));
    }
    sweep.check(base).map_err(|p| invalid(format!("the sweep cannot run:\n  {}", p.join("\n  "))))?;
    let format = out.map(output_format).transpose()?;
    match shard {
        None => {
            let runs: Vec<u64> = (0..sweep.runs()).collect();
            let results = run_all(&sweep, base, &runs, threads)?;
            finish(&sweep, base, &results, out, format)
        }
        Some((i, n)) => {
            let Some(out) = out.filter(|_| format == Some(Format::JsonLines)) else {
                return Err(invalid("--shard writes its runs to a .jsonl file: give --out FILE.jsonl"));
            };
            let runs: Vec<u64> = (i..sweep.runs()).step_by(n as usize).collect();
            let results = run_all(&sweep, base, &runs, threads)?;
            let fingerprint = sweep.fingerprint(base);
            let header =
                ShardHeader { msgsim_sweep_shard: 1, fingerprint, shard: (i, n), sweep, scenario: base.clone() };
            let mut text = serde_json::to_string(&header).unwrap_or_default();
            text.push('\n');
            for r in &results {
                text.push_str(&serde_json::to_string(r).unwrap_or_default());
                text.push('\n');
            }
            write(out, &text)?;
            print(&format!(
                "shard {i}/{n}: {} of {} runs written to {}",
                results.len(),
                header.sweep.runs(),
                out.display()
            ))
        }
    }
}

/// `msgsim sweep merge SHARD…`: the table of the whole sweep from its shards.
pub fn merge(shards: &[PathBuf], out: Option<&Path>) -> Result<(), Failure> {
    let format = out.map(output_format).transpose()?;
    let mut first: Option<ShardHeader> = None;
    let mut seen = Vec::new();
    let mut results: Vec<RunResult> = Vec::new();
    for path in shards {
        let shown = path.display();
        let text = fs::read_to_string(path).map_err(|e| invalid(format!("cannot read {shown}: {e}")))?;
        let mut lines = text.lines();
        let header: ShardHeader = lines
            .next()
            .and_then(|l| serde_json::from_str(l).ok())
            .ok_or_else(|| invalid(format!("{shown}: not a sweep shard (its first line is not a shard header)")))?;
        if let Some(f) = &first {
            if f.fingerprint != header.fingerprint {
                return Err(invalid(format!(
                    "{shown}: a shard of a different sweep (or scenario) than {}",
                    shards[0].display()
                )));
            }
            if f.shard.1 != header.shard.1 {
                return Err(invalid(format!("{shown}: one of {} shards, the others of {}", header.shard.1, f.shard.1)));
            }
        }
        if seen.contains(&header.shard.0) {
            return Err(invalid(format!("{shown}: shard {}/{} given twice", header.shard.0, header.shard.1)));
        }
        seen.push(header.shard.0);
        for (k, line) in lines.enumerate() {
            let r: RunResult =
                serde_json::from_str(line).map_err(|e| invalid(format!("{shown}, line {}: not a run ({e})", k + 2)))?;
            results.push(r);
        }
        first.get_or_insert(header);
    }
    let Some(header) = first else { return Err(invalid("give the shard files to merge")) };
    // The header is read from a file: its sweep is checked as a new one would be.
    header
        .sweep
        .check(&header.scenario)
        .map_err(|p| invalid(format!("the shards' sweep cannot be merged:\n  {}", p.join("\n  "))))?;
    if let Some(r) = results.iter().find(|r| r.figures.len() != header.sweep.figures.len()) {
        let want = header.sweep.figures.len();
        return Err(invalid(format!("run {} has {} figures, the sweep {want}", r.run, r.figures.len())));
    }
    let n = header.shard.1;
    let missing: Vec<String> = (0..n).filter(|i| !seen.contains(i)).map(|i| format!("{i}/{n}")).collect();
    if !missing.is_empty() {
        return Err(invalid(format!("shards missing: {}", missing.join(", "))));
    }
    results.sort_by_key(|r| r.run);
    let expected = header.sweep.runs();
    let complete = results.len() as u64 == expected && results.iter().enumerate().all(|(k, r)| r.run == k as u64);
    if !complete {
        return Err(invalid(format!(
            "the shards hold {} runs, not each of the sweep's {expected} once",
            results.len()
        )));
    }
    finish(&header.sweep, &header.scenario, &results, out, format)
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    JsonLines,
}

fn output_format(path: &Path) -> Result<Format, Failure> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => Ok(Format::Csv),
        Some("jsonl") => Ok(Format::JsonLines),
        _ => Err(invalid(format!("--out {}: the file name must end in .csv or .jsonl", path.display()))),
    }
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    fs::File::create(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))
}

/// Prints the table and writes the file, if one was asked for.
fn finish(
    sweep: &Sweep,
    base: &Scenario,
    results: &[RunResult],
    out: Option<&Path>,
    format: Option<Format>,
) -> Result<(), Failure> {
    let summaries = sweep.summarise(results);
    if let (Some(path), Some(format)) = (out, format) {
        let text = match format {
            Format::Csv => sweep::csv(sweep, base, &summaries),
            Format::JsonLines => sweep::json_lines(sweep, base, &summaries),
        };
        write(path, &text)?;
    }
    print(&table(sweep, base, &summaries))
}

/// The summary as a text table: a column per axis, then each figure's mean
/// ± the half-width of its 95% interval, and theory's value where a closed
/// form applies (or a line saying why none does).
fn table(sweep: &Sweep, base: &Scenario, summaries: &[Vec<Summary>]) -> String {
    let mut header: Vec<String> = sweep.series.iter().map(|a| a.path.clone()).collect();
    header.push(sweep.vary.path.clone());
    header.extend(sweep.figures.iter().map(|f| format!("{f} (mean ± 95%)")));
    let mut rows = vec![header];
    for (j, by_figure) in summaries.iter().enumerate() {
        let (series, value) = sweep.point(j as u64);
        let theory = sweep.theory(base, j as u64);
        let mut row: Vec<String> = series.map(|s| s.to_string()).into_iter().collect();
        row.push(value.to_string());
        row.extend(by_figure.iter().enumerate().map(|(f, s)| {
            let measured = if s.n == 0 {
                "–".to_string()
            } else {
                format!("{} ± {}", significant(s.mean), significant(s.half_width))
            };
            match theory[f] {
                Some(t) => format!("{measured} (theory {})", significant(t)),
                None => measured,
            }
        }));
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let runs = format!("{} runs: {} points × {} seeds", sweep.runs(), sweep.points(), sweep.seeds);
    let lines = rows.iter().map(|r| {
        r.iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    });
    let note = sweep.why_no_theory(base).map(|why| format!("no theory drawn: {why}"));
    std::iter::once(runs).chain(lines).chain(note).collect::<Vec<_>>().join("\n")
}

/// `x` with 4 significant digits, for the table (the files keep every digit).
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("{x:.decimals$}")
}
