//! Each service's own table: the changes it has committed, per business
//! key, as of the shown moment — folded from the trace's effect records, so
//! seeking rebuilds it. Where a service hears from services upstream (it
//! reads what they publish), a key whose count differs from theirs is
//! marked: the two databases disagree there (an event lost or not yet
//! arrived, or applied twice).

use msgsim_sim::sorted::SortedMap;
use msgsim_sim::{Cause, EventKind, NodeKind, Scenario, Topology, TraceEvent};

use super::super::Studio;
use crate::i18n::{Key, Lang, tf};

/// Most keys listed (the ones that disagree first).
pub const STATE_ROWS: usize = 40;

/// One key's row: its count in each service.
#[derive(Clone, Debug, PartialEq)]
pub struct StateRow {
    /// The business key.
    pub key: u32,
    /// Per service, in the order of [`StateView::services`].
    pub cells: Vec<StateCell>,
}

/// One service's count for one key.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StateCell {
    /// Changes committed.
    pub count: u64,
    /// What the services upstream committed for this key (what this one
    /// should have once every event arrived); `None` for a service fed by
    /// producers only.
    pub upstream: Option<u64>,
    /// The last change before the shown moment.
    pub last: bool,
}

impl StateCell {
    /// It differs from what the services upstream committed.
    pub fn differs(&self) -> bool {
        self.upstream.is_some_and(|u| u != self.count)
    }
}

/// The state tab.
#[derive(Clone, Debug, PartialEq)]
pub struct StateView {
    /// Service (consumer group) names, as columns.
    pub services: Vec<String>,
    /// Keys shown: those that disagree first, then by key.
    pub rows: Vec<StateRow>,
    /// Keys that disagree somewhere.
    pub differing: usize,
    /// Keys with a change, shown or not.
    pub keys: usize,
    /// One line about it.
    pub summary: String,
    /// With a saga: its timeline.
    pub sagas: Option<super::SagaTimeline>,
    /// The whole run's consistency over time, for its chart (the module
    /// computes it once per run).
    pub consistency: Option<std::rc::Rc<ConsistencySeries>>,
    /// The shown moment, µs.
    pub now: msgsim_sim::Time,
    /// UI language.
    pub lang: Lang,
}

/// Per consumer group, the groups whose published events it reads
/// ([`Scenario::publish_reaches`] the other way round).
pub fn upstream_of(s: &Scenario) -> Vec<Vec<usize>> {
    let reaches = s.publish_reaches();
    (0..s.consumers.len()).map(|b| (0..reaches.len()).filter(|&a| reaches[a].contains(&b)).collect()).collect()
}

/// Per group, changes committed per key.
type Tables = Vec<SortedMap<u32, u64>>;

/// Per topic node, records appended per key.
type Streams = Vec<(u16, SortedMap<u32, u64>)>;

/// Whether consumer group `c` keeps a projection it can rebuild (or snapshots).
fn rebuildable(c: &msgsim_sim::ConsumerSpec) -> bool {
    c.log.rebuild_at_ms.is_some() || c.log.snapshot_every.is_some()
}

/// The fold of a trace into the services' tables, one event at a time.
struct Fold {
    /// Changes committed per (group, key).
    counts: Tables,
    /// The last change's place.
    last: Option<(usize, u32)>,
    /// Per topic node, the records it took per key (what a projection of
    /// it should fold to).
    appended: Streams,
    /// A rebuilding group's changes by partition and offset: a rebuild
    /// takes back those from its start on.
    applied: Vec<Vec<(u16, u32, u32)>>,
}

fn add(table: &mut SortedMap<u32, u64>, key: u32, by: i64) {
    match table.get_mut(&key) {
        Some(c) => *c = c.saturating_add_signed(by),
        None => {
            table.insert(key, by.max(0) as u64);
        }
    }
}

impl Fold {
    fn new(groups: usize) -> Self {
        Fold {
            counts: vec![SortedMap::default(); groups],
            last: None,
            appended: Vec::new(),
            applied: vec![Vec::new(); groups],
        }
    }

    /// Folds `e` in; returns the key whose row it changed, if any.
    fn apply(&mut self, topology: &Topology, e: &TraceEvent) -> Option<u32> {
        if e.kind == EventKind::Append {
            match self.appended.iter_mut().find(|(t, _)| *t == e.node) {
                Some((_, table)) => add(table, e.key, 1),
                None => {
                    let mut table = SortedMap::default();
                    table.insert(e.key, 1);
                    self.appended.push((e.node, table));
                }
            }
            return Some(e.key);
        }
        if !matches!(e.kind, EventKind::Effect | EventKind::Replay | EventKind::Rebuild) {
            return None;
        }
        let n = topology.nodes.get(usize::from(e.node))?;
        let g = n.group;
        if !matches!(n.kind, NodeKind::Consumer | NodeKind::Member) || g >= self.counts.len() {
            return None;
        }
        if e.kind == EventKind::Rebuild {
            let (p, from) = (e.delivery, e.tx);
            for &(_, _, key) in self.applied[g].iter().filter(|&&(q, o, _)| q == p && o >= from) {
                add(&mut self.counts[g], key, -1);
            }
            self.applied[g].retain(|&(q, o, _)| q != p || o < from);
            return None; // many keys: the caller looks at them all
        }
        if n.kind == NodeKind::Member {
            self.applied[g].push((e.delivery, e.tx, e.key));
        }
        add(&mut self.counts[g], e.key, 1);
        self.last = Some((g, e.key));
        Some(e.key)
    }

    /// Every key with a change.
    fn keys(&self) -> Vec<u32> {
        let mut keys: Vec<u32> = self.counts.iter().flat_map(|c| c.iter().map(|(k, _)| *k)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// What each group's column is compared with: the groups it hears from, or
/// (a projection that rebuilds) its topic's stream.
struct Columns {
    upstream: Vec<Vec<usize>>,
    /// Per group: the topic node whose stream it is compared with.
    stream: Vec<Option<u16>>,
}

impl Columns {
    fn new(scenario: &Scenario, topology: &Topology) -> Self {
        let stream = scenario
            .consumers
            .iter()
            .map(|c| {
                let node = topology.nodes.iter().position(|n| n.kind == NodeKind::Topic && n.name == c.from)?;
                rebuildable(c).then_some(node as u16)
            })
            .collect();
        Columns { upstream: upstream_of(scenario), stream }
    }

    /// Group `g`'s cell for `key`.
    fn cell(&self, f: &Fold, g: usize, key: u32) -> StateCell {
        let count = |g: usize| f.counts[g].get(&key).copied().unwrap_or(0);
        let upstream = match self.stream[g] {
            Some(topic) => {
                Some(f.appended.iter().find(|(t, _)| *t == topic).and_then(|(_, t)| t.get(&key).copied()).unwrap_or(0))
            }
            None => (!self.upstream[g].is_empty()).then(|| self.upstream[g].iter().map(|&a| count(a)).sum()),
        };
        StateCell { count: count(g), upstream, last: f.last == Some((g, key)) }
    }

    /// Whether a group disagrees at `key`.
    fn differs(&self, f: &Fold, key: u32) -> bool {
        (0..f.counts.len()).any(|g| self.cell(f, g, key).differs())
    }
}

/// The state of `scenario`'s services after `trace` (a run's trace up to the
/// shown moment).
#[inline(never)]
pub fn state_view(scenario: &Scenario, topology: &Topology, trace: &[TraceEvent], lang: Lang) -> StateView {
    let groups = scenario.consumers.len();
    let mut f = Fold::new(groups);
    for e in trace {
        f.apply(topology, e);
    }
    let columns = Columns::new(scenario, topology);
    let keys = f.keys();
    let row = |key: u32| StateRow { key, cells: (0..groups).map(|g| columns.cell(&f, g, key)).collect() };
    let (mut rows, same): (Vec<StateRow>, Vec<StateRow>) =
        keys.iter().map(|&k| row(k)).partition(|r| r.cells.iter().any(StateCell::differs));
    let differing = rows.len();
    rows.extend(same);
    rows.truncate(STATE_ROWS);
    let summary = tf(lang, Key::StateSummary, &[&keys.len(), &differing]);
    StateView {
        services: scenario.consumers.iter().map(|c| c.name.clone()).collect(),
        rows,
        differing,
        keys: keys.len(),
        summary,
        sagas: super::saga_timeline(scenario, trace, lang),
        consistency: None,
        now: trace.last().map_or(0, |e| e.time),
        lang,
    }
}

/// Consistency over a whole run, for a chart: at each of `points` evenly
/// spaced moments, the keys where a service disagrees with what it hears
/// from (as the table's line counts them) and the sagas whose services
/// disagree (some steps in force, some not).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConsistencySeries {
    /// The moments, µs.
    pub times: Vec<msgsim_sim::Time>,
    /// Keys that disagree then.
    pub keys: Vec<u32>,
    /// Sagas (or transactions) whose services disagree then; empty without sagas.
    pub sagas: Vec<u32>,
}

/// [`ConsistencySeries`] of `trace` (a whole run), in one pass.
#[inline(never)]
pub fn consistency_series(
    scenario: &Scenario,
    topology: &Topology,
    trace: &[TraceEvent],
    points: usize,
) -> ConsistencySeries {
    let end = trace.last().map_or(0, |e| e.time).max(1);
    let points = points.max(2);
    let at = |i: usize| end * i as u64 / (points as u64 - 1);
    let steps = scenario.consumers.iter().find_map(|c| c.saga.as_ref()).map(|s| s.steps.len() as i32);
    let columns = Columns::new(scenario, topology);
    let mut f = Fold::new(scenario.consumers.len());
    let mut bad: SortedMap<u32, ()> = SortedMap::default();
    // Per saga: steps in force, and whether it ended.
    let mut sagas: SortedMap<msgsim_sim::MsgId, (i32, bool)> = SortedMap::default();
    let mut mixed = 0u32;
    let mut out = ConsistencySeries::default();
    let mut next = 0;
    for e in trace {
        while next < points && at(next) < e.time {
            out.times.push(at(next));
            out.keys.push(bad.len() as u32);
            if steps.is_some() {
                out.sagas.push(mixed);
            }
            next += 1;
        }
        match f.apply(topology, e) {
            Some(key) => {
                if columns.differs(&f, key) {
                    bad.insert(key, ());
                } else {
                    bad.remove(&key);
                }
            }
            None if e.kind == EventKind::Rebuild => {
                for key in f.keys() {
                    if columns.differs(&f, key) {
                        bad.insert(key, ());
                    }
                }
            }
            None => {}
        }
        if let Some(all) = steps {
            let change = match (e.kind, e.cause) {
                (EventKind::SagaStep, Cause::First) => 1,
                (EventKind::SagaUndo, Cause::First) => -1,
                (EventKind::TxDecide, Cause::First) if e.packet == msgsim_sim::PacketKind::Commit => 1,
                (EventKind::SagaEnd, _) => 0,
                _ => continue,
            };
            let entry = match sagas.get_mut(&e.msg) {
                Some(s) => s,
                None => {
                    sagas.insert(e.msg, (0, false));
                    sagas.get_mut(&e.msg).expect("just inserted")
                }
            };
            let was = !entry.1 && entry.0 > 0 && entry.0 < all;
            entry.0 += change;
            entry.1 |= e.kind == EventKind::SagaEnd;
            let now = !entry.1 && entry.0 > 0 && entry.0 < all;
            mixed = (mixed + u32::from(now)).saturating_sub(u32::from(was));
        }
    }
    while next < points {
        out.times.push(at(next));
        out.keys.push(bad.len() as u32);
        if steps.is_some() {
            out.sagas.push(mixed);
        }
        next += 1;
    }
    out
}

impl Studio {
    /// Whether the scenario has services (groups that publish, or a saga's):
    /// the state tab is offered then.
    pub fn has_services(&self) -> bool {
        self.session.scenario.consumers.iter().any(|c| c.publish.is_some() || c.saga.is_some() || rebuildable(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(preset: &str) -> (Scenario, msgsim_sim::Simulation) {
        let s = msgsim_sim::presets::get(preset).unwrap().scenario.clone();
        let mut sim = msgsim_sim::Simulation::new(&s, s.seed).unwrap();
        sim.run();
        (s, sim)
    }

    #[test]
    fn a_lost_event_shows_as_a_key_where_shipping_has_fewer_orders() {
        let (s, sim) = run("dual-write");
        let v = state_view(&s, sim.topology(), sim.trace(), Lang::En);
        let r = sim.report();
        assert_eq!(v.services, ["order-service", "shipping"]);
        // Every key's orders against its shipments: the lost events are the difference.
        let shipped_short: u64 = v.rows.iter().map(|r| r.cells[1].upstream.unwrap() - r.cells[1].count).sum();
        assert_eq!(shipped_short, r.counts.events_lost);
        assert!(v.differing > 0 && v.differing == v.rows.iter().filter(|r| r.cells[1].differs()).count());
        assert!(v.rows.iter().all(|r| r.cells[0].upstream.is_none()), "orders come from a producer");
        assert_eq!(v.rows.iter().flat_map(|r| &r.cells).filter(|c| c.last).count(), 1);
        assert!(v.rows[0].cells[1].differs(), "the keys that disagree come first");
    }

    #[test]
    fn with_an_outbox_the_tables_agree_at_the_end_and_the_moment_is_rebuilt_when_seeking() {
        let (s, sim) = run("outbox");
        let end = state_view(&s, sim.topology(), sim.trace(), Lang::En);
        assert_eq!((end.differing, end.keys), (0, 20));
        let total = |v: &StateView, g: usize| v.rows.iter().map(|r| r.cells[g].count).sum::<u64>();
        assert_eq!((total(&end, 0), total(&end, 1)), (500, 500));
        // Mid-run, some orders are committed and not yet shipped.
        let mid = state_view(&s, sim.topology(), &sim.trace()[..sim.trace().len() / 2], Lang::En);
        assert!(total(&mid, 0) > total(&mid, 1) && mid.differing > 0);
        assert_eq!(
            mid.summary,
            format!("{} keys; {} where a service disagrees with the services it hears from", mid.keys, mid.differing)
        );
    }

    #[test]
    fn a_rebuilt_projection_empties_refills_and_lacks_what_the_retention_removed() {
        let (s, sim) = run("projection-rebuild");
        let r = sim.report();
        let total = |v: &StateView| v.rows.iter().map(|r| r.cells[0].count).sum::<u64>();
        let at = |ms: f64| {
            let t = msgsim_sim::time::ms(ms);
            let n = sim.trace().partition_point(|e| e.time <= t);
            state_view(&s, sim.topology(), &sim.trace()[..n], Lang::En)
        };
        // Before the rebuild at 8 s every record is in; at its start the
        // state is empty; then the replay refills it.
        let before = at(7_999.0);
        assert_eq!((before.differing, before.keys), (0, 40), "its state is the fold of its stream");
        assert_eq!(total(&at(8_000.0)), 0);
        assert!(total(&at(8_600.0)) > 0);
        // At the end it lacks exactly what was gone before the replay got to it.
        let end = at(f64::MAX);
        let lacks: u64 = end.rows.iter().map(|r| r.cells[0].upstream.unwrap() - r.cells[0].count).sum();
        assert_eq!(lacks, r.counts.replay_gone);
        assert!(end.differing > 30, "most accounts are short: {}", end.differing);
        // From snapshots nothing is lacking.
        let mut snap = s.clone();
        snap.consumers[0].log.snapshot_every = Some(100);
        let mut sim = msgsim_sim::Simulation::new(&snap, snap.seed).unwrap();
        sim.run();
        assert_eq!(state_view(&snap, sim.topology(), sim.trace(), Lang::En).differing, 0);
    }

    #[test]
    fn the_consistency_series_counts_what_the_table_shows_at_every_moment() {
        for preset in ["dual-write", "outbox", "projection-rebuild", "saga"] {
            let (s, sim) = run(preset);
            let c = consistency_series(&s, sim.topology(), sim.trace(), 50);
            assert_eq!((c.times.len(), c.keys.len()), (50, 50), "{preset}");
            // Each point is the table's own count at that moment.
            for (&t, &keys) in c.times.iter().zip(&c.keys) {
                let n = sim.trace().partition_point(|e| e.time <= t);
                let v = state_view(&s, sim.topology(), &sim.trace()[..n], Lang::En);
                assert_eq!(keys as usize, v.differing, "{preset} at {t} µs");
            }
        }
        let series = |preset| {
            let (s, sim) = run(preset);
            consistency_series(&s, sim.topology(), sim.trace(), 100)
        };
        let (dual, outbox) = (series("dual-write"), series("outbox"));
        assert!(*dual.keys.last().unwrap() > 0, "lost events: keys disagree for good");
        assert!(outbox.keys.iter().any(|&k| k > 0) && *outbox.keys.last().unwrap() == 0, "the relay catches up");
        assert!(dual.sagas.is_empty());
        let saga = series("saga");
        assert!(saga.sagas.iter().any(|&n| n > 0) && *saga.sagas.last().unwrap() == 0, "{:?}", saga.sagas);
    }

    #[test]
    fn upstream_services_are_found_through_queues_and_exchanges() {
        let s = msgsim_sim::presets::get("pipeline-duplicates").unwrap().scenario.clone();
        assert_eq!(upstream_of(&s), vec![vec![], vec![0], vec![1]]);
    }
}
