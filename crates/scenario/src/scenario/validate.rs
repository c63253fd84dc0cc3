//! Validation: every problem in a scenario, each with its JSON path.

use std::collections::BTreeSet;

use super::problem::{Problem, ProblemKind as K};
use super::{
    Arrival, Backoff, ConsumerSpec, CrashPoint, EventStoreKind, ExchangeKind, ExchangeSpec, LinkOverride, LinkSpec,
    LogGroupSpec, ProducerSpec, Protocol, QueueSpec, SCENARIO_VERSION, SagaSpec, Scenario, SendMode, SendSpec,
    TopicSpec, Window,
};
use crate::dist::{Dist, MAX_PARAMETER_MS};

/// Bounds that keep any accepted scenario from exhausting memory or running
/// forever.
pub mod limits {
    /// Most messages all producers together may create.
    pub const MAX_MESSAGES: u64 = 5_000_000;
    /// Most instances in one producer or consumer group.
    pub const MAX_GROUP_COUNT: u32 = 64;
    /// Most nodes (producer, queue and consumer instances) in all.
    pub const MAX_NODES: u32 = 256;
    /// Longest simulated run, in ms (about 11.6 days).
    pub const MAX_RUN_MS: f64 = 1.0e9;
    /// Most engine events in one run.
    pub const MAX_EVENTS: u64 = 500_000_000;
    /// Most distinct keys per producer.
    pub const MAX_KEYS: u32 = 1_000_000;
    /// Most attempts per message.
    pub const MAX_ATTEMPTS: u32 = 100;
    /// Most concurrent messages per consumer instance.
    pub const MAX_CONCURRENCY: u32 = 1_024;
    /// Largest queue capacity, prefetch window or burst.
    pub const MAX_CAPACITY: u32 = 10_000_000;
    /// Longest group name, in characters.
    pub const MAX_NAME_LEN: usize = 40;
    /// Longest scenario name or description, in characters.
    pub const MAX_TEXT_LEN: usize = 2_000;
    /// Most link overrides (each is one bit of a resolved link's key).
    pub const MAX_LINK_OVERRIDES: usize = 64;
    /// Most outage windows in one list.
    pub const MAX_WINDOWS: usize = 1_000;
    /// Most outage windows in the whole scenario (each is indexed once,
    /// whatever the number of links it covers).
    pub const MAX_TOTAL_WINDOWS: usize = 10_000;
    /// Most planned crashes per consumer group, and of all nodes in the
    /// scenario's `crashes` (expanded one at a time).
    pub const MAX_PLANNED_CRASHES: usize = 1_000;
    /// Most exchanges.
    pub const MAX_EXCHANGES: usize = 64;
    /// Most partitions of one topic.
    pub const MAX_PARTITIONS: u32 = 1_000;
    /// Most records one fetch of a topic returns.
    pub const MAX_POLL_RECORDS: u32 = 10_000;
    /// Most topics.
    pub const MAX_TOPICS: usize = 64;
    /// Most brokers in a topic's cluster.
    pub const MAX_BROKERS: u32 = 32;
    /// Most steps in a saga.
    pub const MAX_SAGA_STEPS: usize = 16;
    /// Most routing keys listed on one binding.
    pub const MAX_BINDING_KEYS: usize = 1_000;
    /// Largest scenario file, in bytes (read no further than this).
    pub const MAX_FILE_BYTES: usize = 2 << 20;
    /// Shortest non-zero duration, in ms: the engine's 1 µs resolution;
    /// anything shorter would round to 0 (a 0 ms ack timeout redelivers in a
    /// loop within one instant).
    pub const MIN_DURATION_MS: f64 = 0.001;
}

/// Names listed as the ones that exist, at most (a problem stays one line).
const KNOWN_SHOWN: usize = 12;

/// A name as a problem quotes it: at most [`limits::MAX_NAME_LEN`] characters
/// (a 10 MB name is not echoed back whole).
fn short(name: &str) -> String {
    if name.chars().count() <= limits::MAX_NAME_LEN {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(limits::MAX_NAME_LEN - 1).collect();
        s.push('…');
        s
    }
}

/// Turns a serde_json error into a sentence without the type-system jargon
/// (and without its position: for data errors, the path says where).
pub(super) fn explain_serde_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = match (e.classify(), msg.rfind(" at line ")) {
        (serde_json::error::Category::Data, Some(i)) => msg[..i].to_string(),
        _ => msg,
    };
    // "invalid value: integer `-5`, expected u32": say the bound instead.
    for (ty, max) in [("u32", u64::from(u32::MAX)), ("u64", u64::MAX)] {
        if let Some(n) = msg
            .strip_prefix("invalid value: integer `")
            .and_then(|rest| rest.strip_suffix(&format!("`, expected {ty}")))
        {
            return if n.starts_with('-') {
                format!("must be a whole number ≥ 0, got {n}")
            } else {
                format!("must be a whole number ≤ {max}, got {n}")
            };
        }
    }
    let msg = msg.replace("invalid type: ", "wrong type: ").replace("expected f64", "expected a number");
    let msg = msg
        .replace("expected u32", "expected a whole number ≥ 0")
        .replace("expected u64", "expected a whole number ≥ 0");
    match e.classify() {
        serde_json::error::Category::Eof => format!("the JSON ends too early ({msg})"),
        serde_json::error::Category::Syntax => format!("not valid JSON ({msg})"),
        _ => msg,
    }
}

/// Collects problems under a path prefix.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, kind: K) {
        self.problems.push(Problem::new(path, kind));
    }

    fn probability(&mut self, path: String, p: f64) {
        if !(0.0..=1.0).contains(&p) {
            self.push(path, K::Probability { got: p });
        }
    }

    /// A duration in ms: finite, ≥ 0 (or > 0 when `positive`), 0 or at least
    /// 1 µs, at most a day.
    fn duration(&mut self, path: String, v: f64, positive: bool) {
        if !v.is_finite() || v < 0.0 || (positive && v == 0.0) {
            self.push(path, K::Duration { positive, got: v });
        } else if v > 0.0 && v < limits::MIN_DURATION_MS {
            self.push(path, K::BelowResolution { positive, got: v });
        } else if v > MAX_PARAMETER_MS {
            self.push(path, K::TooLong { max_ms: MAX_PARAMETER_MS, got: v });
        }
    }

    /// A list with at most `max` entries.
    fn at_most(&mut self, path: impl Into<String>, len: usize, max: usize) {
        if len > max {
            self.push(path, K::TooManyEntries { max: max as u64, got: len as u64 });
        }
    }

    /// A free text of at most [`limits::MAX_TEXT_LEN`] characters.
    fn text(&mut self, path: &str, text: &str) {
        let n = text.chars().count();
        if n > limits::MAX_TEXT_LEN {
            self.push(path, K::TextTooLong { max: limits::MAX_TEXT_LEN as u64, got: n as u64 });
        }
    }

    fn range_u32(&mut self, path: String, v: u32, lo: u32, hi: u32) {
        if v < lo || v > hi {
            self.push(path, K::Between { lo: f64::from(lo), hi: f64::from(hi), got: f64::from(v) });
        }
    }

    fn dist(&mut self, path: &str, d: &Dist) {
        for (field, kind) in d.problems() {
            self.push(format!("{path}.{field}"), kind);
        }
    }

    fn windows(&mut self, path: &str, ws: &[Window]) {
        self.at_most(path, ws.len(), limits::MAX_WINDOWS);
        for (i, w) in ws.iter().enumerate().take(limits::MAX_WINDOWS) {
            let p = format!("{path}[{i}]");
            if !w.from_ms.is_finite() || w.from_ms < 0.0 {
                self.push(format!("{p}.from_ms"), K::Duration { positive: false, got: w.from_ms });
            }
            if !w.to_ms.is_finite() || w.to_ms <= w.from_ms {
                self.push(
                    format!("{p}.to_ms"),
                    K::GreaterThanField { other: "from_ms".into(), bound: w.from_ms, got: w.to_ms },
                );
            }
        }
    }

    fn link(&mut self, path: &str, l: &LinkSpec) {
        self.dist(&format!("{path}.latency"), &l.latency);
        self.probability(format!("{path}.loss"), l.loss);
        self.probability(format!("{path}.duplicate"), l.duplicate);
        self.windows(&format!("{path}.outages"), &l.outages);
    }

    fn link_override(&mut self, path: &str, o: &LinkOverride, groups: &BTreeSet<&str>) {
        for (field, name) in [("from", &o.from), ("to", &o.to)] {
            if name != "*" && !groups.contains(name.as_str()) {
                let known = groups.iter().take(KNOWN_SHOWN).map(|g| short(g)).collect();
                self.push(format!("{path}.{field}"), K::NoGroup { name: short(name), known });
            }
        }
        if let Some(d) = &o.latency {
            self.dist(&format!("{path}.latency"), d);
        }
        if let Some(p) = o.loss {
            self.probability(format!("{path}.loss"), p);
        }
        if let Some(p) = o.duplicate {
            self.probability(format!("{path}.duplicate"), p);
        }
        if let Some(ws) = &o.outages {
            self.windows(&format!("{path}.outages"), ws);
        }
    }

    fn name<'a>(&mut self, path: String, name: &'a str, seen: &mut BTreeSet<&'a str>) {
        if name.trim().is_empty() {
            self.push(path, K::Empty);
        } else if name.chars().count() > limits::MAX_NAME_LEN {
            self.push(path, K::NameTooLong { max: limits::MAX_NAME_LEN as u32 });
        } else if name == "*" {
            self.push(path, K::Reserved);
        } else if !seen.insert(name) {
            self.push(path, K::NameTaken { name: short(name) });
        }
    }

    /// A reference to a queue, an exchange or a topic (where a producer or a
    /// service sends).
    fn target_ref(&mut self, path: String, name: &str, n: &Names) {
        if !n.queues.contains(name) && !n.exchanges.contains(name) && !n.topics.contains(name) {
            let known =
                n.queues.iter().chain(n.exchanges.iter()).chain(n.topics.iter()).take(KNOWN_SHOWN).map(|q| short(q));
            self.push(path, K::NoTarget { name: short(name), known: known.collect() });
        }
    }

    /// A reference to a queue or a topic (where a consumer group reads).
    fn source_ref(&mut self, path: String, name: &str, n: &Names) {
        if !n.queues.contains(name) && !n.topics.contains(name) {
            let known = n.queues.iter().chain(n.topics.iter()).take(KNOWN_SHOWN).map(|q| short(q)).collect();
            self.push(path, K::NoSource { name: short(name), known });
        }
    }

    fn queue_ref(&mut self, path: String, name: &str, queues: &BTreeSet<&str>) {
        if !queues.contains(name) {
            let known = queues.iter().take(KNOWN_SHOWN).map(|q| short(q)).collect();
            self.push(path, K::NoQueue { name: short(name), known });
        }
    }

    fn producer(&mut self, i: usize, p: &ProducerSpec, s: &Scenario, n: &Names, consumed: &BTreeSet<&str>) {
        let path = format!("producers[{i}]");
        self.range_u32(format!("{path}.count"), p.count, 1, limits::MAX_GROUP_COUNT);
        self.target_ref(format!("{path}.to"), &p.to, n);
        self.duration(format!("{path}.start_ms"), p.start_ms, false);
        if p.messages > 0 && p.start_ms.is_finite() && s.duration_ms.is_finite() && p.start_ms >= s.duration_ms {
            self.push(format!("{path}.start_ms"), K::StartsAfterEnd { duration_ms: s.duration_ms });
        }
        match p.arrival {
            Arrival::Fixed { interval_ms } => self.duration(format!("{path}.arrival.interval_ms"), interval_ms, false),
            Arrival::Poisson { rate_per_s } => {
                if !rate_per_s.is_finite() || rate_per_s <= 0.0 || rate_per_s > 1e7 {
                    self.push(format!("{path}.arrival.rate_per_s"), K::PositiveAtMost { max: 1e7, got: rate_per_s });
                }
            }
            Arrival::Bursts { size, every_ms } => {
                self.range_u32(format!("{path}.arrival.size"), size, 1, limits::MAX_CAPACITY);
                self.duration(format!("{path}.arrival.every_ms"), every_ms, true);
            }
        }
        self.range_u32(format!("{path}.keys"), p.keys, 1, limits::MAX_KEYS);
        self.send(&format!("{path}.send"), &p.send);
        if p.send.mode == SendMode::Sync {
            if n.queues.contains(p.to.as_str()) && !consumed.contains(p.to.as_str()) {
                self.push(format!("{path}.send.mode"), K::SyncNoConsumer { queue: short(&p.to) });
            } else if n.exchanges.contains(p.to.as_str()) {
                self.push(format!("{path}.send.mode"), K::SyncToExchange { exchange: short(&p.to) });
            } else if n.topics.contains(p.to.as_str()) {
                self.push(format!("{path}.send.mode"), K::SyncToTopic { topic: short(&p.to) });
            }
        }
        self.range_u32(format!("{path}.batch_size"), p.batch_size, 1, limits::MAX_CAPACITY);
        self.duration(format!("{path}.linger_ms"), p.linger_ms, false);
        if let Some(m) = p.max_in_flight {
            self.range_u32(format!("{path}.max_in_flight"), m, 1, limits::MAX_CAPACITY);
        }
        self.probability(format!("{path}.poison_rate"), p.poison_rate);
    }

    /// Send settings: the timeout matters only when something is awaited.
    fn send(&mut self, path: &str, send: &SendSpec) {
        if send.mode != SendMode::FireAndForget {
            self.duration(format!("{path}.timeout_ms"), send.timeout_ms, true);
        }
        self.range_u32(format!("{path}.max_attempts"), send.max_attempts, 1, limits::MAX_ATTEMPTS);
        self.backoff(&format!("{path}.backoff"), &send.backoff);
    }

    fn exchange(&mut self, i: usize, x: &ExchangeSpec, queues: &BTreeSet<&str>) {
        let path = format!("exchanges[{i}]");
        if let Some(c) = x.classes {
            self.range_u32(format!("{path}.classes"), c, 1, limits::MAX_KEYS);
        }
        self.at_most(format!("{path}.bindings"), x.bindings.len(), limits::MAX_NODES as usize);
        let mut bound = BTreeSet::new();
        for (j, b) in x.bindings.iter().enumerate().take(limits::MAX_NODES as usize) {
            let bp = format!("{path}.bindings[{j}]");
            self.queue_ref(format!("{bp}.queue"), &b.queue, queues);
            if !bound.insert(b.queue.as_str()) {
                self.push(format!("{bp}.queue"), K::BoundTwice { queue: short(&b.queue) });
            }
            let Some(keys) = &b.keys else { continue };
            if x.kind == ExchangeKind::Fanout {
                self.push(format!("{bp}.keys"), K::KeysNeedDirect);
                continue;
            }
            self.at_most(format!("{bp}.keys"), keys.len(), limits::MAX_BINDING_KEYS);
            let top = x.classes.unwrap_or(limits::MAX_KEYS).max(1) - 1;
            for (k, &key) in keys.iter().enumerate().take(limits::MAX_BINDING_KEYS) {
                self.range_u32(format!("{bp}.keys[{k}]"), key, 0, top);
            }
        }
    }

    fn backoff(&mut self, path: &str, b: &Backoff) {
        self.duration(format!("{path}.base_ms"), b.base_ms, false);
        self.duration(format!("{path}.max_ms"), b.max_ms, false);
        if !b.multiplier.is_finite() || !(1.0..=10.0).contains(&b.multiplier) {
            self.push(format!("{path}.multiplier"), K::Between { lo: 1.0, hi: 10.0, got: b.multiplier });
        }
        if b.max_ms.is_finite() && b.base_ms.is_finite() && b.max_ms < b.base_ms {
            self.push(
                format!("{path}.max_ms"),
                K::AtLeastField { other: "base_ms".into(), bound: b.base_ms, got: b.max_ms },
            );
        }
    }

    fn queue(&mut self, i: usize, q: &QueueSpec) {
        let path = format!("queues[{i}]");
        if let Some(c) = q.capacity {
            self.range_u32(format!("{path}.capacity"), c, 1, limits::MAX_CAPACITY);
        }
        self.range_u32(format!("{path}.prefetch"), q.prefetch, 0, limits::MAX_CAPACITY);
        if let Some(t) = q.ack_timeout_ms {
            self.duration(format!("{path}.ack_timeout_ms"), t, true);
        }
        if let Some(m) = q.max_deliveries {
            self.range_u32(format!("{path}.max_deliveries"), m, 1, limits::MAX_ATTEMPTS);
        }
    }

    fn topic(&mut self, i: usize, t: &TopicSpec) {
        let path = format!("topics[{i}]");
        self.range_u32(format!("{path}.partitions"), t.partitions, 1, limits::MAX_PARTITIONS);
        if let Some(ms) = t.retention_ms {
            self.duration(format!("{path}.retention_ms"), ms, true);
        }
        if let Some(n) = t.retention_records {
            self.range_u32(format!("{path}.retention_records"), n, 1, limits::MAX_CAPACITY);
        }
        self.range_u32(format!("{path}.brokers"), t.brokers, 1, limits::MAX_BROKERS);
        let brokers = t.brokers.clamp(1, limits::MAX_BROKERS);
        self.range_u32(format!("{path}.replication_factor"), t.replication_factor, 1, brokers);
        let rf = t.replication_factor.clamp(1, brokers);
        self.range_u32(format!("{path}.min_insync_replicas"), t.min_insync_replicas, 1, rf);
        self.duration(format!("{path}.replication_ms"), t.replication_ms, true);
        self.duration(format!("{path}.failover_ms"), t.failover_ms, false);
    }

    /// How a group reads a topic (checked only for a group that does).
    fn log_group(&mut self, path: &str, l: &LogGroupSpec) {
        self.duration(format!("{path}.auto_commit_ms"), l.auto_commit_ms, true);
        self.range_u32(format!("{path}.max_poll_records"), l.max_poll_records, 1, limits::MAX_POLL_RECORDS);
        self.duration(format!("{path}.fetch_wait_ms"), l.fetch_wait_ms, true);
        self.duration(format!("{path}.request_timeout_ms"), l.request_timeout_ms, true);
        self.duration(format!("{path}.start_ms"), l.start_ms, false);
        self.duration(format!("{path}.rebalance_ms"), l.rebalance_ms, false);
        self.duration(format!("{path}.session_timeout_ms"), l.session_timeout_ms, false);
        if let Some(at) = l.rebuild_at_ms {
            self.duration(format!("{path}.rebuild_at_ms"), at, false);
        }
        if let Some(every) = l.snapshot_every {
            self.range_u32(format!("{path}.snapshot_every"), every, 1, limits::MAX_CAPACITY);
        }
    }

    fn consumer(&mut self, i: usize, c: &ConsumerSpec, n: &Names) {
        let path = format!("consumers[{i}]");
        self.range_u32(format!("{path}.count"), c.count, 1, limits::MAX_GROUP_COUNT);
        self.source_ref(format!("{path}.from"), &c.from, n);
        if n.topics.contains(c.from.as_str()) {
            self.log_group(&format!("{path}.log"), &c.log);
            if c.log.rebuild_at_ms.is_some() && c.idempotency.versions {
                self.push(format!("{path}.log.rebuild_at_ms"), K::RebuildWithVersions);
            }
        }
        self.range_u32(format!("{path}.concurrency"), c.concurrency, 1, limits::MAX_CONCURRENCY);
        self.dist(&format!("{path}.processing"), &c.processing);
        self.probability(format!("{path}.crash.probability"), c.crash.probability);
        self.duration(format!("{path}.crash.restart_ms"), c.crash.restart_ms, false);
        if c.crash.point == CrashPoint::BetweenWrites && c.publish.is_none() {
            self.push(format!("{path}.crash.point"), K::BetweenWritesNeedsPublish);
        }
        if c.crash.point == CrashPoint::MidTransaction && c.saga.is_none() {
            self.push(format!("{path}.crash.point"), K::MidTransactionNeedsSaga);
        }
        self.at_most(format!("{path}.crash.schedule"), c.crash.schedule.len(), limits::MAX_PLANNED_CRASHES);
        for (j, s) in c.crash.schedule.iter().enumerate().take(limits::MAX_PLANNED_CRASHES) {
            let sp = format!("{path}.crash.schedule[{j}]");
            if let Some(inst) = s.instance
                && inst >= c.count
            {
                self.push(format!("{sp}.instance"), K::NoInstance { count: c.count, got: inst });
            }
            self.duration(format!("{sp}.at_ms"), s.at_ms, false);
            self.duration(format!("{sp}.down_ms"), s.down_ms, false);
            if let Some(every) = s.every_ms {
                self.duration(format!("{sp}.every_ms"), every, true);
            }
        }
        if let Some(cap) = c.idempotency.capacity {
            self.range_u32(format!("{path}.idempotency.capacity"), cap, 1, limits::MAX_CAPACITY);
        }
        if let Some(ttl) = c.idempotency.ttl_ms {
            self.duration(format!("{path}.idempotency.ttl_ms"), ttl, true);
        }
        if let Some(p) = &c.publish {
            self.target_ref(format!("{path}.publish.to"), &p.to, n);
            self.send(&format!("{path}.publish.send"), &p.send);
            if p.send.mode == SendMode::Sync {
                self.push(format!("{path}.publish.send.mode"), K::PublishSync);
            }
            if let Some(m) = p.max_in_flight {
                self.range_u32(format!("{path}.publish.max_in_flight"), m, 1, limits::MAX_CAPACITY);
            }
            self.duration(format!("{path}.publish.relay_poll_ms"), p.relay_poll_ms, true);
        }
        if let Some(saga) = &c.saga {
            self.saga(&format!("{path}.saga"), saga, n.topics.contains(c.from.as_str()));
        }
        if c.event_store != EventStoreKind::None && (c.saga.is_some() || n.topics.contains(c.from.as_str())) {
            self.push(format!("{path}.event_store"), K::EventStoreNeedsQueue);
        }
    }

    /// A saga's settings (its services' names are checked with every name).
    fn saga(&mut self, path: &str, saga: &SagaSpec, from_topic: bool) {
        if from_topic {
            self.push(path, K::SagaFromTopic);
        }
        if saga.steps.is_empty() {
            self.push(format!("{path}.steps"), K::NeedsOne);
        }
        self.at_most(format!("{path}.steps"), saga.steps.len(), limits::MAX_SAGA_STEPS);
        self.duration(format!("{path}.timeout_ms"), saga.timeout_ms, true);
        self.range_u32(format!("{path}.max_attempts"), saga.max_attempts, 1, limits::MAX_ATTEMPTS);
        for (j, step) in saga.steps.iter().enumerate().take(limits::MAX_SAGA_STEPS) {
            let sp = format!("{path}.steps[{j}]");
            self.dist(&format!("{sp}.processing"), &step.processing);
            self.probability(format!("{sp}.fail_probability"), step.fail_probability);
            if saga.protocol == Protocol::TwoPhaseCommit {
                // Nothing is ever undone: a participant votes before it changes anything.
            } else if !step.compensation && step.fail_probability > 0.0 {
                self.push(format!("{sp}.fail_probability"), K::StepCannotFail);
            } else if !step.compensation
                && let Some(later) = saga.steps[j + 1..].iter().find(|l| l.compensation)
            {
                self.push(format!("{sp}.compensation"), K::NeedsCompensation { later: short(&later.service) });
            }
        }
    }

    /// Services that publish to each other in a loop: each loop once, at its
    /// first service (in file order).
    fn publish_cycles(&mut self, s: &Scenario) {
        let next = s.publish_reaches();
        let mut reported = vec![false; s.consumers.len()];
        for start in 0..s.consumers.len() {
            if reported[start] {
                continue;
            }
            // The shortest way back to `start`, breadth first.
            let mut from = vec![usize::MAX; s.consumers.len()];
            let mut frontier = vec![start];
            let mut found = false;
            'search: while !frontier.is_empty() {
                let mut more = Vec::new();
                for &g in &frontier {
                    for &h in &next[g] {
                        if h == start {
                            from[start] = g;
                            found = true;
                            break 'search;
                        }
                        if from[h] == usize::MAX {
                            from[h] = g;
                            more.push(h);
                        }
                    }
                }
                frontier = more;
            }
            if !found {
                continue;
            }
            let mut loop_ = vec![start];
            let mut g = from[start];
            while g != start && loop_.len() <= s.consumers.len() {
                loop_.push(g);
                g = from[g];
            }
            loop_.push(start);
            loop_.reverse();
            for &g in &loop_ {
                reported[g] = true;
            }
            let cycle = loop_.iter().map(|&g| short(&s.consumers[g].name)).collect::<Vec<_>>().join(" → ");
            self.push(format!("consumers[{start}].publish.to"), K::PublishCycle { cycle });
        }
    }

    /// Planned outages of any node.
    fn crashes(&mut self, s: &Scenario) {
        self.at_most("crashes", s.crashes.len(), limits::MAX_PLANNED_CRASHES);
        let count_of = |name: &str| -> Option<u32> {
            let groups = s
                .producers
                .iter()
                .map(|p| (p.name.as_str(), p.count))
                .chain(s.consumers.iter().map(|c| (c.name.as_str(), c.count)));
            let single =
                s.queues.iter().map(|q| (q.name.as_str(), 1)).chain(s.exchanges.iter().map(|x| (x.name.as_str(), 1)));
            let single = single.chain(s.topics.iter().map(|t| (t.name.as_str(), t.brokers.max(1))));
            let single = single.chain(s.saga_services().map(|n| (n, 1)));
            groups.chain(single).find(|(n, _)| *n == name).map(|(_, c)| c)
        };
        for (i, c) in s.crashes.iter().enumerate().take(limits::MAX_PLANNED_CRASHES) {
            let path = format!("crashes[{i}]");
            match count_of(&c.node) {
                None => {
                    let known = s
                        .producers
                        .iter()
                        .map(|p| &p.name)
                        .chain(s.exchanges.iter().map(|x| &x.name))
                        .chain(s.queues.iter().map(|q| &q.name))
                        .chain(s.topics.iter().map(|t| &t.name))
                        .chain(s.consumers.iter().map(|g| &g.name))
                        .map(String::as_str)
                        .chain(s.saga_services())
                        .take(KNOWN_SHOWN)
                        .map(short)
                        .collect();
                    self.push(format!("{path}.node"), K::NoNode { name: short(&c.node), known });
                }
                Some(count) => {
                    if let Some(inst) = c.instance
                        && inst >= count
                    {
                        self.push(format!("{path}.instance"), K::NoInstance { count, got: inst });
                    }
                }
            }
            self.duration(format!("{path}.at_ms"), c.at_ms, false);
            self.duration(format!("{path}.down_ms"), c.down_ms, false);
            if let Some(every) = c.every_ms {
                self.duration(format!("{path}.every_ms"), every, true);
            }
        }
    }
}

impl Scenario {
    /// Checks every field and cross-reference. Returns all problems at once,
    /// in document order.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut c = Checker { problems: Vec::new() };
        if self.version > SCENARIO_VERSION {
            c.push("version", K::NewerVersion { got: self.version });
        } else if self.version != SCENARIO_VERSION {
            c.push("version", K::Version { got: self.version });
        }
        if !self.duration_ms.is_finite() || self.duration_ms <= 0.0 || self.duration_ms > limits::MAX_RUN_MS {
            c.push("duration_ms", K::PositiveAtMost { max: limits::MAX_RUN_MS, got: self.duration_ms });
        }
        if self.max_events == 0 || self.max_events > limits::MAX_EVENTS {
            c.push("max_events", K::Between { lo: 1.0, hi: limits::MAX_EVENTS as f64, got: self.max_events as f64 });
        }

        c.text("name", &self.name);
        c.text("description", &self.description);
        let mut seen = BTreeSet::new();
        for (i, p) in self.producers.iter().enumerate() {
            c.name(format!("producers[{i}].name"), &p.name, &mut seen);
        }
        for (i, q) in self.queues.iter().enumerate() {
            c.name(format!("queues[{i}].name"), &q.name, &mut seen);
        }
        for (i, x) in self.exchanges.iter().enumerate() {
            c.name(format!("exchanges[{i}].name"), &x.name, &mut seen);
        }
        for (i, t) in self.topics.iter().enumerate() {
            c.name(format!("topics[{i}].name"), &t.name, &mut seen);
        }
        for (i, g) in self.consumers.iter().enumerate() {
            c.name(format!("consumers[{i}].name"), &g.name, &mut seen);
        }
        for (i, g) in self.consumers.iter().enumerate() {
            for (j, step) in g.saga.iter().flat_map(|s| s.steps.iter().take(limits::MAX_SAGA_STEPS)).enumerate() {
                c.name(format!("consumers[{i}].saga.steps[{j}].service"), &step.service, &mut seen);
            }
        }
        for (list, empty) in [
            ("producers", self.producers.is_empty()),
            ("queues", self.queues.is_empty() && self.topics.is_empty()),
            ("consumers", self.consumers.is_empty()),
        ] {
            if empty {
                c.push(list, K::NeedsOne);
            }
        }

        let names = Names {
            queues: set_of(&mut self.queues.iter().map(|q| q.name.as_str())),
            exchanges: set_of(&mut self.exchanges.iter().map(|x| x.name.as_str())),
            topics: set_of(&mut self.topics.iter().map(|t| t.name.as_str())),
        };
        let consumed = set_of(&mut self.consumers.iter().map(|g| g.from.as_str()));
        let groups = set_of(
            &mut self
                .producers
                .iter()
                .map(|p| p.name.as_str())
                .chain(names.queues.iter().copied())
                .chain(names.exchanges.iter().copied())
                .chain(names.topics.iter().copied())
                .chain(self.consumers.iter().map(|g| g.name.as_str()))
                .chain(self.saga_services()),
        );

        c.link("network.default", &self.network.default);
        c.at_most("network.links", self.network.links.len(), limits::MAX_LINK_OVERRIDES);
        for (i, o) in self.network.links.iter().enumerate().take(limits::MAX_LINK_OVERRIDES) {
            c.link_override(&format!("network.links[{i}]"), o, &groups);
        }
        let windows = self.network.default.outages.len()
            + self.network.links.iter().map(|o| o.outages.as_ref().map_or(0, Vec::len)).sum::<usize>();
        if windows > limits::MAX_TOTAL_WINDOWS {
            c.push("network", K::TooManyWindows { total: windows as u64, max: limits::MAX_TOTAL_WINDOWS as u64 });
        }
        for (i, p) in self.producers.iter().enumerate() {
            c.producer(i, p, self, &names, &consumed);
        }
        for (i, q) in self.queues.iter().enumerate() {
            c.queue(i, q);
        }
        c.at_most("exchanges", self.exchanges.len(), limits::MAX_EXCHANGES);
        for (i, x) in self.exchanges.iter().enumerate().take(limits::MAX_EXCHANGES) {
            c.exchange(i, x, &names.queues);
        }
        c.at_most("topics", self.topics.len(), limits::MAX_TOPICS);
        for (i, t) in self.topics.iter().enumerate().take(limits::MAX_TOPICS) {
            c.topic(i, t);
        }
        for (kind, cost) in [("queue", &self.costs.queue), ("log", &self.costs.log)] {
            c.duration(format!("costs.{kind}.request_ms"), cost.request_ms, false);
            c.duration(format!("costs.{kind}.record_ms"), cost.record_ms, false);
        }
        // (queue, the group reading it): a list, not a map (a map type of
        // its own would add its code to the page's download).
        let mut reader: Vec<(&str, &str)> = Vec::new();
        for (i, g) in self.consumers.iter().enumerate() {
            c.consumer(i, g, &names);
            if names.topics.contains(g.from.as_str()) {
                continue; // a topic has any number of groups
            }
            match reader.iter_mut().find(|(q, _)| *q == g.from) {
                Some((_, first)) => {
                    c.push(
                        format!("consumers[{i}].from"),
                        K::QueueTaken { queue: short(&g.from), group: short(first) },
                    );
                    *first = g.name.as_str();
                }
                None => reader.push((g.from.as_str(), g.name.as_str())),
            }
        }

        c.publish_cycles(self);
        c.crashes(self);

        let total = self.total_messages();
        if total > limits::MAX_MESSAGES {
            c.push("producers", K::TooManyMessages { total, max: limits::MAX_MESSAGES });
        }
        let nodes: u64 = self.producers.iter().map(|p| u64::from(p.count)).sum::<u64>()
            + self.queues.len() as u64
            + self.exchanges.len() as u64
            + self.topics.len() as u64
            + self.consumers.iter().map(|g| u64::from(g.count)).sum::<u64>()
            + self.saga_services().count() as u64;
        if nodes > u64::from(limits::MAX_NODES) {
            c.push("", K::TooManyNodes { nodes, max: u64::from(limits::MAX_NODES) });
        }

        if c.problems.is_empty() { Ok(()) } else { Err(c.problems) }
    }
}

/// The names a reference can point to, by kind.
struct Names<'a> {
    queues: BTreeSet<&'a str>,
    exchanges: BTreeSet<&'a str>,
    topics: BTreeSet<&'a str>,
}

/// The set of `names`, filled by inserting: collecting into a set sorts with
/// the standard library's stable sort, 8 KB of the page's download (see
/// docs/performance.md, "Download size").
fn set_of<'a>(names: &mut dyn Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut set = BTreeSet::new();
    for n in names {
        set.insert(n);
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ConsumerSpec, ProducerSpec, QueueSpec};

    fn minimal() -> Scenario {
        Scenario {
            producers: vec![ProducerSpec::default()],
            queues: vec![QueueSpec::default()],
            consumers: vec![ConsumerSpec::default()],
            ..Scenario::default()
        }
    }

    fn paths(s: &Scenario) -> Vec<String> {
        s.validate().err().unwrap_or_default().into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(minimal().validate(), Ok(()));
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let mut s = minimal();
        s.producers[0].arrival = Arrival::Poisson { rate_per_s: -1.0 };
        s.producers[0].to = "nope".into();
        s.consumers[0].concurrency = 0;
        s.network.default.loss = 1.5;
        let p = paths(&s);
        assert_eq!(
            p,
            vec![
                "network.default.loss",
                "producers[0].to",
                "producers[0].arrival.rate_per_s",
                "consumers[0].concurrency"
            ]
        );
    }

    #[test]
    fn future_version_is_named() {
        let mut s = minimal();
        s.version = 7;
        let e = s.validate().unwrap_err();
        assert!(e[0].message.contains("newer msgsim"), "{}", e[0]);
    }

    #[test]
    fn duplicate_and_unknown_names() {
        let mut s = minimal();
        s.consumers[0].name = "queue".into();
        s.network.links.push(LinkOverride { from: "ghost".into(), to: "*".into(), ..Default::default() });
        assert_eq!(paths(&s), vec!["consumers[0].name", "network.links[0].from"]);
    }

    #[test]
    fn one_group_per_queue() {
        let mut s = minimal();
        s.consumers.push(ConsumerSpec { name: "billing".into(), ..Default::default() });
        assert_eq!(paths(&s), vec!["consumers[1].from"]);
    }

    #[test]
    fn message_and_node_bounds() {
        let mut s = minimal();
        s.producers[0].count = 64;
        s.producers[0].messages = 100_000;
        assert_eq!(paths(&s), vec!["producers"]);
    }

    #[test]
    fn json_errors_carry_the_path() {
        let e =
            Scenario::from_json(r#"{"producers":[{"arrival":{"kind":"poisson","rate_per_s":"fast"}}]}"#).unwrap_err();
        assert_eq!(e[0].path, "producers[0].arrival.rate_per_s");
        assert!(e[0].message.contains("expected a number"), "{}", e[0].message);
        let e = Scenario::from_json(r#"{"producers":[{"colour":"red"}]}"#).unwrap_err();
        assert!(e[0].message.contains("unknown field `colour`"), "{}", e[0].message);
        let e = Scenario::from_json(r#"{"producers":[{"arrival":{"kind":"weekly"}}]}"#).unwrap_err();
        assert_eq!(e[0].path, "producers[0].arrival.kind");
        assert!(e[0].message.contains("unknown variant `weekly`"), "{}", e[0].message);
        let e =
            Scenario::from_json(r#"{"consumers":[{"processing":{"kind":"uniform","min_ms":1,"max":2}}]}"#).unwrap_err();
        assert_eq!(e[0].path, "consumers[0].processing.max");
        assert!(e[0].message.contains("unknown field `max`"), "{}", e[0].message);
        let e = Scenario::from_json(r#"{"consumers":[{"processing":{"ms":2}}]}"#).unwrap_err();
        assert_eq!(e[0].path, "consumers[0].processing.kind");
        let e = Scenario::from_json(r#"{"version":1,"#).unwrap_err();
        assert!(e[0].message.contains("ends too early"), "{}", e[0].message);
    }

    #[test]
    fn hostile_files_get_clear_messages() {
        let one = |json: &str| {
            let e = Scenario::from_json(json).unwrap_err();
            (e[0].path.clone(), e[0].message.clone())
        };
        assert_eq!(one("[]"), ("".into(), "must be a JSON object ({…}), not an array".into()));
        let (path, msg) = one(r#"{"producers":[{"messages":4294967296}]}"#);
        assert_eq!(
            (path.as_str(), msg.as_str()),
            ("producers[0].messages", "must be a whole number ≤ 4294967295, got 4294967296")
        );
        let (path, msg) = one(r#"{"producers":[{"count":-5}]}"#);
        assert_eq!((path.as_str(), msg.as_str()), ("producers[0].count", "must be a whole number ≥ 0, got -5"));
        // A byte-order mark is not an error.
        let bom = format!("\u{feff}{}", crate::presets::SOURCES[0].1);
        assert!(Scenario::from_json(&bom).is_ok());
        let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(limits::MAX_FILE_BYTES));
        assert!(one(&huge).1.contains("larger than"));
    }

    #[test]
    fn limits_and_resolution() {
        let mut s = minimal();
        s.queues[0].ack_timeout_ms = Some(0.0001);
        s.network.default.latency = Dist::constant(0.0004);
        s.producers[0].start_ms = 5_000_000.0;
        s.duration_ms = 1_000.0;
        s.network.default.outages = vec![Window { from_ms: 1.0, to_ms: 2.0 }; limits::MAX_WINDOWS + 1];
        s.description = "d".repeat(limits::MAX_TEXT_LEN + 1);
        let p = s.validate().unwrap_err();
        let at = |path: &str| p.iter().find(|p| p.path == path).map(|p| p.message.clone()).unwrap_or_default();
        assert!(at("queues[0].ack_timeout_ms").contains("at least 0.001 ms"), "{p:?}");
        assert!(at("network.default.latency.ms").contains("0 or at least 0.001 ms"));
        assert!(at("producers[0].start_ms").contains("after the run ends"));
        assert!(at("network.default.outages").contains("must be ≤ 1000"));
        assert!(at("description").contains("must be ≤ 2000"));
        let names: Vec<String> = p.iter().map(|p| p.message.clone()).collect();
        assert!(names.iter().all(|m| m.chars().count() < 200), "messages stay short");
    }

    /// The graph's mistakes: each a clear problem at its path.
    #[test]
    fn exchanges_services_and_crashes_are_checked() {
        use crate::scenario::{Binding, ExchangeSpec, NodeCrash, PublishSpec};
        let mut s = minimal();
        s.queues.push(QueueSpec { name: "billing-q".into(), ..Default::default() });
        s.exchanges.push(ExchangeSpec {
            name: "orders".into(),
            bindings: vec![
                Binding { queue: "queue".into(), keys: None },
                Binding { queue: "ghost".into(), keys: None },
                Binding { queue: "queue".into(), keys: Some(vec![1]) },
            ],
            ..Default::default()
        });
        s.producers[0].to = "orders".into();
        s.consumers.push(ConsumerSpec { name: "billing".into(), from: "billing-q".into(), ..Default::default() });
        // inventory → billing → inventory: a loop.
        s.consumers[0].publish = Some(PublishSpec { to: "billing-q".into(), ..Default::default() });
        s.consumers[1].publish = Some(PublishSpec { to: "orders".into(), ..Default::default() });
        s.crashes.push(NodeCrash { node: "nobody".into(), at_ms: 1.0, down_ms: 1.0, ..Default::default() });
        s.crashes.push(NodeCrash {
            node: "orders".into(),
            instance: Some(1),
            at_ms: 1.0,
            down_ms: 1.0,
            every_ms: Some(0.0),
        });
        let p = s.validate().unwrap_err();
        let at = |path: &str| p.iter().find(|p| p.path == path).map(|p| p.kind.clone());
        assert!(matches!(at("exchanges[0].bindings[1].queue"), Some(K::NoQueue { .. })), "{p:?}");
        assert!(matches!(at("exchanges[0].bindings[2].queue"), Some(K::BoundTwice { .. })));
        assert!(matches!(at("exchanges[0].bindings[2].keys"), Some(K::KeysNeedDirect)));
        assert_eq!(
            at("consumers[0].publish.to"),
            Some(K::PublishCycle { cycle: "inventory → billing → inventory".into() })
        );
        assert!(at("consumers[1].publish.to").is_none(), "one problem per loop");
        assert!(matches!(at("crashes[0].node"), Some(K::NoNode { .. })));
        assert!(matches!(at("crashes[1].instance"), Some(K::NoInstance { count: 1, got: 1 })));
        assert!(at("crashes[1].every_ms").is_some(), "a repeating crash needs a positive mean");
        // A service publishing to the queue it reads.
        let mut s = minimal();
        s.consumers[0].publish = Some(PublishSpec { to: "queue".into(), ..Default::default() });
        assert_eq!(s.validate().unwrap_err()[0].kind, K::PublishCycle { cycle: "inventory → inventory".into() });
        // Sending to something that is neither a queue nor an exchange.
        let mut s = minimal();
        s.producers[0].to = "nowhere".into();
        assert!(matches!(s.validate().unwrap_err()[0].kind, K::NoTarget { .. }));
    }

    #[test]
    fn long_names_are_not_echoed_whole() {
        let mut s = minimal();
        s.producers[0].to = "q".repeat(100_000);
        let p = s.validate().unwrap_err();
        assert!(
            p.iter().all(|p| p.message.chars().count() < 200),
            "{:?}",
            p[0].message.chars().take(80).collect::<String>()
        );
    }
}
