//! A member of a consumer group reading a topic: a poll loop per partition
//! it owns — fetch a batch, process its records one at a time in offset
//! order, commit as the group's policy says, fetch the next.
//!
//! The member keeps its own position in each partition; the topic keeps
//! the group's committed offsets. After a crash or a rebalance a member
//! starts from the committed offset: what it processed past it is processed
//! again (duplicates), what it committed but never processed is not
//! (losses). Records it already holds when a rebalance starts are still
//! processed (they were returned by its last poll), but their commit comes
//! from the old generation and is refused.

use std::collections::VecDeque;

use crate::context::Ctx;
use crate::dedup::DedupStore;
use crate::dist::{Dist, Draw};
use crate::event::{Event, Packet};
use crate::ledger::Place;
use crate::producer::Producer;
use crate::scenario::{CommitPolicy, ConsumerSpec, CrashPoint};
use crate::time::{self, Time};
use crate::trace::{Cause, EventKind, MsgId, NO_MSG, NodeId, PacketKind, TraceEvent};

/// A partition the member owns in its current generation.
#[derive(Clone, Debug)]
struct Owned {
    partition: u32,
    /// The next offset to fetch (`None`: ask for the committed one).
    position: Option<u64>,
    /// A fetch is out and its reply not yet in.
    awaiting: bool,
    /// Bumped at every fetch and poll timer: an older timer is stale.
    seq: u32,
    /// The offset after the last record it processed (this generation).
    processed: Option<u64>,
    /// The last offset it committed automatically.
    auto_committed: Option<u64>,
    /// Committing before processing: the batch waiting for its commit to
    /// be recorded, and the offset committed.
    held: Vec<Job>,
    commit_wait: Option<u64>,
}

/// A fetched record waiting to be processed, or being processed.
#[derive(Clone, Copy, Debug)]
struct Job {
    msg: MsgId,
    partition: u32,
    offset: u64,
    generation: u32,
    /// The last record of its batch: the partition fetches again after it.
    last: bool,
}

/// One member of a group reading a topic.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub node: NodeId,
    index: u16,
    /// Index of the consumer group (and its dedup store).
    pub group: usize,
    /// The group's place among the groups reading topics.
    pub log_group: u16,
    /// The ledger's subscription for this group.
    sub: usize,
    topic: NodeId,
    processing: Dist,
    crash_probability: f64,
    crash_point: CrashPoint,
    restart: Time,
    commit: CommitPolicy,
    auto_commit: Time,
    last_commit: Time,
    max_poll: u16,
    /// How long a fetch may go unanswered: the topic's wait plus the request timeout.
    request_timeout: Time,
    /// How long the group takes to notice a crash.
    session_timeout: Time,
    up: bool,
    epoch: u32,
    /// The generation whose partitions it owns (0: none).
    pub generation: u32,
    owned: Vec<Owned>,
    jobs: VecDeque<Job>,
    /// The job being processed.
    current: Option<Job>,
    /// Its publisher, if the group publishes downstream.
    pub publisher: Option<u16>,
}

impl Member {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        node: NodeId,
        index: u16,
        group: usize,
        log_group: u16,
        sub: usize,
        topic: NodeId,
        spec: &ConsumerSpec,
    ) -> Self {
        let log = &spec.log;
        Member {
            node,
            index,
            group,
            log_group,
            sub,
            topic,
            processing: spec.processing.clone(),
            crash_probability: spec.crash.probability,
            crash_point: spec.crash.point,
            restart: time::ms(spec.crash.restart_ms),
            commit: log.commit,
            auto_commit: time::ms(log.auto_commit_ms),
            last_commit: 0,
            max_poll: log.max_poll_records.clamp(1, u32::from(u16::MAX)) as u16,
            request_timeout: time::ms(log.fetch_wait_ms).saturating_add(time::ms(log.request_timeout_ms)).max(1),
            session_timeout: time::ms(log.session_timeout_ms),
            up: true,
            epoch: 0,
            generation: 0,
            owned: Vec::new(),
            jobs: VecDeque::new(),
            current: None,
            publisher: None,
        }
    }

    /// The ledger's subscription for its group.
    pub fn sub(&self) -> usize {
        self.sub
    }

    /// Whether its group commits before processing.
    pub fn commits_first(&self) -> bool {
        self.commit == CommitPolicy::BeforeProcessing
    }

    /// Whether it is running.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Records in hand: processing, waiting, and held until their commit is recorded.
    pub fn in_hand(&self) -> usize {
        self.jobs.len() + usize::from(self.current.is_some()) + self.owned.iter().map(|o| o.held.len()).sum::<usize>()
    }

    /// Records processing now (0 or 1).
    pub fn busy(&self) -> usize {
        usize::from(self.current.is_some())
    }

    /// Bytes held beyond its fixed size.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::vec_bytes;
        vec_bytes::<Owned>(self.owned.capacity()) + vec_bytes::<Job>(self.jobs.capacity())
    }

    /// The partitions it owns now.
    pub fn partitions(&self) -> impl Iterator<Item = u32> + '_ {
        self.owned.iter().map(|o| o.partition)
    }

    /// A rebalance began: it owns nothing until the next assignment (what it
    /// holds it still processes; its commits are refused). A batch still
    /// waiting for its commit is given up.
    pub fn revoke(&mut self, ctx: &mut Ctx) {
        self.generation = 0;
        for o in std::mem::take(&mut self.owned) {
            for job in o.held {
                self.discard(ctx, &job, Cause::Revoked);
            }
        }
    }

    /// Its group rebuilds its projection: it drops what it holds (the
    /// record it is processing too) and owns nothing until the rebalance
    /// that follows.
    pub fn drop_work(&mut self, ctx: &mut Ctx) {
        if !self.up {
            return;
        }
        if let Some(job) = self.current.take() {
            self.discard(ctx, &job, Cause::Rebuilt);
        }
        for job in std::mem::take(&mut self.jobs) {
            self.discard(ctx, &job, Cause::Revoked);
        }
        // Its processing's end, due later, is stale now.
        self.epoch = self.epoch.wrapping_add(1);
        self.revoke(ctx);
    }

    fn discard(&self, ctx: &mut Ctx, job: &Job, cause: Cause) {
        ctx.ledger.destroy(job.msg, Place::Consumer, cause);
        let mut e = self.job_record(ctx, EventKind::Discard, job);
        e.cause = cause;
        ctx.emit_rare(e);
    }

    /// The rebalance of `generation` ended: it owns `partitions` and starts
    /// fetching each from the group's committed offset.
    pub fn assign(&mut self, ctx: &mut Ctx, generation: u32, partitions: &[u32]) {
        if !self.up {
            return;
        }
        self.generation = generation;
        self.owned = partitions
            .iter()
            .map(|&p| Owned {
                partition: p,
                position: None,
                awaiting: false,
                seq: 0,
                processed: None,
                auto_committed: None,
                held: Vec::new(),
                commit_wait: None,
            })
            .collect();
        for slot in 0..self.owned.len() {
            self.fetch(ctx, slot);
        }
    }

    /// Sends a fetch for owned partition `slot`, with a timeout in case the
    /// request or its reply is lost. With auto-commit, commits first what it
    /// has processed if the interval has passed.
    fn fetch(&mut self, ctx: &mut Ctx, slot: usize) {
        if self.commit == CommitPolicy::Auto && ctx.now >= self.last_commit.saturating_add(self.auto_commit) {
            self.last_commit = ctx.now;
            for i in 0..self.owned.len() {
                let o = &mut self.owned[i];
                if o.processed.is_some() && o.processed != o.auto_committed {
                    o.auto_committed = o.processed;
                    let (partition, at) = (o.partition, o.processed.unwrap_or(0));
                    self.send_commit(ctx, partition, at);
                }
            }
        }
        let o = &mut self.owned[slot];
        o.awaiting = true;
        o.seq = o.seq.wrapping_add(1);
        let mut p = Packet::new(PacketKind::Fetch, self.node, self.topic, NO_MSG);
        p.delivery = o.partition as u16;
        p.tag = o.position.map_or(u32::MAX, |x| x as u32);
        p.attempt = self.max_poll;
        p.copy = self.generation as u16;
        let event = Event::MemberPoll { member: self.index, slot: slot as u16, seq: o.seq };
        ctx.send(p);
        ctx.schedule_idle(self.request_timeout, event);
    }

    fn send_commit(&self, ctx: &mut Ctx, partition: u32, offset: u64) {
        let mut p = Packet::new(PacketKind::CommitOffset, self.node, self.topic, NO_MSG);
        p.delivery = partition as u16;
        p.tag = offset as u32;
        p.copy = self.generation as u16;
        p.confirm = self.commit == CommitPolicy::BeforeProcessing;
        ctx.send(p);
    }

    /// Commits the batch of owned partition `slot` before processing it,
    /// and waits for the answer (sending again if none comes).
    fn commit_held(&mut self, ctx: &mut Ctx, slot: usize) {
        let o = &mut self.owned[slot];
        let (Some(offset), partition) = (o.commit_wait, o.partition) else { return };
        o.seq = o.seq.wrapping_add(1);
        let event = Event::MemberPoll { member: self.index, slot: slot as u16, seq: o.seq };
        self.send_commit(ctx, partition, offset);
        ctx.schedule_idle(self.request_timeout, event);
    }

    /// The topic's answer to a commit it waits on: recorded, the batch is
    /// processed; refused (the group rebalanced), it is given up.
    pub fn on_commit_ack(&mut self, ctx: &mut Ctx, p: &Packet) {
        let fresh = self.up && p.copy == self.generation as u16;
        let slot = self
            .owned
            .iter()
            .position(|o| fresh && o.partition == u32::from(p.delivery) && o.commit_wait == Some(u64::from(p.tag)));
        let Some(slot) = slot else {
            super::topic::stale(ctx, self.node, p);
            return;
        };
        let o = &mut self.owned[slot];
        o.commit_wait = None;
        o.awaiting = false;
        o.seq = o.seq.wrapping_add(1);
        let held = std::mem::take(&mut o.held);
        if !p.confirm {
            for job in held {
                self.discard(ctx, &job, Cause::Revoked);
            }
            return;
        }
        self.jobs.extend(held);
        if self.current.is_none() {
            self.start_next(ctx);
        }
    }

    /// Whether the member is still down from crash `epoch` (the group
    /// noticing then is not stale).
    pub fn down_since(&self, epoch: u32) -> bool {
        !self.up && self.epoch == epoch
    }

    /// The partition and position of its owned partition `slot`.
    pub fn place_of(&self, slot: u16) -> Option<(u32, Option<u64>)> {
        self.owned.get(usize::from(slot)).map(|o| (o.partition, o.position))
    }

    /// A fetch went unanswered (lost, or its reply lost): fetch again — if
    /// there is something to read (`unread`), or anything else is going on
    /// (else nothing ever will be). A stale timer does nothing.
    pub fn on_poll(&mut self, ctx: &mut Ctx, slot: u16, seq: u32, unread: bool) {
        let slot = usize::from(slot);
        let Some(o) = self.owned.get(slot).filter(|o| self.up && o.seq == seq && o.awaiting) else { return };
        if o.commit_wait.is_some() {
            self.commit_held(ctx, slot); // it holds records: always worth asking
        } else if unread || ctx.busy() {
            self.fetch(ctx, slot);
        }
    }

    /// A fetch reply arrived: `records` are the ones the topic still keeps
    /// of the range it answered with.
    pub fn on_records(&mut self, ctx: &mut Ctx, p: &Packet, records: impl Iterator<Item = (u64, MsgId)>) {
        let slot = self.owned.iter().position(|o| o.partition == u32::from(p.delivery));
        let fresh = self.up && p.copy == self.generation as u16;
        // The answer to the fetch out: it starts where that fetch asked (a
        // late copy of an earlier answer does not, as a client matches a
        // reply to its request).
        let answers =
            |o: &Owned| o.awaiting && o.commit_wait.is_none() && o.position.is_none_or(|at| at == u64::from(p.tag));
        let Some(slot) = slot.filter(|&s| fresh && answers(&self.owned[s])) else {
            super::topic::stale(ctx, self.node, p);
            return;
        };
        let o = &mut self.owned[slot];
        o.awaiting = false;
        o.seq = o.seq.wrapping_add(1);
        let (from, count) = (u64::from(p.tag), u64::from(p.attempt));
        o.position = Some(from + count);
        let partition = o.partition;
        let before = self.jobs.len();
        for (offset, msg) in records {
            ctx.ledger.add(msg, Place::Consumer);
            self.jobs.push_back(Job { msg, partition, offset, generation: self.generation, last: false });
        }
        if self.jobs.len() == before {
            // The topic's wait ran out with nothing to read: ask again —
            // unless nothing else is going on (then nothing will ever arrive).
            if ctx.busy() {
                self.fetch(ctx, slot);
            }
            return;
        }
        if let Some(last) = self.jobs.back_mut() {
            last.last = true;
        }
        if self.commit == CommitPolicy::BeforeProcessing {
            // Held until the commit is recorded.
            let o = &mut self.owned[slot];
            o.awaiting = true;
            o.held = self.jobs.split_off(before).into();
            o.commit_wait = Some(from + count);
            self.commit_held(ctx, slot);
            return;
        }
        if self.current.is_none() {
            self.start_next(ctx);
        }
    }

    fn start_next(&mut self, ctx: &mut Ctx) {
        let Some(job) = self.jobs.pop_front() else { return };
        self.current = Some(job);
        let d = self.processing.draw(&mut ctx.rng);
        let mut e = self.job_record(ctx, EventKind::ProcessStart, &job);
        e.peer = self.topic;
        e.end = ctx.now.saturating_add(d);
        ctx.emit(e);
        ctx.schedule_in(d, Event::MemberDone { member: self.index, epoch: self.epoch });
    }

    fn job_record(&self, ctx: &Ctx, kind: EventKind, job: &Job) -> TraceEvent {
        let mut e = ctx.record(kind, self.node, job.msg);
        e.delivery = job.partition as u16;
        e.tx = job.offset as u32;
        e
    }

    /// Processing of the current record finished.
    pub fn on_done(&mut self, ctx: &mut Ctx, epoch: u32, store: &mut DedupStore, publisher: Option<&mut Producer>) {
        if epoch != self.epoch || !self.up {
            return;
        }
        let Some(job) = self.current else { return };
        let crash = ctx.rng.chance(self.crash_probability);
        if crash && self.crash_point == CrashPoint::BeforeEffect {
            let restart = self.restart;
            self.crash(ctx, restart);
            return;
        }
        if ctx.ledger.get(job.msg).poison() {
            // A log has no nack: the record failed and the member moves on.
            ctx.ledger.note_loss(job.msg, Cause::Failed);
            let e = self.job_record(ctx, EventKind::ProcessFail, &job);
            ctx.emit_rare(e);
        } else if store.check_and_remember(job.msg, ctx.now) {
            let e = self.job_record(ctx, EventKind::DedupHit, &job);
            ctx.emit_rare(e);
        } else if store.projection.is_some() {
            self.apply_to_projection(ctx, &job, store, publisher, crash);
        } else {
            let e = self.job_record(ctx, EventKind::Effect, &job);
            let cut = crash && self.crash_point == CrashPoint::BetweenWrites;
            crate::consumer::take_effect(ctx, e, self.sub, self.group, store, publisher, cut);
        }
        if crash {
            // After the effect (or between a service's two writes), before
            // the commit: the group reads it again.
            let restart = self.restart;
            self.crash(ctx, restart);
            return;
        }
        self.current = None;
        ctx.ledger.remove(job.msg, Place::Consumer);
        if job.generation == self.generation
            && let Some(o) = self.owned.iter_mut().find(|o| o.partition == job.partition)
        {
            o.processed = Some(job.offset + 1);
            if job.last {
                self.batch_done(ctx, job);
            }
        }
        self.start_next(ctx);
    }

    /// Applies `job` to its group's rebuildable projection: a replay if the
    /// rebuilt state lacks a record it had (no effect), else an effect; then
    /// a snapshot, if one is due. (Out of line: few groups keep one.)
    #[cold]
    #[inline(never)]
    fn apply_to_projection(
        &self,
        ctx: &mut Ctx,
        job: &Job,
        store: &mut DedupStore,
        publisher: Option<&mut Producer>,
        crash: bool,
    ) {
        let Some(p) = store.projection.as_mut() else { return };
        if p.apply(job.msg, ctx.ledger.applied_in(job.msg, self.sub)) {
            let e = self.job_record(ctx, EventKind::Replay, job);
            ctx.emit_rare(e);
        } else {
            let e = self.job_record(ctx, EventKind::Effect, job);
            let cut = crash && self.crash_point == CrashPoint::BetweenWrites;
            crate::consumer::take_effect(ctx, e, self.sub, self.group, store, publisher, cut);
            // A crash between a service's writes: the change did not commit.
            if let Some(p) = store.projection.as_mut()
                && !ctx.ledger.applied_in(job.msg, self.sub)
            {
                p.drop_one(job.msg);
            }
        }
        if let Some(at) = store.projection.as_mut().and_then(|p| p.handled(job.partition, job.offset)) {
            let mut e = self.job_record(ctx, EventKind::Snapshot, job);
            e.msg = NO_MSG;
            e.tx = at as u32;
            ctx.emit_rare(e);
        }
    }

    /// The last record of a batch was processed: commit (after processing)
    /// and fetch the partition's next batch.
    fn batch_done(&mut self, ctx: &mut Ctx, job: Job) {
        let Some(slot) = self.owned.iter().position(|o| o.partition == job.partition) else { return };
        if self.commit == CommitPolicy::AfterProcessing {
            self.send_commit(ctx, job.partition, job.offset + 1);
        }
        self.fetch(ctx, slot);
    }

    /// A scheduled crash.
    pub fn on_crash(&mut self, ctx: &mut Ctx, down: Time) {
        if self.up {
            self.crash(ctx, down);
        }
    }

    fn crash(&mut self, ctx: &mut Ctx, down: Time) {
        self.up = false;
        self.epoch = self.epoch.wrapping_add(1);
        ctx.crash_record(self.node, down);
        let held = self.owned.iter_mut().flat_map(|o| std::mem::take(&mut o.held));
        let in_hand: Vec<Job> = self.current.take().into_iter().chain(self.jobs.drain(..)).chain(held).collect();
        for job in in_hand {
            self.discard(ctx, &job, Cause::Crash);
        }
        self.revoke(ctx);
        ctx.schedule_in(down, Event::MemberRestart { member: self.index, epoch: self.epoch });
        // The group notices when its session times out (if it is still down).
        ctx.schedule_in(self.session_timeout, Event::MemberLeft { member: self.index, epoch: self.epoch });
    }

    /// The restart after crash `epoch` is due: whether it came back.
    pub fn on_restart(&mut self, ctx: &mut Ctx, epoch: u32) -> bool {
        if epoch != self.epoch || self.up {
            return false;
        }
        self.up = true;
        let e = ctx.record(EventKind::Restart, self.node, NO_MSG);
        ctx.emit_rare(e);
        true
    }
}
