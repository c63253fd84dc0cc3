//! The scenario editor's state: the draft, what is being typed, the section
//! in view, and a link the user clicked that has no override yet (its form
//! is shown; the first value typed into it creates the override).
//!
//! The editor lives in the on-demand module, not in the page's download
//! (see [`crate::editor_shell`]): [`EditorSync`] keeps it beside the page —
//! it follows the scenario the page shows, hands back a scenario to run
//! after an edit, and opens the section of a node or link clicked in the
//! page ([`FocusRequest`]).

use std::collections::BTreeMap;

use msgsim_sim::{NodeId, NodeKind, Scenario, Topology};
use serde_json::Value;

use super::draft::Draft;
use super::fields::{FieldKind, Target};
use super::forms;

/// Something the user did in the editor.
#[derive(Clone, Debug, PartialEq)]
pub enum EditEvent {
    /// Text being typed into the field at a JSON path (not yet committed).
    Typing(String, String),
    /// A form field's text, committed.
    Edit {
        /// JSON path.
        path: String,
        /// How to read the text.
        kind: FieldKind,
        /// The text.
        text: String,
    },
    /// Append `1` (JSON) to the list at `0`.
    AddItem(String, Value),
    /// Remove item `1` of the list at `0`.
    RemoveItem(String, usize),
    /// Add a new group to `producers`, `queues`, `consumers`, `exchanges` or `network.links`.
    AddGroup(String),
    /// Show a section of the editor.
    Focus(Target),
}

/// What an editor event asks of its surroundings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Asks {
    /// Run the draft, if it can run and differs from what runs.
    pub run: bool,
    /// Bring the element with this DOM id into view.
    pub reveal: Option<String>,
}

/// The editor's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Editor {
    /// The scenario being edited.
    pub draft: Draft,
    /// Text being typed, by field path, so a re-render while typing keeps it.
    pub typing: BTreeMap<String, String>,
    /// The section to bring into view.
    pub focus: Option<Target>,
    /// A link the user clicked that has no override yet: `(from, to)` groups.
    pub new_link: Option<(String, String)>,
}

impl Editor {
    /// An editor of `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Editor { draft: Draft::new(scenario), typing: BTreeMap::new(), focus: None, new_link: None }
    }

    /// Handles one event; a change asks to run the draft if it can.
    pub fn update(&mut self, ev: EditEvent) -> Asks {
        let run = Asks { run: true, reveal: None };
        match ev {
            EditEvent::Typing(path, text) => {
                self.typing.insert(path, text);
                Asks::default()
            }
            EditEvent::Edit { path, kind, text } => {
                self.typing.remove(&path);
                let mut asks = run;
                // The first value given to a clicked link creates its override.
                let n = self.draft.scenario().network.links.len();
                if let Some((from, to)) = self.new_link.clone()
                    && path.starts_with(&format!("network.links[{n}]."))
                {
                    let link = serde_json::json!({ "from": from, "to": to, "both_ways": true });
                    if !self.draft.push("network.links", link) {
                        return Asks::default();
                    }
                    self.new_link = None;
                    self.focus = Some(Target::Link(n));
                    asks.reveal = Some(Target::Link(n).dom_id());
                }
                self.draft.edit(&path, &kind, &text);
                asks
            }
            EditEvent::AddItem(list, value) => {
                self.draft.push(&list, value);
                run
            }
            EditEvent::RemoveItem(list, index) => {
                self.draft.remove(&list, index);
                self.focus = None;
                run
            }
            EditEvent::AddGroup(list) => {
                let template = forms::new_group(&self.draft, &list);
                if self.draft.push(&list, template) {
                    let s = self.draft.scenario();
                    let target = match list.as_str() {
                        "producers" => Target::Producer(s.producers.len() - 1),
                        "queues" => Target::Queue(s.queues.len() - 1),
                        "consumers" => Target::Consumer(s.consumers.len() - 1),
                        "exchanges" => Target::Exchange(s.exchanges.len() - 1),
                        "topics" => Target::Topic(s.topics.len() - 1),
                        _ => Target::Link(s.network.links.len() - 1),
                    };
                    return Asks { run: true, ..self.focus(target) };
                }
                run
            }
            EditEvent::Focus(target) => self.focus(target),
        }
    }

    /// Shows the section of `target`.
    fn focus(&mut self, target: Target) -> Asks {
        self.focus = Some(target);
        Asks { run: false, reveal: Some(target.dom_id()) }
    }

    /// The draft, if it can run and differs from `running`.
    pub fn runnable_change(&self, running: &Scenario) -> Option<Scenario> {
        (self.draft.is_runnable() && self.draft.scenario() != running).then(|| self.draft.scenario().clone())
    }

    /// A click on node `node`: shows its group's section.
    pub fn focus_node(&mut self, node: NodeId, topology: &Topology) -> Asks {
        match group_of(self.draft.scenario(), topology, node) {
            Some((kind, group, _)) => self.focus(match kind {
                NodeKind::Producer => Target::Producer(group),
                NodeKind::Queue => Target::Queue(group),
                NodeKind::Consumer | NodeKind::Member | NodeKind::SagaService => Target::Consumer(group),
                NodeKind::Exchange => Target::Exchange(group),
                NodeKind::Topic => Target::Topic(group),
            }),
            None => Asks::default(),
        }
    }

    /// A click on the link between nodes `a` and `b`: shows its override, or
    /// the form of a new one.
    pub fn focus_link(&mut self, a: NodeId, b: NodeId, topology: &Topology) -> Asks {
        let s = self.draft.scenario();
        let (Some((_, _, from)), Some((_, _, to))) = (group_of(s, topology, a), group_of(s, topology, b)) else {
            return Asks::default();
        };
        let existing = s
            .network
            .links
            .iter()
            .position(|l| (l.from == from && l.to == to) || (l.both_ways && l.from == to && l.to == from));
        match existing {
            Some(i) => {
                self.new_link = None;
                self.focus(Target::Link(i))
            }
            None => {
                self.new_link = Some((from, to));
                self.focus(Target::NewLink)
            }
        }
    }
}

/// A node or link clicked in the page, whose section the editor opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FocusRequest {
    /// A node: its group's section.
    Node(NodeId),
    /// The link between two nodes: its override, or a new one's form.
    Link(NodeId, NodeId),
}

impl FocusRequest {
    /// As the page writes it on the editor's host: `node 3`, `link 1 2`.
    pub fn to_text(self) -> String {
        match self {
            FocusRequest::Node(n) => format!("node {n}"),
            FocusRequest::Link(a, b) => format!("link {a} {b}"),
        }
    }

    /// Read back from [`to_text`](Self::to_text).
    pub fn parse(text: &str) -> Option<Self> {
        let mut words = text.split(' ');
        let (kind, a) = (words.next()?, words.next()?.parse().ok()?);
        match (kind, words.next().map(str::parse)) {
            ("node", None) => Some(FocusRequest::Node(a)),
            ("link", Some(Ok(b))) => Some(FocusRequest::Link(a, b)),
            _ => None,
        }
    }
}

/// The editor beside the page that runs its scenarios.
#[derive(Clone, Debug, PartialEq)]
pub struct EditorSync {
    /// The editor.
    pub editor: Editor,
    /// The scenario the page runs.
    page: Scenario,
}

impl EditorSync {
    /// An editor of the scenario the page runs.
    pub fn new(page: Scenario) -> Self {
        EditorSync { editor: Editor::new(page.clone()), page }
    }

    /// The page now runs `scenario`: one loaded elsewhere (a preset, a
    /// lesson, a file) replaces the draft; the one last handed back does not.
    pub fn page_runs(&mut self, scenario: Scenario) {
        if scenario != self.page {
            if scenario != *self.editor.draft.scenario() {
                self.editor = Editor::new(scenario.clone());
            }
            self.page = scenario;
        }
    }

    /// An edit: the scenario for the page to run, if the draft can run and
    /// differs, and a DOM id to bring into view.
    pub fn edit(&mut self, ev: EditEvent) -> (Option<Scenario>, Option<String>) {
        let asks = self.editor.update(ev);
        let run = if asks.run { self.editor.runnable_change(&self.page) } else { None };
        if let Some(s) = &run {
            self.page = s.clone();
        }
        (run, asks.reveal)
    }

    /// The page asks for the section of a node or link: the DOM id to bring
    /// into view.
    pub fn focus(&mut self, request: FocusRequest) -> Option<String> {
        let topology = Topology::new(&self.page);
        let asks = match request {
            FocusRequest::Node(n) => self.editor.focus_node(n, &topology),
            FocusRequest::Link(a, b) => self.editor.focus_link(a, b, &topology),
        };
        asks.reveal
    }
}

/// The kind, group index and group name of a node.
fn group_of(s: &Scenario, topology: &Topology, node: NodeId) -> Option<(NodeKind, usize, String)> {
    let n = topology.nodes.get(usize::from(node))?;
    let name = match n.kind {
        NodeKind::Producer => s.producers.get(n.group)?.name.clone(),
        NodeKind::Queue => s.queues.get(n.group)?.name.clone(),
        NodeKind::Consumer | NodeKind::Member => s.consumers.get(n.group)?.name.clone(),
        NodeKind::Exchange => s.exchanges.get(n.group)?.name.clone(),
        NodeKind::Topic => s.topics.get(n.group)?.name.clone(),
        // A saga's service is edited with the group that orchestrates it.
        NodeKind::SagaService => s.consumers.get(n.group)?.name.clone(),
    };
    Some((n.kind, n.group, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::presets;

    fn editor() -> Editor {
        Editor::new(presets::get("reliable-queue").unwrap().scenario.clone())
    }

    #[test]
    fn typing_is_kept_until_committed_and_an_edit_asks_to_run() {
        let mut e = editor();
        assert_eq!(e.update(EditEvent::Typing("producers[0].messages".into(), "12".into())), Asks::default());
        assert_eq!(e.typing.get("producers[0].messages").map(String::as_str), Some("12"));
        let cmds = e.update(EditEvent::Edit {
            path: "producers[0].messages".into(),
            kind: FieldKind::integer(),
            text: "120".into(),
        });
        assert_eq!(cmds, Asks { run: true, reveal: None });
        assert!(e.typing.is_empty());
        let running = presets::get("reliable-queue").unwrap().scenario.clone();
        assert_eq!(e.runnable_change(&running).map(|s| s.producers[0].messages), Some(120));
        e.update(EditEvent::Edit {
            path: "producers[0].messages".into(),
            kind: FieldKind::integer(),
            text: "x".into(),
        });
        assert!(e.runnable_change(&running).is_none(), "a field that does not parse blocks the run");
    }

    #[test]
    fn clicking_a_link_opens_its_form_and_the_first_value_creates_its_override() {
        let mut e = editor();
        let topology = Topology::new(e.draft.scenario());
        let cmds = e.focus_node(1, &topology);
        assert_eq!(e.focus, Some(Target::Queue(0)));
        assert_eq!(cmds.reveal.as_deref(), Some("edit-queue-0"));
        let cmds = e.focus_link(0, 1, &topology);
        assert_eq!(e.new_link, Some(("orders".into(), "order-queue".into())));
        assert_eq!(cmds.reveal.as_deref(), Some("edit-link-new"));
        let form = forms::new_link(&e.draft, "orders", "order-queue");
        let loss = form.fields.iter().find(|f| f.path.ends_with(".loss")).expect("a loss field");
        assert_eq!(loss.path, "network.links[0].loss");
        assert!(e.draft.scenario().network.links.is_empty(), "nothing is created by looking");
        e.update(EditEvent::Edit { path: loss.path.clone(), kind: loss.kind.clone(), text: "0.2".into() });
        let links = &e.draft.scenario().network.links;
        assert_eq!((links.len(), links[0].loss, links[0].from.as_str()), (1, Some(0.2), "orders"));
        assert_eq!((e.focus, e.new_link.clone()), (Some(Target::Link(0)), None));
        e.focus_link(1, 0, &topology);
        assert_eq!(e.focus, Some(Target::Link(0)), "both ways: the same override");
    }

    /// Beside the page: an edit hands back the scenario to run, and the page
    /// running it keeps the draft (and what is being typed); a scenario
    /// loaded elsewhere replaces the draft; an invalid draft hands nothing.
    #[test]
    fn the_editor_follows_the_page_and_hands_back_what_can_run() {
        let page = presets::get("reliable-queue").unwrap().scenario.clone();
        let mut sync = EditorSync::new(page.clone());
        let edit = |path: &str, text: &str| EditEvent::Edit {
            path: path.into(),
            kind: FieldKind::integer(),
            text: text.into(),
        };
        let (run, _) = sync.edit(edit("producers[0].messages", "120"));
        let run = run.expect("a valid edit runs");
        assert_eq!(run.producers[0].messages, 120);
        sync.edit(EditEvent::Typing("producers[0].count".into(), "3".into()));
        sync.page_runs(run.clone());
        assert_eq!(sync.editor.typing.get("producers[0].count").map(String::as_str), Some("3"), "kept");
        assert_eq!(sync.edit(edit("producers[0].messages", "x")).0, None, "does not parse: nothing to run");
        sync.page_runs(run);
        assert_eq!(sync.editor.draft.text("producers[0].messages"), "x", "what was typed stays");
        let other = presets::get("fan-out").unwrap().scenario.clone();
        sync.page_runs(other.clone());
        assert_eq!(sync.editor.draft.scenario(), &other, "loaded elsewhere: a new draft");
        for r in [FocusRequest::Node(3), FocusRequest::Link(0, 12)] {
            assert_eq!(FocusRequest::parse(&r.to_text()), Some(r));
        }
        for bad in ["", "node", "node x", "link 1", "edge 1 2", "node 1 2"] {
            assert_eq!(FocusRequest::parse(bad), None, "{bad:?}");
        }
        assert_eq!(sync.focus(FocusRequest::Node(1)).as_deref(), Some("edit-exchange-0"));
    }
}
