//! Charts over the run: queue depth, messages in flight, delivery rate,
//! losses and duplicate effects, and the latency histogram.

use msgsim_sim::{Sample, Time, time};

use super::painter::{Align, Painter, Text};
use super::palette::Palette;

/// Latency distribution: counts per bin and the percentiles.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// Counts per bin, from 0.
    pub bins: Vec<u32>,
    /// Bin width, µs.
    pub width: Time,
    /// Percentiles, µs (nearest rank).
    pub p50: Time,
    /// 95th percentile.
    pub p95: Time,
    /// 99th percentile.
    pub p99: Time,
    /// Samples counted.
    pub count: usize,
}

impl Histogram {
    /// Bins latencies (µs): 40 bins up to just past the 99th percentile; the
    /// few beyond land in the last bin.
    pub fn of(samples: &[Time]) -> Histogram {
        if samples.is_empty() {
            return Histogram::default();
        }
        let mut sorted = samples.to_vec();
        msgsim_sim::sorted::sort_u64(&mut sorted);
        let rank = |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        let (p50, p95, p99) = (rank(0.50), rank(0.95), rank(0.99));
        let n = 40;
        let width = (p99 + p99 / 5).div_ceil(n as Time).max(1);
        let mut bins = vec![0u32; n];
        for &x in &sorted {
            bins[((x / width) as usize).min(n - 1)] += 1;
        }
        Histogram { bins, width, p50, p95, p99, count: sorted.len() }
    }
}

/// Translated chart titles and labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartWords {
    /// Waiting and in flight, delivered per second, lost & duplicate
    /// effects, applied, retries per 10 ms, latency.
    pub titles: [String; 6],
    /// "lost", "duplicate effects", "in queues", "on links", "consumer lag".
    pub series: [String; 5],
    /// "peak {0}".
    pub peak: String,
    /// "no data yet".
    pub empty: String,
}

/// What the charts show.
pub struct ChartsScene<'a> {
    /// The time series.
    pub samples: &'a [Sample],
    /// End of the x axis.
    pub horizon: Time,
    /// Now (a cursor line; the future is drawn faint).
    pub time: Time,
    /// Latency distribution so far.
    pub histogram: &'a Histogram,
    /// Retries that reached brokers per 10 ms: `(window, count)`, sparse.
    pub retry_windows: &'a [(u64, u32)],
    /// Draw the rest of the run faintly (off while a lesson's outcome is
    /// hidden: the class predicts first).
    pub future: bool,
    /// The consumer lag lines: each one's legend and its group's place
    /// among its topic's groups (its colour, as in the partitions view), in
    /// log-group order, at most [`LAG_LINES`](msgsim_sim::timeline::LAG_LINES).
    pub lag_lines: &'a [(String, usize)],
    /// Text is drawn this many times larger.
    pub text_scale: f64,
    /// Colours of the current theme.
    pub palette: Palette,
    /// Titles and labels, translated.
    pub words: &'a ChartWords,
}

struct Panel {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    /// Text scale: the margins grow with the labels in them.
    scale: f64,
}

impl Panel {
    /// The plot area: room for the title above, the axis labels left and below.
    fn inner(&self) -> (f64, f64, f64, f64) {
        let k = self.scale;
        (self.x + 40.0 * k, self.y + 22.0 * k, self.w - 50.0 * k, self.h - 36.0 * k)
    }
}

/// The six panels of a canvas of `size`.
fn panels(size: (f64, f64), text_scale: f64) -> Vec<Panel> {
    let (cols, rows) = if size.0 > 600.0 * text_scale { (3, 2) } else { (2, 3) };
    let (w, h) = (size.0 / cols as f64, size.1 / rows as f64);
    (0..6).map(|i| Panel { x: (i % cols) as f64 * w, y: (i / cols) as f64 * h, w, h, scale: text_scale }).collect()
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|&m| m >= v).unwrap_or(10.0 * mag)
}

fn label_number(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1_000.0)
    } else if v >= 10.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Draws every chart.
pub fn draw(s: &ChartsScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let size = p.size();
    p.clear(pal.background);
    let ps = panels(size, s.text_scale);
    // Rate over a window of about 1/40 of the series, so it reads as a trend.
    let k = (s.samples.len() / 40).max(1);
    let rate: Vec<(Time, f64)> = (k..s.samples.len())
        .map(|i| {
            let (a, b) = (&s.samples[i - k], &s.samples[i]);
            let dt = b.time.saturating_sub(a.time).max(1) as f64 / 1e6;
            (b.time, b.delivered.saturating_sub(a.delivered) as f64 / dt)
        })
        .collect();
    let series =
        |f: &dyn Fn(&Sample) -> u64| -> Vec<(Time, f64)> { s.samples.iter().map(|x| (x.time, f(x) as f64)).collect() };
    let w = &s.words;
    // Records appended and not yet committed wait like a queue's messages:
    // drawn beside them when a topic has readers.
    let mut levels = vec![(series(&|x| x.queue_depth), pal.message), (series(&|x| x.in_flight), pal.retry)];
    let mut names = vec![(&w.series[2], pal.message), (&w.series[3], pal.retry)];
    if s.samples.iter().any(|x| x.lag > 0) {
        for (j, (name, place)) in s.lag_lines.iter().enumerate().take(msgsim_sim::timeline::LAG_LINES) {
            let color = super::partitions::group_color(pal, *place);
            levels.push((series(&|x| x.lag_by_group[j]), color));
            names.push((name, color));
        }
    }
    line_chart(s, p, &ps[0], &w.titles[0], &levels);
    legend(s, p, &ps[0], &names);
    line_chart(s, p, &ps[1], &w.titles[1], &[(rate, pal.ok)]);
    line_chart(
        s,
        p,
        &ps[2],
        &w.titles[2],
        &[(series(&|x| x.lost), pal.bad), (series(&|x| x.duplicate_effects), pal.copy)],
    );
    legend(s, p, &ps[2], &[(&w.series[0], pal.bad), (&w.series[1], pal.copy)]);
    line_chart(s, p, &ps[3], &w.titles[3], &[(series(&|x| x.applied), pal.ok)]);
    retry_waves(s, p, &ps[4]);
    histogram(s, p, &ps[5]);
}

/// Names of a panel's lines, top left inside it.
fn legend(s: &ChartsScene<'_>, p: &mut dyn Painter, panel: &Panel, items: &[(&String, super::Color)]) {
    let (x, y, w, _) = panel.inner();
    let t = Text { size: 10.0, color: s.palette.muted, align: Align::Left, bold: false };
    for (i, (name, color)) in items.iter().enumerate() {
        let row = y + 6.0 + 14.0 * s.text_scale * i as f64;
        p.line((x + 6.0, row), (x + 18.0, row), *color, 2.0, false);
        p.text((x + 22.0, row), &super::painter::fit(name, w - 24.0, 10.0 * s.text_scale), t);
    }
}

/// Retries reaching brokers per 10 ms window, as spikes (the tallest in each
/// pixel column), with the peak so far: synchronised retries stand out as
/// tall spikes, jittered ones as a low spread.
fn retry_waves(s: &ChartsScene<'_>, p: &mut dyn Painter, panel: &Panel) {
    let (x, y, w, h) = panel.inner();
    let horizon = s.horizon.max(1) as f64;
    let window = msgsim_sim::metrics::RETRY_WINDOW;
    let now = s.retry_windows.partition_point(|&(i, _)| i * window <= s.time);
    let shown = if s.future { s.retry_windows } else { &s.retry_windows[..now] };
    let top = shown.iter().map(|&(_, n)| n).max().unwrap_or(0);
    let ymax = nice_max(f64::from(top));
    frame(s, p, panel, &s.words.titles[4], ymax, &format_time(s.horizon));
    if shown.is_empty() {
        let t = Text { size: 11.0, color: s.palette.muted, align: Align::Center, bold: false };
        p.text((x + w / 2.0, y + h / 2.0), &s.words.empty, t);
        return;
    }
    let columns = w.max(1.0) as usize + 1;
    let mut tallest = vec![(0u32, false); columns];
    for (j, &(i, n)) in shown.iter().enumerate() {
        let col = (((i * window) as f64 / horizon).min(1.0) * w) as usize;
        let c = &mut tallest[col.min(columns - 1)];
        if n > c.0 {
            *c = (n, j < now);
        }
    }
    for (col, &(n, past)) in tallest.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let color = if past { s.palette.retry } else { s.palette.retry.alpha(0.25) };
        let px = x + col as f64 + 0.5;
        p.line((px, y + h), (px, y + h - f64::from(n) / ymax * h), color, 1.0, false);
    }
    let peak = s.retry_windows[..now].iter().max_by_key(|&&(i, n)| (n, std::cmp::Reverse(i)));
    if let Some(&(i, n)) = peak {
        let label = s.words.peak.replace("{0}", &n.to_string());
        let t = Text { size: 10.0, color: s.palette.ink, align: Align::Right, bold: true };
        p.text((x + w - 4.0, y + 6.0), &format!("{label} @ {}", format_time(i * window)), t);
    }
    let cx = x + (s.time as f64 / horizon).min(1.0) * w;
    p.line((cx, y), (cx, y + h), s.palette.ink.alpha(0.4), 1.0, true);
}

fn frame(s: &ChartsScene<'_>, p: &mut dyn Painter, panel: &Panel, title: &str, ymax: f64, xmax_label: &str) {
    let pal = &s.palette;
    let (x, y, w, h) = panel.inner();
    p.text(
        (panel.x + 10.0, panel.y + 11.0 * s.text_scale),
        &super::painter::fit(title, panel.w - 16.0, 12.0 * s.text_scale),
        Text { size: 12.0, color: pal.ink, align: Align::Left, bold: true },
    );
    p.line((x, y + h), (x + w, y + h), pal.muted, 1.0, false);
    p.line((x, y), (x, y + h), pal.muted, 1.0, false);
    let t = Text { size: 10.0, color: pal.muted, align: Align::Right, bold: false };
    p.text((x - 4.0, y + 4.0), &label_number(ymax), t);
    p.text((x - 4.0, y + h), "0", t);
    p.text((x + w, y + h + 7.0 * panel.scale), xmax_label, Text { align: Align::Right, ..t });
}

fn line_chart(
    s: &ChartsScene<'_>,
    p: &mut dyn Painter,
    panel: &Panel,
    title: &str,
    lines: &[(Vec<(Time, f64)>, super::Color)],
) {
    let (x, y, w, h) = panel.inner();
    let horizon = s.horizon.max(1) as f64;
    // While the future is hidden, the scale is the past's too.
    let visible = |l: &[(Time, f64)]| if s.future { l.len() } else { l.partition_point(|v| v.0 <= s.time) };
    let ymax = nice_max(lines.iter().flat_map(|(l, _)| l[..visible(l)].iter().map(|v| v.1)).fold(0.0, f64::max));
    frame(s, p, panel, title, ymax, &format_time(s.horizon));
    if lines.iter().all(|(l, _)| l.is_empty()) {
        let t = Text { size: 11.0, color: s.palette.muted, align: Align::Center, bold: false };
        p.text((x + w / 2.0, y + h / 2.0), &s.words.empty, t);
        return;
    }
    let at = |(t, v): (Time, f64)| (x + t as f64 / horizon * w, y + h - v / ymax * h);
    for (line, color) in lines {
        let split = line.partition_point(|v| v.0 <= s.time);
        let past: Vec<(f64, f64)> = line[..split].iter().map(|&v| at(v)).collect();
        if s.future {
            let future: Vec<(f64, f64)> = line[split.saturating_sub(1)..].iter().map(|&v| at(v)).collect();
            p.polyline(&future, color.alpha(0.25), 1.5);
        }
        p.polyline(&past, *color, 2.0);
    }
    let cx = x + (s.time as f64 / horizon).min(1.0) * w;
    p.line((cx, y), (cx, y + h), s.palette.ink.alpha(0.4), 1.0, true);
}

fn histogram(s: &ChartsScene<'_>, p: &mut dyn Painter, panel: &Panel) {
    let pal = &s.palette;
    let hist = s.histogram;
    let (x, y, w, h) = panel.inner();
    let top = hist.bins.iter().copied().max().unwrap_or(0);
    let xmax = hist.width * hist.bins.len() as Time;
    frame(s, p, panel, &s.words.titles[5], nice_max(f64::from(top)), &format_time(xmax));
    if hist.count == 0 {
        let t = Text { size: 11.0, color: pal.muted, align: Align::Center, bold: false };
        p.text((x + w / 2.0, y + h / 2.0), &s.words.empty, t);
        return;
    }
    let ymax = nice_max(f64::from(top));
    let bw = w / hist.bins.len() as f64;
    for (i, &c) in hist.bins.iter().enumerate() {
        let bh = f64::from(c) / ymax * h;
        p.rect(
            (x + i as f64 * bw + 1.0, y + h - bh),
            ((bw - 2.0).max(1.0), bh),
            0.0,
            Some(pal.message.alpha(0.7)),
            None,
        );
    }
    let t = Text { size: 10.0, color: pal.ink, align: Align::Center, bold: true };
    for (label, v, row) in [("p50", hist.p50, 0.0), ("p95", hist.p95, 1.0), ("p99", hist.p99, 2.0)] {
        let px = x + (v as f64 / xmax.max(1) as f64).min(1.0) * w;
        p.line((px, y), (px, y + h), pal.retry, 1.5, true);
        // Kept inside the plot, one row each.
        let text = format!("{label} {}", format_time(v));
        let half = super::painter::text_width(&text, 10.0 * s.text_scale) / 2.0;
        let cx = px.clamp(x + half, (x + w - half).max(x + half));
        p.text((cx, y + 8.0 * s.text_scale + row * 13.0 * s.text_scale), &text, t);
    }
}

fn format_time(t: Time) -> String {
    let ms = time::to_ms(t);
    if ms >= 10_000.0 { format!("{:.1} s", ms / 1_000.0) } else { format!("{ms:.1} ms") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_percentiles_and_bins() {
        let samples: Vec<Time> = (1..=1_000).map(|i| i * 10).collect();
        let h = Histogram::of(&samples);
        assert_eq!((h.p50, h.p95, h.p99), (5_000, 9_500, 9_900));
        assert_eq!(h.bins.iter().sum::<u32>(), 1_000);
        assert_eq!(h.count, 1_000);
        assert_eq!(Histogram::of(&[]), Histogram::default());
        assert_eq!(nice_max(37.0), 50.0);
        assert_eq!(nice_max(0.0), 1.0);
    }

    /// A run with a topic draws its consumer lag over time beside the
    /// queues' depth, named in the legend; a queue run does not.
    #[test]
    fn consumer_lag_is_drawn_when_a_topic_has_readers() {
        use crate::render::painter::Recorder;
        use crate::render::palette::{Palette, Theme};
        let words = ChartWords {
            titles: std::array::from_fn(|i| format!("t{i}")),
            series: ["lost", "dup", "queued", "links", "consumer lag"].map(String::from),
            peak: "peak {0}".into(),
            empty: "none".into(),
        };
        for (preset, lag) in [("log-idle-members", true), ("reliable-queue", false)] {
            let sim = crate::testing::preset_run(preset, None);
            let tl = crate::testing::timeline_of(&sim);
            assert_eq!(tl.samples().iter().any(|x| x.lag > 0), lag, "{preset}");
            let scene = ChartsScene {
                samples: tl.samples(),
                horizon: sim.now(),
                time: sim.now(),
                histogram: &Histogram::default(),
                retry_windows: &[],
                future: true,
                lag_lines: &[("consumer lag · billing".to_string(), 0)],
                text_scale: 1.0,
                palette: Palette::of(Theme::Light),
                words: &words,
            };
            let mut rec = Recorder { size: (900.0, 500.0), ..Default::default() };
            draw(&scene, &mut rec);
            assert_eq!(rec.texts.iter().any(|t| t == "consumer lag · billing"), lag, "{preset}");
        }
    }
}
