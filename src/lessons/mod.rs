//! Lessons: data files (`data/*.json`), each a short explanation, what to
//! watch, a question for the class, and a "before / after" pair of setups
//! that flips one key setting on the same seed. The tests run every pair and
//! check the lesson's expectations, so a lesson always shows what it claims.

use msgsim_sim::{Report, Scenario, presets};
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Lang;
use crate::studio::path::{self, Patch};

macro_rules! lesson_sources {
    ($($file:literal),* $(,)?) => {
        /// `(file, JSON)` of every lesson, in teaching order.
        // Minified into OUT_DIR by build.rs.
        const SOURCES: &[(&str, &str)] = &[$(($file, include_str!(concat!(env!("OUT_DIR"), "/", $file))),)*];
    };
}

lesson_sources![
    "01-sync-vs-async.json",
    "02-lossy-link.json",
    "03-acks-and-retries.json",
    "04-idempotency.json",
    "05-crash-before-ack.json",
    "06-backoff-and-jitter.json",
    "07-poison-and-dlq.json",
    "08-ordering.json",
    "09-backpressure.json",
    "10-more-consumers.json",
];

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    pub en: String,
    /// 简体中文.
    pub zh: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// One side of a lesson: a preset, changed by a patch.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Button label.
    pub label: Text,
    /// The preset it starts from.
    pub preset: String,
    /// Changes to the preset, by JSON path.
    #[serde(default)]
    pub patch: Patch,
    /// The scenario, built on first use and kept.
    #[serde(skip)]
    built: std::sync::OnceLock<Result<Scenario, String>>,
}

impl Setup {
    /// The scenario of this setup.
    pub fn scenario(&self) -> Result<Scenario, String> {
        self.built.get_or_init(|| self.build()).clone()
    }

    fn build(&self) -> Result<Scenario, String> {
        let base = presets::get(&self.preset).ok_or_else(|| format!("no preset {}", self.preset))?;
        path::apply(&base.scenario, &self.patch)
    }
}

/// A check on a report: `(field path, "=" | "<" | ">", value or "before")`.
pub type Expectation = (String, String, Value);

/// What each side of a lesson must show (checked by the tests).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Checks on the "before" run.
    #[serde(default)]
    pub before: Vec<Expectation>,
    /// Checks on the "after" run (a value of `"before"` compares with it).
    #[serde(default)]
    pub after: Vec<Expectation>,
}

/// A lesson.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Stable id (in share links).
    pub id: String,
    /// Title.
    pub title: Text,
    /// A short explanation.
    pub explain: Text,
    /// What to watch.
    pub watch: Text,
    /// A question for the class.
    pub question: Text,
    /// The setup before the change.
    pub before: Setup,
    /// The setup after the change.
    pub after: Setup,
    /// What the runs must show.
    #[serde(default)]
    pub expect: Expect,
    /// What changes from before to after, computed on first use (see [`Lesson::changes`]).
    #[serde(skip)]
    changes: std::sync::OnceLock<Vec<(String, String, String)>>,
}

impl Lesson {
    /// The lesson's side: `false` before, `true` after.
    pub fn setup(&self, after: bool) -> &Setup {
        if after { &self.after } else { &self.before }
    }

    /// What changes from "before" to "after": `(path, before, after)`.
    pub fn changes(&self) -> &[(String, String, String)] {
        self.changes.get_or_init(|| self.diff_setups())
    }

    fn diff_setups(&self) -> Vec<(String, String, String)> {
        let (Ok(a), Ok(b)) = (self.before.scenario(), self.after.scenario()) else { return Vec::new() };
        let (mut a, mut b) = (a.to_value(), b.to_value());
        // Names and descriptions differ between presets; they are not the lesson.
        for v in [&mut a, &mut b] {
            if let Some(o) = v.as_object_mut() {
                o.remove("name");
                o.remove("description");
            }
        }
        path::diff(&a, &b)
            .into_iter()
            .map(|(p, now)| {
                let was = path::get(&a, &p).map(|v| v.to_string()).unwrap_or_default();
                (p, was, now.to_string())
            })
            .collect()
    }

    /// Reads a lesson file (its setups are built when first asked for).
    fn load(json: &str) -> Result<Lesson, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }
}

/// Every lesson, in teaching order, read once and shared (a file that does
/// not parse is skipped; the tests rule that out).
pub fn all() -> &'static [Lesson] {
    static ALL: std::sync::OnceLock<Vec<Lesson>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| SOURCES.iter().filter_map(|(_, json)| Lesson::load(json).ok()).collect())
}

/// The lesson called `id`.
pub fn get(id: &str) -> Option<&'static Lesson> {
    all().iter().find(|l| l.id == id)
}

/// Checks a report against expectations; returns the failures.
pub fn check(report: &Report, before: Option<&Report>, expectations: &[Expectation]) -> Vec<String> {
    let r = serde_json::to_value(report).unwrap_or_default();
    let b = before.map(|b| serde_json::to_value(b).unwrap_or_default());
    let mut failures = Vec::new();
    for (field, op, want) in expectations {
        let got = path::get(&r, field).cloned().unwrap_or(Value::Null);
        let want = if want == "before" {
            b.as_ref().and_then(|b| path::get(b, field)).cloned().unwrap_or(Value::Null)
        } else {
            want.clone()
        };
        let ok = match (op.as_str(), got.as_f64(), want.as_f64()) {
            ("=", _, _) => got == want || (got.as_f64().is_some() && got.as_f64() == want.as_f64()),
            ("<", Some(g), Some(w)) => g < w,
            (">", Some(g), Some(w)) => g > w,
            _ => false,
        };
        if !ok {
            failures.push(format!("{field} {op} {want} (got {got})"));
        }
    }
    failures
}

/// The lesson ids and titles in `lang`, for the list: built once per
/// language and shared.
pub fn titles(lang: Lang) -> crate::i18n::Menu {
    thread_local! {
        static TITLES: crate::i18n::MenuCache = crate::i18n::MenuCache::default();
    }
    TITLES.with(|t| t.get(lang, || all().iter().map(|l| (l.id.clone(), l.title.get(lang).to_string())).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::Simulation;

    #[test]
    fn every_lesson_parses_and_has_both_languages() {
        for (file, json) in SOURCES {
            let l = Lesson::load(json).unwrap_or_else(|e| panic!("{file}: {e}"));
            for t in [&l.title, &l.explain, &l.watch, &l.question, &l.before.label, &l.after.label] {
                assert!(!t.en.trim().is_empty() && !t.zh.trim().is_empty(), "{file}: a text is missing");
                assert!(!t.zh.is_ascii(), "{file}: '{}' is not Chinese", t.zh);
            }
        }
        assert_eq!(all().len(), SOURCES.len());
        let ids: std::collections::BTreeSet<_> = all().iter().map(|l| &l.id).collect();
        assert_eq!(ids.len(), SOURCES.len(), "ids are unique");
    }

    /// Each lesson's before/after runs (at the preset's seed) show what the
    /// lesson says they show.
    #[test]
    fn every_lesson_shows_what_it_claims() {
        for l in all() {
            let run = |s: &Setup| {
                let scenario = s.scenario().unwrap_or_else(|e| panic!("{}: {e}", l.id));
                Simulation::new(&scenario, scenario.seed).unwrap().without_trace().run()
            };
            let (before, after) = (run(&l.before), run(&l.after));
            let mut failures = check(&before, None, &l.expect.before);
            failures.extend(check(&after, Some(&before), &l.expect.after));
            assert!(failures.is_empty(), "{}: {failures:?}", l.id);
            assert!(!l.changes().is_empty(), "{}: before and after are the same", l.id);
        }
    }
}
