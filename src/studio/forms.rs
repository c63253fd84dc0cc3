//! The editor's forms, as data: which fields each section shows, at which
//! JSON path, with which label and input kind. Built from the current draft,
//! so a distribution shows the parameters of its current kind.

use serde_json::Value;

use super::draft::Draft;
use super::fields::{ARRIVAL_TEMPLATES, Choice, DIST_TEMPLATES, Field, FieldKind, Label, ListBlock, Section, Target};
use crate::i18n::Key;

fn field(path: String, label: Key, kind: FieldKind, unit: Option<&'static str>) -> Field {
    Field { path, label, kind, unit }
}

fn num(path: String, label: Key, unit: Option<&'static str>) -> Field {
    field(path, label, FieldKind::number(), unit)
}

fn int(path: String, label: Key) -> Field {
    field(path, label, FieldKind::integer(), None)
}

fn opt_num(path: String, label: Key, unit: Option<&'static str>) -> Field {
    field(path, label, FieldKind::Number { optional: true }, unit)
}

fn choice(path: String, label: Key, options: &[(&str, Key)]) -> Field {
    let options = options.iter().map(|(v, k)| Choice { value: (*v).to_string(), label: Label::Key(*k) }).collect();
    field(path, label, FieldKind::Choice(options), None)
}

fn names(options: impl Iterator<Item = String>, any: bool) -> FieldKind {
    FieldKind::Choice(name_choices(options, any))
}

fn name_choices(options: impl Iterator<Item = String>, any: bool) -> Vec<Choice> {
    let mut v: Vec<Choice> = Vec::new();
    if any {
        v.push(Choice { value: "*".into(), label: Label::Key(Key::AnyGroup) });
    }
    v.extend(options.map(|n| Choice { value: n.clone(), label: Label::Text(n) }));
    v
}

/// The fields of a distribution at `path`: its kind and that kind's parameters.
fn dist(draft: &Draft, path: &str, label: Key, out: &mut Vec<Field>) {
    out.push(field(format!("{path}.kind"), label, FieldKind::Tagged { templates: DIST_TEMPLATES }, None));
    let params: &[(&str, Key, Option<&'static str>)] = match draft.text(&format!("{path}.kind")).as_str() {
        "constant" => &[("ms", Key::DurationValue, Some("ms"))],
        "uniform" => &[("min_ms", Key::Minimum, Some("ms")), ("max_ms", Key::Maximum, Some("ms"))],
        "normal" => &[("mean_ms", Key::Mean, Some("ms")), ("std_ms", Key::StdDev, Some("ms"))],
        "exponential" => &[("mean_ms", Key::Mean, Some("ms"))],
        "log_normal" => &[("median_ms", Key::Median, Some("ms")), ("sigma", Key::Sigma, None)],
        _ => &[],
    };
    for (name, key, unit) in params {
        out.push(num(format!("{path}.{name}"), *key, *unit));
    }
}

fn link_fields(draft: &Draft, path: &str, out: &mut Vec<Field>, optional: bool) {
    if optional && draft.value(&format!("{path}.latency")).is_none_or(|v| v.is_null()) {
        out.push(field(
            format!("{path}.latency.kind"),
            Key::Latency,
            FieldKind::Tagged { templates: DIST_TEMPLATES },
            None,
        ));
    } else {
        dist(draft, &format!("{path}.latency"), Key::Latency, out);
    }
    let prob = |p: String, k| if optional { opt_num(p, k, None) } else { num(p, k, None) };
    out.push(prob(format!("{path}.loss"), Key::LossProbability));
    out.push(prob(format!("{path}.duplicate"), Key::DuplicateProbability));
}

fn windows(draft: &Draft, path: &str, label: Key) -> ListBlock {
    let n = draft.value(path).and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0);
    ListBlock {
        path: path.to_string(),
        label,
        rows: (0..n)
            .map(|i| {
                vec![
                    num(format!("{path}[{i}].from_ms"), Key::From, Some("ms")),
                    num(format!("{path}[{i}].to_ms"), Key::To, Some("ms")),
                ]
            })
            .collect(),
        template: serde_json::json!({"from_ms": 500, "to_ms": 1500}),
    }
}

/// A sender's mode and, unless it fires and forgets, its timeout, retries,
/// backoff and in-flight limit (`path` holds `send` and `max_in_flight`).
fn send_fields(path: &str, mode: msgsim_sim::SendMode, modes: &[(&str, Key)], f: &mut Vec<Field>) {
    f.push(choice(format!("{path}.send.mode"), Key::SendMode, modes));
    if mode != msgsim_sim::SendMode::FireAndForget {
        f.push(num(format!("{path}.send.timeout_ms"), Key::Timeout, Some("ms")));
        f.push(int(format!("{path}.send.max_attempts"), Key::MaxAttempts));
        f.push(choice(
            format!("{path}.send.backoff.kind"),
            Key::Backoff,
            &[
                ("fixed", Key::BackoffFixed),
                ("exponential", Key::BackoffExponential),
                ("exponential_jitter", Key::BackoffJitter),
            ],
        ));
        f.push(num(format!("{path}.send.backoff.base_ms"), Key::BackoffBase, Some("ms")));
        f.push(num(format!("{path}.send.backoff.multiplier"), Key::BackoffMultiplier, Some("×")));
        f.push(num(format!("{path}.send.backoff.max_ms"), Key::BackoffCap, Some("ms")));
        f.push(field(format!("{path}.max_in_flight"), Key::MaxInFlight, FieldKind::optional_integer(), None));
    }
}

/// How a group reads a topic (`path` is its `log`).
fn log_fields(path: &str, commit: msgsim_sim::CommitPolicy, f: &mut Vec<Field>) {
    f.push(choice(
        format!("{path}.assignor"),
        Key::Assignor,
        &[("range", Key::AssignRange), ("round_robin", Key::RoundRobin)],
    ));
    f.push(choice(
        format!("{path}.commit"),
        Key::CommitPolicy,
        &[("after_processing", Key::CommitAfter), ("before_processing", Key::CommitBefore), ("auto", Key::CommitAuto)],
    ));
    if commit == msgsim_sim::CommitPolicy::Auto {
        f.push(num(format!("{path}.auto_commit_ms"), Key::AutoCommitEvery, Some("ms")));
    }
    f.push(int(format!("{path}.max_poll_records"), Key::MaxPollRecords));
    f.push(num(format!("{path}.fetch_wait_ms"), Key::FetchWait, Some("ms")));
    f.push(num(format!("{path}.request_timeout_ms"), Key::RequestTimeout, Some("ms")));
    f.push(choice(
        format!("{path}.offset_reset"),
        Key::OffsetReset,
        &[("earliest", Key::ResetEarliest), ("latest", Key::ResetLatest)],
    ));
    f.push(num(format!("{path}.start_ms"), Key::GroupStartsAt, Some("ms")));
    f.push(num(format!("{path}.rebalance_ms"), Key::RebalancePause, Some("ms")));
    f.push(num(format!("{path}.session_timeout_ms"), Key::SessionTimeout, Some("ms")));
    f.push(opt_num(format!("{path}.rebuild_at_ms"), Key::RebuildAt, Some("ms")));
    f.push(field(format!("{path}.snapshot_every"), Key::SnapshotEvery, FieldKind::optional_integer(), None));
}

/// A new saga: two steps, the second can fail, so the first can be undone.
const SAGA_TEMPLATE: &str = r#"{"steps":[{"service":"payment-service","processing":{"kind":"constant","ms":2}},{"service":"stock-service","processing":{"kind":"constant","ms":2},"fail_probability":0.1}]}"#;

/// Every section of the editor for the current draft.
pub fn sections(draft: &Draft) -> Vec<Section> {
    let s = draft.scenario();
    let mut out = Vec::new();

    out.push(Section {
        target: Target::Run,
        title: Key::SectionRun,
        name: String::new(),
        fields: vec![
            field("name".into(), Key::Name, FieldKind::Text, None),
            field("description".into(), Key::Description, FieldKind::Text, None),
            int("seed".into(), Key::DefaultSeed),
            num("duration_ms".into(), Key::Duration, Some("ms")),
            int("max_events".into(), Key::MaxEvents),
            num("costs.queue.request_ms".into(), Key::QueueRequestCost, Some("ms")),
            num("costs.queue.record_ms".into(), Key::QueueRecordCost, Some("ms")),
            num("costs.log.request_ms".into(), Key::LogRequestCost, Some("ms")),
            num("costs.log.record_ms".into(), Key::LogRecordCost, Some("ms")),
        ],
        lists: vec![],
    });

    let mut net = Vec::new();
    link_fields(draft, "network.default", &mut net, false);
    out.push(Section {
        target: Target::Network,
        title: Key::SectionNetwork,
        name: String::new(),
        fields: net,
        lists: vec![windows(draft, "network.default.outages", Key::Outages)],
    });

    let groups = || {
        s.producers
            .iter()
            .map(|p| p.name.clone())
            .chain(s.exchanges.iter().map(|x| x.name.clone()))
            .chain(s.queues.iter().map(|q| q.name.clone()))
            .chain(s.topics.iter().map(|t| t.name.clone()))
            .chain(s.consumers.iter().map(|c| c.name.clone()))
    };
    for (i, l) in s.network.links.iter().enumerate() {
        let path = format!("network.links[{i}]");
        let mut f = vec![
            field(format!("{path}.from"), Key::From, names(groups(), true), None),
            field(format!("{path}.to"), Key::To, names(groups(), true), None),
            field(format!("{path}.both_ways"), Key::BothWays, FieldKind::Bool, None),
        ];
        link_fields(draft, &path, &mut f, true);
        let lists =
            if l.outages.is_some() { vec![windows(draft, &format!("{path}.outages"), Key::Outages)] } else { vec![] };
        out.push(Section {
            target: Target::Link(i),
            title: Key::SectionLink,
            name: format!("{} → {}", l.from, l.to),
            fields: f,
            lists,
        });
    }

    let queue_names = || s.queues.iter().map(|q| q.name.clone());
    let topic_names = || s.topics.iter().map(|t| t.name.clone());
    let is_topic = |name: &str| s.topics.iter().any(|t| t.name == name);
    let sources = || queue_names().chain(topic_names());
    let targets = || {
        s.queues.iter().map(|q| q.name.clone()).chain(s.exchanges.iter().map(|x| x.name.clone())).chain(topic_names())
    };
    for (i, p) in s.producers.iter().enumerate() {
        let path = format!("producers[{i}]");
        let mut f = vec![
            field(format!("{path}.name"), Key::Name, FieldKind::Text, None),
            int(format!("{path}.count"), Key::Instances),
            field(format!("{path}.to"), Key::SendsTo, names(targets(), false), None),
            int(format!("{path}.messages"), Key::MessagesEach),
            num(format!("{path}.start_ms"), Key::StartAt, Some("ms")),
            field(
                format!("{path}.arrival.kind"),
                Key::Arrivals,
                FieldKind::Tagged { templates: ARRIVAL_TEMPLATES },
                None,
            ),
        ];
        match draft.text(&format!("{path}.arrival.kind")).as_str() {
            "fixed" => f.push(num(format!("{path}.arrival.interval_ms"), Key::Interval, Some("ms"))),
            "poisson" => f.push(num(format!("{path}.arrival.rate_per_s"), Key::Rate, Some("/s"))),
            "bursts" => {
                f.push(int(format!("{path}.arrival.size"), Key::BurstSize));
                f.push(num(format!("{path}.arrival.every_ms"), Key::Every, Some("ms")));
            }
            _ => {}
        }
        f.push(int(format!("{path}.keys"), Key::Keys));
        f.push(choice(
            format!("{path}.key_choice"),
            Key::KeyChoice,
            &[("round_robin", Key::RoundRobin), ("random", Key::Random)],
        ));
        send_fields(
            &path,
            p.send.mode,
            &[("fire_and_forget", Key::FireAndForget), ("confirm", Key::ConfirmMode), ("sync", Key::SyncMode)],
            &mut f,
        );
        f.push(num(format!("{path}.poison_rate"), Key::PoisonRate, None));
        if is_topic(&p.to) {
            f.push(choice(
                format!("{path}.partitioner"),
                Key::Partitioner,
                &[("key", Key::PartitionByKey), ("round_robin", Key::RoundRobin), ("sticky", Key::PartitionSticky)],
            ));
            f.push(num(format!("{path}.linger_ms"), Key::Linger, Some("ms")));
            if p.partitioner == msgsim_sim::Partitioner::Sticky || p.linger_ms > 0.0 {
                f.push(int(format!("{path}.batch_size"), Key::BatchSize));
            }
            if p.send.mode == msgsim_sim::SendMode::Confirm {
                f.push(choice(
                    format!("{path}.acks"),
                    Key::Acks,
                    &[("leader", Key::AcksLeader), ("all", Key::AcksAll)],
                ));
            }
            f.push(field(format!("{path}.idempotent"), Key::IdempotentProducer, FieldKind::Bool, None));
        }
        out.push(Section {
            target: Target::Producer(i),
            title: Key::SectionProducer,
            name: p.name.clone(),
            fields: f,
            lists: vec![],
        });
    }

    for (i, q) in s.queues.iter().enumerate() {
        let path = format!("queues[{i}]");
        out.push(Section {
            target: Target::Queue(i),
            title: Key::SectionQueue,
            name: q.name.clone(),
            fields: vec![
                field(format!("{path}.name"), Key::Name, FieldKind::Text, None),
                field(format!("{path}.capacity"), Key::Capacity, FieldKind::optional_integer(), None),
                choice(
                    format!("{path}.overflow"),
                    Key::Overflow,
                    &[("reject", Key::OverflowReject), ("drop_oldest", Key::OverflowDropOldest)],
                ),
                choice(format!("{path}.ack"), Key::AckMode, &[("manual", Key::AckManual), ("auto", Key::AckAuto)]),
                int(format!("{path}.prefetch"), Key::Prefetch),
                opt_num(format!("{path}.ack_timeout_ms"), Key::AckTimeout, Some("ms")),
                field(format!("{path}.max_deliveries"), Key::MaxDeliveries, FieldKind::optional_integer(), None),
                field(format!("{path}.durable"), Key::Durable, FieldKind::Bool, None),
            ],
            lists: vec![],
        });
    }

    for (i, c) in s.consumers.iter().enumerate() {
        let path = format!("consumers[{i}]");
        let mut f = vec![
            field(format!("{path}.name"), Key::Name, FieldKind::Text, None),
            int(format!("{path}.count"), Key::Instances),
            field(format!("{path}.from"), Key::ReadsFrom, names(sources(), false), None),
        ];
        if is_topic(&c.from) {
            log_fields(&format!("{path}.log"), c.log.commit, &mut f);
        } else {
            f.push(int(format!("{path}.concurrency"), Key::Concurrency));
        }
        dist(draft, &format!("{path}.processing"), Key::ProcessingTime, &mut f);
        f.push(num(format!("{path}.crash.probability"), Key::CrashProbability, None));
        // A crash between two writes only where there are two (a service),
        // in the middle of a saga only where there is one.
        let mut points = vec![("before_effect", Key::CrashBeforeEffect), ("after_effect", Key::CrashAfterEffect)];
        if c.publish.is_some() || c.crash.point == msgsim_sim::CrashPoint::BetweenWrites {
            points.push(("between_writes", Key::CrashBetweenWrites));
        }
        if c.saga.is_some() || c.crash.point == msgsim_sim::CrashPoint::MidTransaction {
            points.push(("mid_transaction", Key::CrashMidTransaction));
        }
        f.push(choice(format!("{path}.crash.point"), Key::CrashPoint, &points));
        f.push(num(format!("{path}.crash.restart_ms"), Key::RestartAfter, Some("ms")));
        f.push(field(format!("{path}.idempotency.versions"), Key::Versions, FieldKind::Bool, None));
        // Where it can be (or is, invalid: to be set back).
        if (!is_topic(&c.from) && c.saga.is_none()) || c.event_store != msgsim_sim::EventStoreKind::None {
            let kinds = [
                ("none", Key::EventStoreNone),
                ("blind", Key::EventStoreBlind),
                ("expected_version", Key::EventStoreExpected),
            ];
            f.push(choice(format!("{path}.event_store"), Key::EventStore, &kinds));
        }
        f.push(field(format!("{path}.idempotency.enabled"), Key::Idempotency, FieldKind::Bool, None));
        if c.idempotency.enabled {
            f.push(field(
                format!("{path}.idempotency.capacity"),
                Key::DedupCapacity,
                FieldKind::optional_integer(),
                None,
            ));
            f.push(opt_num(format!("{path}.idempotency.ttl_ms"), Key::DedupTtl, Some("ms")));
        }
        f.push(field(
            format!("{path}.publish.to"),
            Key::PublishesTo,
            FieldKind::Creates { options: name_choices(targets(), false), template: r#"{"to":""}"# },
            None,
        ));
        if let Some(publish) = &c.publish {
            f.push(choice(
                format!("{path}.publish.write"),
                Key::WriteOrder,
                &[
                    ("commit_first", Key::WriteCommitFirst),
                    ("publish_first", Key::WritePublishFirst),
                    ("outbox", Key::WriteOutbox),
                ],
            ));
            if publish.write == msgsim_sim::WriteOrder::Outbox {
                f.push(num(format!("{path}.publish.relay_poll_ms"), Key::RelayPoll, Some("ms")));
            }
            send_fields(
                &format!("{path}.publish"),
                publish.send.mode,
                &[("fire_and_forget", Key::FireAndForget), ("confirm", Key::ConfirmMode)],
                &mut f,
            );
        }
        // A saga's settings, and its steps as a list (under the planned outages).
        let mut lists = Vec::new();
        if !is_topic(&c.from) {
            f.push(field(
                format!("{path}.saga"),
                Key::OrchestratesSaga,
                FieldKind::Toggle { template: SAGA_TEMPLATE },
                None,
            ));
        }
        if let Some(saga) = &c.saga {
            f.push(choice(
                format!("{path}.saga.protocol"),
                Key::Protocol,
                &[
                    ("saga", Key::ProtocolSaga),
                    ("choreography", Key::ProtocolChoreography),
                    ("two_phase_commit", Key::ProtocolTwoPhase),
                ],
            ));
            let chained = saga.protocol == msgsim_sim::Protocol::Choreography;
            f.push(num(
                format!("{path}.saga.timeout_ms"),
                if chained { Key::HopTimeout } else { Key::SagaTimeout },
                Some("ms"),
            ));
            if saga.protocol == msgsim_sim::Protocol::Saga {
                f.push(field(format!("{path}.saga.tombstones"), Key::Tombstones, FieldKind::Bool, None));
            }
            // A choreography never gives up on a step.
            if !chained {
                f.push(int(format!("{path}.saga.max_attempts"), Key::MaxAttempts));
            }
            let steps = format!("{path}.saga.steps");
            let rows = (0..saga.steps.len())
                .map(|j| {
                    let step = format!("{steps}[{j}]");
                    let mut row = vec![field(format!("{step}.service"), Key::StepService, FieldKind::Text, None)];
                    dist(draft, &format!("{step}.processing"), Key::ProcessingTime, &mut row);
                    row.push(num(format!("{step}.fail_probability"), Key::FailProbability, None));
                    // Nothing is undone in a two-phase commit: a participant votes first.
                    if saga.protocol != msgsim_sim::Protocol::TwoPhaseCommit {
                        row.push(field(format!("{step}.compensation"), Key::HasCompensation, FieldKind::Bool, None));
                    }
                    row
                })
                .collect();
            let service = format!("step-{}", saga.steps.len() + 1);
            lists.push(ListBlock {
                path: steps,
                label: Key::SagaSteps,
                rows,
                template: serde_json::json!({ "service": service, "processing": {"kind": "constant", "ms": 2} }),
            });
        }
        let sched = format!("{path}.crash.schedule");
        let planned = ListBlock {
            path: sched.clone(),
            label: Key::PlannedCrashes,
            rows: (0..c.crash.schedule.len())
                .map(|j| {
                    vec![
                        field(format!("{sched}[{j}].instance"), Key::Instance, FieldKind::optional_integer(), None),
                        num(format!("{sched}[{j}].at_ms"), Key::At, Some("ms")),
                        num(format!("{sched}[{j}].down_ms"), Key::DownFor, Some("ms")),
                        opt_num(format!("{sched}[{j}].every_ms"), Key::AgainEvery, Some("ms")),
                    ]
                })
                .collect(),
            template: serde_json::json!({"at_ms": 500, "down_ms": 1000}),
        };
        out.push(Section {
            target: Target::Consumer(i),
            title: Key::SectionConsumer,
            name: c.name.clone(),
            fields: f,
            lists: {
                lists.insert(0, planned);
                lists
            },
        });
    }
    for (i, x) in s.exchanges.iter().enumerate() {
        let path = format!("exchanges[{i}]");
        let direct = x.kind == msgsim_sim::ExchangeKind::Direct;
        let mut f = vec![
            field(format!("{path}.name"), Key::Name, FieldKind::Text, None),
            choice(format!("{path}.kind"), Key::ExchangeType, &[("fanout", Key::Fanout), ("direct", Key::Direct)]),
        ];
        if direct {
            f.push(field(format!("{path}.classes"), Key::KeyClasses, FieldKind::optional_integer(), None));
        }
        let bindings = format!("{path}.bindings");
        let rows = (0..x.bindings.len())
            .map(|j| {
                let mut row =
                    vec![field(format!("{bindings}[{j}].queue"), Key::BindingQueue, names(queue_names(), false), None)];
                if direct {
                    row.push(field(format!("{bindings}[{j}].keys"), Key::RoutingKeys, FieldKind::Numbers, None));
                }
                row
            })
            .collect();
        let queue = s.queues.first().map(|q| q.name.clone()).unwrap_or_default();
        out.push(Section {
            target: Target::Exchange(i),
            title: Key::SectionExchange,
            name: x.name.clone(),
            fields: f,
            lists: vec![ListBlock {
                path: bindings,
                label: Key::Bindings,
                rows,
                template: serde_json::json!({ "queue": queue }),
            }],
        });
    }

    for (i, t) in s.topics.iter().enumerate() {
        let path = format!("topics[{i}]");
        out.push(Section {
            target: Target::Topic(i),
            title: Key::SectionTopic,
            name: t.name.clone(),
            fields: vec![
                field(format!("{path}.name"), Key::Name, FieldKind::Text, None),
                int(format!("{path}.partitions"), Key::Partitions),
                opt_num(format!("{path}.retention_ms"), Key::RetentionTime, Some("ms")),
                field(format!("{path}.retention_records"), Key::RetentionRecords, FieldKind::optional_integer(), None),
                int(format!("{path}.brokers"), Key::Brokers),
                int(format!("{path}.replication_factor"), Key::ReplicationFactor),
                int(format!("{path}.min_insync_replicas"), Key::MinInsync),
                num(format!("{path}.replication_ms"), Key::ReplicationDelay, Some("ms")),
                num(format!("{path}.failover_ms"), Key::FailoverDelay, Some("ms")),
            ],
            lists: vec![],
        });
    }

    // Planned outages of any node: a producer or consumer group, an
    // exchange, a queue's broker, a topic's brokers.
    let first = groups().next().unwrap_or_default();
    out.push(Section {
        target: Target::Outages,
        title: Key::SectionOutages,
        name: String::new(),
        fields: vec![],
        lists: vec![ListBlock {
            path: "crashes".into(),
            label: Key::NodeOutages,
            rows: (0..s.crashes.len())
                .map(|j| {
                    vec![
                        field(
                            format!("crashes[{j}].node"),
                            Key::NodeName,
                            names(groups().chain(s.saga_services().map(str::to_string)), false),
                            None,
                        ),
                        field(format!("crashes[{j}].instance"), Key::Instance, FieldKind::optional_integer(), None),
                        num(format!("crashes[{j}].at_ms"), Key::At, Some("ms")),
                        num(format!("crashes[{j}].down_ms"), Key::DownFor, Some("ms")),
                        opt_num(format!("crashes[{j}].every_ms"), Key::AgainEvery, Some("ms")),
                    ]
                })
                .collect(),
            template: serde_json::json!({ "node": first, "at_ms": 500, "down_ms": 1000 }),
        }],
    });
    out
}

/// The section of a clicked link between groups `from` and `to` that has
/// no override yet: the fields its override will have, at the index it will
/// get, all empty (the network's defaults apply).
pub fn new_link(draft: &Draft, from: &str, to: &str) -> Section {
    let path = format!("network.links[{}]", draft.scenario().network.links.len());
    let mut fields = Vec::new();
    link_fields(draft, &path, &mut fields, true);
    Section {
        target: Target::NewLink, title: Key::SectionLink, name: format!("{from} → {to}"), fields, lists: vec![]
    }
}

/// Every field path the editor shows (to tell which problems have no field).
pub fn shown_paths(sections: &[Section]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sections {
        out.extend(s.fields.iter().map(|f| f.path.clone()));
        for l in &s.lists {
            out.push(l.path.clone());
            out.extend(l.rows.iter().flatten().map(|f| f.path.clone()));
        }
    }
    out
}

/// JSON of a new group of each kind, with a fresh name.
pub fn new_group(draft: &Draft, list: &str) -> Value {
    let s = draft.scenario();
    let queue = s.queues.first().map(|q| q.name.clone()).unwrap_or_else(|| "queue".into());
    match list {
        "producers" => serde_json::json!({"name": draft.fresh_name("producer"), "to": queue}),
        "queues" => serde_json::json!({"name": draft.fresh_name("queue")}),
        "topics" => serde_json::json!({"name": draft.fresh_name("topic")}),
        "exchanges" => serde_json::json!({
            "name": draft.fresh_name("exchange"),
            "kind": "fanout",
            "bindings": [{ "queue": queue }],
        }),
        "consumers" => {
            // A queue nobody reads yet, if there is one.
            let free = s
                .queues
                .iter()
                .find(|q| s.consumers.iter().all(|c| c.from != q.name))
                .map(|q| q.name.clone())
                .unwrap_or(queue);
            serde_json::json!({"name": draft.fresh_name("consumer"), "from": free})
        }
        _ => serde_json::json!({"from": "*", "to": "*"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shown_field_exists_in_every_preset() {
        for p in msgsim_sim::presets::all() {
            let d = Draft::new(p.scenario.clone());
            for path in shown_paths(&sections(&d)) {
                // An optional link latency is null until set ("use the default").
                // So is a service's downstream publish until chosen, and a
                // top-level list is left out while empty.
                let optional = (path.starts_with("network.links[") && path.ends_with(".latency.kind"))
                    || path.ends_with(".publish.to")
                    || path.ends_with(".saga")
                    || path == "crashes";
                assert!(d.value(&path).is_some() || optional, "{}: {path} has no value", p.id);
            }
        }
    }

    /// The editor keys each field by its path (so a field that appears
    /// leaves the others, and the focus, in place): no two fields of a
    /// section, or of a list's row, may share one.
    #[test]
    fn fields_are_unique_by_path_within_their_section_and_row() {
        let mut drafts: Vec<Draft> =
            msgsim_sim::presets::all().iter().map(|p| Draft::new(p.scenario.clone())).collect();
        drafts.push(everything());
        for d in &drafts {
            for s in sections(d) {
                let mut seen = std::collections::BTreeSet::new();
                assert!(s.fields.iter().all(|f| seen.insert(f.path.clone())), "{:?}: a path twice", s.target);
                for row in s.lists.iter().flat_map(|l| &l.rows) {
                    let mut seen = std::collections::BTreeSet::new();
                    assert!(row.iter().all(|f| seen.insert(f.path.clone())), "{:?}: a path twice in a row", s.target);
                }
            }
        }
    }

    #[test]
    fn every_field_of_every_preset_round_trips_through_its_text() {
        for p in msgsim_sim::presets::all() {
            let mut d = Draft::new(p.scenario.clone());
            for s in sections(&d.clone()) {
                for f in &s.fields {
                    let text = d.text(&f.path);
                    d.edit(&f.path, &f.kind, &text);
                }
            }
            assert_eq!(d.scenario(), &p.scenario, "{}", p.id);
            assert!(d.is_runnable(), "{}", p.id);
        }
    }

    #[test]
    fn new_groups_are_valid() {
        let mut d = Draft::new(msgsim_sim::presets::get("reliable-queue").unwrap().scenario.clone());
        for list in ["producers", "queues", "consumers", "exchanges"] {
            let g = new_group(&d, list);
            assert!(d.push(list, g));
        }
        assert!(d.is_runnable(), "{:?}", d.problems());
    }

    /// A scenario that uses every kind of section and option.
    fn everything() -> Draft {
        let json = serde_json::json!({
            "name": "everything",
            "network": {
                "default": {"latency": {"kind": "uniform", "min_ms": 1, "max_ms": 3}, "outages": [{"from_ms": 1, "to_ms": 2}]},
                "links": [{"from": "orders", "to": "*", "loss": 0.1, "outages": [{"from_ms": 5, "to_ms": 6}]}]
            },
            "producers": [{"name": "orders", "to": "events", "send": {"mode": "confirm"},
                           "arrival": {"kind": "bursts", "size": 2, "every_ms": 10}}],
            "exchanges": [{"name": "events", "kind": "direct", "classes": 2,
                           "bindings": [{"queue": "q1", "keys": [0]}, {"queue": "q2"}]}],
            "queues": [{"name": "q1", "durable": false}, {"name": "q2"}, {"name": "q3"}],
            "consumers": [
                {"name": "c1", "from": "q1", "idempotency": {"enabled": true},
                 "crash": {"probability": 0.1, "point": "between_writes", "schedule": [{"at_ms": 5, "down_ms": 5}]},
                 "publish": {"to": "q3", "send": {"mode": "confirm"}, "write": "outbox", "relay_poll_ms": 50}},
                {"name": "c2", "from": "q2", "idempotency": {"enabled": true},
                 "saga": {"timeout_ms": 20, "max_attempts": 2, "steps": [
                     {"service": "pay", "processing": {"kind": "constant", "ms": 3}, "fail_probability": 0.1},
                     {"service": "ship", "compensation": false}]}},
                {"name": "c3", "from": "q3", "idempotency": {"enabled": true}}
            ],
            "crashes": [{"node": "q1", "at_ms": 10, "down_ms": 10}]
        });
        // A topic, a producer sending to it, and a group reading it, with
        // every log setting away from its default (defaults are left out of
        // the JSON, so a missing field would go unnoticed).
        let mut json = json;
        json["topics"] = serde_json::json!([{"name": "log", "partitions": 4, "retention_ms": 1000,
            "retention_records": 10, "brokers": 3, "replication_factor": 2, "min_insync_replicas": 2,
            "replication_ms": 5, "failover_ms": 50}]);
        json["producers"].as_array_mut().unwrap().push(serde_json::json!({"name": "clicks", "to": "log",
            "partitioner": "sticky", "batch_size": 4, "linger_ms": 5, "acks": "all", "idempotent": true,
            "send": {"mode": "confirm"}}));
        json["costs"] = serde_json::json!({"queue": {"request_ms": 0.1, "record_ms": 0.05},
            "log": {"request_ms": 0.2, "record_ms": 0.01}});
        json["consumers"].as_array_mut().unwrap().push(serde_json::json!({"name": "c4", "from": "log",
            "idempotency": {"enabled": true},
            "log": {"assignor": "round_robin", "commit": "auto", "auto_commit_ms": 100, "max_poll_records": 5,
                    "fetch_wait_ms": 50, "request_timeout_ms": 60, "offset_reset": "latest", "start_ms": 10,
                    "rebalance_ms": 20, "session_timeout_ms": 30}}));
        let s = msgsim_sim::Scenario::from_value(json).unwrap();
        Draft::new(s)
    }

    /// Every leaf of a scenario's JSON (lists of numbers count as one).
    fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    leaves(x, p, out);
                }
            }
            Value::Array(a) if !a.is_empty() && !a.iter().all(Value::is_number) => {
                for (i, x) in a.iter().enumerate() {
                    leaves(x, format!("{path}[{i}]"), out);
                }
            }
            _ => out.push(path),
        }
    }

    /// The editor shows every field of the scenario format: a field added to
    /// the format without a form fails here.
    #[test]
    fn the_editor_edits_every_field_of_the_format() {
        let d = everything();
        assert!(d.is_runnable(), "{:?}", d.problems());
        let shown = shown_paths(&sections(&d));
        let mut all = Vec::new();
        leaves(&d.scenario().to_value(), String::new(), &mut all);
        // Reached through the kind field of their tagged object.
        let through_kind = |p: &str| shown.iter().any(|s| s.strip_suffix(".kind").is_some_and(|k| p.starts_with(k)));
        let missing: Vec<&String> = all
            .iter()
            .filter(|p| !shown.contains(p) && !through_kind(p))
            // An optional object is created through its `to` field.
            .filter(|p| !shown.contains(&format!("{p}.to")))
            // The format's version is not the user's to set.
            .filter(|p| *p != "version")
            // A member of a group on a topic processes one record at a time:
            // its group's concurrency is not shown (nor used).
            .filter(|p| *p != "consumers[3].concurrency")
            // Nor is an event store where it cannot be (a saga's group, a topic's).
            .filter(|p| *p != "consumers[1].event_store" && *p != "consumers[3].event_store")
            .collect();
        assert!(missing.is_empty(), "no editor field for {missing:?}");
    }

    #[test]
    fn a_saga_is_switched_on_given_steps_and_switched_off_in_forms() {
        let mut d = Draft::new(msgsim_sim::presets::get("reliable-queue").unwrap().scenario.clone());
        let toggle = FieldKind::Toggle { template: SAGA_TEMPLATE };
        assert!(d.edit("consumers[0].saga", &toggle, "true"));
        assert!(d.is_runnable(), "{:?}", d.problems());
        assert_eq!(d.scenario().consumers[0].saga.as_ref().map(|s| s.steps.len()), Some(2));
        let shown = shown_paths(&sections(&d));
        assert!(shown.contains(&"consumers[0].saga.steps[1].fail_probability".to_string()), "{shown:?}");
        // A step added from the list's template has a name of its own.
        let list = sections(&d).into_iter().flat_map(|s| s.lists).find(|l| l.path == "consumers[0].saga.steps");
        assert!(d.push("consumers[0].saga.steps", list.unwrap().template));
        assert!(d.is_runnable(), "{:?}", d.problems());
        assert_eq!(d.scenario().consumers[0].saga.as_ref().unwrap().steps[2].service, "step-3");
        // A step that cannot be undone before one that can fail: named inline.
        assert!(d.edit("consumers[0].saga.steps[0].compensation", &FieldKind::Bool, "false"));
        assert!(d.error("consumers[0].saga.steps[0].compensation").is_some());
        assert!(d.edit("consumers[0].saga", &toggle, "false"));
        assert_eq!(d.scenario().consumers[0].saga, None);
    }

    #[test]
    fn exchanges_publishes_and_outages_are_edited_in_forms() {
        let mut d = Draft::new(msgsim_sim::presets::get("reliable-queue").unwrap().scenario.clone());
        assert!(d.push("queues", new_group(&d, "queues")));
        assert!(d.push("exchanges", new_group(&d, "exchanges")));
        let x = d.scenario().exchanges[0].name.clone();
        assert!(d.edit("producers[0].to", &FieldKind::Text, &x));
        // A service publishes downstream: choosing a target creates the
        // publish, choosing nothing removes it.
        let kind = FieldKind::Creates { options: vec![], template: r#"{"to":""}"# };
        assert!(d.edit("consumers[0].publish.to", &kind, "queue-1"));
        assert_eq!(d.scenario().consumers[0].publish.as_ref().map(|p| p.to.as_str()), Some("queue-1"));
        assert!(d.edit("consumers[0].publish.to", &kind, ""));
        assert_eq!(d.scenario().consumers[0].publish, None);
        // Routing keys are a list of numbers.
        assert!(d.edit("exchanges[0].kind", &FieldKind::Text, "direct"));
        assert!(d.edit("exchanges[0].bindings[0].keys", &FieldKind::Numbers, "1, 3"));
        assert_eq!(d.text("exchanges[0].bindings[0].keys"), "1, 3");
        assert!(!d.edit("exchanges[0].bindings[0].keys", &FieldKind::Numbers, "1, x"));
        assert!(d.error("exchanges[0].bindings[0].keys").is_some());
        d.edit("exchanges[0].bindings[0].keys", &FieldKind::Numbers, "");
        assert_eq!(d.scenario().exchanges[0].bindings[0].keys, None);
        // An outage of the broker, from the outages section's template.
        let outages = sections(&d).into_iter().find(|s| s.target == Target::Outages).unwrap();
        assert!(d.push("crashes", outages.lists[0].template.clone()));
        let queue = d.scenario().queues[0].name.clone();
        assert!(d.edit("crashes[0].node", &FieldKind::Text, &queue));
        assert!(d.is_runnable(), "{:?}", d.problems());
        // A binding to a missing queue is a problem at its field.
        assert!(d.edit("exchanges[0].bindings[0].queue", &FieldKind::Text, "nowhere"));
        assert!(d.error("exchanges[0].bindings[0].queue").is_some());
        assert!(!d.is_runnable());
    }

    /// The tagged kinds the editor offers, and the fields each shows, are
    /// the format's own lists: a kind or field added to the format without
    /// its form (or the other way round) fails here.
    #[test]
    fn tagged_kinds_and_their_fields_are_the_formats() {
        use crate::studio::fields::{ARRIVAL_TEMPLATES, DIST_TEMPLATES};
        use msgsim_sim::scenario::{ARRIVAL_KINDS, DIST_KINDS, Kinds};
        let names = |k: Kinds| k.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(DIST_TEMPLATES.iter().map(|(k, _)| *k).collect::<Vec<_>>(), names(DIST_KINDS));
        assert_eq!(ARRIVAL_TEMPLATES.iter().map(|(k, _)| *k).collect::<Vec<_>>(), names(ARRIVAL_KINDS));
        let mut d = Draft::new(msgsim_sim::presets::get("reliable-queue").unwrap().scenario.clone());
        for (path, templates, kinds) in [
            ("consumers[0].processing", DIST_TEMPLATES, DIST_KINDS),
            ("network.default.latency", DIST_TEMPLATES, DIST_KINDS),
            ("producers[0].arrival", ARRIVAL_TEMPLATES, ARRIVAL_KINDS),
        ] {
            for (kind, fields) in kinds {
                d.edit(&format!("{path}.kind"), &FieldKind::Tagged { templates }, kind);
                assert_eq!(d.text(&format!("{path}.kind")), *kind);
                let shown: Vec<String> = shown_paths(&sections(&d))
                    .into_iter()
                    .filter(|p| p.starts_with(&format!("{path}.")) && !p.ends_with(".kind"))
                    .collect();
                let want: Vec<String> = fields.iter().map(|(f, _)| format!("{path}.{f}")).collect();
                assert_eq!(shown, want, "{path} as {kind}");
                assert!(d.is_runnable(), "{path}: the {kind} template is valid");
            }
        }
    }
}
