//! Sagas: one business transaction as a series of local steps, each done by
//! a service of its own, with a compensation for each step that can be
//! undone — instead of a distributed transaction.
//!
//! A consumer group with `saga` is the **orchestrator**. Each message it
//! takes from its queue (an order) starts a saga: after its own processing
//! time it asks the first step's service to do the step (a `step` packet),
//! waits for the answer (`step_done` or `step_failed`) and goes on to the
//! next. A business failure (a declined card: nothing changed at that
//! service) turns the saga round: the orchestrator asks the services of the
//! steps done so far to compensate (`compensate`, answered `undone`), last
//! first. When the saga ends, all done or all compensated, the orchestrator
//! applies the message's effect (the order's final state) and acks it, as
//! any consumer does.
//!
//! Over an unreliable network an answer may never come. The orchestrator
//! asks again after `timeout_ms`, waiting twice as long after each retry
//! (at most 64×); after `max_attempts` it counts the step failed and
//! compensates it too (it may have happened). A step without a
//! compensation, and every compensation, is asked until it answers.
//!
//! The services make this safe. Each keeps a record per saga: a repeated
//! request is answered from it, never done twice, and a compensation that
//! comes before its step (the step's request still on its way) leaves a
//! **tombstone**: the step, when it comes, is refused. The saga log is
//! durable: an orchestrator that crashes mid-saga loses only its in-memory
//! wait; the queue redelivers the order and whichever instance takes it
//! resumes the saga where it stood (a saga already ended is only acked).
//!
//! The checker's view: a saga ends **completed** (every step done) or
//! **compensated** (none in force), never half; its **inconsistency
//! window** is the time from the first change at a service to the last (the
//! services disagree meanwhile); sagas still open when the run stops are
//! counted.
//!
//! A **choreography** (`protocol: choreography`, in [`choreography`]) runs
//! the same steps without an orchestrator: each service, its step done,
//! passes the saga on to the next, and compensations pass back.
//!
//! **Two-phase commit** (`protocol: two_phase_commit`, in [`two_phase`]) runs
//! the same services as participants of a distributed transaction instead,
//! for contrast: they lock the order's key while prepared, and a coordinator
//! that crashes between the phases leaves them locked until the order's
//! redelivery finishes the transaction.

mod choreography;
mod two_phase;

use crate::context::Ctx;
use crate::dist::{Dist, Draw};
use crate::event::{Event, Packet};
use crate::scenario::limits::MAX_SAGA_STEPS;
use crate::scenario::{CrashPoint, Protocol, SagaSpec, Scenario};
use crate::service::Server;
use crate::time::{self, Time};
use crate::trace::{Cause, EventKind, MsgId, NodeId, PacketKind};

/// How many times a wait doubles on retries (then it stays at 64× the timeout).
const MAX_DOUBLINGS: u16 = 6;

/// The slot of a [`Runner`] that holds no job: a two-phase commit's
/// coordinator recovering its transactions after a restart.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// A consumer instance's job that runs a saga: finishing it is a
/// `ProcessDone` for this slot in this crash epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Runner {
    pub consumer: u16,
    pub node: NodeId,
    pub epoch: u32,
    pub slot: u32,
}

/// What a service holds for one saga's step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Record {
    /// The step is in force.
    Done,
    /// The step failed: nothing changed.
    Failed,
    /// The step was done, then compensated.
    Undone,
    /// A compensation came first: the step must never happen. (In a
    /// two-phase commit: aborted; a later prepare is refused.)
    Tombstone,
    /// A two-phase commit's participant voted to commit: it holds the lock
    /// on the order's key until the decision comes.
    Prepared,
}

/// A participant's lock on a key, held for a prepared transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Lock {
    key: u32,
    msg: MsgId,
    since: Time,
}

/// A step's service.
#[derive(Clone, Debug)]
struct Service {
    node: NodeId,
    processing: Dist,
    fail_probability: f64,
    /// One request at a time, first come first served.
    server: Server,
    /// Bumped on every crash: work taken before it is lost.
    epoch: u32,
    /// Crashed, not yet back (a choreography's service sends nothing meanwhile).
    down: bool,
    /// The keys it holds locked for prepared transactions (two-phase
    /// commit only; a few at a time, so a list). Durable, like its records.
    locks: Vec<Lock>,
}

/// A saga's steps, as run.
#[derive(Clone, Debug)]
struct Plan {
    /// Services (indices into `Sagas::services`) in step order, with whether
    /// each step can be compensated.
    steps: Vec<(u16, bool)>,
    timeout: Time,
    max_attempts: u16,
    /// Coordinated by two-phase commit instead.
    two_phase: bool,
    /// Choreographed: the services pass the saga on (no orchestrator).
    chained: bool,
    /// The services keep tombstones (a saga without them can end half done).
    tombstones: bool,
    /// Probability that the orchestrator crashes in the middle of a saga
    /// (its group's crash point `mid_transaction`).
    crash_between: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Doing the steps (a two-phase commit: collecting votes).
    Forward,
    /// Undoing the steps done (a two-phase commit: telling all to abort).
    Compensating,
    /// A two-phase commit's decision is commit: telling all.
    Committing,
    Completed,
    Compensated,
}

/// One saga (one order), as its durable log holds it.
#[derive(Clone, Debug)]
struct Run {
    plan: u16,
    phase: Phase,
    step: u16,
    attempt: u16,
    /// Bumped on every request: a timeout for an older one is stale.
    seq: u32,
    /// Instances that took the order (the last one asks; a redelivery to a
    /// second instance while the first still runs it gives two). In a
    /// two-phase commit only the coordinator that began it asks.
    runners: Vec<Runner>,
    /// The instance that began it: a two-phase commit's coordinator, whose
    /// own log holds the transaction (nobody else can finish it).
    owner: NodeId,
    /// Steps in force at the services now.
    in_force: u16,
    /// The order's key (what a two-phase commit's participants lock).
    key: u32,
    /// Two-phase commit: a bit per participant whose answer the current
    /// round still waits for.
    pending: u16,
    /// Choreography: a bit per event sent and not yet acknowledged (see
    /// [`choreography`]): its sender keeps sending it.
    hops: u64,
    /// The first and the latest change at a service.
    first_change: Option<Time>,
    last_change: Time,
    /// Each step's service's record of this saga. They are the services'
    /// own (the orchestrator never reads them); kept here, by step, only
    /// so that one map holds everything about a saga.
    records: [Option<Record>; MAX_SAGA_STEPS],
}

impl Run {
    fn ended(&self) -> bool {
        matches!(self.phase, Phase::Completed | Phase::Compensated)
    }

    /// A two-phase commit's coordinator decides (or, collecting votes,
    /// starts over): the round now in `phase` waits for the participants
    /// in `pending`, asked afresh.
    fn decide(&mut self, phase: Phase, pending: u16) {
        self.phase = phase;
        self.pending = pending;
        self.attempt = 1;
    }

    /// `change` steps came into force (or went out of it) at `now`.
    fn changed(&mut self, now: Time, change: i16) {
        if change != 0 {
            self.in_force = self.in_force.saturating_add_signed(change);
            self.first_change.get_or_insert(now);
            self.last_change = now;
        }
    }

    /// The runner that asks: the latest, or in a two-phase commit the
    /// coordinator that began it (none while it is down).
    fn asker(&self, two_phase: bool) -> Option<Runner> {
        if two_phase {
            self.runners.iter().rev().find(|r| r.node == self.owner).copied()
        } else {
            self.runners.last().copied()
        }
    }

    /// What the orchestrator asks for where the saga stands.
    fn request(&self, two_phase: bool) -> PacketKind {
        match (two_phase, self.phase) {
            (false, Phase::Forward) => PacketKind::Step,
            (false, _) => PacketKind::Compensate,
            (true, Phase::Forward) => PacketKind::Prepare,
            (true, Phase::Committing) => PacketKind::Commit,
            (true, _) => PacketKind::Abort,
        }
    }
}

/// Every saga of a run: the plans, the services and each order's saga.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sagas {
    /// Each consumer group's plan, if it orchestrates one.
    plan_of_group: Vec<Option<u16>>,
    plans: Vec<Plan>,
    services: Vec<Service>,
    /// The first service's node; the others follow.
    pub first_node: NodeId,
    /// Every saga begun, in the order begun, with its order's id.
    runs: Vec<(MsgId, Run)>,
    /// Per message id, its saga's place in `runs` plus one (0: none): one
    /// array lookup per saga event (message ids are dense).
    slot_of: Vec<u32>,
    /// The saga touched last (the checker looks at it after every event).
    last: Option<MsgId>,
    /// Requests, answers and acknowledgements sent between the group and
    /// the services, over all sagas.
    sent: u64,
    /// Inconsistency windows of the sagas ended, in µs.
    windows: Vec<Time>,
    /// How long each lock a two-phase commit's participant released was
    /// held, in µs.
    held: Vec<Time>,
}

/// Whether a runner's consumer instance still runs its job.
pub(crate) type Alive<'a> = &'a dyn Fn(&Runner) -> bool;

impl Sagas {
    /// The sagas of a validated scenario whose services' nodes start at `first_node`.
    pub fn new(s: &Scenario, first_node: NodeId) -> Self {
        let mut out = Sagas { first_node, ..Sagas::default() };
        for g in &s.consumers {
            let crash = if g.crash.point == CrashPoint::MidTransaction { g.crash.probability } else { 0.0 };
            let plan = g.saga.as_ref().map(|spec| out.add_plan(spec, crash));
            out.plan_of_group.push(plan);
        }
        out
    }

    fn add_plan(&mut self, spec: &SagaSpec, crash_between: f64) -> u16 {
        let steps = spec
            .steps
            .iter()
            .map(|st| {
                let i = self.services.len() as u16;
                self.services.push(Service {
                    node: self.first_node + i,
                    processing: st.processing.clone(),
                    fail_probability: st.fail_probability,
                    server: Server::default(),
                    epoch: 0,
                    down: false,
                    locks: Vec::new(),
                });
                (i, st.compensation)
            })
            .collect();
        self.plans.push(Plan {
            steps,
            timeout: time::ms(spec.timeout_ms),
            max_attempts: u16::try_from(spec.max_attempts).unwrap_or(u16::MAX).max(1),
            two_phase: spec.protocol == Protocol::TwoPhaseCommit,
            chained: spec.protocol == Protocol::Choreography,
            tombstones: spec.tombstones,
            crash_between,
        });
        (self.plans.len() - 1) as u16
    }

    /// The index in `services` of service node `node` (out of range for any
    /// other node).
    fn service_of(&self, node: NodeId) -> usize {
        usize::from(node.wrapping_sub(self.first_node))
    }

    /// The saga of order `msg`, if one began.
    fn run(&self, msg: MsgId) -> Option<&Run> {
        let slot = *self.slot_of.get(msg as usize)?;
        self.runs.get((slot as usize).checked_sub(1)?).map(|(_, r)| r)
    }

    /// Whether consumer group `group` orchestrates a saga.
    pub fn orchestrates(&self, group: usize) -> bool {
        self.plan_of_group.get(group).is_some_and(Option::is_some)
    }

    /// Whether there is any saga.
    pub fn any(&self) -> bool {
        !self.plans.is_empty()
    }

    /// Runner `r` of group `group` took message `msg` and did its own work:
    /// start its saga, resume it after a crash, or (ended already) finish.
    pub fn begin(&mut self, ctx: &mut Ctx, group: usize, r: Runner, msg: MsgId, alive: Alive<'_>) {
        let Some(Some(plan)) = self.plan_of_group.get(group).copied() else { return };
        let p = &self.plans[usize::from(plan)];
        let (two_phase, all) = (p.two_phase, all_bits(p.steps.len()));
        match run_mut(&mut self.runs, &self.slot_of, msg) {
            None => {
                let run = Run {
                    plan,
                    phase: Phase::Forward,
                    step: 0,
                    attempt: 1,
                    seq: 0,
                    runners: vec![r],
                    owner: r.node,
                    in_force: 0,
                    key: ctx.ledger.get(msg).key(),
                    pending: if two_phase { all } else { 0 },
                    hops: 0,
                    first_change: None,
                    last_change: 0,
                    records: [None; MAX_SAGA_STEPS],
                };
                let i = msg as usize;
                if self.slot_of.len() <= i {
                    self.slot_of.resize(i + 1, 0);
                }
                self.runs.push((msg, run));
                self.slot_of[i] = self.runs.len() as u32;
                if self.plans[usize::from(plan)].chained {
                    self.pass_on(ctx, msg, 0);
                } else {
                    self.ask(ctx, msg);
                }
            }
            Some(run) if run.ended() => finish(ctx, r),
            Some(run) if self.plans[usize::from(plan)].chained => {
                // The group's outbox row for the first step, or the outcome
                // waiting for an instance to hold the order: sent now.
                run.runners.retain(|r| alive(r));
                run.runners.push(r);
                self.resend(ctx, msg, false);
            }
            Some(run) if two_phase => {
                // Only its coordinator can finish it: this instance holds
                // the order until then (unless it is that coordinator, back).
                run.runners.retain(|r| alive(r));
                let asking = run.asker(true).is_some();
                run.runners.push(r);
                if !asking && r.node == run.owner {
                    recover(run, all);
                    self.ask(ctx, msg);
                }
            }
            Some(run) => {
                // The durable log says where it stood: ask again from there.
                run.runners.push(r);
                run.attempt = run.attempt.saturating_add(1);
                self.ask(ctx, msg);
            }
        }
    }

    /// Sends the request the saga stands at, from its latest runner, and
    /// sets its timeout.
    fn ask(&mut self, ctx: &mut Ctx, msg: MsgId) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, msg) else { return };
        let plan = &self.plans[usize::from(run.plan)];
        let Some(r) = run.asker(plan.two_phase) else { return };
        run.seq = run.seq.wrapping_add(1);
        // A saga asks its current step; a two-phase commit every participant
        // it waits for, at once.
        let kind = run.request(plan.two_phase);
        let mut ask = |j: u16| {
            let (service, _) = plan.steps[usize::from(j)];
            let mut p = Packet::new(kind, r.node, self.services[usize::from(service)].node, msg);
            p.attempt = run.attempt;
            p.delivery = j;
            ctx.send(p);
        };
        if plan.two_phase {
            (0..plan.steps.len() as u16).filter(|j| run.pending & (1 << j) != 0).for_each(&mut ask);
            self.sent += u64::from(run.pending.count_ones());
        } else {
            ask(run.step);
            self.sent += 1;
        }
        // Each retry waits twice as long as the one before (at most 64×):
        // retries every `timeout` would swamp a slow service with requests
        // it can never catch up with.
        let wait = backoff(plan.timeout, run.attempt);
        ctx.schedule_in(wait, Event::SagaTimeout { msg, seq: run.seq });
    }

    /// A request reached service node `p.to`: it waits its turn. (Out of
    /// line: the engine's loop stays as small as it was without sagas.)
    #[cold]
    #[inline(never)]
    pub fn on_request(&mut self, ctx: &mut Ctx, p: Packet) {
        if p.kind == PacketKind::Received {
            return self.on_received(p);
        }
        let i = self.service_of(p.to);
        let Some(s) = self.services.get_mut(i) else { return };
        let work = s.processing.draw(&mut ctx.rng);
        let done = s.server.serve(ctx.now, work);
        // Stamped with the crash epoch it was taken in.
        ctx.scheduler.push(done, Event::StepServed(Packet { tag: s.epoch, ..p }));
    }

    /// A service has handled request `p`: it acts on its record and answers.
    pub fn on_served(&mut self, ctx: &mut Ctx, p: Packet) {
        let Some(s) = self.services.get(self.service_of(p.to)) else { return };
        if p.tag != s.epoch {
            // Taken before a crash: the work is lost with the service's
            // memory (its records are in its database); the orchestrator
            // will ask again.
            let mut e = ctx.packet_record(EventKind::Discard, &p);
            e.node = p.to;
            e.peer = p.from;
            e.cause = Cause::Crash;
            ctx.emit_rare(e);
            return;
        }
        if matches!(p.kind, PacketKind::Prepare | PacketKind::Commit | PacketKind::Abort) {
            return self.on_served_two_phase(ctx, p);
        }
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return };
        let plan = &self.plans[usize::from(run.plan)];
        if plan.chained {
            return self.on_served_chained(ctx, p);
        }
        let tombstones = plan.tombstones;
        let Some(record) = run.records.get_mut(usize::from(p.delivery)) else { return };
        let mut e = ctx.record(EventKind::SagaStep, s.node, p.msg);
        e.peer = p.from;
        e.delivery = p.delivery;
        e.attempt = p.attempt;
        let (answer, change) = if p.kind == PacketKind::Step {
            match *record {
                None if ctx.rng.chance(s.fail_probability) => {
                    *record = Some(Record::Failed);
                    e.cause = Cause::Failed;
                    (PacketKind::StepFailed, 0)
                }
                None => {
                    *record = Some(Record::Done);
                    e.cause = Cause::First;
                    (PacketKind::StepDone, 1)
                }
                Some(Record::Done | Record::Prepared) => {
                    e.cause = Cause::Duplicate;
                    (PacketKind::StepDone, 0)
                }
                Some(Record::Failed) => {
                    e.cause = Cause::Duplicate;
                    (PacketKind::StepFailed, 0)
                }
                Some(Record::Undone | Record::Tombstone) => {
                    e.cause = Cause::Cancelled;
                    (PacketKind::StepFailed, 0)
                }
            }
        } else {
            e.kind = EventKind::SagaUndo;
            match *record {
                Some(Record::Done) => {
                    *record = Some(Record::Undone);
                    e.cause = Cause::First;
                    (PacketKind::Undone, -1)
                }
                None if tombstones => {
                    *record = Some(Record::Tombstone);
                    e.cause = Cause::Cancelled;
                    (PacketKind::Undone, 0)
                }
                // Nothing to undo (a repeat, or, without tombstones, a
                // step not done yet: it will be, when it comes).
                _ => {
                    e.cause = Cause::Duplicate;
                    (PacketKind::Undone, 0)
                }
            }
        };
        run.changed(ctx.now, change);
        self.answer(ctx, e, p, answer);
    }

    /// Service `e.node` answers request `p` with `answer`; `e` records what
    /// it did.
    fn answer(&mut self, ctx: &mut Ctx, e: crate::trace::TraceEvent, p: Packet, answer: PacketKind) {
        self.last = Some(p.msg);
        self.sent += 1;
        ctx.emit_rare(e);
        let mut a = Packet::new(answer, e.node, p.from, p.msg);
        a.attempt = p.attempt;
        a.delivery = p.delivery;
        ctx.send(a);
    }

    /// Service node `node` crashes: what it was working on is lost (its
    /// records are not: they are its database). Returns its new epoch.
    pub fn crash_service(&mut self, node: NodeId) -> u32 {
        let i = self.service_of(node);
        let Some(s) = self.services.get_mut(i) else { return 0 };
        s.epoch = s.epoch.wrapping_add(1);
        s.down = true;
        s.server.drop_queue();
        s.epoch
    }

    /// Service node `node` is back: in a choreography it sends again the
    /// events it kept while down.
    pub fn service_back(&mut self, ctx: &mut Ctx, node: NodeId, alive: Alive<'_>) {
        let i = self.service_of(node);
        let Some(s) = self.services.get_mut(i) else { return };
        s.down = false;
        if self.plans.iter().any(|p| p.chained) {
            self.resend_from(ctx, node, alive);
        }
    }

    /// Whether service node `node` is still in crash `epoch`.
    pub fn service_in(&self, node: NodeId, epoch: u32) -> bool {
        self.services.get(self.service_of(node)).is_some_and(|s| s.epoch == epoch)
    }

    /// An answer reached orchestrator instance `p.to` (`up`: running). True if the
    /// instance crashes now (crash point `mid_transaction`: a saga's first
    /// step done).
    pub fn on_answer(&mut self, ctx: &mut Ctx, p: Packet, alive: Alive<'_>, up: bool) -> bool {
        if self.run(p.msg).is_some_and(|run| self.plans[usize::from(run.plan)].chained) {
            self.on_outcome(ctx, p, alive, up);
            return false;
        }
        let expected = self.run(p.msg).and_then(|run| {
            let want = matches!(
                (run.phase, p.kind),
                (
                    Phase::Forward,
                    PacketKind::StepDone | PacketKind::StepFailed | PacketKind::VoteCommit | PacketKind::VoteAbort
                ) | (Phase::Compensating, PacketKind::Undone | PacketKind::Decided)
                    | (Phase::Committing, PacketKind::Decided)
            );
            let here = run.runners.iter().any(|r| r.node == p.to && alive(r));
            let step = if self.plans[usize::from(run.plan)].two_phase {
                run.pending & (1 << p.delivery) != 0
            } else {
                p.delivery == run.step
            };
            (want && here && step).then_some(run.plan)
        });
        let Some(plan) = expected else {
            // Late, repeated, or for an instance that crashed since.
            let mut e = ctx.packet_record(EventKind::Stale, &p);
            e.node = p.to;
            e.peer = p.from;
            ctx.emit_rare(e);
            return false;
        };
        let steps = self.plans[usize::from(plan)].steps.len() as u16;
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return false };
        run.runners.retain(|r| alive(r));
        if self.plans[usize::from(plan)].two_phase {
            return self.on_vote_or_ack(ctx, p, steps);
        }
        run.attempt = 1;
        let first_done = p.kind == PacketKind::StepDone && run.step == 0;
        match p.kind {
            PacketKind::StepDone if run.step + 1 < steps => run.step += 1,
            PacketKind::StepDone => {
                self.end(ctx, p.msg, Phase::Completed);
                return false;
            }
            // A failed step changed nothing: undo the ones before it.
            PacketKind::StepFailed | PacketKind::Undone if run.step == 0 => {
                self.end(ctx, p.msg, Phase::Compensated);
                return false;
            }
            _ => {
                run.phase = Phase::Compensating;
                run.step -= 1;
            }
        }
        if first_done && self.crashes_between(ctx, plan) {
            return true;
        }
        self.ask(ctx, p.msg);
        false
    }

    /// Whether the orchestrator of a saga of `plan` crashes now, in the
    /// middle (it asks nothing more: its restart or the order's
    /// redelivery takes the saga up again).
    fn crashes_between(&self, ctx: &mut Ctx, plan: u16) -> bool {
        let p = self.plans[usize::from(plan)].crash_between;
        p > 0.0 && ctx.rng.chance(p)
    }

    /// Coordinator `r` restarted (holding no job): it takes up the
    /// two-phase commits it began and had not ended.
    #[cold]
    pub fn recover(&mut self, ctx: &mut Ctx, r: Runner, alive: Alive<'_>) {
        if !self.plans.iter().any(|p| p.two_phase) {
            return;
        }
        let mut open = Vec::new();
        for (msg, run) in self.runs.iter_mut() {
            let plan = &self.plans[usize::from(run.plan)];
            // Its own, open, and not already taken up (by the order's redelivery).
            if plan.two_phase
                && run.owner == r.node
                && !run.ended()
                && !run.runners.iter().any(|x| x.node == r.node && alive(x))
            {
                run.runners.push(r);
                recover(run, all_bits(plan.steps.len()));
                open.push(*msg);
            }
        }
        for msg in open {
            self.ask(ctx, msg);
        }
    }

    /// The wait for an answer about `msg` ran out (stale unless `seq` is the latest).
    pub fn on_timeout(&mut self, ctx: &mut Ctx, msg: MsgId, seq: u32, alive: Alive<'_>) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, msg) else { return };
        if run.seq != seq || (run.ended() && run.hops == 0) {
            return;
        }
        run.runners.retain(|r| alive(r));
        let plan = &self.plans[usize::from(run.plan)];
        if plan.chained {
            return self.resend(ctx, msg, true);
        }
        let Some(r) = run.asker(plan.two_phase) else {
            // No instance holds the order now: its redelivery resumes the
            // saga (a two-phase commit: its coordinator's restart).
            return;
        };
        // The step waited for (a two-phase commit: the first participant).
        let step = if plan.two_phase { run.pending.trailing_zeros() as u16 } else { run.step };
        let Some(&(service, compensable)) = plan.steps.get(usize::from(step)) else { return };
        let mut e = ctx.record(EventKind::Timeout, r.node, msg);
        e.peer = self.services[usize::from(service)].node;
        e.attempt = run.attempt;
        e.delivery = step;
        e.packet = run.request(plan.two_phase);
        ctx.emit_rare(e);
        if run.phase == Phase::Forward && (compensable || plan.two_phase) && run.attempt >= plan.max_attempts {
            // Counted failed; it may have happened, so it is compensated too.
            // (A two-phase commit aborts: every participant is told.)
            let pending = if plan.two_phase { all_bits(plan.steps.len()) } else { run.pending };
            run.decide(Phase::Compensating, pending);
        } else {
            run.attempt = run.attempt.saturating_add(1);
        }
        self.ask(ctx, msg);
    }

    /// The saga of `msg` ends: every instance holding the order finishes its job.
    fn end(&mut self, ctx: &mut Ctx, msg: MsgId, phase: Phase) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, msg) else { return };
        self.last = Some(msg);
        run.phase = phase;
        if let Some(first) = run.first_change {
            self.windows.push(run.last_change - first);
        }
        let two_phase = self.plans[usize::from(run.plan)].two_phase;
        let r = run.asker(two_phase).expect("a running saga has a runner");
        let mut e = ctx.record(EventKind::SagaEnd, r.node, msg);
        e.cause = match (two_phase, phase) {
            (false, Phase::Completed) => Cause::Completed,
            (false, _) => Cause::Compensated,
            (true, Phase::Completed) => Cause::Committed,
            (true, _) => Cause::Aborted,
        };
        ctx.emit_rare(e);
        for r in std::mem::take(&mut run.runners) {
            finish(ctx, r);
        }
    }

    /// The figures of the sagas so far.
    pub fn figures(&self) -> SagaTally {
        let mut t = SagaTally {
            windows: self.windows.clone(),
            held: self.held.clone(),
            two_phase: self.plans.iter().any(|p| p.two_phase),
            in_doubt: self.services.iter().map(|s| s.locks.len() as u64).sum(),
            messages: self.sent,
            ..SagaTally::default()
        };
        for (_, run) in self.runs.iter() {
            t.started += 1;
            let in_force = Self::in_force(run);
            let all = self.plans[usize::from(run.plan)].steps.len() as u16;
            match run.phase {
                Phase::Completed => t.completed += 1,
                Phase::Compensated => t.compensated += 1,
                _ => {
                    t.open += 1;
                    t.mixed_open += u64::from(in_force > 0 && in_force < all);
                }
            }
            t.half_done += u64::from(match run.phase {
                Phase::Completed => in_force != all,
                Phase::Compensated => in_force != 0,
                _ => false,
            });
        }
        t
    }

    /// [`check`](Self::check) of the saga touched last: after every event
    /// in debug builds.
    pub fn check_last(&self) -> Result<(), String> {
        match self.last {
            Some(msg) => self.check_one(msg),
            None => Ok(()),
        }
    }

    /// The checker: a saga that ended is all done or all compensated, and
    /// each saga's count of steps in force agrees with its services' records.
    pub fn check(&self) -> Result<(), String> {
        self.runs.iter().try_for_each(|&(msg, _)| self.check_one(msg))
    }

    fn check_one(&self, msg: MsgId) -> Result<(), String> {
        let Some(run) = self.run(msg) else { return Ok(()) };
        let in_force = Self::in_force(run);
        if in_force != run.in_force {
            return Err(format!("saga of message {msg}: {in_force} steps in force, its log says {}", run.in_force));
        }
        let plan = &self.plans[usize::from(run.plan)];
        let steps = plan.steps.len() as u16;
        if plan.two_phase {
            self.check_locks(msg, run, plan)?;
        }
        if !plan.tombstones {
            return Ok(()); // without tombstones a saga can end half done: counted, not an error
        }
        match run.phase {
            Phase::Completed if in_force != steps => {
                Err(format!("saga of message {msg} completed with {in_force} of {steps} steps in force"))
            }
            Phase::Compensated if in_force != 0 => {
                Err(format!("saga of message {msg} compensated with {in_force} steps still in force"))
            }
            _ => Ok(()),
        }
    }

    /// Steps of `run` in force at their services, by their records.
    fn in_force(run: &Run) -> u16 {
        run.records.iter().filter(|r| **r == Some(Record::Done)).count() as u16
    }

    /// Bytes held beyond the fixed size (the memory budget's account).
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::vec_bytes;
        vec_bytes::<(MsgId, Run)>(self.runs.capacity())
            + self.runs.len() as u64 * std::mem::size_of::<Runner>() as u64
            + vec_bytes::<u32>(self.slot_of.capacity())
            + vec_bytes::<Time>(self.windows.capacity())
            + vec_bytes::<Time>(self.held.capacity())
            + self.services.iter().map(|s| vec_bytes::<Lock>(s.locks.capacity())).sum::<u64>()
    }
}

/// The saga of order `msg` in `runs` (placed by `slot_of`), to change.
fn run_mut<'a>(runs: &'a mut [(MsgId, Run)], slot_of: &[u32], msg: MsgId) -> Option<&'a mut Run> {
    let slot = *slot_of.get(msg as usize)?;
    runs.get_mut((slot as usize).checked_sub(1)?).map(|(_, r)| r)
}

/// How long a request waits for its answer after its `attempt`th try:
/// `timeout`, doubling with each retry (at most 64×).
fn backoff(timeout: Time, attempt: u16) -> Time {
    timeout.saturating_mul(1 << attempt.saturating_sub(1).min(MAX_DOUBLINGS))
}

/// A bit for each of `n` steps.
fn all_bits(n: usize) -> u16 {
    ((1u32 << n) - 1) as u16
}

/// Finishes a runner's job now (ignored if its instance crashed since).
fn finish(ctx: &mut Ctx, r: Runner) {
    if r.slot != NO_SLOT {
        ctx.schedule_in(0, Event::SagaEnded { consumer: r.consumer, epoch: r.epoch, slot: r.slot });
    }
}

/// A two-phase commit's coordinator takes up `run` from its log: with no
/// decision logged it aborts (presumed abort); a decision is sent again to
/// the participants it had not heard from (an abort to `all` if it had
/// crashed before telling any).
fn recover(run: &mut Run, all: u16) {
    if run.phase == Phase::Forward || run.pending == 0 {
        run.decide(Phase::Compensating, all);
    } else {
        run.attempt = 1;
    }
}

/// Counts of the sagas of a run (see [`crate::report::SagaFigures`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SagaTally {
    pub started: u64,
    pub completed: u64,
    pub compensated: u64,
    pub open: u64,
    pub mixed_open: u64,
    pub half_done: u64,
    pub windows: Vec<Time>,
    /// Two-phase commit: whether any group uses it, how long each released
    /// lock was held, and the locks still held (participants in doubt).
    pub two_phase: bool,
    pub held: Vec<Time>,
    pub in_doubt: u64,
    /// Requests, answers and acknowledgements sent for the sagas.
    pub messages: u64,
}
