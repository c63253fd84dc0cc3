//! Colours: the Okabe–Ito palette (distinguishable with any colour vision),
//! on light and dark backgrounds, with a true red for what went wrong (the
//! lessons call it red). Shape always doubles colour: messages are circles,
//! acks squares, losses crosses, rejections a barred circle.

use super::painter::Color;

/// The light or dark theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    /// Dark text on light.
    #[default]
    Light,
    /// Light text on dark.
    Dark,
}

/// Every colour the diagrams use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// Canvas background.
    pub background: Color,
    /// Main text and outlines.
    pub ink: Color,
    /// Secondary text, axes.
    pub muted: Color,
    /// Grid lines, lanes.
    pub grid: Color,
    /// Node fill.
    pub node: Color,
    /// Lines between nodes.
    pub link: Color,
    /// A message on its first attempt.
    pub message: Color,
    /// A retry or redelivery.
    pub retry: Color,
    /// A copy made by a duplicating link.
    pub copy: Color,
    /// Acks, confirms, replies; effects applied once.
    pub ok: Color,
    /// Rejects, nacks, faults; losses; duplicate effects; crashes.
    pub bad: Color,
    /// Dedup hits.
    pub dedup: Color,
    /// The selected message.
    pub highlight: Color,
    /// Dead letters.
    pub dead: Color,
    /// One colour per business key (key mod 8), when colouring by key.
    pub keys: [Color; 8],
}

impl Palette {
    /// The colour of business key `key`.
    pub fn key(&self, key: u32) -> Color {
        self.keys[key as usize % self.keys.len()]
    }
}

impl Palette {
    /// The palette of a theme.
    pub const fn of(theme: Theme) -> Palette {
        match theme {
            Theme::Light => Palette {
                background: Color::hex(0xfbfcfe),
                ink: Color::hex(0x1e293b),
                muted: Color::hex(0x52606f),
                grid: Color::hex(0xe2e8f0),
                node: Color::hex(0xffffff),
                link: Color::hex(0xa7b3c4),
                message: Color::hex(0x0072b2),
                retry: Color::hex(0xe69f00),
                copy: Color::hex(0xcc79a7),
                ok: Color::hex(0x009e73),
                bad: Color::hex(0xc8102e),
                dedup: Color::hex(0x8a6d00),
                highlight: Color::hex(0x000000),
                dead: Color::hex(0x4b5563),
                keys: [
                    Color::hex(0x0072b2),
                    Color::hex(0xe69f00),
                    Color::hex(0x009e73),
                    Color::hex(0xcc79a7),
                    Color::hex(0x56b4e9),
                    Color::hex(0xd55e00),
                    Color::hex(0x8a6d00),
                    Color::hex(0x1e293b),
                ],
            },
            Theme::Dark => Palette {
                background: Color::hex(0x0f172a),
                ink: Color::hex(0xe2e8f0),
                muted: Color::hex(0x94a3b8),
                grid: Color::hex(0x1e293b),
                node: Color::hex(0x1e293b),
                link: Color::hex(0x475569),
                message: Color::hex(0x56b4e9),
                retry: Color::hex(0xe69f00),
                copy: Color::hex(0xcc79a7),
                ok: Color::hex(0x009e73),
                bad: Color::hex(0xff5a5f),
                dedup: Color::hex(0xf0e442),
                highlight: Color::hex(0xffffff),
                dead: Color::hex(0x9ca3af),
                keys: [
                    Color::hex(0x56b4e9),
                    Color::hex(0xe69f00),
                    Color::hex(0x009e73),
                    Color::hex(0xcc79a7),
                    Color::hex(0x0072b2),
                    Color::hex(0xd55e00),
                    Color::hex(0xf0e442),
                    Color::hex(0xe2e8f0),
                ],
            },
        }
    }
}
