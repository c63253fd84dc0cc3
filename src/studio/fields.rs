//! The pieces of the editor's forms: a field (its JSON path, label and input
//! kind), a list of items, a section and what it edits. `forms.rs` builds
//! them for a draft.

use serde_json::Value;

use super::draft::ParseError;
use crate::i18n::Key;

/// A choice's label: a translated text, or a name from the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// Translated.
    Key(Key),
    /// Shown as is.
    Text(String),
}

/// One option of a choice field: the JSON string value and its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The value written to the scenario.
    pub value: String,
    /// What the user sees.
    pub label: Label,
}

/// The input a field takes.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    /// A number; `optional`: empty means null.
    Number {
        /// Whether the field may be empty (null).
        optional: bool,
    },
    /// A whole number ≥ 0; `optional`: empty means null.
    Integer {
        /// Whether the field may be empty (null).
        optional: bool,
    },
    /// A checkbox.
    Bool,
    /// Free text.
    Text,
    /// Whole numbers separated by commas; empty means null.
    Numbers,
    /// Where an optional object points (`to`): choosing empty removes the
    /// object, choosing a name creates it (from `template`, with that `to`)
    /// or re-points it.
    Creates {
        /// The names it can point at.
        options: Vec<Choice>,
        /// JSON of a new object.
        template: &'static str,
    },
    /// A checkbox for an optional object: on creates it (from `template`),
    /// off removes it.
    Toggle {
        /// JSON of a new object.
        template: &'static str,
    },
    /// One of fixed options.
    Choice(Vec<Choice>),
    /// The `kind` of a tagged object: switching it replaces the object with
    /// the template of the new kind (`(kind, template JSON)`).
    Tagged {
        /// `(kind, template JSON)` for every kind.
        templates: &'static [(&'static str, &'static str)],
    },
}

impl FieldKind {
    /// A required number.
    pub const fn number() -> Self {
        FieldKind::Number { optional: false }
    }
    /// A required whole number.
    pub const fn integer() -> Self {
        FieldKind::Integer { optional: false }
    }
    /// An optional whole number.
    pub const fn optional_integer() -> Self {
        FieldKind::Integer { optional: true }
    }

    /// Parses a field's text into its JSON value.
    pub fn parse(&self, text: &str) -> Result<Value, ParseError> {
        let t = text.trim();
        match self {
            FieldKind::Number { optional } => {
                if t.is_empty() && *optional {
                    return Ok(Value::Null);
                }
                let x = crate::i18n::parse_number(t).ok_or(ParseError::Number)?;
                // As the scenario will be written, it must read back the same.
                let written = serde_json::to_string(&x).unwrap_or_default();
                if !msgsim_sim::scenario::number_kept_exactly(&written) {
                    return Err(ParseError::Inexact);
                }
                serde_json::Number::from_f64(x).map(Value::Number).ok_or(ParseError::Number)
            }
            FieldKind::Integer { optional } => {
                if t.is_empty() && *optional {
                    return Ok(Value::Null);
                }
                t.parse::<u64>().map(Value::from).map_err(|_| ParseError::Integer)
            }
            FieldKind::Bool | FieldKind::Toggle { .. } => Ok(Value::Bool(t == "true")),
            FieldKind::Text => Ok(Value::String(text.to_string())),
            FieldKind::Numbers => {
                if t.is_empty() {
                    return Ok(Value::Null);
                }
                t.split([',', '，', ' '])
                    .filter(|p| !p.is_empty())
                    .map(|p| p.parse::<u32>().map(Value::from).map_err(|_| ParseError::Numbers))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            }
            FieldKind::Choice(_) | FieldKind::Tagged { .. } | FieldKind::Creates { .. } => {
                if t.is_empty() {
                    Ok(Value::Null)
                } else {
                    Ok(Value::String(t.to_string()))
                }
            }
        }
    }
}

/// Templates of the distribution kinds.
pub const DIST_TEMPLATES: &[(&str, &str)] = &[
    ("constant", r#"{"kind":"constant","ms":5}"#),
    ("uniform", r#"{"kind":"uniform","min_ms":2,"max_ms":8}"#),
    ("normal", r#"{"kind":"normal","mean_ms":5,"std_ms":2}"#),
    ("exponential", r#"{"kind":"exponential","mean_ms":5}"#),
    ("log_normal", r#"{"kind":"log_normal","median_ms":5,"sigma":0.5}"#),
];

/// Templates of the arrival kinds.
pub const ARRIVAL_TEMPLATES: &[(&str, &str)] = &[
    ("fixed", r#"{"kind":"fixed","interval_ms":10}"#),
    ("poisson", r#"{"kind":"poisson","rate_per_s":100}"#),
    ("bursts", r#"{"kind":"bursts","size":10,"every_ms":100}"#),
];

/// One form field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// JSON path of the value.
    pub path: String,
    /// What the field is called, translated beside it.
    pub label: Key,
    /// Input kind.
    pub kind: FieldKind,
    /// Unit shown after the input.
    pub unit: Option<&'static str>,
}

/// A list inside a section (outage windows, planned crashes).
#[derive(Clone, Debug, PartialEq)]
pub struct ListBlock {
    /// Path of the array.
    pub path: String,
    /// The list's legend.
    pub label: Key,
    /// The fields of each item.
    pub rows: Vec<Vec<Field>>,
    /// JSON of a new item.
    pub template: Value,
}

/// What a section edits (and what a click in the topology focuses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Name, duration, limits.
    Run,
    /// The default link.
    Network,
    /// Link override `i`.
    Link(usize),
    /// The link the user clicked, which has no override yet: editing a
    /// value creates one.
    NewLink,
    /// Producer group `i`.
    Producer(usize),
    /// Queue `i`.
    Queue(usize),
    /// Consumer group `i`.
    Consumer(usize),
    /// Exchange `i`.
    Exchange(usize),
    /// Topic `i`.
    Topic(usize),
    /// Planned outages of any node.
    Outages,
}

impl Target {
    /// The DOM id of the section (for scrolling to it).
    pub fn dom_id(self) -> String {
        match self {
            Target::Run => "edit-run".into(),
            Target::Network => "edit-network".into(),
            Target::Link(i) => format!("edit-link-{i}"),
            Target::NewLink => "edit-link-new".into(),
            Target::Producer(i) => format!("edit-producer-{i}"),
            Target::Queue(i) => format!("edit-queue-{i}"),
            Target::Consumer(i) => format!("edit-consumer-{i}"),
            Target::Exchange(i) => format!("edit-exchange-{i}"),
            Target::Topic(i) => format!("edit-topic-{i}"),
            Target::Outages => "edit-outages".into(),
        }
    }

    /// The list and index this section's item lives at, if it can be removed.
    pub fn list_item(self) -> Option<(&'static str, usize)> {
        match self {
            Target::Link(i) => Some(("network.links", i)),
            Target::Producer(i) => Some(("producers", i)),
            Target::Queue(i) => Some(("queues", i)),
            Target::Consumer(i) => Some(("consumers", i)),
            Target::Exchange(i) => Some(("exchanges", i)),
            Target::Topic(i) => Some(("topics", i)),
            Target::Run | Target::Network | Target::NewLink | Target::Outages => None,
        }
    }
}

/// A group of fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// What it edits.
    pub target: Target,
    /// Title key (with the item's name, if any, as `{0}`).
    pub title: Key,
    /// The item's name.
    pub name: String,
    /// Its fields, in form order.
    pub fields: Vec<Field>,
    /// Its lists (outage windows, planned crashes), after the fields.
    pub lists: Vec<ListBlock>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        assert_eq!(FieldKind::number().parse(" 2.5 "), Ok(serde_json::json!(2.5)));
        assert_eq!(FieldKind::number().parse("NaN"), Err(ParseError::Number));
        assert_eq!(FieldKind::number().parse(""), Err(ParseError::Number));
        assert_eq!(FieldKind::Number { optional: true }.parse(""), Ok(Value::Null));
        assert_eq!(FieldKind::integer().parse("-1"), Err(ParseError::Integer));
        assert_eq!(FieldKind::integer().parse("7"), Ok(serde_json::json!(7)));
        assert_eq!(FieldKind::Numbers.parse("0, 2 ,5"), Ok(serde_json::json!([0, 2, 5])));
        assert_eq!(FieldKind::Numbers.parse("1，3"), Ok(serde_json::json!([1, 3])));
        assert_eq!(FieldKind::Numbers.parse(" "), Ok(Value::Null));
        assert_eq!(FieldKind::Numbers.parse("1, x"), Err(ParseError::Numbers));
    }
}
