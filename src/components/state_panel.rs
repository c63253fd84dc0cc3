//! Each service's own table: committed changes per key at the shown moment,
//! the keys where a service disagrees with the services it hears from first.

use yew::prelude::*;

use crate::i18n::{Key, t, tf};
use crate::studio::view::StateView;

/// Props of [`StatePanel`].
#[derive(Properties, PartialEq)]
pub struct StatePanelProps {
    /// What it shows.
    pub view: StateView,
}

/// The services' tables, one column each.
#[component]
pub fn StatePanel(p: &StatePanelProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let more = v.keys.saturating_sub(v.rows.len());
    html! {
        <div class="panel-body state" data-testid="state" tabindex="0" role="region" aria-label={t(l, Key::TabState)}>
            <p class="muted">{ t(l, Key::StateIntro) }</p>
            <p data-testid="state-summary">{ &v.summary }</p>
            <table>
                <thead>
                    <tr>
                        <th>{ t(l, Key::StateKey) }</th>
                        { for v.services.iter().map(|s| html! { <th>{ s }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for v.rows.iter().map(|r| html! {
                        <tr data-key={r.key.to_string()}>
                            <th>{ r.key }</th>
                            { for r.cells.iter().map(|c| {
                                let class = classes!(c.differs().then_some("differs"), c.last.then_some("last"));
                                let title = c.upstream.map(|u| tf(l, Key::StateUpstream, &[&u]));
                                html! { <td class={class} {title}>{ c.count }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            if more > 0 {
                <p class="muted">{ tf(l, Key::StateMore, &[&more]) }</p>
            }
        </div>
    }
}
