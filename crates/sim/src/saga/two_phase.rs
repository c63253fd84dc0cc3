//! Two-phase commit over the saga's services, for contrast.
//!
//! The coordinator (the orchestrating group) sends `prepare` to every
//! participant at once. A participant that can do its part locks the
//! order's key, records itself prepared and votes to commit; one that
//! cannot (a business failure, or the key locked by another transaction)
//! votes to abort. With every vote in, the coordinator logs the decision,
//! commit, and tells every participant; a vote to abort, or a participant
//! silent after `max_attempts` tries, makes it abort instead. A decision is
//! sent until every participant has answered it.
//!
//! What the contrast shows: a prepared participant can neither commit nor
//! let go on its own. It holds its lock until the decision reaches it — for
//! as long as the coordinator is down, if it crashed between the phases —
//! and meanwhile every other transaction on that key is refused. A saga's
//! services never wait for each other.

use super::{Lock, Phase, Record, Sagas, all_bits, run_mut};
use crate::context::Ctx;
use crate::event::Packet;
use crate::trace::{Cause, EventKind, MsgId, PacketKind};

impl Sagas {
    /// A participant has handled `prepare`, `commit` or `abort` request `p`.
    pub(super) fn on_served_two_phase(&mut self, ctx: &mut Ctx, p: Packet) {
        let i = self.service_of(p.to);
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return };
        let Some(s) = self.services.get_mut(i) else { return };
        let Some(record) = run.records.get_mut(usize::from(p.delivery)) else { return };
        let key = run.key;
        let mut e = ctx.record(EventKind::TxPrepare, s.node, p.msg);
        e.peer = p.from;
        e.delivery = p.delivery;
        e.attempt = p.attempt;
        e.packet = p.kind;
        let (answer, change) = match (p.kind, *record) {
            (PacketKind::Prepare, None) => {
                if s.locks.iter().any(|l| l.key == key) {
                    *record = Some(Record::Failed);
                    e.cause = Cause::Locked;
                    (PacketKind::VoteAbort, 0)
                } else if ctx.rng.chance(s.fail_probability) {
                    *record = Some(Record::Failed);
                    e.cause = Cause::Failed;
                    (PacketKind::VoteAbort, 0)
                } else {
                    *record = Some(Record::Prepared);
                    s.locks.push(Lock { key, msg: p.msg, since: ctx.now });
                    e.cause = Cause::First;
                    (PacketKind::VoteCommit, 0)
                }
            }
            (PacketKind::Prepare, Some(Record::Prepared | Record::Done)) => {
                e.cause = Cause::Duplicate;
                (PacketKind::VoteCommit, 0)
            }
            (PacketKind::Prepare, Some(Record::Tombstone)) => {
                e.cause = Cause::Cancelled;
                (PacketKind::VoteAbort, 0)
            }
            (PacketKind::Prepare, Some(_)) => {
                e.cause = Cause::Duplicate;
                (PacketKind::VoteAbort, 0)
            }
            (decision, Some(Record::Prepared)) => {
                e.kind = EventKind::TxDecide;
                e.cause = Cause::First;
                if let Some(at) = s.locks.iter().position(|l| l.msg == p.msg) {
                    let lock = s.locks.swap_remove(at);
                    self.held.push(ctx.now - lock.since);
                }
                if decision == PacketKind::Commit {
                    *record = Some(Record::Done);
                    (PacketKind::Decided, 1)
                } else {
                    *record = Some(Record::Tombstone);
                    (PacketKind::Decided, 0)
                }
            }
            (decision, previous) => {
                // An abort before any prepare leaves a tombstone: the
                // prepare, if it comes, is refused.
                e.kind = EventKind::TxDecide;
                e.cause = if decision == PacketKind::Abort && previous.is_none() {
                    *record = Some(Record::Tombstone);
                    Cause::Cancelled
                } else {
                    Cause::Duplicate
                };
                (PacketKind::Decided, 0)
            }
        };
        run.changed(ctx.now, change);
        self.answer(ctx, e, p, answer);
    }

    /// A vote or an acknowledged decision reached the coordinator (the run
    /// is waiting for it from that participant). True if the coordinator
    /// crashes now, having logged a decision it has not sent.
    pub(super) fn on_vote_or_ack(&mut self, ctx: &mut Ctx, p: Packet, steps: u16) -> bool {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return false };
        let plan = run.plan;
        run.pending &= !(1 << p.delivery);
        let all = all_bits(usize::from(steps));
        match (p.kind, run.phase) {
            // Abort, logged: every participant that may have prepared is told.
            (PacketKind::VoteAbort, _) => run.decide(Phase::Compensating, all & !(1 << p.delivery)),
            (_, phase) if run.pending == 0 => {
                if phase != Phase::Forward {
                    let end = if phase == Phase::Committing { Phase::Completed } else { Phase::Compensated };
                    self.end(ctx, p.msg, end);
                    return false;
                }
                // Every vote is to commit: logged, then told to all.
                run.decide(Phase::Committing, all);
            }
            _ => return false, // more answers to come
        }
        // An abort voted by the only participant has nobody left to tell.
        let told = run.pending == 0;
        // The decision is logged; a crash now leaves every prepared
        // participant waiting for it.
        if self.crashes_between(ctx, plan) {
            return true;
        }
        if told {
            self.end(ctx, p.msg, Phase::Compensated);
            return false;
        }
        self.ask(ctx, p.msg);
        false
    }

    /// The checker's part for a two-phase commit: a participant holds the
    /// lock on the order's key exactly while it is prepared, and no key is
    /// locked twice at a participant.
    pub(super) fn check_locks(&self, msg: MsgId, run: &super::Run, plan: &super::Plan) -> Result<(), String> {
        for (j, &(service, _)) in plan.steps.iter().enumerate() {
            let s = &self.services[usize::from(service)];
            let locks: Vec<&Lock> = s.locks.iter().filter(|l| l.key == run.key).collect();
            let holds = locks.iter().any(|l| l.msg == msg);
            if locks.len() > 1 {
                return Err(format!("participant {} holds key {} locked {} times", s.node, run.key, locks.len()));
            }
            if holds != (run.records[j] == Some(Record::Prepared)) {
                return Err(format!(
                    "transaction of message {msg} at participant {}: record {:?}, lock held {holds}",
                    s.node, run.records[j]
                ));
            }
        }
        Ok(())
    }
}
