//! The comparison of two runs: every figure before → after, changes marked.

use yew::prelude::*;

use crate::i18n::{Key, Lang, t};
use crate::studio::compare::{Change, CompareRow};

/// Props of [`ComparePanel`] (drawn by the module: `crate::compare_shell`).
#[derive(Properties, PartialEq)]
pub struct ComparePanelProps {
    /// The reference side's name ("before").
    pub before: String,
    /// The main side's name ("after").
    pub after: String,
    /// Every figure before → after, once both runs are computed (and not hidden).
    pub rows: Option<Vec<CompareRow>>,
    /// The outcome is hidden until the run ends (a lesson: predict first).
    pub hidden: bool,
    /// UI language.
    pub lang: Lang,
}

/// The comparison table.
#[component]
pub fn ComparePanel(p: &ComparePanelProps) -> Html {
    let v = p;
    let l = v.lang;
    html! {
        <div class="panel-body compare" data-testid="compare" tabindex="0" role="region" aria-label={t(l, Key::TabCompare)}>
            {
                match &v.rows {
                    None if v.hidden => html! { <p class="muted" data-testid="compare-hidden">{ t(l, Key::HiddenUntilEnd) }</p> },
                    None => html! { <p class="muted">{ t(l, Key::Computing) }</p> },
                    Some(rows) => html! {
                        <table>
                            <thead><tr><th></th><th>{ &v.before }</th><th></th><th>{ &v.after }</th></tr></thead>
                            <tbody>
                                { for rows.iter().map(|r| {
                                    let class = match r.change {
                                        Change::Same => "same",
                                        Change::Better => "better",
                                        Change::Worse => "worse",
                                        Change::Neutral => "neutral",
                                    };
                                    html! {
                                        <tr class={class} data-row={r.field}>
                                            <th>{ t(l, r.label) }</th>
                                            <td>{ &r.before }</td>
                                            <td class="arrow">{ if r.change == Change::Same { "" } else { "→" } }</td>
                                            <td class="after">{ &r.after }</td>
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    },
                }
            }
        </div>
    }
}
