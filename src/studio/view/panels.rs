//! The side panels: the editor, the selected message, the lessons, files,
//! and the notice banner.

use std::collections::BTreeMap;
use std::rc::Rc;

use msgsim_sim::{MsgId, MsgStatus, NO_NODE, Problem, time};

use super::log::{detail, ends, kind_text};
use crate::i18n::{Key, Lang, t, tf};
use crate::studio::Studio;
use crate::studio::draft::Draft;
use crate::studio::fields::{Section, Target};
use crate::studio::forms::{sections, shown_paths};
use crate::studio::library::Notice;
use crate::studio::log::KindFilter;
use crate::studio::share::LinkError;

/// What the editor shows.
#[derive(Clone, Debug, PartialEq)]
pub struct EditorView {
    /// The forms, section by section.
    pub sections: Rc<Vec<Section>>,
    /// The draft: each field's text and error.
    pub draft: Rc<Draft>,
    /// Text being typed, by field path (shown instead of the draft's).
    pub typing: Rc<BTreeMap<String, String>>,
    /// The section to bring into view.
    pub focus: Option<Target>,
    /// Problems with no field of their own, shown at the top.
    pub general: Vec<Problem>,
    /// The draft runs (else a banner says how many fields to fix).
    pub runnable: bool,
    /// UI language.
    pub lang: Lang,
}

/// One line of a message's life.
#[derive(Clone, Debug, PartialEq)]
pub struct LifeRow {
    /// Its trace index (a click shows that moment).
    pub index: usize,
    /// When, ms.
    pub time_ms: f64,
    /// What happened, where, in words.
    pub text: String,
    /// Something went wrong here.
    pub fault: bool,
    /// It lies after the moment shown.
    pub future: bool,
}

/// What the message card shows.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// The message.
    pub msg: MsgId,
    /// Its business key.
    pub key: u32,
    /// Every event of its life.
    pub rows: Vec<LifeRow>,
    /// How it ended, in words, once the run is complete.
    pub outcome: Option<String>,
    /// The ending is wrong (applied twice, or never).
    pub outcome_bad: bool,
    /// UI language.
    pub lang: Lang,
}

/// What the files panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FilesView {
    /// The run is complete, so its trace can be exported.
    pub complete: bool,
    /// UI language.
    pub lang: Lang,
}

/// What the notice banner shows.
#[derive(Clone, Debug, PartialEq)]
pub struct NoticeView {
    /// The headline.
    pub title: String,
    /// Details, one per line.
    pub lines: Vec<String>,
    /// Bad news (an error) rather than a confirmation.
    pub bad: bool,
}

impl crate::studio::Editor {
    /// What the editor shows, in `lang`.
    pub fn view(&self, lang: crate::i18n::Lang) -> EditorView {
        let e = self;
        let mut secs = sections(&e.draft);
        if let Some((from, to)) = &e.new_link {
            // After the network's defaults, before the overrides.
            let at = secs
                .iter()
                .position(|s| matches!(s.target, Target::Link(_) | Target::Producer(_)))
                .unwrap_or(secs.len());
            secs.insert(at, crate::studio::forms::new_link(&e.draft, from, to));
        }
        let shown = shown_paths(&secs);
        let general = e.draft.problems().iter().filter(|p| !shown.contains(&p.path)).cloned().collect();
        EditorView {
            sections: Rc::new(secs),
            draft: Rc::new(e.draft.clone()),
            typing: Rc::new(e.typing.clone()),
            focus: e.focus,
            general,
            runnable: e.draft.is_runnable(),
            lang,
        }
    }
}

impl Studio {
    /// The message card's view, if a message is selected.
    pub fn message_view(&self) -> Option<MessageView> {
        let life = self.selection.life.as_ref()?;
        let trace = self.session.run.trace();
        let names = self.node_names();
        let name = |n: u16| names.get(usize::from(n)).cloned().unwrap_or_default();
        let l = self.present.lang;
        let rows = life
            .events
            .iter()
            .map(|&i| {
                let e = &trace[i as usize];
                let place = if e.peer != NO_NODE {
                    let (from, to) = ends(e);
                    format!("{} → {}", name(from), name(to))
                } else {
                    name(e.node)
                };
                let d = detail(l, e);
                let head = format!("{} · {place}", kind_text(l, e.kind));
                LifeRow {
                    index: i as usize,
                    time_ms: time::to_ms(e.time),
                    text: if d.is_empty() { head } else { format!("{head} · {d}") },
                    fault: KindFilter::Faults.accepts(e),
                    future: (i as usize) >= self.playback.clock.cursor,
                }
            })
            .collect();
        let (outcome, bad) = match life.outcome {
            None => (None, false),
            Some(o) => {
                let text = match (o.effects, o.status) {
                    (1, _) => t(l, Key::OutcomeOnce).to_string(),
                    (n, _) if n > 1 => tf(l, Key::OutcomeTimes, &[&n]),
                    (_, MsgStatus::DeadLettered) => t(l, Key::OutcomeDeadLettered).to_string(),
                    (_, MsgStatus::Rejected) => t(l, Key::OutcomeRejected).to_string(),
                    (_, MsgStatus::Lost) => t(l, Key::OutcomeLost).to_string(),
                    _ => t(l, Key::OutcomeStuck).to_string(),
                };
                (Some(text), o.effects != 1)
            }
        };
        Some(MessageView { msg: life.msg, key: life.key, rows, outcome, outcome_bad: bad, lang: l })
    }

    /// The files panel's view.
    pub fn files_view(&self) -> FilesView {
        FilesView { complete: self.session.run.is_complete(), lang: self.present.lang }
    }

    /// The notice's view, if there is a notice.
    pub fn notice_view(&self) -> Option<NoticeView> {
        let l = self.present.lang;
        let plain = |title: String, bad| NoticeView { title, lines: vec![], bad };
        let problems = |ps: &[Problem]| ps.iter().map(|p| crate::i18n::problem_line(l, p)).collect::<Vec<_>>();
        Some(match self.library.notice.as_ref()? {
            Notice::BadLink(e) => NoticeView {
                title: t(l, Key::LinkFailed).to_string(),
                lines: vec![match e {
                    LinkError::FutureVersion(v) => tf(l, Key::LinkNewer, &[v]),
                    LinkError::Damaged(part) => tf(l, Key::LinkDamaged, &[part]),
                    LinkError::TooLong => tf(l, Key::LinkTooLong, &[&crate::studio::share::MAX_LINK_BYTES]),
                    LinkError::UnknownPreset(p) => tf(l, Key::LinkUnknownPreset, &[p]),
                    LinkError::Invalid(ps) => problems(ps).join("; "),
                }],
                bad: true,
            },
            Notice::ImportFailed { name, problems: ps } => {
                NoticeView { title: tf(l, Key::ImportFailed, &[name]), lines: problems(ps), bad: true }
            }
            Notice::Imported(name) => plain(tf(l, Key::Imported, &[name]), false),
        })
    }
}
