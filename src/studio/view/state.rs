//! Each service's own table: the changes it has committed, per business
//! key, as of the shown moment — folded from the trace's effect records, so
//! seeking rebuilds it. Where a service hears from services upstream (it
//! reads what they publish), a key whose count differs from theirs is
//! marked: the two databases disagree there (an event lost or not yet
//! arrived, or applied twice).

use msgsim_sim::sorted::SortedMap;
use msgsim_sim::{EventKind, NodeKind, Scenario, Topology, TraceEvent};

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

/// Changes committed per (group, key) in `trace`, and the last one's place;
/// and per topic node, the records appended per key (what a projection of
/// it should fold to).
fn fold(topology: &Topology, groups: usize, trace: &[TraceEvent]) -> (Tables, Option<(usize, u32)>, Streams) {
    let mut counts = vec![SortedMap::default(); groups];
    let mut last = None;
    let mut appended: Streams = Vec::new();
    // A rebuilding group's changes by partition and offset: a rebuild
    // takes back those from its start on.
    let mut applied: Vec<Vec<(u16, u32, u32)>> = vec![Vec::new(); groups];
    let add = |table: &mut SortedMap<u32, u64>, key: u32, by: i64| match table.get_mut(&key) {
        Some(c) => *c = c.saturating_add_signed(by),
        None => {
            table.insert(key, by.max(0) as u64);
        }
    };
    for e in trace {
        if e.kind == EventKind::Append {
            match appended.iter_mut().find(|(t, _)| *t == e.node) {
                Some((_, table)) => add(table, e.key, 1),
                None => {
                    let mut table = SortedMap::default();
                    table.insert(e.key, 1);
                    appended.push((e.node, table));
                }
            }
            continue;
        }
        if !matches!(e.kind, EventKind::Effect | EventKind::Replay | EventKind::Rebuild) {
            continue;
        }
        let Some(n) = topology.nodes.get(usize::from(e.node)) else { continue };
        if !matches!(n.kind, NodeKind::Consumer | NodeKind::Member) || n.group >= groups {
            continue;
        }
        let g = n.group;
        if e.kind == EventKind::Rebuild {
            let (p, from) = (e.delivery, e.tx);
            for &(_, _, key) in applied[g].iter().filter(|&&(q, o, _)| q == p && o >= from) {
                add(&mut counts[g], key, -1);
            }
            applied[g].retain(|&(q, o, _)| q != p || o < from);
            continue;
        }
        if n.kind == NodeKind::Member {
            applied[g].push((e.delivery, e.tx, e.key));
        }
        add(&mut counts[g], e.key, 1);
        last = Some((g, e.key));
    }
    (counts, last, appended)
}

/// The state of `scenario`'s services after `trace` (a run's trace up to the
/// shown moment).
#[inline(never)]
pub fn state_view(scenario: &Scenario, topology: &Topology, trace: &[TraceEvent], lang: Lang) -> StateView {
    let groups = scenario.consumers.len();
    let (counts, last, appended) = fold(topology, groups, trace);
    let upstream = upstream_of(scenario);
    // A projection's stream: the records its topic took per key.
    let stream = |g: usize| {
        let c = &scenario.consumers[g];
        let node = topology.nodes.iter().position(|n| n.kind == NodeKind::Topic && n.name == c.from)?;
        let table = appended.iter().find(|(t, _)| usize::from(*t) == node).map(|(_, t)| t);
        Some(table)
    };
    let mut keys: Vec<u32> = counts.iter().flat_map(|c| c.iter().map(|(k, _)| *k)).collect();
    keys.sort_unstable();
    keys.dedup();
    let row = |key: u32| StateRow {
        key,
        cells: (0..groups)
            .map(|g| StateCell {
                count: counts[g].get(&key).copied().unwrap_or(0),
                upstream: match stream(g).filter(|_| rebuildable(&scenario.consumers[g])) {
                    Some(table) => Some(table.and_then(|t| t.get(&key).copied()).unwrap_or(0)),
                    None => (!upstream[g].is_empty())
                        .then(|| upstream[g].iter().map(|&a| counts[a].get(&key).copied().unwrap_or(0)).sum()),
                },
                last: last == Some((g, key)),
            })
            .collect(),
    };
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
        lang,
    }
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
    fn upstream_services_are_found_through_queues_and_exchanges() {
        let s = msgsim_sim::presets::get("pipeline-duplicates").unwrap().scenario.clone();
        assert_eq!(upstream_of(&s), vec![vec![], vec![0], vec![1]]);
    }
}
