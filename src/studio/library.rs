//! The student's library: their saved scenarios (kept in the browser's
//! storage by the shell), scenario files they open, share links, and the
//! notices about any of these.

use msgsim_sim::{Problem, Scenario, time};
use serde::{Deserialize, Serialize};

use super::Cmd;
use super::effect::{Effect, StorageKey};
use super::load::Load;
use super::run::fits;
use super::share::{self, LinkError};
use crate::lessons::Body;

/// Something the user (or the browser) did with the library.
#[derive(Clone, Debug, PartialEq)]
pub enum LibraryEvent {
    /// Open a share link (the URL fragment).
    OpenLink(String),
    /// A scenario file was read: `(file name, text)`.
    Import(String, String),
    /// Save the current scenario in the browser under a name.
    SaveAs(String),
    /// Load saved scenario `0`.
    LoadSaved(usize),
    /// Delete saved scenario `0`.
    DeleteSaved(usize),
    /// The saved list as read from storage (`None`: nothing stored yet).
    Restore(Option<String>),
    /// Storage refused a write.
    StorageFailed,
    /// Hide the notice.
    DismissNotice,
}

/// A message for the user that belongs to no field.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A share link could not be opened (the default is shown instead).
    BadLink(LinkError),
    /// An imported file is not a valid scenario (nothing was changed).
    ImportFailed {
        /// The file.
        name: String,
        /// What is wrong with it.
        problems: Vec<Problem>,
    },
    /// A file was imported.
    Imported(String),
    /// A scenario was saved in the browser.
    Saved(String),
    /// The browser's storage refused to save (full or disabled).
    StorageFull,
    /// The saved scenarios could not be read; they were left as they were
    /// (and a copy kept under the backup key).
    StorageUnreadable(StoreError),
    /// Some saved scenarios are no longer valid and are not shown.
    StorageSkipped(usize),
}

/// The saved scenarios and the notice shown about them (or about a link or file).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    /// The student's saved scenarios.
    pub saved: Vec<Saved>,
    /// A message for the user.
    pub notice: Option<Notice>,
}

impl Library {
    /// Handles one event; `running` is the scenario shown (for "save as").
    pub fn update(&mut self, ev: LibraryEvent, running: &Scenario) -> Vec<Cmd> {
        match ev {
            LibraryEvent::OpenLink(fragment) => return self.open_link(&fragment),
            LibraryEvent::Import(name, text) => match Scenario::from_json(&text).and_then(|s| fits(&s).map(|()| s)) {
                Ok(s) => {
                    self.notice = Some(Notice::Imported(name));
                    return vec![Cmd::Load(Box::new(Load::custom(s)))];
                }
                Err(problems) => self.notice = Some(Notice::ImportFailed { name, problems }),
            },
            LibraryEvent::SaveAs(name) => {
                let name = name.trim().to_string();
                if name.is_empty() {
                    return Vec::new();
                }
                let entry = Saved { name: name.clone(), scenario: running.clone() };
                match self.saved.iter_mut().find(|s| s.name == name) {
                    Some(s) => *s = entry,
                    None => self.saved.push(entry),
                }
                self.notice = Some(Notice::Saved(name));
                return vec![self.store()];
            }
            LibraryEvent::LoadSaved(i) => {
                if let Some(s) = self.saved.get(i) {
                    return vec![Cmd::Load(Box::new(Load::custom(s.scenario.clone())))];
                }
            }
            LibraryEvent::DeleteSaved(i) => {
                if i < self.saved.len() {
                    self.saved.remove(i);
                    return vec![self.store()];
                }
            }
            LibraryEvent::Restore(raw) => match raw.as_deref().map(parse_saved) {
                None => {}
                Some(Ok((saved, skipped))) => {
                    self.saved = saved;
                    if skipped > 0 {
                        self.notice = Some(Notice::StorageSkipped(skipped));
                    }
                }
                Some(Err(e)) => {
                    let unreadable = !matches!(e, StoreError::Newer(_));
                    self.notice = Some(Notice::StorageUnreadable(e));
                    // Damaged or too large: moved aside, so the next page load
                    // does not stumble on it again and nothing overwrites it.
                    // (A newer msgsim's list is left where that msgsim looks.)
                    if unreadable {
                        return vec![Cmd::Effect(Effect::SetAside(StorageKey::Saved))];
                    }
                }
            },
            LibraryEvent::StorageFailed => self.notice = Some(Notice::StorageFull),
            LibraryEvent::DismissNotice => self.notice = None,
        }
        Vec::new()
    }

    fn store(&self) -> Cmd {
        Cmd::Effect(Effect::Store { key: StorageKey::Saved, value: saved_json(&self.saved) })
    }

    fn open_link(&mut self, fragment: &str) -> Vec<Cmd> {
        if !share::is_link(fragment) {
            return Vec::new();
        }
        let opened = share::decode(fragment).and_then(|link| Ok((share::scenario(&link)?, link)));
        match opened {
            Ok((scenario, link)) => {
                let lesson = link.lesson.as_deref().and_then(crate::lessons::get);
                let side = |l: &crate::lessons::Lesson| link.side.as_deref().and_then(|s| l.side_of(s)).unwrap_or(0);
                // A lesson not fetched yet: its run shows at once, as part of
                // the lesson (its outcome hidden), and the link opens again
                // when the lesson arrives.
                let missing = link.lesson.clone().filter(|id| crate::lessons::body(id) == Body::Missing);
                let load = Load {
                    scenario,
                    seed: link.seed,
                    preset: link.patch.is_empty().then(|| link.preset.clone()),
                    lesson: lesson.map(|l| (l.id.clone(), side(l))).or_else(|| missing.clone().map(|id| (id, 0))),
                    seek: link.time_ms.map(time::ms),
                    speed: lesson.map(|l| l.speed),
                    base: link.preset,
                };
                let mut cmds = vec![Cmd::Load(Box::new(load))];
                cmds.extend(link.sweep.map(Cmd::OpenSweep));
                if let Some(id) = missing {
                    cmds.push(Cmd::FetchLesson(id, Box::new(LibraryEvent::OpenLink(fragment.to_string()).into())));
                }
                cmds
            }
            Err(e) => {
                self.notice = Some(Notice::BadLink(e));
                Vec::new()
            }
        }
    }
}

/// Storage format version of the saved-scenarios list.
pub const STORE_VERSION: u32 = 1;

/// The largest saved list read, in bytes (browsers keep about 5 MB per site);
/// a larger one is set aside unread.
pub const MAX_SAVED_BYTES: usize = 4 << 20;

/// A scenario saved under a name.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// The name the student gave it.
    pub name: String,
    /// The scenario.
    pub scenario: Scenario,
}

#[derive(Serialize, Deserialize)]
struct Store {
    version: u32,
    scenarios: Vec<Stored>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    scenario: serde_json::Value,
}

/// Why the saved list could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Not our format (damaged, or edited by hand).
    Corrupt,
    /// Written by a newer msgsim.
    Newer(u32),
    /// Larger than [`MAX_SAVED_BYTES`].
    TooLarge,
}

/// Reads the stored list. Entries that are no longer valid scenarios are
/// left out and counted.
pub fn parse_saved(raw: &str) -> Result<(Vec<Saved>, usize), StoreError> {
    if raw.len() > MAX_SAVED_BYTES {
        return Err(StoreError::TooLarge);
    }
    let store: Store = serde_json::from_str(raw).map_err(|_| StoreError::Corrupt)?;
    if store.version > STORE_VERSION {
        return Err(StoreError::Newer(store.version));
    }
    let total = store.scenarios.len();
    let saved: Vec<Saved> = store
        .scenarios
        .into_iter()
        .filter_map(|s| {
            let scenario = Scenario::from_value(s.scenario).ok().filter(|s| fits(s).is_ok())?;
            Some(Saved { name: s.name, scenario })
        })
        .collect();
    let skipped = total - saved.len();
    Ok((saved, skipped))
}

/// The stored form of the list.
pub fn saved_json(saved: &[Saved]) -> String {
    let store = Store {
        version: STORE_VERSION,
        scenarios: saved.iter().map(|s| Stored { name: s.name.clone(), scenario: s.scenario.to_value() }).collect(),
    };
    serde_json::to_string(&store).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use msgsim_sim::presets;

    #[test]
    fn saved_round_trip_and_damage() {
        let saved =
            vec![Saved { name: "mine".into(), scenario: presets::get("poison-to-dlq").unwrap().scenario.clone() }];
        let (back, skipped) = parse_saved(&saved_json(&saved)).unwrap();
        assert_eq!((back, skipped), (saved, 0));
        assert_eq!(parse_saved("{not json"), Err(StoreError::Corrupt));
        assert_eq!(parse_saved(r#"{"version":9,"scenarios":[]}"#), Err(StoreError::Newer(9)));
        let one_bad = r#"{"version":1,"scenarios":[{"name":"x","scenario":{"version":1}}]}"#;
        assert_eq!(parse_saved(one_bad).map(|(s, n)| (s.len(), n)), Ok((0, 1)));
    }

    #[test]
    fn saving_stores_and_a_damaged_list_is_backed_up() {
        let running = presets::get("queue-full").unwrap().scenario.clone();
        let mut lib = Library::default();
        assert!(lib.update(LibraryEvent::SaveAs("   ".into()), &running).is_empty(), "no name, nothing saved");
        let cmds = lib.update(LibraryEvent::SaveAs("  my overload ".into()), &running);
        let [Cmd::Effect(Effect::Store { key: StorageKey::Saved, value })] = cmds.as_slice() else { panic!() };
        let mut other = Library::default();
        other.update(LibraryEvent::Restore(Some(value.clone())), &running);
        assert_eq!(other.saved[0].name, "my overload");
        let cmds = other.update(LibraryEvent::Restore(Some("{broken".into())), &running);
        assert!(matches!(cmds.as_slice(), [Cmd::Effect(Effect::SetAside(StorageKey::Saved))]));
        let huge = format!("{{\"version\":1,\"scenarios\":[],\"pad\":\"{}\"}}", "x".repeat(MAX_SAVED_BYTES));
        assert_eq!(parse_saved(&huge).err(), Some(StoreError::TooLarge));
        assert!(matches!(other.notice, Some(Notice::StorageUnreadable(StoreError::Corrupt))));
        assert_eq!(other.saved.len(), 1, "the list in memory is kept");
    }
}
