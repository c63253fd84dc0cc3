//! Lessons: data files (`data/*.json`), each a short explanation, what to
//! watch, a question for the class, and two or three setups ("before",
//! optionally "between", "after") that change one key setting on the same
//! seed. The tests run every setup and check the lesson's expectations, and
//! every number its texts state is either a setting of its scenarios or a
//! declared figure checked against the runs: a lesson never tells a class
//! something its own runs contradict.

use std::sync::OnceLock;

use msgsim_sim::{Scenario, presets};
#[cfg(test)]
use serde::Deserialize;
use serde_json::Value;

use crate::i18n::Lang;
use crate::studio::path::{self, Patch};

// `INDEX`: every lesson's id and titles, in teaching order (build.rs).
include!(concat!(env!("OUT_DIR"), "/lesson_index.rs"));

macro_rules! lesson_sources {
    ($($file:literal),* $(,)?) => {
        /// `(file, JSON)` of every lesson file, for the tests (which also
        /// read their expectations and figures). The app fetches a lesson's
        /// body when it is opened instead.
        #[cfg(test)]
        pub const SOURCES: &[(&str, &str)] = &[$(($file, include_str!(concat!("data/", $file))),)*];
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
    "11-fan-out.json",
    "12-duplicates-along-a-chain.json",
    "13-broker-crash.json",
    "14-how-many-retries.json",
    "15-hockey-stick.json",
    "16-acks-and-failover.json",
    "17-commit-before-or-after.json",
    "18-keys-and-partitions.json",
    "19-replay.json",
    "20-idle-members.json",
    "21-rebalance.json",
    "22-queue-or-log.json",
    "23-queue-or-log-at-the-knee.json",
    "24-dual-write.json",
    "25-outbox.json",
    "26-versions.json",
    "27-saga.json",
    "28-two-phase-commit.json",
    "29-event-store.json",
    "30-choreography.json",
    "31-projection-rebuild.json",
];

/// One setting that differs between two setups, in the editor's words,
/// in both languages. Written into the lesson file by the tests (`UPDATE_LESSONS=1
/// cargo test -p msgsim-web --lib lesson_files_carry`), which check it
/// against the editor's forms: the page shows it without the forms.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Deserialize, serde::Serialize), serde(deny_unknown_fields))]
pub struct ChangeText {
    /// Where and what: "Producer group checkout · Backoff".
    pub what: Text,
    /// Its value before.
    pub was: Text,
    /// Its value after.
    pub now: Text,
}

/// A text in both languages.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Deserialize, serde::Serialize), serde(deny_unknown_fields))]
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

/// One setup of a lesson: a preset, changed by a patch.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Deserialize), serde(deny_unknown_fields))]
pub struct Setup {
    /// Button label.
    pub label: Text,
    /// The preset it starts from.
    pub preset: String,
    /// Changes to the preset, by JSON path.
    #[cfg_attr(test, serde(default))]
    pub patch: Patch,
    /// The scenario, built on first use and kept.
    #[cfg_attr(test, serde(skip))]
    built: OnceLock<Result<Scenario, String>>,
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
#[cfg(test)]
pub type Expectation = (String, String, Value);

/// A number a lesson's texts state that is not a setting of its scenarios:
/// a figure of one of its runs (checked by the tests), or a value to try.
#[cfg(test)]
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The number as the texts write it.
    pub value: f64,
    /// Which run it is a figure of (`before`, `between`, `after`), if any.
    #[serde(default)]
    pub side: Option<String>,
    /// The report field it is, if it is one.
    #[serde(default)]
    pub field: Option<String>,
    /// How far the run may be from `value` (absolute).
    #[serde(default)]
    pub tolerance: f64,
    /// Why it is stated, when it is not a figure (`"a value to try"`).
    #[serde(default)]
    pub note: Option<String>,
    /// A figure of the lesson's sweep: at `(series value, x value)` (its
    /// `field` is one of the sweep's figures; the mean over its seeds).
    #[serde(default)]
    pub at: Option<(Option<f64>, f64)>,
    /// With `at`: theory's value there, not the runs' mean.
    #[serde(default)]
    pub theory: bool,
    /// The field is a fraction; the texts state it as a percentage.
    #[serde(default)]
    pub percent: bool,
}

/// What a lesson file holds (the tests read the files with serde; the app
/// reads the fetched bodies with [`Lesson::from_json`], whose code is a
/// fraction of the size, and a test checks that both read the same).
#[cfg(test)]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    id: String,
    title: Text,
    explain: Text,
    watch: Text,
    question: Text,
    takeaway: Text,
    before: Setup,
    #[serde(default)]
    between: Option<Setup>,
    after: Setup,
    #[cfg(test)]
    #[serde(default)]
    expect: ExpectFile,
    #[cfg(test)]
    #[serde(default)]
    figures: Vec<Figure>,
    speed: f64,
    moment: String,
    #[serde(default)]
    sweep: Option<Value>,
    #[serde(default)]
    changes: Vec<Vec<ChangeText>>,
}

#[cfg(test)]
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    #[serde(default)]
    before: Vec<Expectation>,
    #[serde(default)]
    between: Vec<Expectation>,
    #[serde(default)]
    after: Vec<Expectation>,
}

/// A lesson.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(test, derive(Deserialize), serde(from = "LessonFile"))]
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
    /// The answer, shown once the outcome is revealed.
    pub takeaway: Text,
    /// Its setups, in order: before, (between,) after.
    pub setups: Vec<Setup>,
    /// What each setup's run must show (a value `"before"` compares with the first run).
    #[cfg(test)]
    pub expect: Vec<Vec<Expectation>>,
    /// Numbers its texts state that are not settings.
    #[cfg(test)]
    pub figures: Vec<Figure>,
    /// The playback speed it opens at, so its key moment comes within about
    /// 20 seconds (the tests check).
    pub speed: f64,
    /// The kind of trace event that is its key moment (`lost`, `dead_letter`,
    /// `effect:duplicate`…), as the log's kind filter names it.
    pub moment: String,
    /// A sweep the lesson offers (run on the setup shown; it varies the
    /// settings the setups differ in, so any setup gives the same).
    pub sweep: Option<String>,
    /// What changes between consecutive setups, in the editor's words
    /// (written into the file by the tests).
    pub change_text: Vec<Vec<ChangeText>>,
    /// What changes between consecutive setups, computed on first use.
    #[cfg(test)]
    changes: OnceLock<Vec<Vec<(String, Value, Value)>>>,
}

#[cfg(test)]
impl From<LessonFile> for Lesson {
    fn from(f: LessonFile) -> Self {
        let mut setups = vec![f.before];
        setups.extend(f.between);
        setups.push(f.after);
        #[cfg(test)]
        let expect = {
            let e = f.expect;
            let between = (setups.len() == 3).then_some(e.between);
            std::iter::once(e.before).chain(between).chain([e.after]).collect()
        };
        Lesson {
            id: f.id,
            title: f.title,
            explain: f.explain,
            watch: f.watch,
            question: f.question,
            takeaway: f.takeaway,
            setups,
            #[cfg(test)]
            expect,
            #[cfg(test)]
            figures: f.figures,
            speed: f.speed,
            moment: f.moment,
            sweep: f.sweep.map(|v| v.to_string()),
            change_text: f.changes,
            changes: OnceLock::new(),
        }
    }
}

/// The name of setup `i` of `n` in share links and lesson files.
pub fn side_name(i: usize, n: usize) -> &'static str {
    match i {
        0 => "before",
        i if i + 1 >= n => "after",
        _ => "between",
    }
}

impl Lesson {
    /// Reads a lesson's body (a lesson file without its expectations and
    /// figures): the problem, if any, names the field.
    pub fn from_json(json: &str) -> Result<Lesson, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let field = |v: &Value, key: &str| v.get(key).cloned().ok_or_else(|| format!("no {key}"));
        let string = |v: &Value, key: &str| match v.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(format!("{key}: not a string")),
        };
        let text = |v: &Value, key: &str| -> Result<Text, String> {
            let t = field(v, key)?;
            Ok(Text {
                en: string(&t, "en").map_err(|e| format!("{key}.{e}"))?,
                zh: string(&t, "zh").map_err(|e| format!("{key}.{e}"))?,
            })
        };
        let setup = |key: &str| -> Result<Setup, String> {
            let s = field(&doc, key)?;
            let patch = match s.get("patch") {
                None => Patch::new(),
                // Inserted, not collected (collecting sorts with the stable sort: 8 KB of the page).
                Some(Value::Object(m)) => {
                    let mut patch = Patch::new();
                    for (k, v) in m {
                        patch.insert(k.clone(), v.clone());
                    }
                    patch
                }
                Some(_) => return Err(format!("{key}.patch: not an object")),
            };
            let preset = string(&s, "preset").map_err(|e| format!("{key}.{e}"))?;
            Ok(Setup {
                label: text(&s, "label").map_err(|e| format!("{key}.{e}"))?,
                preset,
                patch,
                built: OnceLock::new(),
            })
        };
        let (id, title) = (string(&doc, "id")?, text(&doc, "title")?);
        let mut setups = vec![setup("before")?];
        if doc.get("between").is_some() {
            setups.push(setup("between")?);
        }
        setups.push(setup("after")?);
        Ok(Lesson {
            id,
            title,
            explain: text(&doc, "explain")?,
            watch: text(&doc, "watch")?,
            question: text(&doc, "question")?,
            takeaway: text(&doc, "takeaway")?,
            setups,
            #[cfg(test)]
            expect: Vec::new(),
            #[cfg(test)]
            figures: Vec::new(),
            speed: doc.get("speed").and_then(Value::as_f64).ok_or("speed: not a number")?,
            moment: string(&doc, "moment")?,
            sweep: match doc.get("sweep") {
                None => None,
                Some(v @ Value::Object(_)) => Some(v.to_string()),
                Some(_) => return Err("sweep: not an object".into()),
            },
            change_text: match doc.get("changes") {
                Some(Value::Array(pairs)) => {
                    let mut out = Vec::new();
                    for (i, pair) in pairs.iter().enumerate() {
                        let rows = pair.as_array().ok_or_else(|| format!("changes[{i}]: not a list"))?;
                        let mut list = Vec::new();
                        for (j, row) in rows.iter().enumerate() {
                            let at = |e: String| format!("changes[{i}][{j}].{e}");
                            list.push(ChangeText {
                                what: text(row, "what").map_err(at)?,
                                was: text(row, "was").map_err(at)?,
                                now: text(row, "now").map_err(at)?,
                            });
                        }
                        out.push(list);
                    }
                    out
                }
                _ => return Err("changes: not a list".into()),
            },
            #[cfg(test)]
            changes: OnceLock::new(),
        })
    }

    /// Every text of the lesson (for the language checks).
    pub fn texts(&self) -> Vec<&Text> {
        let mut v = vec![&self.title, &self.explain, &self.watch, &self.question, &self.takeaway];
        v.extend(self.setups.iter().map(|s| &s.label));
        v
    }

    /// Setup `i` (the last one if `i` is beyond it).
    pub fn setup(&self, i: usize) -> &Setup {
        &self.setups[i.min(self.setups.len() - 1)]
    }

    /// The index of the setup a share link names (`before`, `between`, `after`).
    pub fn side_of(&self, name: &str) -> Option<usize> {
        (0..self.setups.len()).find(|&i| side_name(i, self.setups.len()) == name)
    }

    /// What changes from setup `i` to setup `i + 1`: `(path, was, now)` for
    /// every setting that differs (leaf by leaf).
    #[cfg(test)]
    pub fn changes(&self, i: usize) -> &[(String, Value, Value)] {
        self.changes
            .get_or_init(|| (0..self.setups.len() - 1).map(|i| self.diff(i, i + 1)).collect())
            .get(i)
            .map_or(&[], Vec::as_slice)
    }

    #[cfg(test)]
    fn diff(&self, i: usize, j: usize) -> Vec<(String, Value, Value)> {
        let (Ok(a), Ok(b)) = (self.setups[i].scenario(), self.setups[j].scenario()) else { return Vec::new() };
        let (mut a, mut b) = (a.to_value(), b.to_value());
        // Names and descriptions differ between presets; they are not the lesson.
        for v in [&mut a, &mut b] {
            if let Some(o) = v.as_object_mut() {
                o.remove("name");
                o.remove("description");
            }
        }
        let mut out = Vec::new();
        leaves("", &a, &b, &mut out);
        out
    }
}

/// Every leaf that differs between `a` and `b`, under `path`.
#[cfg(test)]
fn leaves(path: &str, a: &Value, b: &Value, out: &mut Vec<(String, Value, Value)>) {
    let child = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            // Both maps iterate in key order: merge them.
            let (mut a, mut b) = (x.keys().peekable(), y.keys().peekable());
            let mut keys = Vec::new();
            loop {
                let k = match (a.peek(), b.peek()) {
                    (Some(p), Some(q)) if p < q => a.next(),
                    (Some(p), Some(q)) if q < p => b.next(),
                    (Some(_), Some(_)) => {
                        b.next();
                        a.next()
                    }
                    (Some(_), None) => a.next(),
                    (None, _) => b.next(),
                };
                let Some(k) = k else { break };
                keys.push(k);
            }
            for k in keys {
                leaves(&child(k), x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                leaves(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ if a != b => out.push((path.to_string(), a.clone(), b.clone())),
        _ => {}
    }
}

/// Every lesson, in teaching order, read once from the source files (the
/// tests; a file that does not parse is skipped, and a test rules that out).
#[cfg(test)]
pub fn all() -> &'static [Lesson] {
    static ALL: OnceLock<Vec<Lesson>> = OnceLock::new();
    ALL.get_or_init(|| SOURCES.iter().filter_map(|(_, json)| serde_json::from_str(json).ok()).collect())
}

/// Where a lesson's body stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// Here: the lesson can open.
    Ready(&'static Lesson),
    /// Not fetched yet (from [`url`]).
    Missing,
    /// Its fetch failed, for this reason.
    Failed(String),
    /// No lesson has this id.
    Unknown,
}

thread_local! {
    /// The bodies received so far (or why they could not be), by id; kept
    /// for the life of the page (a lesson is a few kilobytes).
    static RECEIVED: std::cell::RefCell<Vec<(String, Result<&'static Lesson, String>)>> = Default::default();
    /// Test builds: lessons that act as if not fetched yet.
    #[cfg(test)]
    static WITHHELD: std::cell::RefCell<Vec<String>> = Default::default();
}

/// Where the body of lesson `id` stands.
pub fn body(id: &str) -> Body {
    let received = RECEIVED.with(|r| r.borrow().iter().find(|(i, _)| i == id).map(|(_, b)| b.clone()));
    match received {
        Some(Ok(l)) => Body::Ready(l),
        Some(Err(why)) => Body::Failed(why),
        None if !INDEX.iter().any(|(i, _, _)| *i == id) => Body::Unknown,
        #[cfg(test)]
        None if !WITHHELD.with(|w| w.borrow().iter().any(|w| w == id)) => {
            all().iter().find(|l| l.id == id).map_or(Body::Unknown, Body::Ready)
        }
        None => Body::Missing,
    }
}

/// Where the body of lesson `id` is fetched from (relative to the page).
pub fn url(id: &str) -> String {
    format!("lessons/{id}.json")
}

/// Takes the fetched body of lesson `id` (or why the fetch failed) and keeps
/// it; returns the lesson, or why it cannot open. A failure is forgotten
/// when the lesson is fetched again.
pub fn receive(id: &str, fetched: Result<String, String>) -> Result<&'static Lesson, String> {
    let parsed = fetched.and_then(|text| {
        let lesson = Lesson::from_json(&text).map_err(|e| format!("damaged file: {e}"))?;
        if lesson.id != id {
            return Err(format!("the file is lesson {:?}", lesson.id));
        }
        Ok(&*Box::leak(Box::new(lesson)))
    });
    RECEIVED.with(|r| {
        let mut r = r.borrow_mut();
        r.retain(|(i, _)| i != id);
        r.push((id.to_string(), parsed.clone()));
    });
    parsed
}

/// Forgets a failed fetch of lesson `id` (to try again).
pub fn forget_failure(id: &str) {
    RECEIVED.with(|r| r.borrow_mut().retain(|(i, b)| i != id || b.is_ok()));
}

/// Test builds: lesson `id` acts as if its body were not fetched yet.
#[cfg(test)]
pub fn withhold(id: &str) {
    WITHHELD.with(|w| w.borrow_mut().push(id.to_string()));
    RECEIVED.with(|r| r.borrow_mut().retain(|(i, _)| i != id));
}

/// The lesson called `id`, if its body is here.
pub fn get(id: &str) -> Option<&'static Lesson> {
    match body(id) {
        Body::Ready(l) => Some(l),
        _ => None,
    }
}

/// The field of the same report an expectation's value names (a path with
/// a `.` or an index; a top-level field written with a leading `.`, as in
/// `".step_failures"`), if it is one rather than a value (`"correct"`).
#[cfg(test)]
pub fn field_ref(want: &str) -> Option<&str> {
    want.contains(['.', '[']).then(|| want.strip_prefix('.').unwrap_or(want))
}

/// Checks a report against expectations; returns the failures.
#[cfg(test)]
pub fn check(
    report: &msgsim_sim::Report,
    first: Option<&msgsim_sim::Report>,
    expectations: &[Expectation],
) -> Vec<String> {
    let r = serde_json::to_value(report).unwrap_or_default();
    let b = first.map(|b| serde_json::to_value(b).unwrap_or_default());
    let mut failures = Vec::new();
    for (field, op, want) in expectations {
        let got = path::get(&r, field).cloned().unwrap_or(Value::Null);
        let want = match want.as_str() {
            Some("before") => b.as_ref().and_then(|b| path::get(b, field)).cloned().unwrap_or(Value::Null),
            // Another figure of the same run (`"groups[0].latency.p99"`).
            Some(other) if let Some(other) = field_ref(other) => path::get(&r, other).cloned().unwrap_or(Value::Null),
            _ => want.clone(),
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
    TITLES.with(|t| {
        t.get(lang, || {
            INDEX
                .iter()
                .map(|&(id, en, zh)| (id.to_string(), if lang == Lang::Zh { zh } else { en }.to_string()))
                .collect()
        })
    })
}

#[cfg(test)]
mod tests;
