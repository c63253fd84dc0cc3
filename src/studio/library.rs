//! The student's library: scenario files they open, share links, the saved
//! scenario they open (the list itself is the module's: `saved.rs`), and
//! the notices about these.

use msgsim_sim::{Problem, Scenario, time};

use super::Cmd;
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
    /// Open a saved scenario (the module's list sent it).
    OpenSaved(Box<Scenario>),
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
}

/// The notice shown about a link or a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    /// A message for the user.
    pub notice: Option<Notice>,
}

impl Library {
    /// Handles one event.
    pub fn update(&mut self, ev: LibraryEvent) -> Vec<Cmd> {
        match ev {
            LibraryEvent::OpenLink(fragment) => return self.open_link(&fragment),
            LibraryEvent::Import(name, text) => match Scenario::from_json(&text).and_then(|s| fits(&s).map(|()| s)) {
                Ok(s) => {
                    self.notice = Some(Notice::Imported(name));
                    return vec![Cmd::Load(Box::new(Load::custom(s)))];
                }
                Err(problems) => self.notice = Some(Notice::ImportFailed { name, problems }),
            },
            LibraryEvent::OpenSaved(s) => return vec![Cmd::Load(Box::new(Load::custom(*s)))],
            LibraryEvent::DismissNotice => self.notice = None,
        }
        Vec::new()
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
