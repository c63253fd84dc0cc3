//! Every user-facing string, in one table.
//!
//! Components never hard-code text: they call [`t`] with a [`Key`]. Adding a
//! key means adding its text in every language here (English and 简体中文;
//! a test fails on any missing or empty entry).

/// A table of strings: `texts! { Name; Variant => ("English", "简体中文"), … }`
/// makes the enum `Name` (with `Name::ALL`) and `text(Name) -> (en, zh)`.
/// The page's table is `table.rs`; the sweep panel has its own
/// (`crate::sweep::words`), so the page's download does not carry it.
macro_rules! texts {
    // The page's table: its own strings, then (after `; editor:`) the
    // strings only the editor's forms use, kept in a function of their own
    // that only the on-demand module installs (see [`t`]).
    ($name:ident; $($key:ident => ($en:expr, $zh:expr),)* ; editor: $($ekey:ident => ($een:expr, $ezh:expr),)*) => {
        /// A user-facing string (the variant names say what it is).
        #[allow(missing_docs)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($key,)* $($ekey,)* }

        impl $name {
            /// Every string.
            pub const ALL: &'static [$name] = &[$($name::$key,)* $($name::$ekey,)*];
        }

        /// `(English, 简体中文)` of a string of the page's (`None`: an editor's).
        pub(crate) fn text(key: $name) -> Option<(&'static str, &'static str)> {
            match key { $($name::$key => Some(($en, $zh)),)* _ => None }
        }

        /// `(English, 简体中文)` of a string only the editor's forms use.
        pub(crate) fn editor_text(key: $name) -> (&'static str, &'static str) {
            match key { $($name::$ekey => ($een, $ezh),)* _ => ("", "") }
        }
    };
    ($name:ident; $($key:ident => ($en:expr, $zh:expr),)*) => {
        /// A user-facing string (the variant names say what it is).
        #[allow(missing_docs)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($key,)* }

        impl $name {
            /// Every string.
            pub const ALL: &'static [$name] = &[$($name::$key,)*];
        }

        /// `(English, 简体中文)` of a string.
        pub(crate) fn text(key: $name) -> (&'static str, &'static str) {
            match key { $($name::$key => ($en, $zh),)* }
        }
    };
}
pub(crate) use texts;

mod presets;
mod problems;
mod table;

pub use presets::{preset_description, preset_name, preset_names};
pub use problems::{problem_line, problem_message};
pub use table::Key;

/// A user interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// The language for a browser language tag (`zh`, `zh-CN`, `en-US`, …).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }
}

/// A number as a person types it — `2.5`, ` 1e3 `, `.5`, `5.`, `+3`, `007` —
/// if it is a finite one.
///
/// Read by the JSON parser the app already carries (made lenient where
/// people are: a sign, leading zeros, a bare point) rather than by
/// `str::parse::<f64>`, whose tables would add several kilobytes to the
/// download.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    let rest = rest.trim_start_matches('0');
    let mut json = String::from(sign);
    if rest.is_empty() || rest.starts_with(['.', 'e', 'E']) {
        json.push('0');
    }
    json.push_str(rest);
    if json.ends_with('.') {
        json.push('0');
    }
    let json = json.replace(".e", ".0e").replace(".E", ".0E");
    if t.is_empty() || json.contains(char::is_whitespace) {
        return None;
    }
    serde_json::from_str::<f64>(&json).ok().filter(|x| x.is_finite())
}

/// `(id, text)` pairs for a menu, shared without copying.
pub type Menu = std::rc::Rc<Vec<(String, String)>>;

/// A menu per language, built on first use and kept (for texts derived from
/// data, like preset names and lesson titles, which views ask for often).
#[derive(Default)]
pub struct MenuCache([std::cell::OnceCell<Menu>; 2]);

impl MenuCache {
    /// The menu in `lang`, built by `build` the first time.
    pub fn get(&self, lang: Lang, build: impl FnOnce() -> Vec<(String, String)>) -> Menu {
        let slot = Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0);
        self.0[slot].get_or_init(|| std::rc::Rc::new(build())).clone()
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let pair = table::text(key).or_else(|| EDITOR_WORDS.get().map(|text| text(key)));
    #[cfg(test)]
    let pair = pair.or(Some(table::editor_text(key)));
    pick(lang, pair.unwrap_or(("", "")))
}

/// The editor's own strings, once the on-demand module (which draws the
/// editor) has installed them: the page never refers to them, so its
/// download does not carry them (3 KB gzip).
static EDITOR_WORDS: std::sync::OnceLock<Words> = std::sync::OnceLock::new();

/// A function giving a key's `(English, 简体中文)`.
type Words = fn(Key) -> (&'static str, &'static str);

/// Makes the editor's strings available (the on-demand module calls it).
pub fn install_editor_words() {
    let _ = EDITOR_WORDS.set(table::editor_text);
}

/// The text in `lang` of an `(English, 简体中文)` pair.
pub fn pick(lang: Lang, (en, zh): (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The text of `key` with `{0}`, `{1}`, … replaced by `args`.
pub fn tf(lang: Lang, key: Key, args: &[&dyn std::fmt::Display]) -> String {
    fill(t(lang, key), args)
}

/// `template` with `{0}`, `{1}`, … replaced by `args`.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut s = template.to_string();
    for (i, a) in args.iter().enumerate() {
        s = s.replace(&format!("{{{i}}}"), &a.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_every_language() {
        for &key in Key::ALL {
            for lang in Lang::ALL {
                assert!(!t(lang, key).trim().is_empty(), "{key:?} is missing in {lang:?}");
            }
        }
    }

    #[test]
    fn placeholders_match_across_languages() {
        for &key in Key::ALL {
            let count = |s: &str| (0..10).filter(|i| s.contains(&format!("{{{i}}}"))).count();
            assert_eq!(count(t(Lang::En, key)), count(t(Lang::Zh, key)), "{key:?}");
        }
    }

    #[test]
    fn numbers_read_as_people_type_them() {
        for (text, want) in [
            ("2.5", Some(2.5)),
            (" 1e3 ", Some(1000.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("+3", Some(3.0)),
            ("-0.25", Some(-0.25)),
            ("007", Some(7.0)),
            ("0", Some(0.0)),
            ("1.e2", Some(100.0)),
            ("0.1", Some(0.1)),
            ("1e400", None),
            ("NaN", None),
            ("inf", None),
            ("", None),
            ("fast", None),
            ("1 2", None),
            ("--1", None),
            ("0x10", None),
        ] {
            assert_eq!(parse_number(text), want, "{text:?}");
        }
        // Exactly the value std reads, bit for bit.
        for text in ["0.1", "123.456", "2.2250738585072014e-308", "1.7976931348623157e308", "3.14159265358979"] {
            assert_eq!(parse_number(text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{text}");
        }
    }

    /// Half-width punctuation beside a Chinese character, if any.
    fn half_width_in_chinese(s: &str) -> Option<String> {
        // A Chinese character or CJK punctuation; full-width brackets may hold
        // a key name like `?`.
        let cjk = |c: Option<char>| {
            c.is_some_and(|c| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff01}'..='\u{ff07}' | '\u{ff0a}'..='\u{ffef}'))
        };
        let chars: Vec<char> = s.chars().collect();
        chars.iter().enumerate().find_map(|(i, &c)| {
            let near = cjk(i.checked_sub(1).map(|j| chars[j])) || cjk(chars.get(i + 1).copied());
            (",;:?!()".contains(c) && near)
                .then(|| chars[i.saturating_sub(6)..(i + 6).min(chars.len())].iter().collect())
        })
    }

    /// Chinese text uses full-width punctuation (，；：？！（）) beside Chinese
    /// characters: every UI string, preset text, problem message and lesson.
    #[test]
    fn chinese_punctuation_is_full_width() {
        let mut zh: Vec<String> = Key::ALL.iter().map(|&k| t(Lang::Zh, k).to_string()).collect();
        for p in msgsim_sim::presets::all() {
            zh.extend([preset_name(Lang::Zh, p.id, ""), preset_description(Lang::Zh, p.id, "")]);
        }
        zh.extend(problems::tests::every_kind().iter().map(|k| problem_message(Lang::Zh, k)));
        zh.extend(crate::sweep::words::Word::ALL.iter().map(|&w| crate::sweep::words::w(Lang::Zh, w).to_string()));
        for l in crate::lessons::all() {
            zh.extend(l.texts().into_iter().map(|t| t.zh.clone()));
        }
        let bad: Vec<String> = zh.iter().filter_map(|s| half_width_in_chinese(s)).collect();
        assert!(bad.is_empty(), "half-width punctuation in Chinese: {bad:?}");
    }

    #[test]
    fn browser_tags() {
        assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("zh_TW"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(tf(Lang::En, Key::MessageTitle, &[&3]), "Message #3");
    }
}
