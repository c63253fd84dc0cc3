//! A row of tabs.

use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

/// Props of [`Tabs`].
#[derive(Properties, PartialEq)]
pub struct TabsProps<T: PartialEq + Clone + 'static> {
    /// UI language of the labels.
    pub lang: Lang,
    /// The selected tab.
    pub current: T,
    /// Tabs and their labels.
    pub items: Vec<(T, Key)>,
    /// A tab was chosen.
    pub on_select: Callback<T>,
}

/// A row of tabs; the selected one is marked for assistive technology too.
#[component]
pub fn Tabs<T: PartialEq + Clone + 'static>(p: &TabsProps<T>) -> Html {
    html! {
        <div class="tabs" role="tablist">
            { for p.items.iter().map(|(value, key)| {
                let selected = *value == p.current;
                let v = value.clone();
                let cb = p.on_select.clone();
                html! {
                    <button role="tab" aria-selected={selected.to_string()} class={classes!("tab", selected.then_some("active"))}
                        onclick={Callback::from(move |_| cb.emit(v.clone()))}>{ t(p.lang, *key) }</button>
                }
            }) }
        </div>
    }
}
