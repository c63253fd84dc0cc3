//! Things shown over the page: the notice banner, the share dialog and the
//! keyboard shortcuts.

use yew::prelude::*;

use crate::i18n::{Key, Lang, t};
use crate::studio::view::NoticeView;

/// Props of [`NoticeBanner`].
#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    /// The notice, if any.
    pub view: Option<NoticeView>,
    /// UI language of the close button's name.
    pub lang: Lang,
    /// Close it.
    pub on_dismiss: Callback<MouseEvent>,
}

/// A banner with a message that belongs to no field.
#[component]
pub fn NoticeBanner(p: &NoticeProps) -> Html {
    let Some(v) = &p.view else { return html! {} };
    html! {
        <section class={classes!("notice-banner", v.bad.then_some("bad"))} role={if v.bad { "alert" } else { "status" }}
            aria-label={v.title.clone()} data-testid="notice">
            <div>
                <strong>{ &v.title }</strong>
                if !v.lines.is_empty() {
                    <ul>{ for v.lines.iter().map(|x| html! { <li>{ x }</li> }) }</ul>
                }
            </div>
            <button class="icon" onclick={p.on_dismiss.clone()} aria-label={t(p.lang, Key::Close)} title={t(p.lang, Key::Close)}>{ super::icons::close() }</button>
        </section>
    }
}

/// Props of [`ShareDialog`].
#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The link, if the dialog is open.
    pub url: Option<String>,
    /// UI language of the close button's name.
    pub lang: Lang,
    /// Close it.
    pub on_close: Callback<MouseEvent>,
}

/// The share link, ready to copy, and as a QR code large enough to scan
/// off a projector.
#[component]
pub fn ShareDialog(p: &ShareProps) -> Html {
    let copied = use_state(|| false);
    let Some(url) = &p.url else { return html! {} };
    let copy = {
        let (url, copied) = (url.clone(), copied.clone());
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&url);
                copied.set(true);
            }
        })
    };
    let l = p.lang;
    let qr = crate::studio::qr::Qr::of(url);
    let qr_view = match &qr {
        Some(q) => {
            let side = q.size + 8;
            html! {
                <svg class="qr" data-testid="share-qr" viewBox={format!("0 0 {side} {side}")} role="img" aria-label={t(l, Key::QrLabel)}
                    shape-rendering="crispEdges">
                    <rect width={side.to_string()} height={side.to_string()} class="qr-light" />
                    <path d={q.path(4)} class="qr-dark" />
                </svg>
            }
        }
        None => html! { <p class="muted" data-testid="share-qr-too-long">{ t(l, Key::QrTooLong) }</p> },
    };
    html! {
        <div class="modal" role="dialog" aria-modal="true" aria-label={t(l, Key::ShareLink)}>
            <div class="modal-box share-box">
                <h2>{ t(l, Key::ShareLink) }</h2>
                <p class="muted">{ t(l, Key::ShareHelp) }</p>
                { qr_view }
                if crate::studio::qr::is_local(url) {
                    <p class="notice" data-testid="share-local">{ t(l, Key::ShareLocal) }</p>
                }
                <input type="text" readonly=true value={url.clone()} data-testid="share-url" aria-label={t(l, Key::ShareLink)}
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().select())} />
                <div class="modal-actions">
                    <button class="primary" onclick={copy}>{ if *copied { t(l, Key::Copied) } else { t(l, Key::CopyLink) } }</button>
                    <button onclick={p.on_close.clone()} data-testid="share-close">{ t(l, Key::Close) }</button>
                </div>
            </div>
        </div>
    }
}

/// Props of [`HelpOverlay`].
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// UI language of the close button's name.
    pub lang: Lang,
    /// Close it.
    pub on_close: Callback<MouseEvent>,
}

/// The keyboard shortcuts.
#[component]
pub fn HelpOverlay(p: &HelpProps) -> Html {
    let l = p.lang;
    let rows = [
        ("Space", Key::ShortcutPlay),
        ("→", Key::ShortcutStep),
        ("←", Key::ShortcutStepBack),
        ("[ / ]", Key::ShortcutJump),
        ("+ / −", Key::ShortcutSpeed),
        ("Home", Key::ShortcutRestart),
        ("Esc", Key::ShortcutEscape),
        ("F", Key::ShortcutFullscreen),
        ("L", Key::ShortcutLargeText),
        ("?", Key::ShortcutHelp),
    ];
    html! {
        <div class="modal" role="dialog" aria-modal="true" aria-label={t(l, Key::Shortcuts)} data-testid="shortcuts">
            <div class="modal-box">
                <h2>{ t(l, Key::Shortcuts) }</h2>
                <table class="keys">
                    { for rows.iter().map(|(k, what)| html! { <tr><td><kbd>{ *k }</kbd></td><td>{ t(l, *what) }</td></tr> }) }
                </table>
                <div class="modal-actions"><button onclick={p.on_close.clone()}>{ t(l, Key::Close) }</button></div>
            </div>
        </div>
    }
}
