//! The scenario being edited.
//!
//! Every form field names its JSON path (`producers[0].arrival.rate_per_s`),
//! the same paths validation reports problems at. An edit parses the field's
//! text and writes it into the scenario through `serde_json::Value`; text that
//! does not parse is kept as typed, with an error, and changes nothing else.

use std::collections::BTreeMap;

use msgsim_sim::{Problem, Scenario};
use serde_json::Value;

use super::fields::FieldKind;
use super::path::{get, get_mut};
use msgsim_sim::path::{default_at, set};

/// Why a field's text was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not a number.
    Number,
    /// Not a whole number ≥ 0.
    Integer,
    /// Not a list of whole numbers.
    Numbers,
    /// A number a scenario cannot keep exactly (more than 15 significant
    /// digits: its saved or shared copy could differ).
    Inexact,
}

/// A field's error: its text did not parse, or its value fails validation.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldError {
    /// The text did not parse.
    Parse(ParseError),
    /// Validation's verdict on the value.
    Invalid(msgsim_sim::ProblemKind),
}

/// The scenario being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    scenario: Scenario,
    /// The scenario as JSON (kept, as every field reads from it).
    doc: Value,
    /// Texts that did not parse, by path.
    raw: BTreeMap<String, (String, ParseError)>,
    problems: Vec<Problem>,
}

/// How a number is shown in a field: `100`, not `100.0`.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        // An optional object that is there: its switch is on.
        Value::Object(_) => "true".into(),
        Value::Number(n) => n.as_f64().map(format_number).unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_number) => {
            items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

impl Draft {
    /// A draft of `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        let problems = problems_of(&scenario);
        let doc = scenario.to_value();
        Draft { scenario, doc, raw: BTreeMap::new(), problems }
    }

    /// The scenario as last successfully parsed (it may fail validation).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Whether the draft can run: every field parsed and nothing invalid.
    pub fn is_runnable(&self) -> bool {
        self.raw.is_empty() && self.problems.is_empty()
    }

    /// Validation problems.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Number of fields with an error (unparsed texts plus problems).
    pub fn error_count(&self) -> usize {
        self.raw.len() + self.problems.len()
    }

    fn doc(&self) -> Value {
        self.doc.clone()
    }

    /// The text a field at `path` shows.
    pub fn text(&self, path: &str) -> String {
        if let Some((raw, _)) = self.raw.get(path) {
            return raw.clone();
        }
        self.value(path).as_ref().map(value_text).unwrap_or_default()
    }

    /// The value at `path`, if any (a field left out of the JSON has its default).
    pub fn value(&self, path: &str) -> Option<Value> {
        get(&self.doc, path).cloned().or_else(|| default_at(path))
    }

    /// The error to show beside the field at `path`.
    pub fn error(&self, path: &str) -> Option<FieldError> {
        if let Some((_, e)) = self.raw.get(path) {
            return Some(FieldError::Parse(*e));
        }
        self.problems.iter().find(|p| p.path == path).map(|p| FieldError::Invalid(p.kind.clone()))
    }

    /// Sets the field at `path` from its text. Returns whether the scenario changed.
    pub fn edit(&mut self, path: &str, kind: &FieldKind, text: &str) -> bool {
        let value = match kind.parse(text) {
            Ok(v) => v,
            Err(e) => {
                self.raw.insert(path.to_string(), (text.to_string(), e));
                return false;
            }
        };
        self.raw.remove(path);
        let mut doc = self.doc();
        let old = self.value(path);
        if old.as_ref() == Some(&value) {
            return false;
        }
        if let FieldKind::Tagged { templates } = kind {
            // Switching the kind of a tagged object: start from that kind's
            // template (or, for an optional one, back to null).
            let parent = path.strip_suffix(".kind").unwrap_or(path);
            let template = match templates.iter().find(|(k, _)| Some(*k) == value.as_str()) {
                Some((_, t)) => serde_json::from_str::<Value>(t).unwrap_or(Value::Null),
                None if value.is_null() => Value::Null,
                None => return false,
            };
            match get_mut(&mut doc, parent) {
                Some(slot) => *slot = template,
                None => return false,
            }
        } else if let FieldKind::Toggle { template } = kind {
            if old.as_ref().is_some_and(Value::is_object) == (value == Value::Bool(true)) {
                return false; // already on (or off)
            }
            let object = match value {
                Value::Bool(true) => serde_json::from_str::<Value>(template).unwrap_or_else(|_| serde_json::json!({})),
                _ => Value::Null,
            };
            if !set(&mut doc, path, object) {
                return false;
            }
        } else if let FieldKind::Creates { template, .. } = kind {
            // Pointing an optional object somewhere: create it, re-point it,
            // or (empty) remove it.
            let Some(parent) = path.strip_suffix(".to").and_then(|p| get_mut(&mut doc, p)) else { return false };
            match (&value, parent.is_object()) {
                (Value::Null, _) => *parent = Value::Null,
                (_, true) => parent["to"] = value.clone(),
                (_, false) => {
                    let mut object = serde_json::from_str::<Value>(template).unwrap_or_else(|_| serde_json::json!({}));
                    object["to"] = value.clone();
                    *parent = object;
                }
            }
        } else if !set(&mut doc, path, value.clone()) {
            return false;
        }
        if path.ends_with(".name")
            && let (Some(Value::String(from)), Value::String(to)) = (&old, &value)
        {
            rename_references(&mut doc, from, to);
        }
        self.set_doc(doc)
    }

    fn set_doc(&mut self, doc: Value) -> bool {
        match Scenario::parse_value(doc) {
            Ok(s) => {
                self.problems = problems_of(&s);
                self.doc = s.to_value();
                self.scenario = s;
                true
            }
            Err(_) => false,
        }
    }

    /// Appends a copy of `template` to the list at `list` (e.g. `producers`).
    pub fn push(&mut self, list: &str, template: Value) -> bool {
        let mut doc = self.doc();
        // A top-level list left out while empty.
        if !list.contains(['.', '[']) && doc.is_object() && doc.get(list).is_none() {
            doc[list] = Value::Null;
        }
        match get_mut(&mut doc, list) {
            Some(Value::Array(items)) => items.push(template),
            Some(slot @ Value::Null) => *slot = Value::Array(vec![template]),
            _ => return false,
        }
        self.set_doc(doc)
    }

    /// Removes item `index` of the list at `list`, and any unparsed texts
    /// under that list (their paths would shift).
    pub fn remove(&mut self, list: &str, index: usize) -> bool {
        let mut doc = self.doc();
        match get_mut(&mut doc, list) {
            Some(Value::Array(items)) if index < items.len() => {
                items.remove(index);
            }
            _ => return false,
        }
        let prefix = format!("{list}[");
        self.raw.retain(|p, _| !p.starts_with(&prefix));
        self.set_doc(doc)
    }

    /// A name not used by any group, starting from `base`.
    pub fn fresh_name(&self, base: &str) -> String {
        let s = &self.scenario;
        let taken = |n: &str| {
            s.producers.iter().any(|p| p.name == n)
                || s.queues.iter().any(|q| q.name == n)
                || s.consumers.iter().any(|c| c.name == n)
                || s.exchanges.iter().any(|x| x.name == n)
        };
        if !taken(base) {
            return base.to_string();
        }
        (2..).map(|i| format!("{base}-{i}")).find(|n| !taken(n)).unwrap_or_else(|| base.to_string())
    }
}

/// What keeps `s` from running in the page: its validation problems, or a
/// memory budget it does not fit.
fn problems_of(s: &Scenario) -> Vec<Problem> {
    s.validate().and_then(|()| super::run::fits(s)).err().unwrap_or_default()
}

/// After renaming group `from` to `to`, points every reference at the new name.
fn rename_references(doc: &mut Value, from: &str, to: &str) {
    let fix = |v: Option<&mut Value>| {
        if let Some(v) = v
            && v.as_str() == Some(from)
        {
            *v = Value::String(to.to_string());
        }
    };
    for (list, field) in [("producers", "to"), ("consumers", "from")] {
        if let Some(Value::Array(items)) = doc.get_mut(list) {
            for item in items {
                fix(item.get_mut(field));
            }
        }
    }
    if let Some(Value::Array(links)) = doc.pointer_mut("/network/links") {
        for l in links {
            fix(l.get_mut("from"));
            fix(l.get_mut("to"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studio::fields::FieldKind;

    fn draft() -> Draft {
        Draft::new(msgsim_sim::presets::get("acks-and-retries").unwrap().scenario.clone())
    }

    #[test]
    fn a_bad_value_is_kept_with_an_error_and_changes_nothing_else() {
        let mut d = draft();
        assert!(d.edit("producers[0].messages", &FieldKind::integer(), "50"));
        assert!(!d.edit("producers[0].send.timeout_ms", &FieldKind::number(), "soon"));
        assert_eq!(d.text("producers[0].send.timeout_ms"), "soon");
        assert_eq!(d.error("producers[0].send.timeout_ms"), Some(FieldError::Parse(ParseError::Number)));
        assert_eq!(d.scenario().producers[0].messages, 50, "the earlier edit is intact");
        assert_eq!(d.scenario().producers[0].send.timeout_ms, 40.0, "the bad text changed nothing");
        assert!(!d.is_runnable());
        assert!(d.edit("producers[0].send.timeout_ms", &FieldKind::number(), "60"));
        assert!(d.is_runnable());
    }

    #[test]
    fn an_invalid_value_shows_validations_message_at_its_field() {
        let mut d = draft();
        assert!(d.edit("network.links[0].loss", &FieldKind::number(), "1.5"));
        assert_eq!(
            d.error("network.links[0].loss"),
            Some(FieldError::Invalid(msgsim_sim::ProblemKind::Probability { got: 1.5 }))
        );
        assert!(!d.is_runnable());
    }

    #[test]
    fn optional_fields_take_empty_as_null() {
        let mut d = draft();
        assert!(d.edit("queues[0].capacity", &FieldKind::optional_integer(), "20"));
        assert_eq!(d.scenario().queues[0].capacity, Some(20));
        assert!(d.edit("queues[0].capacity", &FieldKind::optional_integer(), ""));
        assert_eq!(d.scenario().queues[0].capacity, None);
        assert_eq!(d.text("queues[0].capacity"), "");
    }

    #[test]
    fn switching_a_tagged_kind_uses_its_template() {
        let mut d = draft();
        let kind = FieldKind::Tagged { templates: crate::studio::fields::DIST_TEMPLATES };
        assert!(d.edit("consumers[0].processing.kind", &kind, "uniform"));
        assert_eq!(d.text("consumers[0].processing.kind"), "uniform");
        assert!(!d.text("consumers[0].processing.max_ms").is_empty());
        assert!(d.is_runnable());
    }

    #[test]
    fn an_optional_distribution_can_be_set_and_reset() {
        let mut d = draft();
        let kind = FieldKind::Tagged { templates: crate::studio::fields::DIST_TEMPLATES };
        assert_eq!(d.text("network.links[0].latency.kind"), "");
        assert!(d.edit("network.links[0].latency.kind", &kind, "exponential"));
        assert!(d.scenario().network.links[0].latency.is_some());
        assert!(d.edit("network.links[0].latency.kind", &kind, ""));
        assert_eq!(d.scenario().network.links[0].latency, None);
        assert!(d.is_runnable());
    }

    #[test]
    fn renaming_a_queue_follows_its_references() {
        let mut d = draft();
        assert!(d.edit("queues[0].name", &FieldKind::Text, "orders-v2"));
        assert_eq!(d.scenario().producers[0].to, "orders-v2");
        assert_eq!(d.scenario().consumers[0].from, "orders-v2");
        assert_eq!(d.scenario().network.links[0].to, "orders-v2");
        assert!(d.is_runnable());
    }

    #[test]
    fn lists_grow_and_shrink() {
        let mut d = draft();
        let name = d.fresh_name("orders");
        assert_eq!(name, "orders-2");
        let template = serde_json::json!({"name": name, "to": "order-queue"});
        assert!(d.push("producers", template));
        assert_eq!(d.scenario().producers.len(), 2);
        d.edit("producers[1].messages", &FieldKind::integer(), "x");
        assert!(d.remove("producers", 1));
        assert_eq!(d.scenario().producers.len(), 1);
        assert!(d.is_runnable(), "the removed item's bad text went with it");
        assert!(!d.remove("producers", 7));
    }

    #[test]
    fn numbers_show_plainly() {
        assert_eq!(format_number(100.0), "100");
        assert_eq!(format_number(0.1), "0.1");
        assert_eq!(format_number(2.5e-7), "0.00000025");
    }
}
