//! The scenario editor's state: the draft, what is being typed, the section
//! in view, and a link the user clicked that has no override yet (its form
//! is shown; the first value typed into it creates the override).

use std::collections::BTreeMap;

use msgsim_sim::{NodeId, NodeKind, Scenario, Topology};
use serde_json::Value;

use super::Cmd;
use super::draft::Draft;
use super::effect::Effect;
use super::fields::{FieldKind, Target};
use super::forms;
use super::presentation::SideTab;

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

    /// Handles one event; a change asks the root to run the draft if it can.
    pub fn update(&mut self, ev: EditEvent) -> Vec<Cmd> {
        match ev {
            EditEvent::Typing(path, text) => {
                self.typing.insert(path, text);
                Vec::new()
            }
            EditEvent::Edit { path, kind, text } => {
                self.typing.remove(&path);
                let mut cmds = vec![Cmd::ApplyDraft];
                // The first value given to a clicked link creates its override.
                let n = self.draft.scenario().network.links.len();
                if let Some((from, to)) = self.new_link.clone()
                    && path.starts_with(&format!("network.links[{n}]."))
                {
                    let link = serde_json::json!({ "from": from, "to": to, "both_ways": true });
                    if !self.draft.push("network.links", link) {
                        return Vec::new();
                    }
                    self.new_link = None;
                    self.focus = Some(Target::Link(n));
                    cmds.push(Cmd::Effect(Effect::Reveal(Target::Link(n).dom_id())));
                }
                self.draft.edit(&path, &kind, &text);
                cmds
            }
            EditEvent::AddItem(list, value) => {
                self.draft.push(&list, value);
                vec![Cmd::ApplyDraft]
            }
            EditEvent::RemoveItem(list, index) => {
                self.draft.remove(&list, index);
                self.focus = None;
                vec![Cmd::ApplyDraft]
            }
            EditEvent::AddGroup(list) => {
                let template = forms::new_group(&self.draft, &list);
                let mut cmds = vec![Cmd::ApplyDraft];
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
                    cmds.extend(self.focus(target));
                }
                cmds
            }
            EditEvent::Focus(target) => self.focus(target),
        }
    }

    /// Shows the section of `target`.
    fn focus(&mut self, target: Target) -> Vec<Cmd> {
        self.focus = Some(target);
        vec![Cmd::ShowSide(SideTab::Editor), Cmd::Effect(Effect::Reveal(target.dom_id()))]
    }

    /// The draft, if it can run and differs from `running`.
    pub fn runnable_change(&self, running: &Scenario) -> Option<Scenario> {
        (self.draft.is_runnable() && self.draft.scenario() != running).then(|| self.draft.scenario().clone())
    }

    /// A click on node `node`: shows its group's section.
    pub fn focus_node(&mut self, node: NodeId, topology: &Topology) -> Vec<Cmd> {
        match group_of(self.draft.scenario(), topology, node) {
            Some((kind, group, _)) => self.focus(match kind {
                NodeKind::Producer => Target::Producer(group),
                NodeKind::Queue => Target::Queue(group),
                NodeKind::Consumer | NodeKind::Member => Target::Consumer(group),
                NodeKind::Exchange => Target::Exchange(group),
                NodeKind::Topic => Target::Topic(group),
            }),
            None => Vec::new(),
        }
    }

    /// A click on the link between nodes `a` and `b`: shows its override, or
    /// the form of a new one.
    pub fn focus_link(&mut self, a: NodeId, b: NodeId, topology: &Topology) -> Vec<Cmd> {
        let s = self.draft.scenario();
        let (Some((_, _, from)), Some((_, _, to))) = (group_of(s, topology, a), group_of(s, topology, b)) else {
            return Vec::new();
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

/// The kind, group index and group name of a node.
fn group_of(s: &Scenario, topology: &Topology, node: NodeId) -> Option<(NodeKind, usize, String)> {
    let n = topology.nodes.get(usize::from(node))?;
    let name = match n.kind {
        NodeKind::Producer => s.producers.get(n.group)?.name.clone(),
        NodeKind::Queue => s.queues.get(n.group)?.name.clone(),
        NodeKind::Consumer | NodeKind::Member => s.consumers.get(n.group)?.name.clone(),
        NodeKind::Exchange => s.exchanges.get(n.group)?.name.clone(),
        NodeKind::Topic => s.topics.get(n.group)?.name.clone(),
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
        assert!(e.update(EditEvent::Typing("producers[0].messages".into(), "12".into())).is_empty());
        assert_eq!(e.typing.get("producers[0].messages").map(String::as_str), Some("12"));
        let cmds = e.update(EditEvent::Edit {
            path: "producers[0].messages".into(),
            kind: FieldKind::integer(),
            text: "120".into(),
        });
        assert!(matches!(cmds.as_slice(), [Cmd::ApplyDraft]));
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
        assert!(cmds.iter().any(|c| matches!(c, Cmd::Effect(Effect::Reveal(id)) if id == "edit-queue-0")));
        let cmds = e.focus_link(0, 1, &topology);
        assert_eq!(e.new_link, Some(("orders".into(), "order-queue".into())));
        assert!(cmds.iter().any(|c| matches!(c, Cmd::Effect(Effect::Reveal(id)) if id == "edit-link-new")));
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
}
