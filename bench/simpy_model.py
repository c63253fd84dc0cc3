"""The benchmark scenarios (bench/standard.json, bench/fanout.json) as a SimPy model.

Same model as msgsim's engine: Poisson producers that publish with confirms,
time out after 20 ms and retry with exponential backoff and full jitter (base
5 ms, cap 200 ms, at most 8 attempts); every link has exponential latency
(mean 1 ms), 1% loss and 1% duplication, applied to publishes, confirms,
deliveries and acks alike; queues with a prefetch window per consumer, an
ack timeout and redelivery to the head of the queue; consumer groups with
exponential processing and an idempotency store each. Producers publish to
a queue, or to a fanout exchange that puts a copy in every bound queue
inside the broker (no network hop) and confirms once all have it.

It uses SimPy as intended for speed: a process per arrival stream, and plain
timeout events with callbacks for packets and timers (a process per packet
would be several times slower). Times are in milliseconds.

Usage: python3 simpy_model.py SCENARIO.json [--scale S] [--seed N] [--repeat R]
Prints one JSON object: the report counts, the best wall seconds of R runs
(like `msgsim bench`) and messages/second.
"""

import argparse
import json
import random
import sys
import time
from collections import deque

import simpy


class Links:
    """What both SimPy models start from: the environment, the run's one
    random stream, and the default link (exponential latency, loss and
    duplication)."""

    def __init__(self, scenario, seed):
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        net = scenario["network"]["default"]
        self.latency_mean = net["latency"]["mean_ms"]
        self.loss = net.get("loss", 0.0)
        self.dup = net.get("duplicate", 0.0)


class Model(Links):
    def __init__(self, scenario, scale, seed):
        super().__init__(scenario, seed)
        groups = {c["from"]: c for c in scenario["consumers"]}
        self.queues = {q["name"]: Queue(self, q, groups[q["name"]]) for q in scenario["queues"]}
        self.exchanges = {x["name"]: [self.queues[b["queue"]] for b in x["bindings"]]
                          for x in scenario.get("exchanges", [])}
        self.next_tag = 0
        self.counts = dict(produced=0, sent=0, lost_in_transit=0, duplicated_in_transit=0,
                           delivered=0, dedup_hits=0, effects_applied=0, duplicate_effects=0,
                           retries=0, redeliveries=0)
        self.latency_sum = 0.0
        self.latency_sq_sum = 0.0
        self.expected = 0
        self.producers = []
        for spec in scenario["producers"]:
            n = max(1, round(spec["messages"] * scale))
            targets = self.exchanges.get(spec["to"]) or [self.queues[spec["to"]]]
            self.expected += n * len(targets)
            self.producers.append(Producer(self, spec, n, targets))

    # The network: each copy has its own latency and may be lost on its own.
    def transmit(self, carries_message, on_arrival, *payload):
        copies = 2 if self.rng.random() < self.dup else 1
        if copies == 2 and carries_message:
            self.counts["duplicated_in_transit"] += 1
        for _ in range(copies):
            latency = self.rng.expovariate(1.0 / self.latency_mean)
            if self.rng.random() < self.loss:
                if carries_message:
                    self.counts["lost_in_transit"] += 1
                continue
            ev = self.env.timeout(latency)
            ev.callbacks.append(lambda _e, p=payload: on_arrival(*p))

    def timer(self, delay, callback, *args):
        ev = self.env.timeout(delay)
        ev.callbacks.append(lambda _e: callback(*args))

    # The broker: a publish goes into its queue, or into every queue bound
    # to its exchange; then the confirm goes back.
    def on_publish(self, producer, msg):
        for q in producer.targets:
            q.ready.append([msg, 0])
        self.transmit(False, producer.on_confirm, msg)
        for q in producer.targets:
            q.dispatch()


class Queue:
    def __init__(self, model, spec, group):
        self.m = model
        self.prefetch = spec["prefetch"]
        self.ack_timeout = spec["ack_timeout_ms"]
        self.processing_mean = group["processing"]["mean_ms"]
        self.consumers = [Consumer(model, self, i) for i in range(group["count"])]
        self.ready = deque()
        self.unacked = {}
        self.next_sub = 0
        self.dedup = set()
        self.applied = 0

    def dispatch(self):
        m = self.m
        n = len(self.consumers)
        while self.ready:
            for k in range(n):
                i = (self.next_sub + k) % n
                if self.consumers[i].unacked < self.prefetch:
                    break
            else:
                return
            self.next_sub = (i + 1) % n
            entry = self.ready.popleft()
            entry[1] += 1
            if entry[1] > 1:
                m.counts["redeliveries"] += 1
            tag = m.next_tag
            m.next_tag += 1
            self.unacked[tag] = (entry, i)
            self.consumers[i].unacked += 1
            m.timer(self.ack_timeout, self.on_ack_timeout, tag)
            m.transmit(True, self.consumers[i].on_deliver, entry[0], tag)

    def on_ack(self, tag):
        u = self.unacked.pop(tag, None)
        if u is not None:
            self.consumers[u[1]].unacked -= 1
            self.dispatch()

    def on_ack_timeout(self, tag):
        u = self.unacked.pop(tag, None)
        if u is not None:
            self.consumers[u[1]].unacked -= 1
            self.ready.appendleft(u[0])
            self.dispatch()


class Message:
    __slots__ = ("id", "born", "attempts", "done", "applied")

    def __init__(self, ident, born):
        self.id = ident
        self.born = born
        self.attempts = 0
        self.done = False


class Producer:
    def __init__(self, model, spec, messages, targets):
        self.m = model
        self.targets = targets
        self.rate = spec["arrival"]["rate_per_s"] / 1000.0  # per ms
        send = spec["send"]
        self.timeout = send["timeout_ms"]
        self.max_attempts = send["max_attempts"]
        backoff = send["backoff"]
        self.base, self.mult, self.cap = backoff["base_ms"], backoff["multiplier"], backoff["max_ms"]
        model.env.process(self.arrivals(messages))

    def arrivals(self, n):
        m = self.m
        for _ in range(n):
            yield m.env.timeout(m.rng.expovariate(self.rate))
            msg = Message(m.counts["produced"], m.env.now)
            m.counts["produced"] += 1
            self.send(msg)

    def send(self, msg):
        m = self.m
        msg.attempts += 1
        m.counts["sent"] += 1
        if msg.attempts > 1:
            m.counts["retries"] += 1
        m.transmit(True, m.on_publish, self, msg)
        m.timer(self.timeout, self.on_timeout, msg, msg.attempts)

    def on_confirm(self, msg):
        msg.done = True

    def on_timeout(self, msg, attempt):
        if msg.done or msg.attempts != attempt:
            return
        if msg.attempts < self.max_attempts:
            wait = min(self.cap, self.base * self.mult ** (msg.attempts - 1))
            self.m.timer(wait * self.m.rng.random(), self.retry, msg)
        else:
            msg.done = True

    def retry(self, msg):
        if not msg.done:
            self.send(msg)


class Consumer:
    def __init__(self, model, queue, index):
        self.m = model
        self.q = queue
        self.index = index
        self.unacked = 0
        self.busy = False
        self.buffer = deque()

    def on_deliver(self, msg, tag):
        self.m.counts["delivered"] += 1
        if self.busy:
            self.buffer.append((msg, tag))
        else:
            self.start(msg, tag)

    def start(self, msg, tag):
        self.busy = True
        self.m.timer(self.m.rng.expovariate(1.0 / self.q.processing_mean), self.done, msg, tag)

    def done(self, msg, tag):
        m, q = self.m, self.q
        if msg.id in q.dedup:
            m.counts["dedup_hits"] += 1
        else:
            q.dedup.add(msg.id)
            m.counts["effects_applied"] += 1
            q.applied += 1
            latency = m.env.now - msg.born
            m.latency_sum += latency
            m.latency_sq_sum += latency * latency
        m.transmit(False, q.on_ack, tag)
        self.busy = False
        if self.buffer:
            self.start(*self.buffer.popleft())


def run_once(scenario, scale, seed):
    """One run: the report counts and the seconds the simulation took."""
    model = Model(scenario, scale, seed)
    start = time.perf_counter()
    model.env.run()
    seconds = time.perf_counter() - start
    c = dict(model.counts)
    applied = sum(q.applied for q in model.queues.values())
    c["expected"] = model.expected
    c["never_applied"] = model.expected - applied
    n = max(1, applied)
    c["latency_mean_ms"] = model.latency_sum / n
    c["latency_sd_ms"] = max(0.0, model.latency_sq_sum / n - c["latency_mean_ms"] ** 2) ** 0.5
    return c, seconds


def cli(doc, run, default_scenario=None):
    """The command line of both SimPy models: runs `run(scenario, scale,
    seed)` `--repeat` times with the same seed (every run does the same
    work) and prints its counts, the best seconds and messages/second."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("scenario", nargs="?" if default_scenario else None, default=default_scenario)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs; the best time is reported")
    args = ap.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    seconds = float("inf")
    for _ in range(max(1, args.repeat)):
        counts, took = run(scenario, args.scale, args.seed)
        seconds = min(seconds, took)
    counts["seconds"] = seconds
    counts["messages_per_second"] = counts["produced"] / seconds
    json.dump(counts, sys.stdout)
    print()


def main():
    cli(__doc__, run_once)


if __name__ == "__main__":
    main()
