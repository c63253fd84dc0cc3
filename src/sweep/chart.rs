//! The sweep chart: for each figure, each series' mean against the swept
//! value with its 95% confidence band, and theory's curve dashed beside it.

use msgsim_sim::sweep::Summary;

use super::job::Curve;
use crate::render::painter::{Align, Color, Painter, Text, fit};
use crate::render::palette::Palette;

/// What the sweep chart shows.
pub struct SweepScene<'a> {
    /// Figure names (one panel each).
    pub figures: &'a [String],
    /// The swept field's path (the x axis).
    pub x_label: &'a str,
    /// The x values, in order.
    pub xs: &'a [f64],
    /// Series names (one, empty, without series).
    pub series: Vec<String>,
    /// Summaries `[point][figure]`; point `j` is series `j / xs.len()`.
    pub summaries: &'a [Vec<Summary>],
    /// Which points have every run in (others are not drawn yet).
    pub complete: &'a [bool],
    /// Theory's curves.
    pub curves: &'a [Curve],
    /// Logarithmic x axis.
    pub log: bool,
    /// "theory" and "no runs yet", translated.
    pub words: (&'a str, &'a str),
    /// Text is drawn this many times larger.
    pub text_scale: f64,
    /// Colours of the current theme.
    pub palette: Palette,
}

/// The colour of series `k`.
pub fn series_color(p: &Palette, k: usize) -> Color {
    [p.message, p.retry, p.ok, p.bad, p.copy, p.dedup][k % 6]
}

/// A round number at or above `v`.
fn nice_max(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 || v.is_infinite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    // Fine steps: a curve ending at 510 gets a 600 axis, not 1,000.
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&m| m >= v * 0.999_999)
        .unwrap_or(10.0 * mag)
}

/// How many equal parts the y axis up to `max` (a [`nice_max`]) is cut
/// into, so every tick is a round number (25 in 5 parts, not 6.25 apart).
fn divisions(max: f64) -> u32 {
    let mantissa = max / 10f64.powf(max.log10().floor());
    match (mantissa * 10.0).round() as u32 {
        15 | 30 | 60 => 3,
        25 | 50 | 100 => 5,
        _ => 4,
    }
}

/// A short label for an axis value.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1_000.0)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 0.001 {
        format!("{v:.4}").trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v}")
    }
}

/// Draws the chart.
pub fn draw(s: &SweepScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let (w, h) = p.size();
    p.clear(pal.background);
    let k = s.text_scale;
    if s.figures.is_empty() || s.xs.is_empty() {
        return;
    }
    let n = s.figures.len();
    let cols = if w > 640.0 * k { n.min(3) } else { 1 };
    let rows = n.div_ceil(cols);
    let (pw, ph) = (w / cols as f64, h / rows as f64);
    for (f, figure) in s.figures.iter().enumerate() {
        let (px, py) = ((f % cols) as f64 * pw, (f / cols) as f64 * ph);
        panel(s, p, f, figure, (px, py, pw, ph));
    }
}

fn panel(s: &SweepScene<'_>, p: &mut dyn Painter, f: usize, figure: &str, (px, py, pw, ph): (f64, f64, f64, f64)) {
    let pal = &s.palette;
    let k = s.text_scale;
    let (x0, y0, w, h) = (px + 52.0 * k, py + 24.0 * k, pw - 64.0 * k, ph - 52.0 * k);
    if w < 20.0 || h < 20.0 {
        return;
    }
    let title = Text { size: 12.0, color: pal.ink, align: Align::Left, bold: true };
    p.text((px + 10.0, py + 11.0 * k), &fit(figure, pw - 16.0, 12.0 * k), title);
    let (lo, hi) = s.xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let log = s.log && lo > 0.0;
    let t = |x: f64| {
        if hi <= lo {
            0.5
        } else if log {
            (x.ln() - lo.ln()) / (hi.ln() - lo.ln())
        } else {
            (x - lo) / (hi - lo)
        }
    };
    let per = s.xs.len();
    let shown = |j: usize| s.complete.get(j).copied().unwrap_or(false);
    // The y scale: every band drawn, and theory up to three times the runs'
    // largest (a waiting time that explodes at the knee stays readable).
    let mut top = 0.0f64;
    for (j, by_figure) in s.summaries.iter().enumerate() {
        if let Some(m) = by_figure.get(f).filter(|m| shown(j) && m.mean.is_finite()) {
            top = top.max(m.mean + m.half_width.max(0.0));
        }
    }
    let measured = top;
    for c in s.curves.iter().filter(|c| c.figure == f) {
        for &(_, y) in &c.points {
            if y.is_finite() && (measured == 0.0 || y <= 3.0 * measured) {
                top = top.max(y);
            }
        }
    }
    let ymax = nice_max(top);
    let at = |x: f64, y: f64| (x0 + t(x) * w, y0 + h - (y / ymax).clamp(-0.05, 1.05) * h);
    // Axes and ticks.
    p.line((x0, y0 + h), (x0 + w, y0 + h), pal.muted, 1.0, false);
    p.line((x0, y0), (x0, y0 + h), pal.muted, 1.0, false);
    let label = Text { size: 10.0, color: pal.muted, align: Align::Right, bold: false };
    let parts = divisions(ymax);
    for i in 0..=parts {
        let y = ymax * f64::from(i) / f64::from(parts);
        let py_ = y0 + h - h * f64::from(i) / f64::from(parts);
        p.line((x0, py_), (x0 + w, py_), pal.grid, 1.0, false);
        p.text((x0 - 4.0, py_), &short(y), label);
    }
    let ticks: Vec<f64> = if per <= 6 { s.xs.to_vec() } else { vec![lo, s.xs[per / 2], hi] };
    let below = y0 + h + 8.0 * k;
    for x in ticks {
        let (tx, _) = at(x, 0.0);
        p.line((tx, y0 + h), (tx, y0 + h + 3.0), pal.muted, 1.0, false);
        p.text((tx, below), &short(x), Text { align: Align::Center, ..label });
    }
    let axis = Text { align: Align::Center, ..label };
    p.text((x0 + w / 2.0, below + 13.0 * k), &fit(s.x_label, w, 10.0 * k), axis);
    if !s.complete.iter().any(|&c| c) && s.curves.is_empty() {
        let t = Text { size: 11.0, color: pal.muted, align: Align::Center, bold: false };
        p.text((x0 + w / 2.0, y0 + h / 2.0), s.words.1, t);
    }
    // Each series: its band, its mean line and dots.
    for (series, _) in s.series.iter().enumerate() {
        let color = series_color(pal, series);
        let pts: Vec<(f64, f64, f64)> = (0..per)
            .filter_map(|i| {
                let j = series * per + i;
                let m = s.summaries.get(j)?.get(f)?;
                (shown(j) && m.mean.is_finite()).then_some((s.xs[i], m.mean, m.half_width.max(0.0)))
            })
            .collect();
        if pts.len() >= 2 {
            let mut band: Vec<(f64, f64)> = pts.iter().map(|&(x, m, c)| at(x, m + c)).collect();
            band.extend(pts.iter().rev().map(|&(x, m, c)| at(x, (m - c).max(0.0))));
            p.polygon(&band, color.alpha(0.18));
            let line: Vec<(f64, f64)> = pts.iter().map(|&(x, m, _)| at(x, m)).collect();
            p.polyline(&line, color, 2.0);
        }
        for &(x, m, c) in &pts {
            let (cx, cy) = at(x, m);
            if pts.len() < 2 && c > 0.0 {
                p.line(at(x, m - c), at(x, m + c), color, 1.5, false);
            }
            p.circle((cx, cy), 3.0, Some(color), None);
        }
        for c in s.curves.iter().filter(|c| c.figure == f && c.series == series) {
            let line: Vec<(f64, f64)> =
                c.points.iter().filter(|(_, y)| *y <= ymax * 1.05).map(|&(x, y)| at(x, y)).collect();
            for pair in line.windows(2) {
                p.line(pair[0], pair[1], color, 1.5, true);
            }
        }
    }
    // The legend: series, and theory's dashes.
    let mut row = y0 + 6.0;
    let legend = Text { size: 10.0, color: pal.ink, align: Align::Left, bold: false };
    let named = s.series.iter().enumerate().filter(|(_, n)| !n.is_empty());
    for (i, name) in named {
        p.line((x0 + 8.0, row), (x0 + 20.0, row), series_color(pal, i), 2.0, false);
        p.text((x0 + 24.0, row), &fit(name, w / 2.0, 10.0 * k), legend);
        row += 13.0 * k;
    }
    if let Some(c) = s.curves.iter().find(|c| c.figure == f) {
        p.line((x0 + 8.0, row), (x0 + 20.0, row), pal.ink, 1.5, true);
        p.text((x0 + 24.0, row), &format!("{} ({})", s.words.0, c.name), legend);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_are_short_and_scales_round() {
        assert_eq!(nice_max(37.0), 40.0);
        assert_eq!(nice_max(510.0), 600.0);
        assert_eq!((divisions(25.0), divisions(600.0), divisions(1.2), divisions(8.0)), (5, 3, 4, 4));
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(f64::NAN), 1.0);
        assert_eq!(short(0.0), "0");
        assert_eq!(short(2.5), "2.5");
        assert_eq!(short(250.0), "250");
        assert_eq!(short(12_000.0), "12k");
        assert_eq!(short(0.027), "0.027");
        assert_eq!(short(0.0001), "0.0001");
    }
}
