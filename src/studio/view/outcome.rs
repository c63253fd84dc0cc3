//! The outcome: the verdict and the counters, and the comparison of two runs.

use std::rc::Rc;

use msgsim_sim::{Counts, Report, Verdict};

use crate::i18n::{Key, Lang, t, tf};
use crate::studio::Studio;
use crate::studio::compare::CompareRow;

/// What the outcome panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CountersView {
    /// Counters at the moment shown.
    pub counts: Counts,
    /// Messages on links at the moment shown.
    pub in_flight: u64,
    /// Ready messages in queues at the moment shown.
    pub queue_depth: u64,
    /// Messages the scenario will produce (the "of N" of "produced").
    pub total: u64,
    /// The whole run's report, once computed.
    pub report: Option<Rc<Report>>,
    /// One plain sentence saying why the verdict is what it is.
    pub sentence: String,
    /// The topology picture in words, at the moment shown (the canvas's text
    /// alternative).
    pub summary: String,
    /// UI language.
    pub lang: Lang,
}

/// What the comparison panel shows (compare mode).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareView {
    /// The reference side's name ("before").
    pub before: String,
    /// The main side's name ("after").
    pub after: String,
    /// Every figure before → after, once both runs are computed.
    pub rows: Option<Vec<CompareRow>>,
    /// UI language.
    pub lang: Lang,
}

/// The translated name of a verdict.
pub fn verdict_text(lang: Lang, v: Verdict) -> &'static str {
    t(
        lang,
        match v {
            Verdict::Correct => Key::VerdictCorrect,
            Verdict::Duplicates => Key::VerdictDuplicates,
            Verdict::Losses => Key::VerdictLosses,
            Verdict::DuplicatesAndLosses => Key::VerdictBoth,
            Verdict::Incomplete => Key::VerdictIncomplete,
            Verdict::NoMessages => Key::VerdictNoMessages,
        },
    )
}

/// One plain sentence saying why the verdict is what it is.
pub fn verdict_sentence(lang: Lang, r: &Report) -> String {
    let lost_parts = || {
        let mut parts = Vec::new();
        let lost = r.status.lost;
        if lost > 0 {
            parts.push(tf(lang, Key::PartLost, &[&lost]));
        }
        if r.status.dead_lettered > 0 {
            parts.push(tf(lang, Key::PartDeadLettered, &[&r.status.dead_lettered]));
        }
        if r.status.rejected > 0 {
            parts.push(tf(lang, Key::PartRejected, &[&r.status.rejected]));
        }
        let stuck = r.status.unsettled();
        if stuck > 0 {
            parts.push(tf(lang, Key::PartStuck, &[&stuck]));
        }
        parts.join(", ")
    };
    match r.verdict {
        Verdict::Correct => tf(lang, Key::SentenceCorrect, &[&r.produced]),
        Verdict::Duplicates => tf(lang, Key::SentenceDuplicates, &[&r.duplicate_effects, &r.produced]),
        Verdict::Losses => tf(lang, Key::SentenceLosses, &[&r.never_applied, &r.produced, &lost_parts()]),
        Verdict::DuplicatesAndLosses => {
            tf(lang, Key::SentenceBoth, &[&r.duplicate_effects, &r.never_applied, &r.produced, &lost_parts()])
        }
        Verdict::Incomplete => tf(lang, Key::SentenceIncomplete, &[&r.status.unsettled(), &r.sim_time_ms]),
        Verdict::NoMessages => t(lang, Key::SentenceNoMessages).to_string(),
    }
}

impl Studio {
    /// The outcome panel's view.
    pub fn counters_view(&self) -> CountersView {
        let run = &self.session.run;
        let lang = self.present.lang;
        let m = run.timeline().metrics_at(run.trace(), self.playback.clock.cursor);
        let report = run.final_report().cloned().map(Rc::new);
        let sentence = match &report {
            Some(r) => verdict_sentence(lang, r),
            None => t(lang, Key::Computing).to_string(),
        };
        let down = m.up.iter().filter(|up| !**up).count();
        let now = msgsim_sim::time::to_ms(self.playback.clock.time);
        let summary = tf(
            lang,
            Key::TopologySummary,
            &[&now, &m.messages_in_flight, &m.total_depth, &m.total_busy, &m.slots, &down],
        );
        CountersView {
            summary,
            counts: m.counts,
            in_flight: m.messages_in_flight,
            queue_depth: m.total_depth,
            total: self.session.scenario.total_messages(),
            report,
            sentence,
            lang,
        }
    }

    /// The comparison's view, in compare mode.
    pub fn compare_view(&self) -> Option<CompareView> {
        let r = self.session.reference.as_ref()?;
        let lang = self.present.lang;
        let rows = match (r.run.final_report(), self.session.run.final_report()) {
            (Some(a), Some(b)) => Some(crate::studio::compare::rows(a, b, lang)),
            _ => None,
        };
        Some(CompareView { before: r.label.text(lang), after: r.main_label.text(lang), rows, lang })
    }
}
