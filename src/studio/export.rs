//! Files the studio exports: the scenario, the trace, and the diagrams.

use msgsim_sim::{TraceEvent, trace};

use super::Studio;
use super::effect::{Diagram, Effect};

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// The scenario as JSON.
    Scenario,
    /// The trace as JSON Lines (`false`) or CSV (`true`).
    Trace(bool),
    /// A diagram as SVG.
    Svg(Diagram),
    /// A diagram as PNG (drawn by the shell on an off-screen canvas).
    Png(Diagram),
}

/// The size diagrams are exported at, CSS px.
pub fn export_size(d: Diagram) -> (f64, f64) {
    match d {
        Diagram::Topology | Diagram::Reference => (1280.0, 560.0),
        Diagram::Sequence | Diagram::Charts | Diagram::Partitions => (1280.0, 720.0),
        Diagram::Slide => (1920.0, 1080.0),
    }
}

fn diagram_name(d: Diagram) -> &'static str {
    match d {
        Diagram::Topology => "topology",
        Diagram::Reference => "reference",
        Diagram::Sequence => "sequence",
        Diagram::Charts => "charts",
        Diagram::Partitions => "partitions",
        Diagram::Slide => "slide",
    }
}

impl Studio {
    /// The download for an export request (a trace only once the run is complete).
    pub fn export(&self, what: Export) -> Option<Effect> {
        let s = &self.session;
        let stem = file_stem(&s.scenario.name, s.seed);
        Some(match what {
            Export::Scenario => Effect::Download {
                name: format!("{stem}.json"),
                mime: "application/json",
                parts: vec![s.scenario.to_json()],
            },
            Export::Trace(csv) => {
                if !s.run.is_complete() {
                    return None;
                }
                let ext = if csv { "csv" } else { "jsonl" };
                Effect::ExportTrace { name: format!("{stem}-trace.{ext}"), csv }
            }
            Export::Svg(d) => {
                let mut p = crate::render::svg::SvgPainter::new(export_size(d));
                self.draw(d, &mut p);
                Effect::Download {
                    name: format!("{stem}-{}.svg", diagram_name(d)),
                    mime: "image/svg+xml",
                    parts: vec![p.finish()],
                }
            }
            Export::Png(d) => Effect::DownloadPng {
                name: format!("{stem}-{}.png", diagram_name(d)),
                diagram: d,
                size: export_size(d),
            },
        })
    }
}

/// The trace file of `scenario` (JSON) run with `seed` as the page runs it
/// (its trace cap included): CSV or JSON Lines, in pieces. What the
/// on-demand module writes for [`Effect::ExportTrace`].
pub fn trace_file(scenario: &str, seed: u64, csv: bool) -> Result<Vec<String>, String> {
    let scenario = msgsim_sim::Scenario::from_json(scenario).map_err(|p| format!("{p:?}"))?;
    let mut run = super::run::Run::new(&scenario, seed).map_err(|p| format!("{p:?}"))?;
    while run.compute(1 << 20) {}
    Ok(trace_chunks(run.trace(), &run.names(), csv))
}

/// A trace export as pieces of about a megabyte each (so a long trace never
/// has to sit in one string).
pub fn trace_chunks(events: &[TraceEvent], names: &[String], csv: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut chunk = String::new();
    if csv {
        chunk.push_str(trace::CSV_HEADER);
        chunk.push('\n');
    }
    for e in events {
        let line = if csv { trace::csv_line(e, names) } else { trace::json_line(e, names) };
        chunk.push_str(&line);
        chunk.push('\n');
        if chunk.len() > 1 << 20 {
            out.push(std::mem::take(&mut chunk));
        }
    }
    if !chunk.is_empty() {
        out.push(chunk);
    }
    out
}

/// A file name: lowercase letters, digits and dashes.
pub fn file_stem(name: &str, seed: u64) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() { "scenario".to_string() } else { slug };
    format!("msgsim-{slug}-seed{seed}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::{Simulation, presets};

    #[test]
    fn trace_export_has_one_line_per_event() {
        let s = presets::get("reliable-queue").unwrap().scenario.clone();
        let mut sim = Simulation::new(&s, 1).unwrap();
        sim.run();
        let names = sim.topology().names();
        let csv: String = trace_chunks(sim.trace(), &names, true).concat();
        assert_eq!(csv.lines().count(), sim.trace().len() + 1);
        let jsonl: String = trace_chunks(sim.trace(), &names, false).concat();
        assert_eq!(jsonl.lines().count(), sim.trace().len());
        assert_eq!(file_stem("Acks and retries!", 7), "msgsim-acks-and-retries-seed7");
        assert_eq!(file_stem("重试", 1), "msgsim-scenario-seed1");
    }
}
