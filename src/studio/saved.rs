//! The student's saved scenarios, kept in the browser's storage: the list,
//! its stored form, and what happens when they save, open or remove one.
//! Drawn by the on-demand module (`crate::saved_shell`), in the Files tab:
//! the page carries none of it.

use msgsim_sim::Scenario;
use serde::{Deserialize, Serialize};

use super::run::fits;

/// What the student did with the list, or what storage said.
#[derive(Clone, Debug, PartialEq)]
pub enum SavedEvent {
    /// The stored list as read (`None`: nothing stored yet).
    Restore(Option<String>),
    /// Save the scenario shown (`scenario`) under `name`.
    SaveAs(String, Box<Scenario>),
    /// Delete saved scenario `0`.
    Delete(usize),
    /// Storage refused the last write.
    StorageFailed,
}

/// What the list asks of the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SavedCmd {
    /// Keep this JSON as the stored list.
    Store(String),
    /// Move the stored list aside (damaged or too large), unread.
    SetAside,
}

/// A message about the list.
#[derive(Clone, Debug, PartialEq)]
pub enum SavedNotice {
    /// A scenario was saved under this name.
    Saved(String),
    /// The browser's storage refused to save (full or disabled).
    StorageFull,
    /// The saved scenarios could not be read; they were left as they were
    /// (and a copy kept under the backup key).
    StorageUnreadable(StoreError),
    /// Some saved scenarios are no longer valid and are not shown.
    StorageSkipped(usize),
}

/// The saved scenarios and the notice about them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SavedList {
    /// The scenarios, in the order saved.
    pub saved: Vec<Saved>,
    /// A message for the student.
    pub notice: Option<SavedNotice>,
}

impl SavedList {
    /// Handles one event; what to store, if anything.
    pub fn update(&mut self, ev: SavedEvent) -> Option<SavedCmd> {
        match ev {
            SavedEvent::SaveAs(name, scenario) => {
                let name = name.trim().to_string();
                if name.is_empty() {
                    return None;
                }
                let entry = Saved { name: name.clone(), scenario: *scenario };
                match self.saved.iter_mut().find(|s| s.name == name) {
                    Some(s) => *s = entry,
                    None => self.saved.push(entry),
                }
                self.notice = Some(SavedNotice::Saved(name));
                return Some(SavedCmd::Store(saved_json(&self.saved)));
            }
            SavedEvent::Delete(i) => {
                if i < self.saved.len() {
                    self.saved.remove(i);
                    self.notice = None;
                    return Some(SavedCmd::Store(saved_json(&self.saved)));
                }
            }
            SavedEvent::Restore(raw) => match raw.as_deref().map(parse_saved) {
                None => {}
                Some(Ok((saved, skipped))) => {
                    self.saved = saved;
                    if skipped > 0 {
                        self.notice = Some(SavedNotice::StorageSkipped(skipped));
                    }
                }
                Some(Err(e)) => {
                    let unreadable = !matches!(e, StoreError::Newer(_));
                    self.notice = Some(SavedNotice::StorageUnreadable(e));
                    // Damaged or too large: moved aside, so the next page load
                    // does not stumble on it again and nothing overwrites it.
                    // (A newer msgsim's list is left where that msgsim looks.)
                    if unreadable {
                        return Some(SavedCmd::SetAside);
                    }
                }
            },
            SavedEvent::StorageFailed => self.notice = Some(SavedNotice::StorageFull),
        }
        None
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
        let running = Box::new(presets::get("queue-full").unwrap().scenario.clone());
        let mut list = SavedList::default();
        assert_eq!(list.update(SavedEvent::SaveAs("   ".into(), running.clone())), None, "no name, nothing saved");
        let Some(SavedCmd::Store(value)) = list.update(SavedEvent::SaveAs("  my overload ".into(), running)) else {
            panic!()
        };
        assert_eq!(list.notice, Some(SavedNotice::Saved("my overload".into())));
        let mut other = SavedList::default();
        other.update(SavedEvent::Restore(Some(value.clone())));
        assert_eq!(other.saved[0].name, "my overload");
        assert_eq!(other.update(SavedEvent::Restore(Some("{broken".into()))), Some(SavedCmd::SetAside));
        let huge = format!("{{\"version\":1,\"scenarios\":[],\"pad\":\"{}\"}}", "x".repeat(MAX_SAVED_BYTES));
        assert_eq!(parse_saved(&huge).err(), Some(StoreError::TooLarge));
        assert!(matches!(other.notice, Some(SavedNotice::StorageUnreadable(StoreError::Corrupt))));
        assert_eq!(other.saved.len(), 1, "the list in memory is kept");
        assert_eq!(other.update(SavedEvent::Delete(0)), Some(SavedCmd::Store(saved_json(&[]))));
        assert_eq!(other.update(SavedEvent::StorageFailed), None);
        assert_eq!(other.notice, Some(SavedNotice::StorageFull));
    }
}
