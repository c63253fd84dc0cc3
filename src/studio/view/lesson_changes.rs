//! Test builds: what changes between a lesson's setups, in the editor's
//! own words (its forms' sections and labels), in both languages. The
//! lesson files carry it (the page shows it from there, without the
//! editor's forms); the test here checks them, and `UPDATE_LESSONS=1`
//! writes them.

use serde_json::Value;

use crate::i18n::{Key, Lang, t, tf};
use crate::lessons::Lesson;
use crate::studio::draft::{Draft, format_number};
use crate::studio::fields::{Field, FieldKind, Label, Section};
use crate::studio::forms::sections;
use crate::studio::view::ChangeRow;

/// What changes between each pair of neighbouring setups of `lesson`, in
/// the editor's words in both languages: what its file must say.
pub fn computed_changes(lesson: &Lesson) -> Vec<Vec<crate::lessons::ChangeText>> {
    use crate::lessons::{ChangeText, Text};
    (0..lesson.setups.len().saturating_sub(1))
        .map(|i| {
            let after = lesson.setups[i + 1].scenario().ok();
            let forms = after.map(|s| sections(&Draft::new(s))).unwrap_or_default();
            lesson
                .changes(i)
                .iter()
                .map(|(path, was, now)| {
                    let [en, zh] = [Lang::En, Lang::Zh].map(|l| describe(&forms, l, path, was, now));
                    ChangeText {
                        what: Text { en: en.what, zh: zh.what },
                        was: Text { en: en.was, zh: zh.was },
                        now: Text { en: en.now, zh: zh.now },
                    }
                })
                .collect()
        })
        .collect()
}

/// A changed setting in the editor's words (its JSON path if no form shows it).
pub fn describe(forms: &[Section], lang: Lang, path: &str, was: &Value, now: &Value) -> ChangeRow {
    let found = forms.iter().find_map(|s| {
        let rows = s.lists.iter().flat_map(|l| l.rows.iter().flatten());
        s.fields.iter().chain(rows).find(|f| f.path == path).map(|f| (s, f))
    });
    match found {
        Some((s, f)) => ChangeRow {
            what: format!("{} · {}", tf(lang, s.title, &[&s.name]), t(lang, f.label)),
            was: value_text(lang, f, was),
            now: value_text(lang, f, now),
        },
        None => match list_heading(path) {
            // A list that grew or shrank: its items by name.
            Some(heading) => {
                ChangeRow { what: t(lang, heading).to_string(), was: item_names(lang, was), now: item_names(lang, now) }
            }
            None => ChangeRow { what: path.to_string(), was: raw(was), now: raw(now) },
        },
    }
}

/// The editor's heading of a list of groups, nodes or links.
fn list_heading(path: &str) -> Option<Key> {
    Some(match path {
        "producers" => Key::Producers,
        "queues" => Key::Queues,
        "consumers" => Key::Consumers,
        "exchanges" => Key::Exchanges,
        "topics" => Key::Topics,
        "crashes" => Key::NodeOutages,
        "network.links" => Key::SectionNetwork,
        _ => return None,
    })
}

/// The items of a list by name (`name`, a crash's `node`, a link's ends).
fn item_names(lang: Lang, v: &Value) -> String {
    let names: Vec<String> = v
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| match (i.get("name"), i.get("node"), i.get("from"), i.get("to")) {
                    (Some(Value::String(n)), _, _, _) | (_, Some(Value::String(n)), _, _) => n.clone(),
                    (_, _, Some(Value::String(a)), Some(Value::String(b))) => format!("{a} → {b}"),
                    _ => "?".into(),
                })
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() { t(lang, Key::NotSet).to_string() } else { names.join(", ") }
}

/// A value as the field shows it: a choice's label, a number with its unit.
fn value_text(lang: Lang, f: &Field, v: &Value) -> String {
    match (&f.kind, v) {
        (_, Value::Null) => t(lang, Key::NotSet).to_string(),
        (FieldKind::Choice(options), Value::String(s)) => options
            .iter()
            .find(|c| &c.value == s)
            .map(|c| match &c.label {
                Label::Key(k) => t(lang, *k).to_string(),
                Label::Text(x) => x.clone(),
            })
            .unwrap_or_else(|| s.clone()),
        (FieldKind::Bool, Value::Bool(b)) => t(lang, if *b { Key::On } else { Key::Off }).to_string(),
        (_, Value::Number(n)) => {
            let x = format_number(n.as_f64().unwrap_or_default());
            match f.unit {
                Some(u) => format!("{x} {u}"),
                None => x,
            }
        }
        _ => raw(v),
    }
}

fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Each lesson file carries what changes between its setups in the
/// editor's words (the page shows it without the editor's forms); this
/// checks it, and `UPDATE_LESSONS=1` writes it.
#[test]
fn lesson_files_carry_their_changes_in_the_editors_words() {
    let update = std::env::var_os("UPDATE_LESSONS").is_some();
    let mut stale = Vec::new();
    for (file, text) in crate::lessons::SOURCES {
        let id = serde_json::from_str::<Value>(text).unwrap()["id"].as_str().unwrap().to_string();
        let lesson = crate::lessons::get(&id).unwrap();
        let want = computed_changes(lesson);
        if lesson.change_text == want {
            continue;
        }
        stale.push(*file);
        if update {
            let path = format!("{}/src/lessons/data/{file}", env!("CARGO_MANIFEST_DIR"));
            let current = std::fs::read_to_string(&path).unwrap();
            // The changes are the file's last entry: cut them, append anew.
            let body = match current.find(",\n  \"changes\":") {
                Some(at) => current[..at].to_string(),
                None => current.trim_end().strip_suffix('}').unwrap().trim_end().to_string(),
            };
            let value = serde_json::to_string_pretty(&want).unwrap().replace('\n', "\n  ");
            std::fs::write(&path, format!("{body},\n  \"changes\": {value}\n}}\n")).unwrap();
        }
    }
    assert!(update || stale.is_empty(), "stale changes in {stale:?}: run with UPDATE_LESSONS=1");
}
