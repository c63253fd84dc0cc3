//! Choreography: a saga without an orchestrator.
//!
//! The group that takes an order sends the first step's request to its
//! service, and hears of the saga again only at its end. Each service,
//! having handled a request for the first time, sends the next event
//! itself: its step done, the next step's request (the last service: the
//! outcome, `step_done`, to the group); its step failed, a compensation to
//! the service before it (the first service: the outcome, `undone`); a
//! compensation done, the same onward, last first, down to the group.
//!
//! Each such event is a **hop**, kept by its sender as durably as its
//! record (an outbox row written with it) and sent until its receiver
//! answers `received`, after `timeout_ms`, then twice as long each time (at
//! most 64×). A crash loses no hop; a service that is down holds its sagas
//! up until it is back, and sends what it kept then. Nothing gives up and
//! compensates for a silent service, as an orchestrator does. A repeat (its
//! `received` lost) is answered from the receiver's record and passes
//! nothing on.
//!
//! Hops are bits of [`Run::hops`]: the request for step `k` is hop `k`,
//! the compensation of step `k` hop `COMPENSATE + k`, the outcome hop
//! `OUTCOME`. Only a first handling passes anything on, so each hop is
//! sent afresh at most once.

use super::{Alive, Phase, Record, Run, Sagas, backoff, run_mut};
use crate::context::Ctx;
use crate::event::{Event, Packet};
use crate::scenario::limits::MAX_SAGA_STEPS;
use crate::trace::{Cause, EventKind, MsgId, NodeId, PacketKind};

/// The first compensation's hop.
const COMPENSATE: u16 = MAX_SAGA_STEPS as u16;
/// The outcome's hop (the last service, or the first, to the group).
const OUTCOME: u16 = 2 * MAX_SAGA_STEPS as u16;

/// One hop as sent: who to whom, what, and the step it is about.
struct Hop {
    from: NodeId,
    to: NodeId,
    kind: PacketKind,
    step: u16,
}

impl Sagas {
    /// Where hop `hop` of `run` goes, if both ends can take part now: the
    /// group's end is the instance holding the order (once the saga ended,
    /// its first instance answers for the group), a service must be up.
    fn hop(&self, run: &Run, hop: u16) -> Option<Hop> {
        let plan = &self.plans[usize::from(run.plan)];
        let service = |j: u16| &self.services[usize::from(plan.steps[usize::from(j)].0)];
        let up = |j: u16| (!service(j).down).then(|| service(j).node);
        let group = run.runners.last().map(|r| r.node).or(run.ended().then_some(run.owner));
        let last = plan.steps.len() as u16 - 1;
        Some(if hop < COMPENSATE {
            let from = if hop == 0 { group? } else { up(hop - 1)? };
            Hop { from, to: service(hop).node, kind: PacketKind::Step, step: hop }
        } else if hop < OUTCOME {
            let j = hop - COMPENSATE;
            Hop { from: up(j + 1)?, to: service(j).node, kind: PacketKind::Compensate, step: j }
        } else if matches!(run.phase, Phase::Forward | Phase::Completed) {
            Hop { from: up(last)?, to: group?, kind: PacketKind::StepDone, step: OUTCOME }
        } else {
            Hop { from: up(0)?, to: group?, kind: PacketKind::Undone, step: OUTCOME }
        })
    }

    /// A new hop of the saga of `msg`: kept, sent, and its wait begun.
    pub(super) fn pass_on(&mut self, ctx: &mut Ctx, msg: MsgId, hop: u16) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, msg) else { return };
        run.hops |= 1 << hop;
        run.attempt = 1;
        run.seq = run.seq.wrapping_add(1);
        let wait = backoff(self.plans[usize::from(run.plan)].timeout, 1);
        ctx.schedule_in(wait, Event::SagaTimeout { msg, seq: run.seq });
        self.send_hops(ctx, msg, 1 << hop, false);
    }

    /// Sends again every hop of the saga of `msg` not yet acknowledged (on
    /// a timeout, counted as a retry, with the next wait begun; else
    /// because an end came back: an instance took the order again).
    pub(super) fn resend(&mut self, ctx: &mut Ctx, msg: MsgId, timed_out: bool) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, msg) else { return };
        let hops = run.hops;
        if timed_out {
            if hops == 0 {
                return;
            }
            run.attempt = run.attempt.saturating_add(1);
            run.seq = run.seq.wrapping_add(1);
            let wait = backoff(self.plans[usize::from(run.plan)].timeout, run.attempt);
            ctx.schedule_in(wait, Event::SagaTimeout { msg, seq: run.seq });
        }
        self.send_hops(ctx, msg, hops, timed_out);
    }

    /// Service node `node` is back: it sends what it kept while down.
    pub(super) fn resend_from(&mut self, ctx: &mut Ctx, node: NodeId, alive: Alive<'_>) {
        let mut waiting = Vec::new();
        for (msg, run) in self.runs.iter_mut() {
            if run.hops != 0 && self.plans[usize::from(run.plan)].chained {
                run.runners.retain(|r| alive(r));
                waiting.push(*msg);
            }
        }
        for msg in waiting {
            let Some(run) = self.run(msg) else { continue };
            let from_here = (0..=OUTCOME)
                .filter(|&h| run.hops & (1 << h) != 0 && self.hop(run, h).is_some_and(|hop| hop.from == node))
                .fold(0u64, |bits, h| bits | 1 << h);
            self.send_hops(ctx, msg, from_here, false);
        }
    }

    /// Sends hops `bits` of the saga of `msg` whose ends can take part.
    fn send_hops(&mut self, ctx: &mut Ctx, msg: MsgId, bits: u64, retry: bool) {
        let Some(run) = self.run(msg) else { return };
        let mut sent = 0;
        for h in (0..=OUTCOME).filter(|h| bits & (1 << h) != 0) {
            let Some(hop) = self.hop(run, h) else { continue };
            if retry {
                let mut e = ctx.record(EventKind::Timeout, hop.from, msg);
                e.peer = hop.to;
                e.attempt = run.attempt;
                e.delivery = hop.step;
                e.packet = hop.kind;
                ctx.emit_rare(e);
            }
            let mut p = Packet::new(hop.kind, hop.from, hop.to, msg);
            p.attempt = run.attempt;
            p.delivery = hop.step;
            ctx.send(p);
            sent += 1;
        }
        self.sent += sent;
    }

    /// Tells `to` that its hop `hop` about `msg` reached `from`.
    fn acknowledge(&mut self, ctx: &mut Ctx, from: NodeId, to: NodeId, msg: MsgId, hop: u16) {
        let mut p = Packet::new(PacketKind::Received, from, to, msg);
        p.delivery = hop;
        ctx.send(p);
        self.sent += 1;
    }

    /// A `received` reached the service that sent hop `p.delivery`: it
    /// stops sending it.
    pub(super) fn on_received(&mut self, p: Packet) {
        if let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg)
            && p.delivery <= OUTCOME
        {
            run.hops &= !(1 << p.delivery);
        }
    }

    /// A choreographed saga's service has handled request `p` (a step or a
    /// compensation): it acts on its record, acknowledges, and, the first
    /// time, passes the saga on.
    pub(super) fn on_served_chained(&mut self, ctx: &mut Ctx, p: Packet) {
        let Some(s) = self.services.get(self.service_of(p.to)) else { return };
        let (node, fail_probability) = (s.node, s.fail_probability);
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return };
        let steps = self.plans[usize::from(run.plan)].steps.len() as u16;
        let j = p.delivery;
        let Some(record) = run.records.get_mut(usize::from(j)) else { return };
        let mut e = ctx.record(EventKind::SagaStep, node, p.msg);
        e.peer = p.from;
        e.delivery = j;
        e.attempt = p.attempt;
        // Back along the chain: the step before, or the group.
        let back = if j == 0 { OUTCOME } else { COMPENSATE + j - 1 };
        let (hop, next, change) = if p.kind == PacketKind::Step {
            match *record {
                None if ctx.rng.chance(fail_probability) => {
                    *record = Some(Record::Failed);
                    e.cause = Cause::Failed;
                    run.phase = Phase::Compensating;
                    (j, Some(back), 0)
                }
                None => {
                    *record = Some(Record::Done);
                    e.cause = Cause::First;
                    (j, Some(if j + 1 < steps { j + 1 } else { OUTCOME }), 1)
                }
                Some(Record::Undone | Record::Tombstone) => {
                    e.cause = Cause::Cancelled;
                    (j, None, 0)
                }
                Some(_) => {
                    e.cause = Cause::Duplicate;
                    (j, None, 0)
                }
            }
        } else {
            e.kind = EventKind::SagaUndo;
            match *record {
                Some(Record::Done) => {
                    *record = Some(Record::Undone);
                    e.cause = Cause::First;
                    (COMPENSATE + j, Some(back), -1)
                }
                // A compensation follows its step along the chain, so this
                // cannot happen; were it to, the step is refused if it comes.
                None => {
                    *record = Some(Record::Tombstone);
                    e.cause = Cause::Cancelled;
                    (COMPENSATE + j, Some(back), 0)
                }
                _ => {
                    e.cause = Cause::Duplicate;
                    (COMPENSATE + j, None, 0)
                }
            }
        };
        run.changed(ctx.now, change);
        self.last = Some(p.msg);
        ctx.emit_rare(e);
        self.acknowledge(ctx, p.to, p.from, p.msg, hop);
        if let Some(next) = next {
            self.pass_on(ctx, p.msg, next);
        }
    }

    /// A choreographed saga's packet reached instance `p.to` of its group
    /// (`up`: the instance is running): the acknowledgement of the first
    /// step's request, or the saga's outcome, which ends it.
    pub(super) fn on_outcome(&mut self, ctx: &mut Ctx, p: Packet, alive: Alive<'_>, up: bool) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return };
        let here = up && (run.ended() || run.runners.iter().any(|r| r.node == p.to && alive(r)));
        let wanted = match p.kind {
            PacketKind::Received => p.delivery == 0,
            PacketKind::StepDone | PacketKind::Undone => p.delivery == OUTCOME,
            _ => false,
        };
        if !(here && wanted) {
            // For an instance that crashed since (the order's redelivery
            // takes the saga up), or not for the group at all.
            let mut e = ctx.packet_record(EventKind::Stale, &p);
            e.node = p.to;
            e.peer = p.from;
            ctx.emit_rare(e);
            return;
        }
        if p.kind == PacketKind::Received {
            run.hops &= !1;
            return;
        }
        if !run.ended() {
            run.runners.retain(|r| alive(r));
            let phase = if p.kind == PacketKind::StepDone { Phase::Completed } else { Phase::Compensated };
            self.end(ctx, p.msg, phase);
        }
        self.acknowledge(ctx, p.to, p.from, p.msg, OUTCOME);
    }
}
