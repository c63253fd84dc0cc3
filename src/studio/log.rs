//! The event log: its filter, its incrementally maintained list of matches,
//! and where it is scrolled.

use msgsim_sim::{EventKind, MsgId, NO_MSG, NodeId, TraceEvent};

use super::Cmd;
use super::run::Run;

/// Something the user did in the event log.
#[derive(Clone, Debug, PartialEq)]
pub enum LogEvent {
    /// A new filter.
    SetFilter(LogFilter),
    /// Text being typed into the message-id field.
    MsgTyping(String),
    /// The message-id field's text, committed (`#17` or `17`).
    MsgText(String),
    /// The log scrolled to show row `0` first.
    Scroll(usize),
    /// Row `0` was clicked: show that moment and select its message.
    Row(usize),
}

/// The event log's state.
#[derive(Clone, Debug, PartialEq)]
pub struct LogState {
    /// The rows that pass the filter.
    pub index: LogIndex,
    /// First row shown when not following.
    pub first: usize,
    /// The message-id field's committed text.
    pub msg_text: String,
    /// What is being typed into it.
    pub msg_typing: Option<String>,
    /// Keep "now" in view while playing.
    pub follow: bool,
}

impl Default for LogState {
    fn default() -> Self {
        LogState { index: LogIndex::default(), first: 0, msg_text: String::new(), msg_typing: None, follow: true }
    }
}

/// Rows around "now" that count as still following it.
const FOLLOW_ROWS: usize = 40;

impl LogState {
    /// Handles one event; `cursor` is the number of trace events shown.
    pub fn update(&mut self, ev: LogEvent, run: &Run, cursor: usize) -> Vec<Cmd> {
        match ev {
            LogEvent::SetFilter(f) => {
                self.index.set_filter(f);
                self.index.update(run.trace());
                self.follow = true;
            }
            LogEvent::MsgTyping(text) => self.msg_typing = Some(text),
            LogEvent::MsgText(text) => {
                self.msg_typing = None;
                let msg = text.trim().trim_start_matches('#').parse::<MsgId>().ok();
                self.msg_text = text;
                self.index.set_filter(LogFilter { msg, ..self.index.filter });
                self.index.update(run.trace());
            }
            LogEvent::Scroll(first) => {
                self.first = first;
                // Scrolling away from "now" stops following it.
                let now = self.index.row_before(cursor).unwrap_or(0);
                self.follow = now >= first && now < first + FOLLOW_ROWS;
            }
            LogEvent::Row(row) => {
                let Some(i) = self.index.event_at(row) else { return Vec::new() };
                let msg = run.trace()[i].msg;
                let mut cmds = vec![Cmd::SeekEvent(i)];
                if msg != NO_MSG {
                    cmds.push(Cmd::Select(Some(msg)));
                }
                return cmds;
            }
        }
        Vec::new()
    }

    /// A new run: the rows are found again as it is computed.
    pub fn reset(&mut self) {
        self.index.reset();
    }
}

/// Groups of event kinds offered by the kind filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KindFilter {
    /// Everything.
    #[default]
    All,
    /// Only what went wrong or was repaired: losses, duplicates, timeouts,
    /// retries, rejects, crashes, dead letters, dedup hits, duplicate effects.
    Faults,
    /// Business outcomes: effects and dedup hits.
    Outcomes,
    /// One kind.
    Kind(EventKind),
}

impl KindFilter {
    /// Whether an event passes.
    pub fn accepts(self, e: &TraceEvent) -> bool {
        use EventKind::*;
        match self {
            KindFilter::All => true,
            KindFilter::Faults => {
                matches!(
                    e.kind,
                    Lost | Duplicate
                        | Timeout
                        | Backoff
                        | GiveUp
                        | Reject
                        | Evict
                        | Requeue
                        | DeadLetter
                        | Crash
                        | Restart
                        | Discard
                        | DedupHit
                        | Stale
                        | Nack
                        | ProcessFail
                ) || (e.kind == Effect && e.cause == msgsim_sim::Cause::Duplicate)
                    || (e.kind == Send && e.attempt > 1 && e.packet.carries_message() && e.delivery <= 1)
            }
            KindFilter::Outcomes => matches!(e.kind, Effect | DedupHit | DeadLetter | GiveUp),
            KindFilter::Kind(k) => e.kind == k,
        }
    }

    /// A stable text form, for `<select>` values.
    pub fn code(self) -> String {
        match self {
            KindFilter::All => "all".into(),
            KindFilter::Faults => "faults".into(),
            KindFilter::Outcomes => "outcomes".into(),
            KindFilter::Kind(k) => k.name().into(),
        }
    }

    /// Parses [`code`](Self::code).
    pub fn from_code(code: &str) -> Self {
        match code {
            "faults" => KindFilter::Faults,
            "outcomes" => KindFilter::Outcomes,
            _ => EventKind::ALL.iter().find(|k| k.name() == code).map_or(KindFilter::All, |&k| KindFilter::Kind(k)),
        }
    }
}

/// What the log shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only events at or to this node.
    pub node: Option<NodeId>,
    /// Only events about this message.
    pub msg: Option<MsgId>,
    /// Only these kinds.
    pub kind: KindFilter,
}

impl LogFilter {
    /// Whether an event passes.
    pub fn accepts(&self, e: &TraceEvent) -> bool {
        self.node.is_none_or(|n| e.node == n || e.peer == n)
            && self.msg.is_none_or(|m| e.msg == m)
            && self.kind.accepts(e)
    }
}

/// The trace indices that pass the filter, kept up to date as the trace grows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogIndex {
    /// The filter.
    pub filter: LogFilter,
    /// Matching trace indices, ascending.
    pub matches: Vec<u32>,
    scanned: usize,
}

impl LogIndex {
    /// Sets a new filter (the matches are rebuilt on the next update).
    pub fn set_filter(&mut self, filter: LogFilter) {
        if filter != self.filter {
            self.filter = filter;
            self.matches.clear();
            self.scanned = 0;
        }
    }

    /// Forgets everything (a new run).
    pub fn reset(&mut self) {
        self.matches.clear();
        self.scanned = 0;
    }

    /// Scans the events not seen yet.
    pub fn update(&mut self, trace: &[TraceEvent]) {
        if self.filter == LogFilter::default() {
            // Every event matches: the row number is the trace index.
            self.scanned = trace.len();
            return;
        }
        for (i, e) in trace.iter().enumerate().skip(self.scanned) {
            if self.filter.accepts(e) {
                self.matches.push(i as u32);
            }
        }
        self.scanned = trace.len();
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        if self.filter == LogFilter::default() { self.scanned } else { self.matches.len() }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The trace index of row `row`.
    pub fn event_at(&self, row: usize) -> Option<usize> {
        if self.filter == LogFilter::default() {
            (row < self.scanned).then_some(row)
        } else {
            self.matches.get(row).map(|&i| i as usize)
        }
    }

    /// The row of the last event before trace position `cursor` (the "now" row).
    pub fn row_before(&self, cursor: usize) -> Option<usize> {
        if self.filter == LogFilter::default() {
            cursor.min(self.scanned).checked_sub(1)
        } else {
            self.matches.partition_point(|&i| (i as usize) < cursor).checked_sub(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::preset_run;

    #[test]
    fn a_row_click_shows_its_moment_and_message_and_scrolling_away_stops_following() {
        let mut run =
            Run::new(&msgsim_sim::presets::get("lossy-fire-and-forget").unwrap().scenario.clone(), 1).unwrap();
        while run.compute(50_000) {}
        let mut log = LogState::default();
        log.index.update(run.trace());
        let cmds = log.update(LogEvent::Row(5), &run, 0);
        assert!(matches!(cmds.as_slice(), [Cmd::SeekEvent(5), Cmd::Select(Some(_))]));
        log.update(LogEvent::Scroll(500), &run, 10);
        assert!(!log.follow);
        log.update(LogEvent::MsgText("#3".into()), &run, 10);
        assert_eq!(log.index.filter.msg, Some(3));
        assert!(log.msg_typing.is_none());
    }

    #[test]
    fn filters_and_incremental_matches() {
        let sim = preset_run("acks-and-retries", None);
        let trace = sim.trace();
        let mut all = LogIndex::default();
        all.update(trace);
        assert_eq!(all.len(), trace.len());
        assert_eq!(all.row_before(10), Some(9));

        let mut idx = LogIndex::default();
        idx.set_filter(LogFilter { msg: Some(3), ..Default::default() });
        idx.update(&trace[..trace.len() / 2]);
        idx.update(trace);
        let brute: Vec<u32> = (0..trace.len() as u32).filter(|&i| trace[i as usize].msg == 3).collect();
        assert_eq!(idx.matches, brute);

        idx.set_filter(LogFilter { kind: KindFilter::Kind(EventKind::Lost), ..Default::default() });
        idx.update(trace);
        assert_eq!(idx.len() as u64, sim.report().counts.lost_in_transit + sim.report().counts.control_lost);
        idx.set_filter(LogFilter { kind: KindFilter::Faults, ..Default::default() });
        idx.update(trace);
        assert!(idx.matches.iter().all(|&i| KindFilter::Faults.accepts(&trace[i as usize])));
        assert_eq!(
            KindFilter::from_code(&KindFilter::Kind(EventKind::DedupHit).code()),
            KindFilter::Kind(EventKind::DedupHit)
        );
    }
}
