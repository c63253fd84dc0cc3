//! A consumer group's coordinator in the running engine: starts the group,
//! hears of members crashing and coming back, and runs each rebalance — the
//! members give up their partitions, the group pauses, then every member
//! gets its share of the new generation.

use super::assignor::Assignor;
use super::group::Group;
use super::member::Member;
use super::topic::Topic;
use crate::context::Ctx;
use crate::dedup::DedupStore;
use crate::event::{Event, Packet};
use crate::scenario::{AssignorKind, ConsumerSpec, OffsetResetKind};
use crate::time::{self, Time};
use crate::trace::{EventKind, NO_MSG};

/// One group reading a topic.
#[derive(Clone, Debug)]
pub(crate) struct Coordinator {
    /// Its place among the groups reading topics.
    index: u16,
    /// Members, generation, assignment.
    pub group: Group,
    /// The topic it reads (topic index).
    pub topic: usize,
    /// Its place among the topic's groups (its cursors there).
    pub place: usize,
    /// Its first member (member index) and how many it has.
    pub first_member: usize,
    pub count: usize,
    /// Where it starts in a partition without a committed offset.
    pub reset: OffsetResetKind,
    /// When it starts reading.
    pub start: Time,
    started: bool,
}

impl Coordinator {
    pub fn new(
        index: u16,
        spec: &ConsumerSpec,
        partitions: u32,
        topic: usize,
        place: usize,
        first_member: usize,
    ) -> Self {
        let assignor = match spec.log.assignor {
            AssignorKind::Range => Assignor::Range,
            AssignorKind::RoundRobin => Assignor::RoundRobin,
        };
        Coordinator {
            index,
            group: Group::new(assignor, partitions, time::ms(spec.log.rebalance_ms), []),
            topic,
            place,
            first_member,
            count: spec.count as usize,
            reset: spec.log.offset_reset,
            start: time::ms(spec.log.start_ms),
            started: false,
        }
    }

    fn members<'a>(&self, members: &'a mut [Member]) -> &'a mut [Member] {
        &mut members[self.first_member..self.first_member + self.count]
    }

    /// The group starts reading: the members up now form its first
    /// generation, assigned at once.
    pub fn start(&mut self, ctx: &mut Ctx, members: &mut [Member]) {
        self.started = true;
        let mine = self.members(members);
        let up: Vec<u32> = (0..mine.len() as u32).filter(|&m| mine[m as usize].is_up()).collect();
        self.group = Group::new(self.group.assignor, self.group.partitions, self.group.pause, up);
        self.assign_all(ctx, members);
    }

    /// Each member gets its partitions of the current generation.
    fn assign_all(&self, ctx: &mut Ctx, members: &mut [Member]) {
        for (m, member) in self.members(members).iter_mut().enumerate() {
            member.assign(ctx, self.group.generation, self.group.partitions_of(m as u32));
        }
    }

    /// Member `m` (its place in the group) crashed.
    pub fn member_left(&mut self, ctx: &mut Ctx, m: usize, members: &mut [Member]) {
        if self.started && self.group.leave(m as u32, ctx.now) {
            self.rebalance(ctx, m, members);
        }
    }

    /// Member `m` came back (whether or not the group noticed it had gone).
    pub fn member_back(&mut self, ctx: &mut Ctx, m: usize, members: &mut [Member]) {
        if self.started && self.group.rejoin(m as u32, ctx.now) {
            self.rebalance(ctx, m, members);
        }
    }

    /// A new generation on account of member `m`: everyone gives up its
    /// partitions; they are handed out again after the pause.
    fn rebalance(&mut self, ctx: &mut Ctx, m: usize, members: &mut [Member]) {
        let mine = self.members(members);
        let mut e = ctx.record(EventKind::Rebalance, mine[m].node, NO_MSG);
        e.end = self.group.paused_until;
        e.attempt = self.group.generation as u16;
        ctx.emit_rare(e);
        for member in mine.iter_mut() {
            member.revoke(ctx);
        }
        let generation = self.group.generation;
        ctx.schedule_in(self.group.pause, Event::Rebalanced { group: self.index, generation });
    }

    /// The pause of `generation` is over: unless another rebalance began
    /// since, each member gets its partitions.
    pub fn rebalanced(&mut self, ctx: &mut Ctx, generation: u32, members: &mut [Member]) {
        if generation == self.group.generation {
            self.assign_all(ctx, members);
        }
    }

    /// The group rebuilds its projection (`log.rebuild_at_ms`): its members
    /// drop what they hold; in each partition the state from the latest
    /// snapshot on (from the start, without one) is dropped and the
    /// committed offset goes back there; a rebalance, and the members read
    /// it all again. A group that has not started has nothing to rebuild.
    pub fn rebuild(&mut self, ctx: &mut Ctx, members: &mut [Member], topic: &mut Topic, store: &mut DedupStore) {
        let Some(projection) = store.projection.as_mut().filter(|_| self.started) else { return };
        projection.rebuilt_at = Some(ctx.now);
        for member in self.members(members).iter_mut() {
            member.drop_work(ctx);
        }
        let node = self.members(members)[0].node;
        topic.unpark(self.place);
        let mut again = Vec::new();
        for p in 0..self.group.partitions {
            let from = projection.start_of(p);
            let log = &topic.partitions[p as usize];
            let cursor = &mut topic.cursors[self.place][p as usize];
            // What it read from there on is read again, unless it is gone.
            let gone = log.earliest().min(cursor.reached).saturating_sub(from);
            let start = from.max(log.earliest());
            again.extend((start..cursor.reached.min(log.end())).filter_map(|o| log.get(o).map(|r| r.msg)));
            cursor.restart_at(start);
            let mut e = ctx.record(EventKind::Rebuild, node, NO_MSG);
            e.peer = topic.node;
            e.delivery = p as u16;
            e.tx = from as u32;
            e.key = gone as u32;
            ctx.emit_rare(e);
        }
        for &msg in &again {
            projection.drop_one(msg);
        }
        // Its idempotency store is part of its state: those are forgotten too.
        for msg in again {
            store.forget(msg);
        }
        if self.group.restart(ctx.now) {
            self.rebalance(ctx, 0, members);
        }
    }

    /// Whether a request stamped with packet `p`'s generation is of the
    /// group's current one, and the group is not paused.
    pub fn current(&self, p: &Packet, now: Time) -> bool {
        self.started && p.copy == self.group.generation as u16 && self.group.consuming(now)
    }
}
