"""The log benchmark (bench/log.json) as a SimPy model, written from
msgsim's documented log broker rather than from its code.

Same model as msgsim's engine (docs/scenario-reference.md, "Topics"):

- Producers publish with confirms to a topic; the key picks the partition
  (Kafka's murmur2 of the key's decimal text); a confirm that does not come
  within the timeout is retried after an exponential backoff.
- Every link has exponential latency, loss and duplication, applied to
  publishes, confirms, fetches, fetch replies and offset commits alike.
- Each partition has its copies on consecutive brokers; the leader appends
  and confirms at once (`acks=1`); followers copy in rounds of
  `replication_ms`; groups read up to the high watermark (what every
  in-sync copy has). A broker crash hands each partition it led to its
  in-sync follower after `failover_ms`, cut to that follower's log (the
  acknowledged records it lacked are lost); publishes and fetches to a
  partition without a serving leader go unanswered.
- A group's members each own partitions (range assignor); per partition a
  member fetches up to `max_poll_records` from its position (a fetch with
  nothing to read waits up to `fetch_wait_ms` at the broker), processes its
  records one at a time in a queue shared by its partitions, then commits
  (after processing) and fetches again; auto-commit sends the processed
  offsets at a fetch once the interval has passed. A fetch unanswered for
  `fetch_wait_ms + request_timeout_ms` is sent again. A reply answers the
  fetch out only if it starts where that fetch asked (a late copy of an
  earlier reply is ignored).
- A member crashes after an effect with a probability; it restarts after
  `restart_ms`, and its return (or its session timing out first) starts a
  rebalance: every member gives up its partitions, the group pauses for
  `rebalance_ms`, then each member reads its new ones from the committed
  offsets. Requests of an older generation, or during the pause, are ignored.

Timers that only poll (a member's request timeout, a fetch's wait at the
broker) act only while anything else is pending, as the engine's idle
events do: the run ends when nothing is left to happen.

Usage: python3 simpy_log_model.py [bench/log.json] [--scale S] [--seed N] [--repeat R]
Prints one JSON object: the report counts, the best wall seconds of R runs
and records/second. Times are in milliseconds.
"""

import time
from collections import deque

from simpy_model import Links, cli

MIX = 0x5BD1E995


def murmur2(data):
    """Kafka's murmur2 (seed 0x9747b28c), as an unsigned 32-bit value."""
    h = (0x9747B28C ^ len(data)) & 0xFFFFFFFF
    whole = len(data) // 4 * 4
    for i in range(0, whole, 4):
        k = (int.from_bytes(data[i:i + 4], "little") * MIX) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * MIX) & 0xFFFFFFFF
        h = ((h * MIX) & 0xFFFFFFFF) ^ k
    tail = data[whole:]
    if tail:
        if len(tail) >= 3:
            h ^= tail[2] << 16
        if len(tail) >= 2:
            h ^= tail[1] << 8
        h = ((h ^ tail[0]) * MIX) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * MIX) & 0xFFFFFFFF
    return h ^ (h >> 15)


def by_key(key, partitions):
    return (murmur2(str(key).encode()) & 0x7FFFFFFF) % partitions


COUNTS = ["produced", "sent", "retries", "timeouts", "lost_in_transit", "duplicated_in_transit",
          "control_lost", "delivered", "appended", "effects_applied", "duplicate_effects", "commits",
          "rebalances", "failovers", "crashes", "acknowledged_lost", "discarded", "skipped", "ordering_violations"]


class Model(Links):
    def __init__(self, scenario, scale, seed):
        super().__init__(scenario, seed)
        self.counts = dict.fromkeys(COUNTS, 0)
        self.latencies = []
        # Scheduled events not yet run, and how many of them only poll.
        self.pending = 0
        self.idle = 0
        self.producing = 0
        (spec,) = scenario["topics"]
        self.topic = Topic(self, spec)
        readers = [c for c in scenario["consumers"] if c["from"] == spec["name"]]
        self.groups = [Group(self, g, c) for g, c in enumerate(readers)]
        # Per key: records created so far; per group and key: the newest
        # record (its place in its key's sequence, + 1) that took effect.
        keys = max(p.get("keys", 1) for p in scenario["producers"])
        self.key_seq = [0] * keys
        self.applied_seq = [[0] * keys for _ in self.groups]
        self.topic.groups = self.groups
        self.producers = []
        for p in scenario["producers"]:
            n = max(1, round(p["messages"] * scale))
            for _ in range(p.get("count", 1)):
                self.producers.append(Producer(self, p, n))
        self.expected = sum(x.n for x in self.producers) * len(self.groups)
        for c in scenario.get("crashes", []):
            if c["node"] == spec["name"]:
                self.schedule(c["at_ms"], self.topic.crash_broker, c.get("instance", 0), c["down_ms"])
        for g in self.groups:
            self.schedule(g.start_ms, g.start)

    def busy(self):
        """Anything pending besides polling timers (the engine's `busy`)."""
        return self.pending > self.idle or self.producing > 0

    def schedule(self, delay, fn, *args, idle=False):
        self.pending += 1
        self.idle += idle
        ev = self.env.timeout(delay)
        ev.callbacks.append(lambda _e: self.fire(idle, fn, args))

    def fire(self, idle, fn, args):
        self.pending -= 1
        self.idle -= idle
        fn(*args)

    def transmit(self, carries_record, fn, *args):
        """One packet on a link: maybe a second copy; each copy has its own
        latency and may be lost on its own."""
        copies = 2 if self.rng.random() < self.dup else 1
        if copies == 2 and carries_record:
            self.counts["duplicated_in_transit"] += 1
        for _ in range(copies):
            latency = self.rng.expovariate(1.0 / self.latency_mean)
            if self.rng.random() < self.loss:
                self.counts["lost_in_transit" if carries_record else "control_lost"] += 1
                continue
            self.schedule(latency, fn, *args)

    def run(self):
        for p in self.producers:
            self.env.process(p.run())
        self.env.run()
        c = dict(self.counts)
        c["expected"] = self.expected
        applied = sum(bin(m[4]).count("1") for p in self.producers for m in p.made)
        c["unique_effects"] = applied
        c["never_applied"] = self.expected - applied
        c["sim_time_ms"] = self.env.now
        n = max(1, len(self.latencies))
        mean = sum(self.latencies) / n
        c["latency_mean_ms"] = mean
        c["latency_sd_ms"] = (sum((x - mean) ** 2 for x in self.latencies) / n) ** 0.5
        c["groups"] = [{"name": g.name, "rebalances": g.rebalances, "duplicate_effects": g.duplicates}
                       for g in self.groups]
        return c


class Producer:
    """Publishes `n` records as a Poisson stream, each with confirms, a
    timeout and exponential backoff. A record is a list:
    [key, created, state, partition, groups applied (a bit each), place in
    its key's sequence], where state is the attempt awaited, minus the
    attempt while backing off, or 0 once settled."""

    def __init__(self, model, spec, n):
        self.m = model
        self.n = n
        self.rate = spec["arrival"]["rate_per_s"] / 1000.0
        self.keys = spec.get("keys", 1)
        send = spec.get("send", {})
        self.timeout = send.get("timeout_ms", 200.0)
        self.max_attempts = send.get("max_attempts", 5)
        b = send.get("backoff", {})
        assert b.get("kind", "exponential") == "exponential", "only the exponential backoff is modelled"
        self.base, self.mult, self.cap = b.get("base_ms", 50.0), b.get("multiplier", 2.0), b.get("max_ms", 5000.0)
        self.made = []
        model.producing += 1

    def run(self):
        m = self.m
        parts = len(m.topic.logs)
        for _ in range(self.n):
            yield m.env.timeout(m.rng.expovariate(self.rate))
            key = m.rng.randrange(self.keys)
            rec = [key, m.env.now, 0, by_key(key, parts), 0, m.key_seq[key]]
            m.key_seq[key] += 1
            self.made.append(rec)
            m.counts["produced"] += 1
            self.send(rec, 1)
        m.producing -= 1

    def send(self, rec, attempt):
        m = self.m
        rec[2] = attempt
        m.counts["sent"] += 1
        m.counts["retries"] += attempt > 1
        m.schedule(self.timeout, self.on_timeout, rec, attempt)
        m.transmit(True, m.topic.on_publish, self, rec)

    def on_confirm(self, rec):
        rec[2] = 0

    def on_timeout(self, rec, attempt):
        if rec[2] != attempt:
            return
        self.m.counts["timeouts"] += 1
        if attempt < self.max_attempts:
            rec[2] = -attempt
            wait = self.base
            for _ in range(1, attempt):
                wait *= self.mult
                if wait >= self.cap:
                    break
            self.m.schedule(min(wait, self.cap), self.retry_due, rec)
        else:
            rec[2] = 0

    def retry_due(self, rec):
        if rec[2] < 0:
            self.send(rec, 1 - rec[2])


class Topic:
    """The topic on its cluster: per partition the log (records), its copies
    `[broker, log end, in sync, up]`, the leader's index, the acknowledged
    end; per group and partition a cursor `[position, committed, reached]`
    and a held fetch."""

    def __init__(self, model, spec):
        self.m = model
        p = spec.get("partitions", 1)
        brokers = spec.get("brokers", 1)
        rf = min(max(spec.get("replication_factor", 1), 1), brokers)
        self.logs = [[] for _ in range(p)]
        self.copies = [[[(i + k) % brokers, 0, True, True] for k in range(rf)] for i in range(p)]
        self.leader = [0] * p
        self.offline_leader = [None] * p
        self.acked_end = [0] * p
        self.electing_until = [0.0] * p
        self.replicating = [False] * p
        self.replication_ms = spec.get("replication_ms", 2.0)
        self.failover_ms = spec.get("failover_ms", 200.0)
        self.groups = []
        self.cursors = None
        self.parked = None

    def cursor(self, g, p):
        if self.cursors is None:
            self.cursors = [[[None, None, 0] for _ in self.logs] for _ in self.groups]
            self.parked = [[None for _ in self.logs] for _ in self.groups]
        return self.cursors[g][p]

    def serving(self, p):
        return self.leader[p] is not None and self.m.env.now >= self.electing_until[p]

    def high_watermark(self, p):
        if self.leader[p] is None:
            return 0
        ends = [c[1] for c in self.copies[p] if c[2] and c[3]]
        return min(ends) if ends else 0

    def on_publish(self, producer, rec):
        m = self.m
        p = rec[3]
        if not self.serving(p):
            m.counts["discarded"] += 1  # no leader: the producer times out
            return
        leader = self.copies[p][self.leader[p]]
        offset = leader[1]
        leader[1] += 1
        self.logs[p].append(rec)
        m.counts["appended"] += 1
        self.acked_end[p] = max(self.acked_end[p], offset + 1)  # acks=1
        m.transmit(False, producer.on_confirm, rec)
        self.copy_soon(p)
        self.advance(p)

    def copy_soon(self, p):
        lead = self.leader[p]
        if lead is None or self.replicating[p]:
            return
        top = self.copies[p][lead][1]
        if any(i != lead and c[3] and (c[1] < top or not c[2]) for i, c in enumerate(self.copies[p])):
            self.replicating[p] = True
            self.m.schedule(self.replication_ms, self.on_replicate, p, top)

    def on_replicate(self, p, upto):
        self.replicating[p] = False
        lead = self.leader[p]
        if lead is not None:
            top = self.copies[p][lead][1]
            for i, c in enumerate(self.copies[p]):
                if i != lead and c[3]:
                    c[1] = max(c[1], min(upto, top))
                    if c[1] == top:
                        c[2] = True
        self.copy_soon(p)
        self.advance(p)

    def advance(self, p):
        """The high watermark may have moved: answer held fetches."""
        if self.parked is None or self.high_watermark(p) == 0:
            return
        for g in range(len(self.groups)):
            f = self.parked[g][p]
            if f is not None:
                self.parked[g][p] = None
                self.answer(g, p, f, False)

    def on_fetch(self, member, p, position, max_records, generation):
        g = member.group
        if not g.current(generation) or not self.serving(p):
            return  # ignored: the member asks again after its timeout
        self.cursor(g.index, p)[0] = position
        until = self.m.env.now + g.fetch_wait
        self.answer(g.index, p, (member, generation, max_records, until), True)

    def answer(self, g, p, f, fresh):
        cur = self.cursor(g, p)
        end = min(self.high_watermark(p), len(self.logs[p]))
        at = cur[0] if cur[0] is not None else (cur[1] if cur[1] is not None else 0)
        at = min(max(at, 0), end)
        if at > cur[2]:
            self.m.counts["skipped"] += at - cur[2]
        to = min(at + f[2], end)
        cur[0] = to
        cur[2] = max(cur[2], to)
        if to == at:
            self.parked[g][p] = f
            if fresh and self.m.busy():
                self.m.schedule(self.groups[g].fetch_wait, self.on_fetch_expired, g, p, idle=True)
            return
        self.reply(f, p, at, to - at)

    def reply(self, f, p, start, count):
        self.m.transmit(False, f[0].on_records, p, start, count, f[1])

    def on_fetch_expired(self, g, p):
        f = self.parked[g][p]
        if f is not None and f[3] <= self.m.env.now:
            self.parked[g][p] = None
            if self.m.busy():
                at = self.cursors[g][p][0] or 0
                self.reply(f, p, at, 0)

    def on_commit(self, member, p, offset, generation):
        if not member.group.current(generation):
            return
        cur = self.cursor(member.group.index, p)
        if cur[1] is None or cur[1] < offset:
            cur[1] = offset
            self.m.counts["commits"] += 1

    def unread(self, g, p, position):
        cur = self.cursor(g, p)
        at = position if position is not None else (cur[1] if cur[1] is not None else 0)
        return min(at, len(self.logs[p])) < len(self.logs[p])

    def crash_broker(self, b, down):
        m = self.m
        m.counts["crashes"] += 1
        for p, copies in enumerate(self.copies):
            i = next((k for k, c in enumerate(copies) if c[0] == b), None)
            if i is None:
                continue
            copies[i][2] = copies[i][3] = False
            if self.leader[p] != i:
                self.advance(p)
                continue
            lead = next((k for k, c in enumerate(copies) if c[2] and c[3]), None)
            self.leader[p] = lead
            lost = 0
            if lead is None:
                self.offline_leader[p] = i
            else:
                end = copies[lead][1]
                for c in copies:
                    c[1] = min(c[1], end)
                lost = max(self.acked_end[p] - end, 0)
                self.acked_end[p] = min(self.acked_end[p], end)
            self.hand_over(p, lost)
        m.schedule(down, self.restart_broker, b)

    def hand_over(self, p, lost):
        self.electing_until[p] = self.m.env.now + self.failover_ms
        if self.leader[p] is not None:
            del self.logs[p][self.copies[p][self.leader[p]][1]:]
        self.m.counts["failovers"] += 1
        self.m.counts["acknowledged_lost"] += lost

    def restart_broker(self, b):
        for p, copies in enumerate(self.copies):
            i = next((k for k, c in enumerate(copies) if c[0] == b), None)
            if i is None or copies[i][3]:
                continue
            copies[i][3] = True
            if self.leader[p] is None and self.offline_leader[p] == i:
                self.offline_leader[p] = None
                self.leader[p] = i
                copies[i][2] = True
                self.hand_over(p, 0)
            else:
                end = copies[self.leader[p]][1] if self.leader[p] is not None else 0
                copies[i][1] = min(copies[i][1], end)
                copies[i][2] = False
            self.copy_soon(p)


class Group:
    """A consumer group's coordinator: members, generations, rebalances."""

    def __init__(self, model, index, spec):
        self.m = model
        self.index = index
        self.name = spec["name"]
        log = spec.get("log", {})
        self.commit = log.get("commit", "after_processing")
        assert self.commit in ("after_processing", "auto"), "commit before processing is not modelled"
        assert log.get("assignor", "range") == "range", "only the range assignor is modelled"
        self.auto_commit = log.get("auto_commit_ms", 5000.0)
        self.max_poll = log.get("max_poll_records", 100)
        self.fetch_wait = log.get("fetch_wait_ms", 500.0)
        self.request_timeout = self.fetch_wait + log.get("request_timeout_ms", 500.0)
        self.pause = log.get("rebalance_ms", 500.0)
        self.session_timeout = log.get("session_timeout_ms", 1000.0)
        self.start_ms = log.get("start_ms", 0.0)
        proc = spec["processing"]
        assert proc["kind"] == "exponential"
        self.processing_mean = proc["mean_ms"]
        crash = spec.get("crash", {})
        self.crash_p = crash.get("probability", 0.0)
        self.restart = crash.get("restart_ms", 1000.0)
        self.members = [Member(self, k) for k in range(spec.get("count", 1))]
        self.joined = []
        self.generation = 1
        self.paused_until = 0.0
        self.started = False
        self.rebalances = 0
        self.duplicates = 0

    def partitions_of(self, k):
        if k not in self.joined:
            return []
        i, c, n = self.joined.index(k), len(self.joined), len(self.m.topic.logs)
        each, extra = n // c, n % c
        start = i * each + min(i, extra)
        return list(range(start, start + each + (i < extra)))

    def start(self):
        self.started = True
        self.joined = [k for k, x in enumerate(self.members) if x.up]
        self.assign_all()

    def assign_all(self):
        for k, x in enumerate(self.members):
            x.assign(self.generation, self.partitions_of(k))

    def current(self, generation):
        return self.started and generation == self.generation and self.m.env.now >= self.paused_until

    def member_left(self, k):
        if self.started and k in self.joined:
            self.joined.remove(k)
            self.rebalance()

    def member_back(self, k):
        if self.started:
            if k not in self.joined:
                self.joined = sorted(self.joined + [k])
            self.rebalance()

    def rebalance(self):
        self.generation += 1
        self.rebalances += 1
        self.m.counts["rebalances"] += 1
        self.paused_until = self.m.env.now + self.pause
        for x in self.members:
            x.revoke()
        self.m.schedule(self.pause, self.rebalanced, self.generation)

    def rebalanced(self, generation):
        if generation == self.generation:
            self.assign_all()


class Member:
    """A member's poll loop. Per owned partition: `[partition, position,
    awaiting a reply, timer sequence, processed to, auto-committed to]`.
    A job: `(record, partition, offset, generation, last of its batch)`."""

    def __init__(self, group, k):
        self.group = group
        self.m = group.m
        self.k = k
        self.up = True
        self.epoch = 0
        self.generation = 0
        self.owned = []
        self.jobs = deque()
        self.current = None
        self.last_commit = 0.0

    def slot_of(self, p):
        return next((s for s, o in enumerate(self.owned) if o[0] == p), None)

    def revoke(self):
        self.generation = 0
        self.owned = []

    def assign(self, generation, partitions):
        if not self.up:
            return
        self.generation = generation
        self.owned = [[p, None, False, 0, None, None] for p in partitions]
        for s in range(len(self.owned)):
            self.fetch(s)

    def fetch(self, s):
        m, g = self.m, self.group
        if g.commit == "auto" and m.env.now >= self.last_commit + g.auto_commit:
            self.last_commit = m.env.now
            for o in self.owned:
                if o[4] is not None and o[4] != o[5]:
                    o[5] = o[4]
                    self.send_commit(o[0], o[4])
        o = self.owned[s]
        o[2] = True
        o[3] += 1
        m.transmit(False, m.topic.on_fetch, self, o[0], o[1], g.max_poll, self.generation)
        m.schedule(g.request_timeout, self.on_poll, s, o[3], idle=True)

    def send_commit(self, p, offset):
        self.m.transmit(False, self.m.topic.on_commit, self, p, offset, self.generation)

    def on_poll(self, s, seq):
        if not self.up or s >= len(self.owned):
            return
        o = self.owned[s]
        if o[3] != seq or not o[2]:
            return
        if self.m.topic.unread(self.group.index, o[0], o[1]) or self.m.busy():
            self.fetch(s)

    def on_records(self, p, start, count, generation):
        m = self.m
        m.counts["delivered"] += count
        s = self.slot_of(p)
        if s is None or not self.up or generation != self.generation or not self.owned[s][2]:
            return  # stale
        if self.owned[s][1] is not None and self.owned[s][1] != start:
            return  # a late copy of an earlier answer
        o = self.owned[s]
        o[2] = False
        o[3] += 1
        o[1] = start + count
        log = m.topic.logs[p]
        before = len(self.jobs)
        for offset in range(start, min(start + count, len(log))):
            self.jobs.append([log[offset], p, offset, self.generation, False])
        if len(self.jobs) == before:
            if m.busy():
                self.fetch(s)
            return
        self.jobs[-1][4] = True
        if self.current is None:
            self.start_next()

    def start_next(self):
        if not self.jobs:
            return
        self.current = self.jobs.popleft()
        self.m.schedule(self.m.rng.expovariate(1.0 / self.group.processing_mean), self.on_done, self.epoch)

    def on_done(self, epoch):
        m, g = self.m, self.group
        if epoch != self.epoch or not self.up or self.current is None:
            return
        rec, p, offset, generation, last = self.current
        crash = g.crash_p > 0 and m.rng.random() < g.crash_p
        m.counts["effects_applied"] += 1
        bit = 1 << g.index
        if rec[4] & bit:
            m.counts["duplicate_effects"] += 1
            g.duplicates += 1
        else:
            rec[4] |= bit
            m.latencies.append(m.env.now - rec[1])
            # A first effect after a later record of its key: out of order.
            applied = m.applied_seq[g.index]
            if rec[5] + 1 < applied[rec[0]]:
                m.counts["ordering_violations"] += 1
            else:
                applied[rec[0]] = rec[5] + 1
        if crash:  # after the effect, before the commit
            self.crash()
            return
        self.current = None
        if generation == self.generation:
            s = self.slot_of(p)
            if s is not None:
                self.owned[s][4] = offset + 1
                if last:
                    if g.commit == "after_processing":
                        self.send_commit(p, offset + 1)
                    self.fetch(s)
        self.start_next()

    def crash(self):
        m, g = self.m, self.group
        self.up = False
        self.epoch += 1
        m.counts["crashes"] += 1
        m.counts["discarded"] += len(self.jobs) + (self.current is not None)
        self.current = None
        self.jobs.clear()
        self.revoke()
        m.schedule(g.restart, self.on_restart, self.epoch)
        m.schedule(g.session_timeout, self.on_left, self.epoch)

    def on_restart(self, epoch):
        if epoch == self.epoch and not self.up:
            self.up = True
            self.group.member_back(self.k)

    def on_left(self, epoch):
        if not self.up and epoch == self.epoch:
            self.group.member_left(self.k)


def run_once(scenario, scale, seed):
    """One run: the report counts and the seconds the simulation took."""
    model = Model(scenario, scale, seed)
    start = time.perf_counter()
    counts = model.run()
    return counts, time.perf_counter() - start


def main():
    cli(__doc__, run_once, default_scenario="bench/log.json")


if __name__ == "__main__":
    main()
