//! A seekable index over a trace.
//!
//! The UI shows any moment of a run: counters, queue depths, busy slots and the
//! packets in flight. Instead of re-running the engine, the timeline keeps a
//! checkpoint every [`CHECKPOINT_EVERY`] events — the [`Metrics`] fold at that
//! point and the transmissions open there — and rebuilds a moment by folding
//! the few events after the nearest checkpoint. It also keeps a compact time
//! series for charts.

use crate::metrics::{Metrics, RETRY_WINDOW};
use crate::time::Time;
use crate::trace::{EventKind, TraceEvent};

/// Events between checkpoints: bounds the work of a seek.
pub const CHECKPOINT_EVERY: usize = 4_096;

/// Most points kept in the chart series (older points are merged in pairs).
pub const MAX_SAMPLES: usize = 512;

#[derive(Clone, Debug)]
struct Checkpoint {
    /// Events folded in (the checkpoint sits before event `index`).
    index: usize,
    metrics: Metrics,
    /// Trace indices of the sends still on their link.
    open: Vec<u32>,
}

/// How a transmission ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fate {
    /// Not indexed yet.
    #[default]
    Unknown,
    /// It reached the receiver.
    Arrived,
    /// It was lost on the way (its send's `end` is the loss point, half-way).
    Lost,
}

/// One point of the chart series.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    /// Simulated time, µs.
    pub time: Time,
    /// Ready messages over all queues.
    pub queue_depth: u64,
    /// Message-carrying packets on links.
    pub in_flight: u64,
    /// Message copies delivered to consumers so far.
    pub delivered: u64,
    /// Message packets lost so far.
    pub lost: u64,
    /// Duplicate effects so far.
    pub duplicate_effects: u64,
    /// Effects applied so far (first applications).
    pub applied: u64,
    /// Consumer lag of every group reading a topic, together.
    pub lag: u64,
    /// Consumer lag per group reading a topic (by log-group number): the
    /// first [`LAG_LINES`] − 1 groups each, the rest together in the last.
    pub lag_by_group: [u64; LAG_LINES],
}

/// Lines of consumer lag a sample keeps (see [`Sample::lag_by_group`]).
pub const LAG_LINES: usize = 4;

/// Index over a growing trace. Feed it with [`extend`](Self::extend) as the
/// engine produces events; query any position below [`len`](Self::len).
#[derive(Clone, Debug)]
pub struct Timeline {
    checkpoints: Vec<Checkpoint>,
    /// The fold over every indexed event.
    head: Metrics,
    /// Sends open after the last indexed event.
    open: Vec<u32>,
    /// Position in `open` of each transmission id (u32::MAX when closed).
    open_pos: Vec<u32>,
    /// Trace index of the send (or duplicate) of each transmission id.
    send_index: Vec<u32>,
    /// How each transmission ended, once indexed.
    fate: Vec<Fate>,
    indexed: usize,
    samples: Vec<Sample>,
    sample_width: Time,
    /// Retries that reached brokers per 10 ms window: `(window, count)` for
    /// every window with at least one, in time order (sparse, so a long run
    /// with few retries costs little).
    retry_windows: Vec<(u64, u32)>,
}

impl Timeline {
    /// An empty timeline; `empty` is the metrics fold before any event
    /// (see [`Simulation::fresh_metrics`](crate::Simulation::fresh_metrics)).
    pub fn new(empty: Metrics) -> Self {
        Timeline {
            checkpoints: vec![Checkpoint { index: 0, metrics: empty.clone(), open: Vec::new() }],
            head: empty,
            open: Vec::new(),
            open_pos: Vec::new(),
            send_index: Vec::new(),
            fate: Vec::new(),
            indexed: 0,
            samples: Vec::new(),
            sample_width: 1_000,
            retry_windows: Vec::new(),
        }
    }

    /// Events indexed so far.
    pub fn len(&self) -> usize {
        self.indexed
    }

    /// Whether nothing is indexed yet.
    pub fn is_empty(&self) -> bool {
        self.indexed == 0
    }

    /// The fold over every indexed event.
    pub fn head(&self) -> &Metrics {
        &self.head
    }

    /// Indexes the events of `trace` not seen yet (`trace` must extend the one
    /// given before).
    pub fn extend(&mut self, trace: &[TraceEvent]) {
        for i in self.indexed..trace.len() {
            let e = &trace[i];
            self.head.apply(e);
            match e.kind {
                EventKind::Send | EventKind::Duplicate => {
                    let tx = e.tx as usize;
                    if self.send_index.len() <= tx {
                        self.send_index.resize(tx + 1, u32::MAX);
                        self.open_pos.resize(tx + 1, u32::MAX);
                        self.fate.resize(tx + 1, Fate::Unknown);
                    }
                    self.send_index[tx] = i as u32;
                    self.open_pos[tx] = self.open.len() as u32;
                    self.open.push(i as u32);
                }
                EventKind::Arrive | EventKind::Lost => {
                    if e.is_retry_arrival() {
                        let w = e.time / RETRY_WINDOW;
                        match self.retry_windows.last_mut() {
                            Some((last, n)) if *last == w => *n += 1,
                            _ => self.retry_windows.push((w, 1)),
                        }
                    }
                    if let Some(f) = self.fate.get_mut(e.tx as usize) {
                        *f = if e.kind == EventKind::Lost { Fate::Lost } else { Fate::Arrived };
                    }
                    self.close(trace, e.tx as usize)
                }
                _ => {}
            }
            self.indexed = i + 1;
            self.sample(e.time);
            if self.indexed.is_multiple_of(CHECKPOINT_EVERY) {
                self.checkpoints.push(Checkpoint {
                    index: self.indexed,
                    metrics: self.head.clone(),
                    open: self.open.clone(),
                });
            }
        }
    }

    fn close(&mut self, trace: &[TraceEvent], tx: usize) {
        let Some(&pos) = self.open_pos.get(tx) else { return };
        if pos == u32::MAX {
            return;
        }
        self.open_pos[tx] = u32::MAX;
        self.open.swap_remove(pos as usize);
        if let Some(&moved) = self.open.get(pos as usize) {
            self.open_pos[trace[moved as usize].tx as usize] = pos;
        }
    }

    fn sample(&mut self, time: Time) {
        let c = &self.head.counts;
        let s = Sample {
            time,
            queue_depth: self.head.total_depth,
            in_flight: self.head.messages_in_flight,
            delivered: c.delivered,
            lost: c.lost_in_transit,
            duplicate_effects: c.duplicate_effects,
            applied: c.unique_effects,
            lag: self.head.lag.total(),
            lag_by_group: self.head.lag.by_group(),
        };
        // One point per bucket of `sample_width`: the latest state in it.
        match self.samples.last_mut() {
            Some(last) if last.time / self.sample_width == time / self.sample_width => *last = s,
            _ => self.samples.push(s),
        }
        if self.samples.len() > MAX_SAMPLES {
            self.sample_width *= 2;
            let w = self.sample_width;
            let mut merged: Vec<Sample> = Vec::with_capacity(MAX_SAMPLES / 2 + 1);
            for s in self.samples.drain(..) {
                match merged.last_mut() {
                    Some(last) if last.time / w == s.time / w => *last = s,
                    _ => merged.push(s),
                }
            }
            self.samples = merged;
        }
    }

    /// Retries that reached brokers per [`RETRY_WINDOW`]: `(window index,
    /// count)` for each window that had any, in time order.
    pub fn retry_windows(&self) -> &[(u64, u32)] {
        &self.retry_windows
    }

    /// The chart series: at most [`MAX_SAMPLES`] points, in time order.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Number of events with time ≤ `t` (the position "at time t").
    pub fn position_at(&self, trace: &[TraceEvent], t: Time) -> usize {
        trace[..self.indexed.min(trace.len())].partition_point(|e| e.time <= t)
    }

    fn checkpoint_before(&self, position: usize) -> &Checkpoint {
        let i = self.checkpoints.partition_point(|c| c.index <= position);
        &self.checkpoints[i.saturating_sub(1)]
    }

    /// The metrics fold after the first `position` events (positions past
    /// what is indexed, or past `trace`, are clamped).
    pub fn metrics_at(&self, trace: &[TraceEvent], position: usize) -> Metrics {
        let position = position.min(self.indexed).min(trace.len());
        if position == self.indexed {
            return self.head.clone();
        }
        let cp = self.checkpoint_before(position);
        let mut m = cp.metrics.clone();
        for e in &trace[cp.index..position] {
            m.apply(e);
        }
        m
    }

    /// Trace indices of the sends on their link after the first `position`
    /// events, in no particular order.
    pub fn open_at(&self, trace: &[TraceEvent], position: usize) -> Vec<u32> {
        let position = position.min(self.indexed).min(trace.len());
        let cp = self.checkpoint_before(position);
        let mut open: Vec<u32> = cp.open.clone();
        let mut closed: Vec<u64> = Vec::new();
        for (i, e) in trace[cp.index..position].iter().enumerate() {
            match e.kind {
                EventKind::Send | EventKind::Duplicate => open.push((cp.index + i) as u32),
                EventKind::Arrive | EventKind::Lost => closed.push(u64::from(e.tx)),
                _ => {}
            }
        }
        if !closed.is_empty() {
            crate::sorted::sort_u64(&mut closed);
            open.retain(|&i| closed.binary_search(&u64::from(trace[i as usize].tx)).is_err());
        }
        open
    }

    /// Trace index of the send or duplicate that started transmission `tx`.
    pub fn send_of(&self, tx: u32) -> Option<usize> {
        self.send_index.get(tx as usize).filter(|&&i| i != u32::MAX).map(|&i| i as usize)
    }

    /// How transmission `tx` ended, as far as indexed.
    pub fn fate(&self, tx: u32) -> Fate {
        self.fate.get(tx as usize).copied().unwrap_or(Fate::Unknown)
    }
}
