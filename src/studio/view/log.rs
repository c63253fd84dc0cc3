//! The event log's rows, and how an event reads in words.

use std::rc::Rc;

use msgsim_sim::{Cause, EventKind, MsgId, NO_MSG, NO_NODE, PacketKind, TraceEvent, time};

use crate::i18n::{Key, Lang, t, tf};
use crate::studio::Studio;
use crate::studio::log::{KindFilter, LogFilter};

/// Rows the log renders beyond the visible ones.
pub const LOG_WINDOW: usize = 60;

/// One row of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// Row number (its position among the rows that pass the filter).
    pub row: usize,
    /// When, ms.
    pub time_ms: f64,
    /// What happened (its CSS class).
    pub kind: EventKind,
    /// What happened, translated.
    pub kind_text: String,
    /// The node where it happened (for a packet: its sender).
    pub node: String,
    /// For a packet: its receiver; else "".
    pub peer: String,
    /// The message it is about.
    pub msg: Option<MsgId>,
    /// Attempt, copy, packet and cause, in words.
    pub detail: String,
    /// It lies after the moment shown (drawn faint).
    pub future: bool,
    /// It is the last event shown.
    pub now: bool,
    /// It is about the selected message.
    pub selected: bool,
    /// Something went wrong or was repaired here.
    pub fault: bool,
}

/// What the event log shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LogView {
    /// The rows near the scroll position (the log is virtualised).
    pub rows: Vec<LogRow>,
    /// The first of them.
    pub first: usize,
    /// Rows that pass the filter, in all (the scroll height).
    pub total: usize,
    /// The row of "now".
    pub now_row: Option<usize>,
    /// Keep "now" in view.
    pub follow: bool,
    /// The filter.
    pub filter: LogFilter,
    /// The message-id field's text.
    pub msg_text: String,
    /// Node names, for the node filter.
    pub nodes: Rc<Vec<String>>,
    /// UI language.
    pub lang: Lang,
}

/// The translated name of an event kind.
pub fn kind_text(lang: Lang, k: EventKind) -> &'static str {
    use EventKind::*;
    t(
        lang,
        match k {
            Produce => Key::EvProduce,
            Send => Key::EvSend,
            Duplicate => Key::EvDuplicate,
            Lost => Key::EvLost,
            Arrive => Key::EvArrive,
            Enqueue => Key::EvEnqueue,
            Reject => Key::EvReject,
            Evict => Key::EvEvict,
            Requeue => Key::EvRequeue,
            DeadLetter => Key::EvDeadLetter,
            ProcessStart => Key::EvProcessStart,
            Effect => Key::EvEffect,
            DedupHit => Key::EvDedupHit,
            ProcessFail => Key::EvProcessFail,
            Confirm => Key::EvConfirm,
            Nack => Key::EvNack,
            Timeout => Key::EvTimeout,
            Backoff => Key::EvBackoff,
            GiveUp => Key::EvGiveUp,
            Stale => Key::EvStale,
            Discard => Key::EvDiscard,
            Crash => Key::EvCrash,
            Restart => Key::EvRestart,
            Append => Key::EvAppend,
            Commit => Key::EvCommit,
            Rebalance => Key::EvRebalance,
            Skip => Key::EvSkip,
            Deduplicated => Key::EvDeduplicated,
            BrokerCrash => Key::EvBrokerCrash,
            BrokerRestart => Key::EvBrokerRestart,
            Failover => Key::EvFailover,
            HighWatermark => Key::EvHighWatermark,
            EventLost => Key::EvEventLost,
            Phantom => Key::EvPhantom,
            Held => Key::EvHeld,
            SagaStep => Key::EvSagaStep,
            SagaUndo => Key::EvSagaUndo,
            SagaEnd => Key::EvSagaEnd,
            TxPrepare => Key::EvTxPrepare,
            TxDecide => Key::EvTxDecide,
            VersionConflict => Key::EvVersionConflict,
            LostUpdate => Key::EvLostUpdate,
            Rebuild => Key::EvRebuild,
            Replay => Key::EvReplay,
            Snapshot => Key::EvSnapshot,
        },
    )
}

/// The translated name of a packet kind.
pub fn packet_text(lang: Lang, p: PacketKind) -> &'static str {
    t(
        lang,
        match p {
            PacketKind::None => return "",
            PacketKind::Publish => Key::PkPublish,
            PacketKind::Confirm => Key::PkConfirm,
            PacketKind::Reject => Key::PkReject,
            PacketKind::Deliver => Key::PkDeliver,
            PacketKind::Ack => Key::PkAck,
            PacketKind::Nack => Key::PkNack,
            PacketKind::Request => Key::PkRequest,
            PacketKind::Reply => Key::PkReply,
            PacketKind::Fault => Key::PkFault,
            PacketKind::Fetch => Key::PkFetch,
            PacketKind::Records => Key::PkRecords,
            PacketKind::CommitOffset => Key::PkCommitOffset,
            PacketKind::CommitAck => Key::PkCommitAck,
            PacketKind::Step => Key::PkStep,
            PacketKind::Compensate => Key::PkCompensate,
            PacketKind::StepDone => Key::PkStepDone,
            PacketKind::StepFailed => Key::PkStepFailed,
            PacketKind::Undone => Key::PkUndone,
            PacketKind::Prepare => Key::PkPrepare,
            PacketKind::VoteCommit => Key::PkVoteCommit,
            PacketKind::VoteAbort => Key::PkVoteAbort,
            PacketKind::Commit => Key::PkCommit,
            PacketKind::Abort => Key::PkAbort,
            PacketKind::Decided => Key::PkDecided,
            PacketKind::Received => Key::PkReceived,
        },
    )
}

/// The translated name of a cause.
pub fn cause_text(lang: Lang, c: Cause) -> &'static str {
    t(
        lang,
        match c {
            Cause::None => return "",
            Cause::Loss => Key::CauseLoss,
            Cause::Outage => Key::CauseOutage,
            Cause::NodeDown => Key::CauseNodeDown,
            Cause::Crash => Key::CauseCrash,
            Cause::AckTimeout => Key::CauseAckTimeout,
            Cause::Nack => Key::CauseNack,
            Cause::Disconnect => Key::CauseDisconnect,
            Cause::First => Key::CauseFirst,
            Cause::Duplicate => Key::CauseDuplicate,
            Cause::OutOfOrder => Key::CauseOutOfOrder,
            Cause::Failed => Key::CauseFailed,
            Cause::QueueFull => Key::CauseQueueFull,
            Cause::Unroutable => Key::CauseUnroutable,
            Cause::Expired => Key::CauseExpired,
            Cause::Revoked => Key::CauseRevoked,
            Cause::Failover => Key::CauseFailover,
            Cause::TooFewReplicas => Key::CauseTooFewReplicas,
            Cause::BufferFull => Key::CauseBufferFull,
            Cause::Recovered => Key::CauseRecovered,
            Cause::OldVersion => Key::CauseOldVersion,
            Cause::Cancelled => Key::CauseCancelled,
            Cause::Completed => Key::CauseCompleted,
            Cause::Compensated => Key::CauseCompensated,
            Cause::Committed => Key::CauseCommitted,
            Cause::Aborted => Key::CauseAborted,
            Cause::Locked => Key::CauseLocked,
            Cause::Gap => Key::CauseGap,
            Cause::Rebuilt => Key::CauseRebuilt,
        },
    )
}

/// Who sent and who received, for an event about a packet: an arrival is
/// recorded at its receiver, so its ends are the other way round.
pub fn ends(e: &TraceEvent) -> (u16, u16) {
    if e.kind == EventKind::Arrive { (e.peer, e.node) } else { (e.node, e.peer) }
}

/// Attempt, copy, packet and cause of an event, in words.
pub fn detail(lang: Lang, e: &TraceEvent) -> String {
    let mut parts: Vec<String> = Vec::new();
    if e.packet != PacketKind::None {
        parts.push(packet_text(lang, e.packet).to_string());
    }
    if e.attempt > 1 {
        parts.push(tf(lang, Key::AttemptN, &[&e.attempt]));
    }
    if e.copy > 0 {
        parts.push(tf(lang, Key::CopyN, &[&e.copy]));
    }
    if e.delivery > 1 {
        parts.push(tf(lang, Key::DeliveryN, &[&e.delivery]));
    }
    if e.cause != Cause::None {
        parts.push(cause_text(lang, e.cause).to_string());
    }
    parts.join(" · ")
}

impl Studio {
    /// The log's view: the rows around the scroll position (or "now").
    pub fn log_view(&self) -> LogView {
        let log = &self.log;
        let trace = self.session.run.trace();
        let cursor = self.playback.clock.cursor;
        let names = self.node_names();
        let now_row = log.index.row_before(cursor);
        let total = log.index.len();
        let first = if log.follow { now_row.map_or(0, |r| r.saturating_sub(LOG_WINDOW / 3)) } else { log.first }
            .min(total.saturating_sub(1));
        let name =
            |n: u16| if n == NO_NODE { String::new() } else { names.get(usize::from(n)).cloned().unwrap_or_default() };
        let lang = self.present.lang;
        let rows = (first..(first + LOG_WINDOW).min(total))
            .filter_map(|row| {
                let i = log.index.event_at(row)?;
                let e = &trace[i];
                let (from, to) = ends(e);
                Some(LogRow {
                    row,
                    time_ms: time::to_ms(e.time),
                    kind: e.kind,
                    kind_text: kind_text(lang, e.kind).to_string(),
                    node: name(from),
                    peer: name(to),
                    msg: (e.msg != NO_MSG).then_some(e.msg),
                    detail: detail(lang, e),
                    future: i >= cursor,
                    now: Some(row) == now_row,
                    selected: self.selection.msg.is_some_and(|m| m == e.msg),
                    fault: KindFilter::Faults.accepts(e),
                })
            })
            .collect();
        LogView {
            rows,
            first,
            total,
            now_row,
            follow: log.follow,
            filter: log.index.filter,
            msg_text: log.msg_typing.clone().unwrap_or_else(|| log.msg_text.clone()),
            nodes: names,
            lang,
        }
    }
}
