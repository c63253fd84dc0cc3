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

use crate::context::Ctx;
use crate::dist::{Dist, Draw};
use crate::event::{Event, Packet};
use crate::scenario::limits::MAX_SAGA_STEPS;
use crate::scenario::{SagaSpec, Scenario};
use crate::service::Server;
use crate::time::{self, Time};
use crate::trace::{Cause, EventKind, MsgId, NodeId, PacketKind};

/// How many times a wait doubles on retries (then it stays at 64× the timeout).
const MAX_DOUBLINGS: u16 = 6;

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
    /// A compensation came first: the step must never happen.
    Tombstone,
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
}

/// A saga's steps, as run.
#[derive(Clone, Debug)]
struct Plan {
    /// Services (indices into `Sagas::services`) in step order, with whether
    /// each step can be compensated.
    steps: Vec<(u16, bool)>,
    timeout: Time,
    max_attempts: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Forward,
    Compensating,
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
    /// second instance while the first still runs it gives two).
    runners: Vec<Runner>,
    /// Steps in force at the services now.
    in_force: u16,
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

    /// What the orchestrator asks for where the saga stands.
    fn request(&self) -> PacketKind {
        if self.phase == Phase::Forward { PacketKind::Step } else { PacketKind::Compensate }
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
    /// Inconsistency windows of the sagas ended, in µs.
    windows: Vec<Time>,
}

/// Whether a runner's consumer instance still runs its job.
pub(crate) type Alive<'a> = &'a dyn Fn(&Runner) -> bool;

impl Sagas {
    /// The sagas of a validated scenario whose services' nodes start at `first_node`.
    pub fn new(s: &Scenario, first_node: NodeId) -> Self {
        let mut out = Sagas { first_node, ..Sagas::default() };
        for g in &s.consumers {
            let plan = g.saga.as_ref().map(|spec| out.add_plan(spec));
            out.plan_of_group.push(plan);
        }
        out
    }

    fn add_plan(&mut self, spec: &SagaSpec) -> u16 {
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
                });
                (i, st.compensation)
            })
            .collect();
        self.plans.push(Plan {
            steps,
            timeout: time::ms(spec.timeout_ms),
            max_attempts: u16::try_from(spec.max_attempts).unwrap_or(u16::MAX).max(1),
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
    pub fn begin(&mut self, ctx: &mut Ctx, group: usize, r: Runner, msg: MsgId) {
        let Some(Some(plan)) = self.plan_of_group.get(group).copied() else { return };
        match run_mut(&mut self.runs, &self.slot_of, msg) {
            None => {
                let run = Run {
                    plan,
                    phase: Phase::Forward,
                    step: 0,
                    attempt: 1,
                    seq: 0,
                    runners: vec![r],
                    in_force: 0,
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
                self.ask(ctx, msg);
            }
            Some(run) if run.ended() => finish(ctx, r),
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
        let Some(r) = run.runners.last().copied() else { return };
        let plan = &self.plans[usize::from(run.plan)];
        let (service, _) = plan.steps[usize::from(run.step)];
        run.seq = run.seq.wrapping_add(1);
        let mut p = Packet::new(run.request(), r.node, self.services[usize::from(service)].node, msg);
        p.attempt = run.attempt;
        p.delivery = run.step;
        ctx.send(p);
        // Each retry waits twice as long as the one before (at most 64×):
        // retries every `timeout` would swamp a slow service with requests
        // it can never catch up with.
        let wait = plan.timeout.saturating_mul(1 << (run.attempt.saturating_sub(1)).min(MAX_DOUBLINGS));
        ctx.schedule_in(wait, Event::SagaTimeout { msg, seq: run.seq });
    }

    /// A request reached service node `p.to`: it waits its turn. (Out of
    /// line: the engine's loop stays as small as it was without sagas.)
    #[cold]
    #[inline(never)]
    pub fn on_request(&mut self, ctx: &mut Ctx, p: Packet) {
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
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return };
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
                Some(Record::Done) => {
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
                None => {
                    *record = Some(Record::Tombstone);
                    e.cause = Cause::Cancelled;
                    (PacketKind::Undone, 0)
                }
                Some(_) => {
                    e.cause = Cause::Duplicate;
                    (PacketKind::Undone, 0)
                }
            }
        };
        if change != 0 {
            run.in_force = run.in_force.saturating_add_signed(change);
            run.first_change.get_or_insert(ctx.now);
            run.last_change = ctx.now;
        }
        let node = s.node;
        self.last = Some(p.msg);
        ctx.emit_rare(e);
        let mut a = Packet::new(answer, node, p.from, p.msg);
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
        s.server.drop_queue();
        s.epoch
    }

    /// Whether service node `node` is still in crash `epoch`.
    pub fn service_in(&self, node: NodeId, epoch: u32) -> bool {
        self.services.get(self.service_of(node)).is_some_and(|s| s.epoch == epoch)
    }

    /// An answer reached orchestrator instance `p.to`.
    pub fn on_answer(&mut self, ctx: &mut Ctx, p: Packet, alive: Alive<'_>) {
        let expected = self.run(p.msg).and_then(|run| {
            let want = matches!(
                (run.phase, p.kind),
                (Phase::Forward, PacketKind::StepDone | PacketKind::StepFailed)
                    | (Phase::Compensating, PacketKind::Undone)
            );
            let here = run.runners.iter().any(|r| r.node == p.to && alive(r));
            (want && here && p.delivery == run.step).then_some(run.plan)
        });
        let Some(plan) = expected else {
            // Late, repeated, or for an instance that crashed since.
            let mut e = ctx.packet_record(EventKind::Stale, &p);
            e.node = p.to;
            e.peer = p.from;
            ctx.emit_rare(e);
            return;
        };
        let steps = self.plans[usize::from(plan)].steps.len() as u16;
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, p.msg) else { return };
        run.runners.retain(|r| alive(r));
        run.attempt = 1;
        match p.kind {
            PacketKind::StepDone if run.step + 1 < steps => run.step += 1,
            PacketKind::StepDone => return self.end(ctx, p.msg, Phase::Completed),
            // A failed step changed nothing: undo the ones before it.
            PacketKind::StepFailed | PacketKind::Undone if run.step == 0 => {
                return self.end(ctx, p.msg, Phase::Compensated);
            }
            _ => {
                run.phase = Phase::Compensating;
                run.step -= 1;
            }
        }
        self.ask(ctx, p.msg);
    }

    /// The wait for an answer about `msg` ran out (stale unless `seq` is the latest).
    pub fn on_timeout(&mut self, ctx: &mut Ctx, msg: MsgId, seq: u32, alive: Alive<'_>) {
        let Some(run) = run_mut(&mut self.runs, &self.slot_of, msg) else { return };
        if run.seq != seq || run.ended() {
            return;
        }
        run.runners.retain(|r| alive(r));
        let Some(r) = run.runners.last().copied() else {
            return; // no instance holds the order now: its redelivery resumes the saga
        };
        let plan = &self.plans[usize::from(run.plan)];
        let (service, compensable) = plan.steps[usize::from(run.step)];
        let mut e = ctx.record(EventKind::Timeout, r.node, msg);
        e.peer = self.services[usize::from(service)].node;
        e.attempt = run.attempt;
        e.delivery = run.step;
        e.packet = run.request();
        ctx.emit_rare(e);
        if run.phase == Phase::Forward && compensable && run.attempt >= plan.max_attempts {
            // Counted failed; it may have happened, so it is compensated too.
            run.phase = Phase::Compensating;
            run.attempt = 1;
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
        let r = *run.runners.last().expect("a running saga has a runner");
        let mut e = ctx.record(EventKind::SagaEnd, r.node, msg);
        e.cause = if phase == Phase::Completed { Cause::Completed } else { Cause::Compensated };
        ctx.emit_rare(e);
        for r in std::mem::take(&mut run.runners) {
            finish(ctx, r);
        }
    }

    /// The figures of the sagas so far.
    pub fn figures(&self) -> SagaTally {
        let mut t = SagaTally { windows: self.windows.clone(), ..SagaTally::default() };
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
        let steps = self.plans[usize::from(run.plan)].steps.len() as u16;
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
    }
}

/// The saga of order `msg` in `runs` (placed by `slot_of`), to change.
fn run_mut<'a>(runs: &'a mut [(MsgId, Run)], slot_of: &[u32], msg: MsgId) -> Option<&'a mut Run> {
    let slot = *slot_of.get(msg as usize)?;
    runs.get_mut((slot as usize).checked_sub(1)?).map(|(_, r)| r)
}

/// Finishes a runner's job now (ignored if its instance crashed since).
fn finish(ctx: &mut Ctx, r: Runner) {
    ctx.schedule_in(0, Event::SagaEnded { consumer: r.consumer, epoch: r.epoch, slot: r.slot });
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
}
