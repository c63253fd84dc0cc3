//! Where each node sits: a column per layer of the graph (producers on the
//! left, then each hop one column further right: exchanges, queues,
//! services, and what those publish to), each column spread evenly.

use msgsim_sim::{NodeId, Topology};

/// Node positions for one canvas size.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Centre of each node, indexed by [`NodeId`].
    pub centers: Vec<(f64, f64)>,
    /// Half-size of a node box.
    pub half: (f64, f64),
    /// Canvas size the layout is for.
    pub size: (f64, f64),
    /// Free height under each node's box before the next one in its column
    /// (or the legend), for what the node holds (a buffer, a backlog).
    pub below: Vec<f64>,
    /// Text scale the boxes were sized for.
    pub text_scale: f64,
    /// Where the column headings go (the middle of their line).
    pub heading_y: f64,
    /// How many columns (layers) there are.
    pub columns: usize,
}

/// Where the first column of three sits, as a fraction of the width (the
/// last mirrors it; a graph with more columns uses more of the width).
const FIRST_COLUMN: f64 = 0.13;

impl Layout {
    /// Lays out `topology` in a `width` × `height` canvas, with text
    /// `text_scale` times the normal size.
    pub fn new(topology: &Topology, width: f64, height: f64, text_scale: f64) -> Self {
        let columns = usize::from(topology.depth()).max(1);
        let column = |id: usize| usize::from(topology.layer(id as NodeId)).min(columns - 1);
        let mut counts = vec![0usize; columns];
        for i in 0..topology.nodes.len() {
            counts[column(i)] += 1;
        }
        let rows = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
        // Column headings, then the boxes.
        let heading_y = 4.0 + 8.0 * text_scale;
        let top = heading_y + 8.0 * text_scale + 6.0;
        // The legend's band at the bottom.
        let usable = (height - top - 22.0 * text_scale).max(40.0);
        let slot = usable / rows;
        // Tall enough for a name and a second line when there is room.
        let two_lines = 19.0 * text_scale;
        let half_h =
            (slot * 0.32).max(two_lines.min(slot * 0.4)).clamp(7.0, (height * 0.06).clamp(30.0, 44.0).max(two_lines));
        // Wide enough for the longest name, but never wider than the gap
        // between columns allows (a longer name is shortened).
        // Wide enough for the longest name, but never wider than its share
        // of the width allows (a longer name is set smaller, then shortened).
        let label =
            topology.nodes.iter().map(|n| super::painter::text_width(&n.name, 14.0 * text_scale)).fold(0.0, f64::max);
        let share = if columns > 3 { width / columns as f64 * 0.45 } else { width * 0.12 };
        let half_w = (width * 0.07).max(label / 2.0 + 8.0).clamp(26.0, 140.0).min(width * 0.12).min(share);
        // Three columns sit at fixed places; more use the whole width, the
        // outer boxes a few pixels from the edges.
        let edge = ((half_w + 6.0) / width).min(0.5);
        let first = if columns > 3 { edge } else { FIRST_COLUMN.max(edge) };
        let gap = if columns > 1 { (1.0 - 2.0 * first) / (columns - 1) as f64 } else { 1.0 };
        let below = (0..topology.nodes.len()).map(|i| usable / counts[column(i)] as f64 - 2.0 * half_h).collect();
        let x_of = |c: usize| {
            if columns == 1 { width * 0.5 } else { width * (first + gap * c as f64) }
        };
        let mut seen = vec![0usize; columns];
        let centers = (0..topology.nodes.len())
            .map(|i| {
                let c = column(i);
                let row = seen[c] as f64;
                seen[c] += 1;
                let slot = usable / counts[c] as f64;
                (x_of(c), top + slot * (row + 0.5))
            })
            .collect();
        Layout { centers, half: (half_w, half_h), size: (width, height), below, text_scale, heading_y, columns }
    }

    /// Centre of node `id`.
    pub fn center(&self, id: NodeId) -> (f64, f64) {
        self.centers.get(usize::from(id)).copied().unwrap_or((0.0, 0.0))
    }

    /// The two ends of the link drawn from `from` to `to`: from box edge to box
    /// edge, shifted sideways so the two directions run side by side.
    pub fn link_ends(&self, from: NodeId, to: NodeId) -> ((f64, f64), (f64, f64)) {
        self.ends(from, to, (self.half.1 * 0.35).min(6.0))
    }

    /// The two ends of a one-way line from `from` to `to` (a binding), box
    /// edge to box edge through the centres.
    pub fn centre_ends(&self, from: NodeId, to: NodeId) -> ((f64, f64), (f64, f64)) {
        self.ends(from, to, 0.0)
    }

    fn ends(&self, from: NodeId, to: NodeId, offset: f64) -> ((f64, f64), (f64, f64)) {
        let (a, b) = (self.center(from), self.center(to));
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-6);
        let (ux, uy) = (dx / len, dy / len);
        // Leave the box where the line crosses its edge.
        let t = (self.half.0 / ux.abs().max(1e-6)).min(self.half.1 / uy.abs().max(1e-6));
        let (nx, ny) = (-uy * offset, ux * offset);
        ((a.0 + ux * t + nx, a.1 + uy * t + ny), (b.0 - ux * t + nx, b.1 - uy * t + ny))
    }

    /// The point a fraction `f` of the way along the link from `from` to `to`.
    pub fn along(&self, from: NodeId, to: NodeId, f: f64) -> (f64, f64) {
        let (a, b) = self.link_ends(from, to);
        let f = f.clamp(0.0, 1.0);
        (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f)
    }

    /// The node whose box contains `p`.
    pub fn node_at(&self, p: (f64, f64)) -> Option<NodeId> {
        self.centers
            .iter()
            .position(|c| (p.0 - c.0).abs() <= self.half.0 && (p.1 - c.1).abs() <= self.half.1 + 6.0)
            .map(|i| i as NodeId)
    }

    /// Distance from `p` to the segment `a`–`b`.
    pub fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) };
        let (x, y) = (a.0 + dx * t, a.1 + dy * t);
        ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_hits() {
        let s = msgsim_sim::presets::get("crash-before-ack").unwrap().scenario.clone();
        let t = Topology::new(&s);
        let l = Layout::new(&t, 1000.0, 600.0, 1.0);
        let (p, q, c1, c2) = (l.center(0), l.center(1), l.center(2), l.center(3));
        assert!(p.0 < q.0 && q.0 < c1.0);
        assert_eq!(c1.0, c2.0);
        assert!(c1.1 < c2.1);
        assert_eq!(l.node_at(q), Some(1));
        assert_eq!(l.node_at((500.0, 5.0)), None);
        let (a, b) = l.link_ends(0, 1);
        assert!(a.0 > p.0 + l.half.0 - 1.0 && b.0 < q.0 - l.half.0 + 1.0);
        let mid = l.along(0, 1, 0.5);
        assert!(Layout::distance_to_segment(mid, a, b) < 1e-9);
        // The two directions of a link do not overlap.
        let (ra, _) = l.link_ends(1, 0);
        assert!((ra.1 - b.1).abs() > 1.0);
    }

    #[test]
    fn every_box_stays_inside_the_canvas_however_many_columns() {
        for (preset, width) in [("fan-out", 410.0), ("pipeline-duplicates", 820.0), ("pipeline-duplicates", 400.0)] {
            let s = msgsim_sim::presets::get(preset).unwrap().scenario.clone();
            let t = Topology::new(&s);
            let l = Layout::new(&t, width, 330.0, 1.0);
            for &(x, _) in &l.centers {
                assert!(
                    x - l.half.0 >= 0.0 && x + l.half.0 <= width,
                    "{preset} at {width}: a box at {x} ± {}",
                    l.half.0
                );
            }
            let mut xs: Vec<f64> = l.centers.iter().map(|c| c.0).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            assert!(xs.windows(2).all(|w| w[1] - w[0] > 2.0 * l.half.0), "{preset} at {width}: boxes overlap");
        }
    }
}
