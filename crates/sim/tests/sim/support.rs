//! Scenario builders shared by the tests.

use msgsim_sim::*;

/// One producer → one queue → one consumer group, zero-latency reliable links.
pub fn single_hop(messages: u32) -> Scenario {
    Scenario {
        network: Network { default: LinkSpec { latency: Dist::constant(0.0), ..Default::default() }, links: vec![] },
        producers: vec![ProducerSpec { name: "p".into(), to: "q".into(), messages, ..Default::default() }],
        queues: vec![QueueSpec { name: "q".into(), ..Default::default() }],
        consumers: vec![ConsumerSpec { name: "c".into(), from: "q".into(), ..Default::default() }],
        ..Default::default()
    }
}

/// Runs a scenario at `seed` and returns the finished simulation.
pub fn run(s: &Scenario, seed: u64) -> Simulation {
    let mut sim = Simulation::new(s, seed).unwrap_or_else(|e| panic!("invalid scenario: {e:?}"));
    sim.run();
    sim
}

/// The trace events of one kind.
pub fn events_of(sim: &Simulation, kind: EventKind) -> Vec<TraceEvent> {
    sim.trace().iter().filter(|e| e.kind == kind).copied().collect()
}

/// Every message and every expected (message, subscription) pair is
/// accounted for after a run: tokens conserved, records consistent, each
/// message (derived ones included) in one status, and each pair applied
/// once, more than once (the duplicates) or never.
pub fn accounted_for(sim: &Simulation, r: &Report) -> Result<(), String> {
    sim.check_conservation()?;
    sim.ledger().check_records()?;
    if r.status.total() != r.counts.produced + r.counts.derived {
        return Err(format!("{} statuses for {} + {} messages", r.status.total(), r.counts.produced, r.counts.derived));
    }
    let c = &r.counts;
    if c.effects_applied - c.duplicate_effects + r.never_applied != c.expected {
        return Err(format!(
            "{} effects − {} duplicates + {} never applied ≠ {} expected",
            c.effects_applied, c.duplicate_effects, r.never_applied, c.expected
        ));
    }
    Ok(())
}

/// Runs `s` at `seed` and checks that everything is accounted for
/// ([`accounted_for`]) and that no saga ended half done.
pub fn checked(s: &Scenario, seed: u64) -> (Simulation, Report) {
    let sim = run(s, seed);
    let r = sim.report();
    accounted_for(&sim, &r).unwrap_or_else(|e| panic!("{e}"));
    sim.check_sagas().unwrap_or_else(|e| panic!("{e}"));
    sim.check_projections().unwrap_or_else(|e| panic!("{e}"));
    (sim, r)
}
