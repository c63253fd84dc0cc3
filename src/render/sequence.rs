//! The sequence (space-time) diagram: a lane per node, time flowing down to
//! "now" at the bottom, an arrow per hop.

use msgsim_sim::timeline::{Fate, Timeline};
use msgsim_sim::{Cause, EventKind, MsgId, NodeId, Time, Topology, TraceEvent, time};

use super::Look;
use super::painter::{Align, Color, Painter, Text, arrowhead, cross, fit, text_width};
use super::palette::Palette;
use super::topology::{DotStyle, barred};

/// Most arrows drawn (the newest).
pub const MAX_ARROWS: usize = 800;

/// Space under the lane names, and at the bottom.
const TOP: f64 = 34.0;
const BOTTOM: f64 = 8.0;
/// Font size of the time axis and lane names (before the text scale).
const AXIS_TEXT: f64 = 11.0;

/// Everything the diagram shows.
pub struct SequenceScene<'a> {
    /// The nodes (one lane each).
    pub topology: &'a Topology,
    /// The trace.
    pub trace: &'a [TraceEvent],
    /// Its index.
    pub timeline: &'a Timeline,
    /// Events shown.
    pub cursor: usize,
    /// The moment shown, µs (the bottom edge).
    pub time: Time,
    /// Length of the window shown, µs.
    pub span: Time,
    /// Colours of the current theme.
    pub palette: Palette,
    /// The selected message.
    pub selected: Option<MsgId>,
    /// Text size and message marking.
    pub look: Look,
}

/// One arrow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrow {
    /// Where it leaves the sender's lane.
    pub from: (f64, f64),
    /// End (where the packet is now, arrived, or vanished).
    pub to: (f64, f64),
    /// How its packet looks (message, retry, copy, ack, nack).
    pub style: DotStyle,
    /// The message.
    pub msg: MsgId,
    /// Its business key.
    pub key: u32,
    /// Made by a duplicating link.
    pub copy: bool,
    /// Vanished at `to`.
    pub lost: bool,
    /// Reached its receiver.
    pub arrived: bool,
}

/// Most lanes drawn one per node; beyond this, the instances of a group
/// share one lane ("inventory ×4"), so a big graph stays readable.
pub const MAX_LANES: usize = 12;

/// Most partitions of a topic drawn as lanes of their own.
pub const MAX_PARTITION_LANES: u32 = 8;

/// The lanes: which lane each node is drawn on (its first), how many lanes
/// it spans, and each lane's name. Lanes follow the flow (by layer, left to
/// right); past [`MAX_LANES`] nodes, a group's instances share a lane. A
/// topic of up to [`MAX_PARTITION_LANES`] partitions has a lane per
/// partition when they fit ("events P0", "events P1", …).
pub fn lanes(topology: &msgsim_sim::Topology) -> (Vec<usize>, Vec<u16>, Vec<String>) {
    let n = topology.nodes.len();
    let collapse = n > MAX_LANES;
    // Partition lanes while the whole still fits.
    let mut spans = vec![1u16; n];
    let mut room = MAX_LANES.saturating_sub(n);
    for (i, node) in topology.nodes.iter().enumerate() {
        let p = node.capacity.unwrap_or(1);
        if node.kind == msgsim_sim::NodeKind::Topic && p > 1 && p <= MAX_PARTITION_LANES && (p as usize - 1) <= room {
            room -= p as usize - 1;
            spans[i] = p as u16;
        }
    }
    // By layer, ties in node order (`order_by`: the page's one sort).
    let order = msgsim_sim::sorted::order_by(n, |i| u64::from(topology.layer(i as NodeId)));
    let mut lane_of = vec![0; n];
    let mut names: Vec<String> = Vec::new();
    let mut keys: Vec<(u8, usize)> = Vec::new();
    let mut keys_lane: Vec<usize> = Vec::new();
    for i in order {
        let node = &topology.nodes[i];
        let key = (node.kind as u8, node.group);
        match keys.iter().position(|k| *k == key).filter(|_| collapse) {
            Some(lane) => lane_of[i] = keys_lane[lane],
            None => {
                lane_of[i] = names.len();
                keys.push(key);
                keys_lane.push(names.len());
                if spans[i] > 1 {
                    names.extend((0..spans[i]).map(|q| format!("{} P{q}", node.name)));
                } else {
                    names.push(node.name.clone());
                }
            }
        }
    }
    if collapse {
        for (lane, name) in names.iter_mut().enumerate() {
            let count = lane_of.iter().filter(|&&l| l == lane).count();
            if count > 1 {
                let base = name.strip_suffix("-1").unwrap_or(name).to_string();
                *name = format!("{base} ×{count}");
            }
        }
    }
    (lane_of, spans, names)
}

struct Geometry {
    /// Each node's (first) lane.
    lane_of: Vec<usize>,
    /// Lanes each node spans (a topic's partitions).
    spans: Vec<u16>,
    /// Some topic has a lane per partition.
    split: bool,
    /// Each lane's name.
    names: Vec<String>,
    /// Width of the time axis: its widest label fits.
    left: f64,
    /// Height of the lane names' band.
    top: f64,
    lane_w: f64,
    height: f64,
    t0: Time,
    span: Time,
}

impl Geometry {
    fn new(s: &SequenceScene<'_>, size: (f64, f64)) -> Self {
        let (lane_of, spans, names) = lanes(s.topology);
        let lanes = names.len().max(1) as f64;
        let (t0, span) = (s.time.saturating_sub(s.span), s.span.max(1));
        let scale = s.look.text_scale;
        let widest = (0..=4).map(|k| text_width(&format_ms(t0 + span * k / 4), AXIS_TEXT * scale)).fold(0.0, f64::max);
        let left = widest + 10.0;
        let top = TOP - 11.0 + 11.0 * scale;
        Geometry {
            split: spans.iter().any(|&s| s > 1),
            lane_of,
            spans,
            names,
            left,
            top,
            lane_w: (size.0 - left).max(10.0) / lanes,
            height: (size.1 - top - BOTTOM).max(10.0),
            t0,
            span,
        }
    }
    /// The middle of a node's lanes.
    fn x(&self, node: NodeId) -> f64 {
        self.x_part(node, None)
    }
    /// The lane of partition `part` of a topic with partition lanes (else,
    /// or not known, the middle of the node's lanes).
    fn x_part(&self, node: NodeId, part: Option<u16>) -> f64 {
        let lane = self.lane_of.get(usize::from(node)).copied().unwrap_or(0) as f64;
        let span = self.spans.get(usize::from(node)).copied().unwrap_or(1);
        let within = match part {
            Some(q) if span > 1 => f64::from(q.min(span - 1)) + 0.5,
            _ => f64::from(span) / 2.0,
        };
        self.left + (lane + within) * self.lane_w
    }
    fn y(&self, t: Time) -> f64 {
        self.top + (t.saturating_sub(self.t0) as f64 / self.span as f64).clamp(0.0, 1.0) * self.height
    }
}

/// The arrows in the window, oldest first (at most `limit`, the newest kept).
pub fn arrows(s: &SequenceScene<'_>, size: (f64, f64), limit: usize) -> Vec<Arrow> {
    let g = Geometry::new(s, size);
    let trace = &s.trace[..s.cursor.min(s.trace.len())];
    let start = s.timeline.position_at(trace, g.t0.saturating_sub(1)).min(trace.len());
    let mut sends: Vec<u32> = s.timeline.open_at(trace, start);
    msgsim_sim::sorted::sort_u32(&mut sends);
    sends.extend(
        trace[start..]
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.kind, EventKind::Send | EventKind::Duplicate))
            .map(|(i, _)| (start + i) as u32),
    );
    let skip = sends.len().saturating_sub(limit);
    let sends = &sends[skip..];
    let partition_of = if g.split { partitions_of(s, sends) } else { Vec::new() };
    sends
        .iter()
        .map(|&i| {
            let e = &s.trace[i as usize];
            let lost = s.timeline.fate(e.tx) == Fate::Lost;
            let reach = if lost { 0.5 } else { 1.0 };
            let span = e.end.saturating_sub(e.time).max(1) as f64;
            let f = (s.time.saturating_sub(e.time) as f64 / span).clamp(0.0, 1.0);
            let part = packet_partition(e, &partition_of);
            let (x0, x1) = (g.x_part(e.node, part), g.x_part(e.peer, part));
            let done = e.end <= s.time;
            Arrow {
                from: (x0, g.y(e.time)),
                to: (x0 + (x1 - x0) * reach * f, g.y(e.end.min(s.time))),
                style: DotStyle::of(e),
                msg: e.msg,
                key: e.key,
                copy: e.kind == EventKind::Duplicate || e.copy > 0,
                lost: lost && done,
                arrived: !lost && done,
            }
        })
        .collect()
}

/// The partition a packet to or from a topic concerns: fetches, records and
/// commits name it; a publish and its answer are where the record was
/// appended (`appended`: message << 16 | partition, sorted), if it was.
fn packet_partition(e: &TraceEvent, appended: &[u64]) -> Option<u16> {
    use msgsim_sim::PacketKind as P;
    match e.packet {
        P::Fetch | P::Records | P::CommitOffset | P::CommitAck => Some(e.delivery),
        P::Publish | P::Confirm | P::Reject => {
            let at = appended.partition_point(|&x| x >> 16 < u64::from(e.msg));
            appended.get(at).filter(|&&x| x >> 16 == u64::from(e.msg)).map(|&x| x as u16)
        }
        _ => None,
    }
}

/// Where the messages of `sends` were appended: `message << 16 |
/// partition`, sorted (as plain numbers: a sort the page already has), from
/// the appends after the first send (the whole computed trace: an arrow in
/// flight heads for the partition it will land in).
fn partitions_of(s: &SequenceScene<'_>, sends: &[u32]) -> Vec<u64> {
    let Some(&first) = sends.first() else { return Vec::new() };
    let last_end = sends.iter().map(|&i| s.trace[i as usize].end).max().unwrap_or(0);
    let mut out: Vec<u64> = s.trace[first as usize..]
        .iter()
        .take_while(|e| e.time <= last_end)
        .filter(|e| e.kind == EventKind::Append)
        .map(|e| u64::from(e.msg) << 16 | u64::from(e.delivery))
        .collect();
    msgsim_sim::sorted::sort_u64(&mut out);
    out
}

/// The message of the arrow nearest `p` (within 6 px).
pub fn hit(s: &SequenceScene<'_>, size: (f64, f64), p: (f64, f64)) -> Option<MsgId> {
    arrows(s, size, 4_000)
        .iter()
        .map(|a| (super::layout::Layout::distance_to_segment(p, a.from, a.to), a.msg))
        .filter(|(d, _)| *d <= 6.0)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m)
}

/// Draws the diagram.
pub fn draw(s: &SequenceScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let size = p.size();
    p.clear(pal.background);
    let g = Geometry::new(s, size);
    let scale = s.look.text_scale;
    let small = Text { size: AXIS_TEXT, color: pal.muted, align: Align::Right, bold: false };

    // Time axis: five ticks (the top and bottom labels kept inside the canvas).
    let half = AXIS_TEXT * scale / 2.0 + 1.0;
    for k in 0..=4 {
        let t = g.t0 + g.span * k / 4;
        let y = g.y(t);
        p.line((g.left - 4.0, y), (size.0, y), pal.grid, 1.0, false);
        p.text((g.left - 6.0, y.clamp(half, size.1 - half)), &format_ms(t), small);
    }
    // Lanes.
    let label = Text { size: AXIS_TEXT, color: pal.ink, align: Align::Center, bold: true };
    for (lane, name) in g.names.iter().enumerate() {
        let x = g.left + (lane as f64 + 0.5) * g.lane_w;
        p.line((x, g.top), (x, g.top + g.height), pal.link, 1.0, false);
        p.text((x, g.top / 2.0 - 3.0), &fit(name, g.lane_w - 4.0, AXIS_TEXT * scale), label);
    }
    let trace = &s.trace[..s.cursor.min(s.trace.len())];
    let start = s.timeline.position_at(trace, g.t0.saturating_sub(1)).min(trace.len());
    // Processing bars, crashes and outcomes on the lanes.
    for e in &trace[start..] {
        let x = g.x(e.node);
        let y = g.y(e.time);
        match e.kind {
            EventKind::ProcessStart => {
                let end = g.y(e.end.min(s.time));
                p.rect((x - 3.0, y), (6.0, (end - y).max(1.0)), 2.0, Some(pal.message.alpha(0.25)), None);
            }
            EventKind::Crash => {
                let end = g.y(e.end.min(s.time));
                p.rect(
                    (x - g.lane_w * 0.3, y),
                    (g.lane_w * 0.6, (end - y).max(2.0)),
                    0.0,
                    Some(pal.bad.alpha(0.12)),
                    None,
                );
                cross(p, (x, y), 5.0, pal.bad, 2.0);
            }
            EventKind::Effect => {
                let r = if Some(e.msg) == s.selected { 6.0 } else { 4.0 };
                match e.cause {
                    Cause::Duplicate => p.circle((x, y), r + 1.0, Some(pal.bad), Some((pal.ink, 1.0))),
                    // Order broken: a ring that stands out on the lane.
                    Cause::OutOfOrder => {
                        p.circle((x, y), r, Some(pal.ok), None);
                        p.circle((x, y), r + 4.0, None, Some((pal.copy, 2.5)));
                    }
                    _ => p.circle((x, y), r, Some(pal.ok), None),
                }
            }
            EventKind::Reject | EventKind::Evict => barred(p, (x, y), 4.5, pal.bad),
            EventKind::DedupHit => p.circle((x, y), 4.5, None, Some((pal.dedup, 2.0))),
            EventKind::DeadLetter => p.rect((x - 4.0, y - 4.0), (8.0, 8.0), 1.0, Some(pal.dead), None),
            EventKind::Timeout => p.circle((x, y), 3.5, None, Some((pal.retry, 1.5))),
            EventKind::Produce => p.line((x - 5.0, y), (x + 5.0, y), pal.muted, 1.5, false),
            // On a topic: a record appended to its partition's lane, a
            // leader change on it.
            EventKind::Append if g.split => {
                let x = g.x_part(e.node, Some(e.delivery));
                p.line((x - 4.0, y), (x + 4.0, y), pal.message, 2.0, false);
            }
            EventKind::Failover => cross(p, (g.x_part(e.node, Some(e.delivery)), y), 5.0, pal.bad, 2.0),
            _ => {}
        }
    }
    // Arrows in batches by look; the selected message's last and thickest.
    // Beyond a few hundred the window is a blur anyway, and rasterising
    // thousands of lines costs whole frames: keep the newest.
    let mut all = arrows(s, size, MAX_ARROWS);
    if let Some(sel) = s.selected
        && !all.iter().any(|a| a.msg == sel)
    {
        all.extend(arrows(s, size, usize::MAX).into_iter().filter(|a| a.msg == sel));
    }
    let dim = s.selected.is_some();
    let colour = |a: &Arrow| arrow_color(pal, s.look, a);
    // One batch per look: colour (by style, or by key) and dashing.
    let mut looks: Vec<(DotStyle, Color, bool)> = Vec::new();
    for style in DotStyle::ALL {
        for copy in [false, true] {
            for a in all.iter().filter(|a| a.style == style && a.copy == copy) {
                let l = (style, colour(a), copy);
                if !looks.contains(&l) {
                    looks.push(l);
                }
            }
        }
    }
    for &(style, color, copy) in &looks {
        let batch: Vec<&Arrow> = all
            .iter()
            .filter(|a| a.style == style && a.copy == copy && colour(a) == color && Some(a.msg) != s.selected)
            .collect();
        draw_arrows(p, pal, &batch, style, color, copy, dim, false);
    }
    for &(style, color, _) in &looks {
        let batch: Vec<&Arrow> =
            all.iter().filter(|a| a.style == style && colour(a) == color && Some(a.msg) == s.selected).collect();
        draw_arrows(p, pal, &batch, style, color, false, false, true);
    }
    // Ids at the heads of message arrows, while few enough to read.
    if s.look.ids {
        let carrying: Vec<&Arrow> =
            all.iter().filter(|a| !matches!(a.style, DotStyle::Ack | DotStyle::Negative)).collect();
        if carrying.len() <= super::topology::MAX_ID_LABELS {
            let t = Text { size: 9.0, color: pal.ink, align: Align::Left, bold: false };
            for a in carrying {
                p.text((a.to.0 + 4.0, a.to.1 - 6.0), &format!("#{}", a.msg), t);
            }
        }
    }
    // "Now".
    p.line((g.left, g.top + g.height), (size.0, g.top + g.height), pal.ink.alpha(0.5), 1.0, true);
}

/// An arrow's colour: by its look, or by its message's key.
fn arrow_color(pal: &Palette, look: Look, a: &Arrow) -> Color {
    match a.style {
        DotStyle::Message | DotStyle::Retry | DotStyle::Copy if look.by_key => pal.key(a.key),
        DotStyle::Message => pal.message,
        DotStyle::Retry => pal.retry,
        DotStyle::Copy => pal.copy,
        DotStyle::Ack => pal.ok,
        DotStyle::Negative => pal.bad,
    }
}

/// Draws arrows of one look: lines, then heads (arrived), crosses (lost) or
/// tips (still travelling).
#[allow(clippy::too_many_arguments)]
fn draw_arrows(
    p: &mut dyn Painter,
    pal: &Palette,
    arrows: &[&Arrow],
    style: DotStyle,
    base: Color,
    dashed: bool,
    dim: bool,
    selected: bool,
) {
    if arrows.is_empty() {
        return;
    }
    let color = if dim { base.alpha(0.3) } else { base };
    let width = if selected {
        3.0
    } else if matches!(style, DotStyle::Ack | DotStyle::Negative) {
        1.0
    } else {
        1.6
    };
    let lines: Vec<_> = arrows.iter().map(|a| (a.from, a.to)).collect();
    p.segments(&lines, color, width, dashed);
    let head = if selected { 9.0 } else { 6.0 };
    let heads: Vec<_> = arrows.iter().filter(|a| a.arrived).filter_map(|a| arrowhead(a.from, a.to, head)).collect();
    p.triangles(&heads, color);
    let tips: Vec<_> = arrows.iter().filter(|a| !a.arrived && !a.lost).map(|a| a.to).collect();
    p.dots(&tips, if selected { 4.0 } else { 2.5 }, color);
    p.flush();
    let bad = if dim { pal.bad.alpha(0.3) } else { pal.bad };
    for a in arrows.iter().filter(|a| a.lost) {
        cross(p, a.to, 4.5, bad, 2.0);
    }
}

fn format_ms(t: Time) -> String {
    let ms = time::to_ms(t);
    if ms >= 10_000.0 { format!("{:.1} s", ms / 1_000.0) } else { format!("{ms:.1} ms") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::painter::Recorder;
    use crate::render::palette::Theme;
    use crate::testing::{preset_run, timeline_of};

    #[test]
    fn arrows_cover_the_window_and_clicks_find_them() {
        let sim = preset_run("lossy-fire-and-forget", None);
        let trace = sim.trace();
        let tl = timeline_of(&sim);
        let lost = trace.iter().find(|e| e.kind == EventKind::Lost).unwrap();
        let now = lost.time + 1;
        let scene = SequenceScene {
            topology: sim.topology(),
            trace,
            timeline: &tl,
            cursor: tl.position_at(trace, now),
            time: now,
            span: 50_000,
            palette: Palette::of(Theme::Dark),
            selected: None,
            look: Look::default(),
        };
        let size = (800.0, 400.0);
        let arrows = arrows(&scene, size, 1_000);
        let a = arrows.iter().find(|a| a.lost && a.msg == lost.msg).expect("the lost packet's arrow");
        assert!(a.to.1 > a.from.1, "time flows down");
        let mid = ((a.from.0 + a.to.0) / 2.0, (a.from.1 + a.to.1) / 2.0);
        assert_eq!(hit(&scene, size, mid), Some(lost.msg));
        assert_eq!(hit(&scene, size, (1.0, 1.0)), None);
        let mut rec = Recorder { size, ..Default::default() };
        draw(&scene, &mut rec);
        assert!(rec.texts.iter().any(|t| t == "orders"));
    }

    #[test]
    fn lanes_follow_the_flow_and_a_big_graph_collapses_its_groups() {
        let s = msgsim_sim::presets::get("fan-out").unwrap().scenario.clone();
        let t = msgsim_sim::Topology::new(&s);
        let (lane_of, _, names) = lanes(&t);
        assert_eq!(names.len(), t.nodes.len(), "8 nodes: a lane each");
        assert_eq!(names[0], "orders");
        assert_eq!(names[1], "order-events");
        // 20 instances of a group: one lane for them.
        let mut big = s.clone();
        big.consumers[0].count = 20;
        let t = msgsim_sim::Topology::new(&big);
        let (lane_of_big, _, names) = lanes(&t);
        assert!(names.len() <= MAX_LANES, "{names:?}");
        assert!(names.iter().any(|n| n == "inventory ×20"), "{names:?}");
        assert_eq!(lane_of_big.iter().filter(|&&l| l == lane_of_big[t.nodes.len() - 1]).count(), 1);
        assert!(lane_of.len() < lane_of_big.len());
    }

    /// A topic of a few partitions gets a lane each: fetches go to their
    /// partition's lane, a publish to the lane of the partition it was
    /// appended to; a topic of many partitions keeps one lane.
    #[test]
    fn a_topic_has_a_lane_per_partition() {
        let sim = preset_run("log-idle-members", None);
        let t = sim.topology();
        let (lane_of, spans, names) = lanes(t);
        let topic = t.ids_of(msgsim_sim::NodeKind::Topic).next().unwrap();
        assert_eq!(spans[usize::from(topic)], 3);
        assert_eq!(names[lane_of[usize::from(topic)]..][..3], ["events P0", "events P1", "events P2"]);
        let trace = sim.trace();
        let tl = timeline_of(&sim);
        let now = trace[trace.len() / 2].time;
        let scene = SequenceScene {
            topology: t,
            trace,
            timeline: &tl,
            cursor: tl.position_at(trace, now),
            time: now,
            span: 100_000,
            palette: Palette::of(Theme::Light),
            selected: None,
            look: Look::default(),
        };
        let size = (900.0, 400.0);
        let g = Geometry::new(&scene, size);
        let lane_x = |q: u16| g.x_part(topic, Some(q));
        let all = arrows(&scene, size, usize::MAX);
        let has = |from: (f64, f64), to_x: f64| all.iter().any(|a| a.from == from && a.to.0 == to_x);
        let (mut records, mut publishes) = (0, 0);
        let window = trace.iter().filter(|e| e.kind == EventKind::Send && e.end <= now && e.time + 100_000 >= now);
        for e in window.filter(|e| trace.iter().any(|x| x.kind == EventKind::Arrive && x.tx == e.tx)) {
            use msgsim_sim::PacketKind as P;
            match e.packet {
                P::Records | P::Fetch => {
                    let (a, b) = (g.x_part(e.node, Some(e.delivery)), g.x_part(e.peer, Some(e.delivery)));
                    assert!(has((a, g.y(e.time)), b), "{e:?}");
                    records += 1;
                }
                P::Publish => {
                    let q = trace.iter().find(|x| x.kind == EventKind::Append && x.msg == e.msg).unwrap().delivery;
                    assert!(has((g.x(e.node), g.y(e.time)), lane_x(q)), "msg {} in P{q}", e.msg);
                    publishes += 1;
                }
                _ => {}
            }
        }
        assert!(records > 3 && publishes > 3, "{records} {publishes}");
        let mut many = msgsim_sim::presets::get("log-idle-members").unwrap().scenario.clone();
        many.topics[0].partitions = 12;
        let (_, spans, _) = lanes(&msgsim_sim::Topology::new(&many));
        assert!(spans.iter().all(|&s| s == 1));
    }
}
