//! The comparison of two runs: every figure before → after, changes marked.

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::studio::compare::Change;
use crate::studio::view::CompareView;

/// Props of [`ComparePanel`].
#[derive(Properties, PartialEq)]
pub struct ComparePanelProps {
    /// What it shows.
    pub view: CompareView,
}

/// The comparison table.
#[component]
pub fn ComparePanel(p: &ComparePanelProps) -> Html {
    let v = &p.view;
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
