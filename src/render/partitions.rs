//! The partitions view: each topic's partitions drawn as logs at the moment
//! shown. A row per partition: its leader broker, its newest records as
//! cells up to the log end, each group's committed offset as a marker with
//! its lag as a bar and a number; on the right each group's members, with a
//! line from every partition to the member reading it (the lines move on a
//! rebalance; a member with none is idle, drawn grey).

use msgsim_sim::partitions::NO_LEADER;
use msgsim_sim::{Metrics, NO_NODE, NodeId, NodeKind, Time, Topology};

use super::painter::{Align, Color, Painter, Text, fit};
use super::palette::Palette;
use crate::i18n::fill;

/// The view's words, translated (`{0}` is filled in).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartitionWords {
    /// A topic's heading: name and partitions.
    pub topic: String,
    /// A cluster of several brokers.
    pub brokers: String,
    /// Brokers down: `{0}` lists them.
    pub down: String,
    /// A partition's leader broker.
    pub leader: String,
    /// A failover is electing a leader.
    pub electing: String,
    /// No broker can lead.
    pub no_leader: String,
    /// A group's lag.
    pub lag: String,
    /// A group pausing for a rebalance.
    pub rebalancing: String,
    /// A member reading no partition.
    pub idle: String,
    /// A member that is down.
    pub member_down: String,
    /// The high watermark's mark: `{0}` records past it.
    pub high_watermark: String,
    /// Rows left out: `{0}` of them.
    pub more: String,
    /// No topic in the scenario.
    pub empty: String,
}

/// What the view shows.
pub struct PartitionsScene<'a> {
    /// The run's nodes.
    pub topology: &'a Topology,
    /// The fold at the moment shown.
    pub metrics: &'a Metrics,
    /// The moment shown.
    pub time: Time,
    /// Each consumer group's name, by group index.
    pub group_names: &'a [String],
    /// Colours of the current theme.
    pub palette: Palette,
    /// Text is drawn this many times larger.
    pub text_scale: f64,
    /// Labels, translated.
    pub words: &'a PartitionWords,
}

/// The colour of the `j`-th group reading a topic (the charts' lag lines
/// use it too): vermillion, pink, dark yellow, then green — never the blue and
/// orange of messages waiting and on links, drawn beside the lag.
pub fn group_color(p: &Palette, j: usize) -> Color {
    const KEYS: [usize; 4] = [5, 3, 6, 2];
    p.keys[KEYS[j % KEYS.len()] % p.keys.len()]
}

/// A one-line summary per topic and group (the canvas's accessible name).
pub fn summary(s: &PartitionsScene<'_>) -> String {
    let w = s.words;
    let p = &s.metrics.partitions;
    let mut parts = Vec::new();
    for (i, t) in p.topics.iter().enumerate() {
        let name = &s.topology.nodes[usize::from(t.node)].name;
        let records: u64 = t.ends.iter().sum();
        parts.push(format!("{name}: {} × {}", t.ends.len(), records));
        for g in p.groups.iter().filter(|g| g.topic == i) {
            let lag = s.metrics.lag.of_group(g.group).map_or(0, |(l, _)| l.now);
            let name = s.group_names.get(g.group).map_or("", String::as_str);
            parts.push(format!("{name} {}", fill(&w.lag, &[&lag])));
        }
    }
    if parts.is_empty() { w.empty.clone() } else { parts.join(" · ") }
}

/// Draws the view at the painter's size.
pub fn draw(s: &PartitionsScene<'_>, p: &mut dyn Painter) {
    let pal = &s.palette;
    let (width, height) = p.size();
    let k = s.text_scale;
    p.clear(pal.background);
    let parts = &s.metrics.partitions;
    if parts.topics.is_empty() {
        let t = Text { size: 12.0, color: pal.muted, align: Align::Center, bold: false };
        p.text((width / 2.0, height / 2.0), &s.words.empty, t);
        return;
    }
    // Rows: a heading per topic and a row per partition, sharing the height.
    let rows: usize = parts.topics.iter().map(|t| t.ends.len() + 1).sum();
    let row_h = ((height - 8.0) / rows as f64).clamp(18.0 * k, 40.0 * k);
    let most_groups = (0..parts.topics.len()).map(|i| parts.groups.iter().filter(|g| g.topic == i).count()).max();
    let member_w = 130.0 * k;
    let members_x = width - most_groups.unwrap_or(0) as f64 * (member_w + 16.0 * k);
    let mut y = 4.0;
    for (i, topic) in parts.topics.iter().enumerate() {
        let groups: Vec<_> = parts.groups.iter().filter(|g| g.topic == i).collect();
        // Each group's committed offset in each partition.
        let committed: Vec<Vec<u64>> =
            groups.iter().map(|g| s.metrics.lag.committed_of(g.group).unwrap_or_default()).collect();
        // Rows that fit; the rest are counted.
        let room = ((height - y) / row_h).floor() as usize;
        let shown = topic.ends.len().min(room.saturating_sub(1));
        let block = (y, y + row_h * (shown + 1) as f64);
        heading(s, p, topic, (8.0, y + row_h / 2.0), members_x - 8.0);
        let lag_w = 44.0 * k * groups.len() as f64;
        // Room on the left for the partition, its leader and its copies.
        let left = if topic.replicas > 1 { 110.0 } else { 64.0 } * k;
        let strip = (left, (members_x - left - lag_w - 24.0 * k).max(40.0));
        for part in 0..shown {
            let cy = y + row_h * (part + 1) as f64 + row_h / 2.0;
            partition_row(s, p, (i, part), &committed, (strip, cy, row_h), lag_w);
        }
        if shown < topic.ends.len() {
            let t = Text { size: 10.0, color: pal.muted, align: Align::Left, bold: false };
            let more = fill(&s.words.more, &[&(topic.ends.len() - shown)]);
            p.text((8.0, block.1 + row_h / 2.0), &more, t);
        }
        let lines_from = strip.0 + strip.1 + lag_w + 16.0 * k;
        let columns: Vec<Column> = groups
            .iter()
            .enumerate()
            .map(|(j, g)| Column::of(s, g, j, (members_x + j as f64 * (member_w + 16.0 * k), member_w), block, row_h))
            .collect();
        // The lines first, then the boxes: a later group's lines pass under
        // an earlier group's members.
        for c in &columns {
            reader_lines(s, p, c, (lines_from, row_h, shown));
        }
        for c in &columns {
            member_boxes(s, p, c, row_h);
        }
        y = block.1 + row_h * f64::from(u8::from(shown < topic.ends.len()));
        if y + 2.0 * row_h > height {
            break;
        }
    }
}

fn heading(
    s: &PartitionsScene<'_>,
    p: &mut dyn Painter,
    t: &msgsim_sim::partitions::TopicState,
    at: (f64, f64),
    w: f64,
) {
    let pal = &s.palette;
    let node = &s.topology.nodes[usize::from(t.node)];
    let mut text = fill(&s.words.topic, &[&node.name, &t.ends.len()]);
    if node.brokers > 1 {
        text.push_str(" · ");
        text.push_str(&fill(&s.words.brokers, &[&node.brokers]));
    }
    let down: Vec<String> = (0..32).filter(|b| t.down & (1 << b) != 0).map(|b| format!("b{b}")).collect();
    if !down.is_empty() {
        text.push_str(" · ");
        text.push_str(&fill(&s.words.down, &[&down.join(", ")]));
    }
    let style =
        Text { size: 12.0, color: if down.is_empty() { pal.ink } else { pal.bad }, align: Align::Left, bold: true };
    p.text(at, &fit(&text, w, 12.0 * s.text_scale), style);
}

/// One partition: leader, cells, each group's committed offset and lag.
fn partition_row(
    s: &PartitionsScene<'_>,
    p: &mut dyn Painter,
    (topic, part): (usize, usize),
    committed: &[Vec<u64>],
    ((sx, sw), cy, row_h): ((f64, f64), f64, f64),
    lag_w: f64,
) {
    let pal = &s.palette;
    let k = s.text_scale;
    let t = &s.metrics.partitions.topics[topic];
    let label = Text { size: 11.0, color: pal.ink, align: Align::Left, bold: true };
    p.text((8.0, cy - 5.0 * k), &format!("P{part}"), label);
    let leader = t.leaders[part];
    let (who, color) = if leader == NO_LEADER {
        (s.words.no_leader.clone(), pal.bad)
    } else if s.time < t.leading_from[part] {
        (s.words.electing.clone(), pal.retry)
    } else {
        (fill(&s.words.leader, &[&leader]), pal.muted)
    };
    let small = Text { size: 9.0, color, align: Align::Left, bold: false };
    let (leader_y, copies_y) = if t.replicas > 1 { (cy + 3.0 * k, cy + 13.0 * k) } else { (cy + 7.0 * k, cy) };
    p.text((8.0, leader_y), &fit(&who, sx - 12.0, 9.0 * k), small);
    if t.replicas > 1 {
        copies(s, p, t, part, (8.0, copies_y), sx - 12.0);
    }
    // The newest records that fit, as cells; those every group committed are faint.
    let end = t.ends[part];
    let cell = (10.0 * k).max(6.0);
    let fits = (sw / cell).floor().max(1.0) as u64;
    let first = end.saturating_sub(fits);
    let committed: Vec<u64> = committed.iter().map(|c| c.get(part).copied().unwrap_or(0)).collect();
    let everyone = committed.iter().copied().min().unwrap_or(end);
    let side = (cell - 2.0).min(row_h * 0.45);
    let strip_y = cy - row_h * 0.12;
    // Two bands (read by every group, not yet) cut into cells by gaps.
    let x_at = |o: u64| sx + (o - first) as f64 * cell;
    let split = everyone.clamp(first, end);
    let top = strip_y - side / 2.0;
    p.rect((sx - 1.0, top - 1.0), (sw + 2.0, side + 2.0), 2.0, None, Some((pal.grid, 1.0)));
    p.rect((x_at(first), top), (x_at(split) - x_at(first), side), 0.0, Some(pal.muted.alpha(0.35)), None);
    // Past the high watermark: on the leader, not yet on every in-sync
    // copy — no group may read it yet, and acks=all has not confirmed it.
    let hw = t.high_watermarks[part].clamp(split, end);
    p.rect((x_at(split), top), (x_at(hw) - x_at(split), side), 0.0, Some(pal.message.alpha(0.85)), None);
    p.rect((x_at(hw), top), (x_at(end) - x_at(hw), side), 0.0, Some(pal.message.alpha(0.3)), None);
    let gaps: Vec<_> = (first..=end).map(|o| ((x_at(o), top), (x_at(o), top + side))).collect();
    p.segments(&gaps, pal.background, 2.0, false);
    let tiny = Text { size: 9.0, color: pal.muted, align: Align::Right, bold: false };
    p.text((sx + sw, strip_y + side / 2.0 + 7.0 * k), &end.to_string(), tiny);
    if t.high_watermarks[part] < end && t.high_watermarks[part] >= first {
        let x = x_at(t.high_watermarks[part]);
        p.line((x, top - 4.0), (x, top + side + 4.0), pal.ink, 1.5, true);
        let label = fill(&s.words.high_watermark, &[&(end - t.high_watermarks[part])]);
        p.text((x - 3.0, top - 6.0 * k), &label, Text { size: 9.0, color: pal.ink, align: Align::Right, bold: false });
    }
    if first > 0 {
        p.text((sx, strip_y + side / 2.0 + 7.0 * k), &first.to_string(), Text { align: Align::Left, ..tiny });
    }
    // Each group: a marker at its committed offset, its lag as a bar and a number.
    let x_of = |o: u64| sx + (o.saturating_sub(first) as f64 * cell).min(sw);
    for (j, &c) in committed.iter().enumerate() {
        let color = group_color(pal, j);
        let bar_y = strip_y + side / 2.0 + 2.0 + j as f64 * 3.0;
        p.line((x_of(c), bar_y), (x_of(end), bar_y), color, 2.0, false);
        let x = x_of(c);
        p.triangles(
            &[[
                (x, strip_y - side / 2.0 - 1.0),
                (x - 4.0, strip_y - side / 2.0 - 7.0),
                (x + 4.0, strip_y - side / 2.0 - 7.0),
            ]],
            color,
        );
        p.line((x, strip_y - side / 2.0), (x, strip_y + side / 2.0), color, 2.0, false);
        let lag = Text { size: 10.0, color, align: Align::Right, bold: true };
        let lx = sx + sw + 16.0 * k + lag_w / committed.len().max(1) as f64 * (j + 1) as f64;
        p.text((lx, cy), &(end - c.min(end)).to_string(), lag);
    }
}

/// A partition's copies, one broker each: the leader in ink, in-sync
/// followers green, followers out of the in-sync set red.
fn copies(
    s: &PartitionsScene<'_>,
    p: &mut dyn Painter,
    t: &msgsim_sim::partitions::TopicState,
    part: usize,
    (mut x, y): (f64, f64),
    width: f64,
) {
    let pal = &s.palette;
    let size = 9.0 * s.text_scale;
    let end = x + width;
    for k in 0..t.replicas {
        let broker = (part as u32 + k) % t.brokers.max(1);
        let in_sync = t.in_sync[part] & (1 << k) != 0;
        let color = if broker == u32::from(t.leaders[part]) {
            pal.ink
        } else if in_sync {
            pal.ok
        } else {
            pal.bad
        };
        let label = format!("b{broker}");
        let w = super::painter::text_width(&label, size) + 4.0;
        if x + w > end {
            break;
        }
        p.text((x, y), &label, Text { size: 9.0, color, align: Align::Left, bold: !in_sync });
        x += w;
    }
}

/// Where a group's members are drawn: a column of boxes under its heading.
struct Column<'a> {
    group: &'a msgsim_sim::partitions::GroupState,
    color: Color,
    /// Left edge and width.
    x: (f64, f64),
    /// The top of its block (the heading's row).
    top: f64,
    /// Each member and the centre of its box.
    members: Vec<(NodeId, f64)>,
    box_h: f64,
}

impl<'a> Column<'a> {
    fn of(
        s: &PartitionsScene<'_>,
        group: &'a msgsim_sim::partitions::GroupState,
        j: usize,
        x: (f64, f64),
        (top, bottom): (f64, f64),
        row_h: f64,
    ) -> Self {
        let ids =
            s.topology.ids_of(NodeKind::Member).filter(|&m| s.topology.nodes[usize::from(m)].group == group.group);
        let ids: Vec<NodeId> = ids.collect();
        let (first, span) = (top + row_h, (bottom - top - row_h).max(row_h));
        let slot = span / ids.len().max(1) as f64;
        let members = ids.iter().enumerate().map(|(i, &m)| (m, first + slot * (i as f64 + 0.5))).collect();
        let box_h = (slot - 4.0).clamp(8.0, 24.0 * s.text_scale);
        debug_assert!(group.readers.iter().all(|&r| r == NO_NODE || ids.contains(&r)));
        Column { group, color: group_color(&s.palette, j), x, top, members, box_h }
    }
}

/// Whether member `m` is up at the moment shown.
fn member_up(s: &PartitionsScene<'_>, m: NodeId) -> bool {
    s.metrics.up.get(usize::from(m)).copied().unwrap_or(true)
}

/// A line from each partition shown to the member of the column's group
/// reading it (dashed while that member is down).
fn reader_lines(
    s: &PartitionsScene<'_>,
    p: &mut dyn Painter,
    c: &Column<'_>,
    (from_x, row_h, shown): (f64, f64, usize),
) {
    for (q, reader) in c.group.readers.iter().enumerate().take(shown) {
        let Some(&(m, cy)) = c.members.iter().find(|(m, _)| m == reader) else { continue };
        let py = c.top + row_h * (q as f64 + 1.0) + row_h / 2.0;
        p.line((from_x, py), (c.x.0 - 4.0, cy), c.color.alpha(0.7), 1.5, !member_up(s, m));
    }
}

/// The column's heading (group name, lag or rebalance) and member boxes:
/// idle members grey, crashed ones outlined red.
fn member_boxes(s: &PartitionsScene<'_>, p: &mut dyn Painter, c: &Column<'_>, row_h: f64) {
    let (pal, k, g) = (&s.palette, s.text_scale, c.group);
    let (x, w) = c.x;
    let name = s.group_names.get(g.group).map_or("", String::as_str);
    let lag = s.metrics.lag.of_group(g.group).map_or(0, |(l, _)| l.now);
    let paused = s.time < g.paused_until;
    let head = if paused { s.words.rebalancing.clone() } else { fill(&s.words.lag, &[&lag]) };
    let style = Text { size: 11.0, color: c.color, align: Align::Left, bold: true };
    p.text((x, c.top + row_h / 2.0 - 5.0 * k), &fit(name, w, 11.0 * k), style);
    let sub = Text { size: 9.0, color: if paused { pal.bad } else { pal.muted }, align: Align::Left, bold: false };
    p.text((x, c.top + row_h / 2.0 + 7.0 * k), &fit(&head, w, 9.0 * k), sub);
    for &(m, cy) in &c.members {
        let up = member_up(s, m);
        let idle = g.readers.iter().all(|&r| r != m);
        let fill_c = if idle { pal.grid } else { c.color.alpha(0.18) };
        let stroke = if up { c.color } else { pal.bad };
        p.rect((x, cy - c.box_h / 2.0), (w, c.box_h), 4.0, Some(fill_c), Some((stroke, 1.0)));
        let node = &s.topology.nodes[usize::from(m)];
        let label = if !up {
            format!("{} · {}", node.name, s.words.member_down)
        } else if idle && !paused {
            format!("{} · {}", node.name, s.words.idle)
        } else {
            node.name.clone()
        };
        let t = Text { size: 10.0, color: if idle { pal.muted } else { pal.ink }, align: Align::Left, bold: false };
        // Too many members to label: the boxes alone.
        if c.box_h >= 10.0 * k {
            p.text((x + 6.0, cy), &fit(&label, w - 10.0, 10.0 * k), t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::painter::Recorder;
    use crate::render::palette::Theme;
    use crate::testing::timeline_of;
    use msgsim_sim::{EventKind, Scenario, Simulation, presets};

    fn words() -> PartitionWords {
        PartitionWords {
            topic: "{0} — {1} partitions".into(),
            brokers: "{0} brokers".into(),
            down: "down: {0}".into(),
            leader: "leader b{0}".into(),
            electing: "electing".into(),
            no_leader: "no leader".into(),
            lag: "lag {0}".into(),
            rebalancing: "rebalancing".into(),
            idle: "idle".into(),
            member_down: "down".into(),
            high_watermark: "HW −{0}".into(),
            more: "+{0} more".into(),
            empty: "no topic".into(),
        }
    }

    /// Draws `sim` at event `position` on a canvas of `size`.
    fn drawn(s: &Scenario, sim: &Simulation, position: usize, size: (f64, f64)) -> (Recorder, String) {
        let tl = timeline_of(sim);
        let metrics = tl.metrics_at(sim.trace(), position);
        let names: Vec<String> = s.consumers.iter().map(|c| c.name.clone()).collect();
        let w = words();
        let time = sim.trace().get(position.saturating_sub(1)).map_or(0, |e| e.time);
        let scene = PartitionsScene {
            topology: sim.topology(),
            metrics: &metrics,
            time,
            group_names: &names,
            palette: Palette::of(Theme::Light),
            text_scale: 1.0,
            words: &w,
        };
        let mut rec = Recorder { size, ..Default::default() };
        draw(&scene, &mut rec);
        (rec, summary(&scene))
    }

    fn run(s: &Scenario) -> Simulation {
        let mut sim = Simulation::new(s, 1).unwrap();
        sim.run();
        sim
    }

    #[test]
    fn members_beyond_the_partitions_are_idle_and_every_partition_has_a_line() {
        let mut s = presets::get("log-idle-members").unwrap().scenario.clone();
        s.consumers[0].count = 5;
        let sim = run(&s);
        let half = sim.trace().len() / 2;
        let (rec, summary) = drawn(&s, &sim, half, (1000.0, 260.0));
        for p in ["P0", "P1", "P2", "leader b0", "billing"] {
            assert!(rec.texts.iter().any(|t| t == p), "{p} in {:?}", rec.texts);
        }
        assert_eq!(rec.texts.iter().filter(|t| t.ends_with("· idle")).count(), 2, "{:?}", rec.texts);
        // One line per partition to its reader (group colour, not dashed).
        let color = group_color(&Palette::of(Theme::Light), 0).alpha(0.7).css();
        let lines = rec.calls.iter().filter(|c| c.starts_with("line") && c.ends_with(&format!("{color} false")));
        assert_eq!(lines.count(), 3);
        assert!(
            rec.texts[0] == "events — 3 partitions"
                && summary.starts_with("events: 3 × ")
                && summary.contains("billing lag "),
            "{summary}"
        );
        // The lag written is the fold's.
        let m = timeline_of(&sim).metrics_at(sim.trace(), half);
        let lag = m.lag.of_group(0).unwrap().0.now;
        assert!(summary.ends_with(&format!("lag {lag}")), "{summary} vs {lag}");
    }

    #[test]
    fn a_rebalance_clears_the_lines_and_a_failover_shows_the_election() {
        let s = presets::get("log-rebalance").unwrap().scenario.clone();
        let sim = run(&s);
        let at = sim.trace().iter().position(|e| e.kind == EventKind::Rebalance).unwrap() + 1;
        let (rec, _) = drawn(&s, &sim, at, (1000.0, 300.0));
        assert!(rec.texts.iter().any(|t| t == "rebalancing"), "{:?}", rec.texts);
        assert!(
            !rec.calls.iter().any(|c| c.starts_with("line") && c.contains("0.700")),
            "no reader lines while paused"
        );
        let s = presets::get("log-acks-failover").unwrap().scenario.clone();
        let sim = run(&s);
        let at = sim.trace().iter().position(|e| e.kind == EventKind::Failover).unwrap() + 1;
        let (rec, _) = drawn(&s, &sim, at, (1000.0, 300.0));
        assert!(rec.texts.iter().any(|t| t == "electing"), "{:?}", rec.texts);
        assert!(rec.texts.iter().any(|t| t.contains("down: b")), "{:?}", rec.texts);
        // Before it, the leader runs ahead of its follower: the high
        // watermark is marked with the records past it, and the copies named.
        let tl = timeline_of(&sim);
        let ahead = (1..at)
            .step_by(50)
            .find(|&i| {
                let t = &tl.metrics_at(sim.trace(), i).partitions.topics[0];
                t.high_watermarks[0] + 2 <= t.ends[0]
            })
            .expect("a moment with the follower behind");
        let t = tl.metrics_at(sim.trace(), ahead).partitions.topics[0].clone();
        let (rec, _) = drawn(&s, &sim, ahead, (1000.0, 300.0));
        let mark = format!("HW −{}", t.ends[0] - t.high_watermarks[0]);
        assert!(rec.texts.contains(&mark), "{mark} in {:?}", rec.texts);
        assert!(t.replicas > 1 && rec.texts.iter().filter(|x| *x == "b1").count() >= 2, "{:?}", rec.texts);
    }

    #[test]
    fn a_thousand_partitions_or_a_tiny_canvas_draw_what_fits() {
        let mut s = presets::get("log-idle-members").unwrap().scenario.clone();
        s.topics[0].partitions = 1_000;
        s.producers[0].messages = 300;
        let sim = run(&s);
        let end = sim.trace().len();
        let (rec, _) = drawn(&s, &sim, end, (800.0, 400.0));
        assert!(rec.texts.iter().any(|t| t.starts_with('+') && t.ends_with(" more")), "{:?}", rec.texts);
        for size in [(1.0, 1.0), (120.0, 40.0), (4000.0, 30.0)] {
            drawn(&s, &sim, end, size);
        }
        // The largest cluster: 32 brokers, every partition on all of them.
        (s.topics[0].brokers, s.topics[0].replication_factor) = (32, 32);
        let sim = run(&s);
        let (rec, _) = drawn(&s, &sim, sim.trace().len(), (800.0, 400.0));
        let chips: Vec<_> =
            rec.boxes.iter().filter(|b| b.0.starts_with('b') && b.0[1..].parse::<u32>().is_ok()).collect();
        assert!(chips.iter().any(|b| b.0 == "b1"), "the copies are named…");
        assert!(chips.iter().all(|b| b.3 <= 110.0), "…as far as they fit left of the cells: {chips:?}");
        let queue = presets::get("reliable-queue").unwrap().scenario.clone();
        let (rec, summary) = drawn(&queue, &run(&queue), 0, (400.0, 200.0));
        assert_eq!((rec.texts, summary), (vec!["no topic".to_string()], "no topic".to_string()));
    }
}
