//! Small inline SVG icons (no icon font, no emoji: they render the same on
//! every machine, offline).

use yew::prelude::*;

fn icon(body: Html) -> Html {
    html! {
        <svg class="i" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            { body }
        </svg>
    }
}

/// ▶
pub fn play() -> Html {
    icon(html! { <path d="M4 2.5v11l9-5.5z" fill="currentColor" stroke="none" /> })
}
/// ❚❚
pub fn pause() -> Html {
    icon(html! { <path d="M4 2.5h2.6v11H4zM9.4 2.5H12v11H9.4z" fill="currentColor" stroke="none" /> })
}
/// ▶|
pub fn step() -> Html {
    icon(html! { <><path d="M3 3v10l7-5z" fill="currentColor" stroke="none" /><path d="M12.5 3v10" /></> })
}
/// Back one step (the step icon, mirrored).
pub fn step_back() -> Html {
    icon(html! { <><path d="M13 3v10L6 8z" fill="currentColor" stroke="none" /><path d="M3.5 3v10" /></> })
}
/// Jump to the next (`true`) or previous moment: a double arrowhead and a bar.
pub fn jump(forward: bool) -> Html {
    if forward {
        icon(
            html! { <><path d="M2 3v10l5-5zM7.5 3v10l5-5z" fill="currentColor" stroke="none" /><path d="M14 3v10" /></> },
        )
    } else {
        icon(
            html! { <><path d="M14 3v10L9 8zM8.5 3v10l-5-5z" fill="currentColor" stroke="none" /><path d="M2 3v10" /></> },
        )
    }
}
/// ↺
pub fn restart() -> Html {
    icon(html! { <><path d="M3 8a5 5 0 1 0 1.6-3.7" /><path d="M3 2.5v3h3" /></> })
}
/// A die.
pub fn dice() -> Html {
    icon(html! {
        <>
            <rect x="2" y="2" width="12" height="12" rx="2.5" />
            <circle cx="5.5" cy="5.5" r="1" fill="currentColor" stroke="none" />
            <circle cx="10.5" cy="10.5" r="1" fill="currentColor" stroke="none" />
            <circle cx="8" cy="8" r="1" fill="currentColor" stroke="none" />
        </>
    })
}
/// A sun (switch to light).
pub fn sun() -> Html {
    icon(
        html! { <><circle cx="8" cy="8" r="3" /><path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6L13 13M3 13l1.4-1.4M11.6 4.4L13 3" /></> },
    )
}
/// A moon (switch to dark).
pub fn moon() -> Html {
    icon(html! { <path d="M13 10A6 6 0 0 1 6 3a6 6 0 1 0 7 7z" /> })
}
/// ✕
pub fn close() -> Html {
    icon(html! { <path d="M4 4l8 8M12 4l-8 8" /> })
}
/// A bin.
pub fn trash() -> Html {
    icon(html! { <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 9h5.6l.7-9" /> })
}
/// +
pub fn plus() -> Html {
    icon(html! { <path d="M8 3v10M3 8h10" /> })
}
/// −
pub fn minus() -> Html {
    icon(html! { <path d="M3 8h10" /> })
}
/// Four corners (fullscreen).
pub fn fullscreen() -> Html {
    icon(html! { <path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" /> })
}
