//! Specific behaviours of links, producers, queues and consumers.

use msgsim_sim::*;

use crate::support::{accounted_for, events_of, run, single_hop};

#[test]
fn outage_drops_everything_in_its_window_and_nothing_outside() {
    let mut s = single_hop(100);
    s.network.default.latency = Dist::constant(1.0);
    s.network.links.push(LinkOverride {
        from: "p".into(),
        to: "q".into(),
        outages: Some(vec![Window { from_ms: 200.0, to_ms: 400.0 }]),
        ..Default::default()
    });
    let sim = run(&s, 1);
    let lost = events_of(&sim, EventKind::Lost);
    assert_eq!(lost.len(), 20, "messages sent at 200, 210, …, 390 ms");
    for e in &lost {
        assert_eq!(e.cause, Cause::Outage);
        let sent_at = e.time - 500; // lost half-way along a 1 ms link
        assert!((200_000..400_000).contains(&sent_at), "{e:?}");
    }
    assert_eq!(sim.report().verdict, Verdict::Losses);
}

#[test]
fn poison_message_is_delivered_max_deliveries_times_then_dead_lettered() {
    let mut s = single_hop(20);
    s.producers[0].poison_rate = 1.0;
    s.queues[0].max_deliveries = Some(3);
    let sim = run(&s, 2);
    let r = sim.report();
    assert_eq!(r.counts.dead_lettered, 20);
    assert_eq!(r.counts.delivered, 60);
    assert_eq!(r.counts.redeliveries, 40);
    assert_eq!(r.counts.effects_applied, 0);
    assert_eq!(r.status.dead_lettered, 20);
    assert_eq!(sim.dead_letters()[0].len(), 20);
    for e in events_of(&sim, EventKind::DeadLetter) {
        assert_eq!((e.delivery, e.cause), (3, Cause::Nack));
    }
}

#[test]
fn unacknowledged_delivery_is_redelivered_after_the_ack_timeout() {
    let mut s = single_hop(5);
    s.consumers[0].processing = Dist::constant(30.0);
    s.consumers[0].concurrency = 5;
    s.queues[0].ack_timeout_ms = Some(20.0);
    s.queues[0].max_deliveries = Some(2);
    let sim = run(&s, 3);
    let r = sim.report();
    // Each message: delivered, times out at 20 ms, redelivered, times out
    // again and is dead-lettered; both deliveries still get processed.
    assert_eq!(r.counts.redeliveries, 5);
    assert_eq!(r.counts.dead_lettered, 5);
    assert_eq!(r.counts.duplicate_effects, 5);
    assert!(events_of(&sim, EventKind::Stale).len() >= 5, "late acks are ignored");
}

#[test]
fn auto_ack_loses_what_a_crashing_consumer_held() {
    let mut s = single_hop(200);
    s.queues[0].ack = AckMode::Auto;
    s.consumers[0].crash.probability = 0.05;
    s.consumers[0].crash.point = CrashPoint::BeforeEffect;
    s.consumers[0].crash.restart_ms = 5.0;
    let r = run(&s, 4).report();
    assert!(r.counts.crashes > 0);
    assert!(r.never_applied > 0, "at-most-once: crashed messages are gone");
    assert_eq!(r.counts.duplicate_effects, 0);
    assert_eq!(r.counts.redeliveries, 0);
}

#[test]
fn manual_ack_redelivers_after_a_crash_and_the_effect_doubles() {
    let mut s = single_hop(200);
    s.consumers[0].crash.probability = 0.05;
    s.consumers[0].crash.restart_ms = 5.0;
    let sim = run(&s, 4);
    let r = sim.report();
    assert!(r.counts.crashes > 0);
    assert_eq!(r.never_applied, 0, "at-least-once: nothing lost");
    assert_eq!(r.counts.duplicate_effects, r.counts.crashes, "every crash after the effect doubles one effect");
    let requeues = events_of(&sim, EventKind::Requeue);
    assert!(requeues.iter().all(|e| e.cause == Cause::Disconnect));
}

#[test]
fn idempotency_store_absorbs_duplicates_unless_it_forgets_too_soon() {
    let mut s = single_hop(300);
    s.network.default.latency = Dist::Uniform { min_ms: 0.0, max_ms: 40.0 };
    s.network.links.push(LinkOverride { from: "p".into(), to: "q".into(), duplicate: Some(0.3), ..Default::default() });
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 1.0 };
    let plain = run(&s, 5).report();
    assert!(plain.counts.duplicate_effects > 0);

    s.consumers[0].idempotency.enabled = true;
    let dedup = run(&s, 5).report();
    assert_eq!(dedup.counts.duplicate_effects, 0);
    assert_eq!(dedup.counts.dedup_hits, plain.counts.duplicate_effects);

    // A store that keeps only 2 ids forgets before the late copy arrives.
    s.consumers[0].idempotency.capacity = Some(2);
    let small = run(&s, 5).report();
    assert!(small.counts.duplicate_effects > 0 && small.counts.duplicate_effects < plain.counts.duplicate_effects);
}

#[test]
fn sync_mode_blocks_the_caller_one_request_at_a_time() {
    let s = presets::get("sync-call").unwrap().scenario.clone();
    let sim = run(&s, 6);
    let mut outstanding = 0i32;
    for e in sim.trace() {
        match (e.kind, e.packet) {
            (EventKind::Send, PacketKind::Request) if e.attempt == 1 => outstanding += 1,
            (EventKind::Confirm, _) | (EventKind::GiveUp, _) => outstanding -= 1,
            _ => {}
        }
        assert!((0..=1).contains(&outstanding), "more than one call in flight at {}", e.time);
    }
    assert!(events_of(&sim, EventKind::Enqueue).is_empty(), "sync calls bypass the queue");
    assert_eq!(sim.report().verdict, Verdict::Correct);
}

#[test]
fn max_in_flight_bounds_unconfirmed_messages() {
    let mut s = presets::get("backpressure").unwrap().scenario.clone();
    s.producers[0].max_in_flight = Some(3);
    let sim = run(&s, 7);
    let mut outstanding = 0i32;
    for e in sim.trace() {
        match (e.kind, e.packet) {
            (EventKind::Send, PacketKind::Publish) if e.attempt == 1 => outstanding += 1,
            (EventKind::Confirm, _) | (EventKind::GiveUp, _) => outstanding -= 1,
            _ => {}
        }
        assert!(outstanding <= 3);
    }
    assert_eq!(sim.report().never_applied, 0);
}

#[test]
fn backoff_schedules_follow_their_formula() {
    let mut s = single_hop(1);
    s.network.links.push(LinkOverride { from: "p".into(), to: "q".into(), loss: Some(1.0), ..Default::default() });
    s.producers[0].send = SendSpec {
        mode: SendMode::Confirm,
        timeout_ms: 10.0,
        max_attempts: 6,
        backoff: Backoff { kind: BackoffKind::Exponential, base_ms: 5.0, multiplier: 2.0, max_ms: 30.0 },
    };
    let waits = |s: &Scenario| -> Vec<u64> {
        events_of(&run(s, 8), EventKind::Backoff).iter().map(|e| (e.end - e.time) / 1_000).collect()
    };
    assert_eq!(waits(&s), vec![5, 10, 20, 30, 30]);
    s.producers[0].send.backoff.kind = BackoffKind::Fixed;
    assert_eq!(waits(&s), vec![5; 5]);
    s.producers[0].send.backoff.kind = BackoffKind::ExponentialJitter;
    let jittered = waits(&s);
    assert!(jittered.iter().zip([5, 10, 20, 30, 30]).all(|(w, cap)| *w <= cap), "{jittered:?}");
    let sim = run(&s, 8);
    assert_eq!(events_of(&sim, EventKind::GiveUp).len(), 1);
    assert_eq!(sim.report().counts.sent, 6);
}

#[test]
fn reordering_needs_jitter_and_competing_consumers() {
    let mut s = single_hop(300);
    s.producers[0].arrival = Arrival::Fixed { interval_ms: 1.0 };
    s.consumers[0].processing = Dist::constant(0.5);
    s.queues[0].prefetch = 1;
    assert_eq!(run(&s, 9).report().counts.ordering_violations, 0, "one consumer, constant latency: FIFO");
    s.network.default.latency = Dist::Exponential { mean_ms: 5.0 };
    s.consumers[0].count = 3;
    assert!(run(&s, 9).report().counts.ordering_violations > 0);
}

#[test]
fn queue_overflow_rejects_or_evicts() {
    let mut s = single_hop(50);
    s.producers[0].arrival = Arrival::Bursts { size: 50, every_ms: 1.0 };
    s.queues[0].capacity = Some(10);
    s.queues[0].prefetch = 1;
    let sim = run(&s, 10);
    let r = sim.report();
    // The first message is delivered at once; 10 fit; 39 are refused.
    assert_eq!(r.counts.rejected, 39);
    assert_eq!(r.counts.effects_applied, 11);
    assert_eq!(r.status.rejected, 39);
    s.queues[0].overflow = Overflow::DropOldest;
    let r = run(&s, 10).report();
    assert_eq!(r.counts.rejected, 39);
    assert_eq!(r.counts.effects_applied, 11);
    assert_eq!(events_of(&run(&s, 10), EventKind::Evict).len(), 39);
}

#[test]
fn limits_stop_the_run_and_the_verdict_says_incomplete() {
    let s = presets::get("slow-consumer").unwrap().scenario.clone();
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.stop_at(time::ms(500.0));
    let r = sim.run();
    assert_eq!(r.stopped, Some(StopReason::TimeLimit));
    assert_eq!(r.sim_time_ms, 500.0);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert!(sim.trace().iter().all(|e| e.time <= 500_000));

    let mut s = s;
    s.max_events = 100;
    let r = run(&s, 1).report();
    assert_eq!((r.events, r.stopped), (100, Some(StopReason::EventLimit)));
}

#[test]
fn scheduled_crash_takes_an_instance_down_for_its_window() {
    let mut s = single_hop(100);
    s.consumers[0].count = 2;
    s.consumers[0].crash.schedule =
        vec![ScheduledCrash { instance: Some(1), at_ms: 100.0, down_ms: 300.0, every_ms: None }];
    let sim = run(&s, 11);
    let crashes = events_of(&sim, EventKind::Crash);
    let restarts = events_of(&sim, EventKind::Restart);
    assert_eq!(crashes.len(), 1);
    assert_eq!((crashes[0].time, crashes[0].end), (100_000, 400_000));
    assert_eq!(restarts[0].time, 400_000);
    let down = crashes[0].node;
    assert!(
        events_of(&sim, EventKind::ProcessStart)
            .iter()
            .all(|e| e.node != down || !(100_000..400_000).contains(&e.time)),
        "nothing is processed by a down instance"
    );
    assert_eq!(sim.report().verdict, Verdict::Correct);
}

#[test]
fn every_send_is_matched_by_exactly_one_arrival_or_loss() {
    for p in presets::all() {
        let sim = run(&p.scenario, 3);
        // A request to a busy broker (with costs) arrives when it is served:
        // its send announced when it reached the broker's door.
        let costs = p.scenario.costs != BrokerCosts::default();
        let mut open = std::collections::BTreeMap::new();
        for e in sim.trace() {
            match e.kind {
                EventKind::Send | EventKind::Duplicate => assert!(open.insert(e.tx, e.end).is_none()),
                EventKind::Arrive | EventKind::Lost => {
                    let announced = open.remove(&e.tx).unwrap_or_else(|| panic!("{}: tx {} never sent", p.id, e.tx));
                    if costs && e.kind == EventKind::Arrive {
                        assert!(announced <= e.time, "{}: tx {} arrives before it reached the door", p.id, e.tx);
                    } else {
                        assert_eq!(announced, e.time, "{}: tx {} ends when announced", p.id, e.tx);
                    }
                }
                _ => {}
            }
        }
        assert!(open.is_empty(), "{}: {} packets never landed", p.id, open.len());
    }
}

#[test]
fn events_are_in_time_order_and_reports_add_up() {
    for p in presets::all() {
        let sim = run(&p.scenario, 4);
        assert!(sim.trace().windows(2).all(|w| w[0].time <= w[1].time), "{}", p.id);
        let r = sim.report();
        assert_eq!(accounted_for(&sim, &r), Ok(()), "{}", p.id);
    }
}

#[test]
fn scaling_messages_rounds_and_keeps_at_least_one() {
    let mut s = presets::get("acks-and-retries").unwrap().scenario.clone();
    let n = s.producers[0].messages;
    s.scale_messages(0.5);
    assert_eq!(s.producers[0].messages, (f64::from(n) * 0.5).round() as u32);
    s.scale_messages(1e-9);
    assert_eq!(s.producers[0].messages, 1);
    s.scale_messages(f64::NAN);
    assert_eq!(s.producers[0].messages, 1, "a NaN factor cannot produce zero messages");
}
