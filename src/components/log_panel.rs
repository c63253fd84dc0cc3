//! The event log: filterable, virtualised (only rows near the view are in
//! the DOM), tied to the clock and the selection.

use msgsim_sim::EventKind;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use super::{input_value, select_value};
use crate::i18n::{Key, t};
use crate::studio::log::{KindFilter, LogFilter};
use crate::studio::view::{LogView, kind_text};
use crate::studio::{LogEvent, UiEvent};

/// Height of one row, px (the CSS must agree).
pub const ROW_HEIGHT: f64 = 24.0;

/// Props of [`LogPanel`].
#[derive(Properties, PartialEq)]
pub struct LogPanelProps {
    /// What it shows.
    pub view: LogView,
    /// Where actions go.
    pub on_event: Callback<UiEvent>,
}

/// The event log.
#[component]
pub fn LogPanel(p: &LogPanelProps) -> Html {
    let v = &p.view;
    let l = v.lang;
    let scroller = use_node_ref();
    let spacer = use_node_ref();

    // Sizes and positions are set through the style object after each render,
    // not as style attributes: the page's Content-Security-Policy allows no
    // inline styles.
    {
        let (spacer, total) = (spacer.clone(), v.total);
        use_effect(move || {
            if let Some(el) = spacer.cast::<HtmlElement>() {
                let _ = el.style().set_property("height", &format!("{}px", total as f64 * ROW_HEIGHT));
                let rows = el.children();
                for i in 0..rows.length() {
                    let Some(row) = rows.item(i).and_then(|r| r.dyn_into::<HtmlElement>().ok()) else { continue };
                    if let Some(n) = row.get_attribute("data-row").and_then(|n| n.parse::<u32>().ok()) {
                        let _ = row.style().set_property("top", &format!("{}px", f64::from(n) * ROW_HEIGHT));
                    }
                }
            }
        });
    }

    // Keep "now" in view while following.
    {
        let scroller = scroller.clone();
        let target = v.follow.then_some(v.now_row.unwrap_or(0));
        use_effect_with(target, move |target| {
            if let (Some(row), Some(el)) = (target, scroller.cast::<HtmlElement>()) {
                let top = (*row as f64 * ROW_HEIGHT - f64::from(el.client_height()) / 3.0).max(0.0);
                el.set_scroll_top(top as i32);
            }
        });
    }
    let on_scroll = {
        let cb = p.on_event.clone();
        let scroller = scroller.clone();
        let first = v.first;
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                let row = (f64::from(el.scroll_top()) / ROW_HEIGHT) as usize;
                if row.abs_diff(first) > 5 || row < first {
                    cb.emit(UiEvent::Log(LogEvent::Scroll(row.saturating_sub(10))));
                }
            }
        })
    };
    let filter = v.filter;
    let on_node = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            let node = select_value(&e).parse().ok();
            cb.emit(UiEvent::Log(LogEvent::SetFilter(LogFilter { node, ..filter })))
        })
    };
    let on_kind = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| {
            cb.emit(UiEvent::Log(LogEvent::SetFilter(LogFilter {
                kind: KindFilter::from_code(&select_value(&e)),
                ..filter
            })))
        })
    };
    let on_msg = {
        let cb = p.on_event.clone();
        Callback::from(move |e: Event| cb.emit(UiEvent::Log(LogEvent::MsgText(input_value(&e)))))
    };
    let kind_code = v.filter.kind.code();
    html! {
        <div class="panel-body log">
            <div class="log-filters" role="search">
                <label>{ t(l, Key::FilterNode) }
                    <select data-testid="log-node" onchange={on_node}>
                        <option value="" selected={v.filter.node.is_none()}>{ t(l, Key::AllNodes) }</option>
                        { for v.nodes.iter().enumerate().map(|(i, n)| html! {
                            <option value={i.to_string()} selected={v.filter.node == Some(i as u16)}>{ n }</option>
                        }) }
                    </select>
                </label>
                <label>{ t(l, Key::FilterMessage) }
                    <input data-testid="log-msg" type="text" inputmode="numeric" placeholder="#" size="6"
                        value={v.msg_text.clone()} onchange={on_msg} oninput={super::typing(&p.on_event, |t| LogEvent::MsgTyping(t).into())} />
                </label>
                <label>{ t(l, Key::FilterKind) }
                    <select data-testid="log-kind" onchange={on_kind}>
                        <option value="all" selected={kind_code == "all"}>{ t(l, Key::AllKinds) }</option>
                        <option value="faults" selected={kind_code == "faults"}>{ t(l, Key::FaultsOnly) }</option>
                        <option value="outcomes" selected={kind_code == "outcomes"}>{ t(l, Key::OutcomesOnly) }</option>
                        { for EventKind::ALL.iter().map(|k| html! {
                            <option value={k.name()} selected={kind_code == k.name()}>{ kind_text(l, *k) }</option>
                        }) }
                    </select>
                </label>
                <span class="muted" data-testid="log-total">{ format!("{} {}", v.total, t(l, Key::Rows)) }</span>
            </div>
            <div class="log-scroll" ref={scroller} onscroll={on_scroll} data-testid="log" tabindex="0" role="region"
                aria-label={t(l, Key::TabLog)}>
                <div class="log-spacer" ref={spacer}>
                    { for v.rows.iter().map(|r| {
                        let cb = p.on_event.clone();
                        let row = r.row;
                        html! {
                            <button type="button" class={classes!("log-row", r.future.then_some("future"), r.now.then_some("now"),
                                    r.selected.then_some("selected"), r.fault.then_some("fault"))}
                                data-row={r.row.to_string()} data-testid="log-row"
                                onclick={Callback::from(move |_| cb.emit(UiEvent::Log(LogEvent::Row(row))))}>
                                <span class="t">{ format!("{:.3}", r.time_ms) }</span>
                                <span class={classes!("k", r.kind.name())}>{ &r.kind_text }</span>
                                <span class="n">{ if r.peer.is_empty() { r.node.clone() } else { format!("{} → {}", r.node, r.peer) } }</span>
                                <span class="m">{ r.msg.map(|m| format!("#{m}")).unwrap_or_default() }</span>
                                <span class="d">{ &r.detail }</span>
                            </button>
                        }
                    }) }
                </div>
            </div>
        </div>
    }
}
