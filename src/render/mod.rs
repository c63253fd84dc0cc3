//! Drawing: pure functions from a scene to calls on a [`Painter`].
//!
//! The same drawing code paints the live canvases and (through another
//! painter) vector exports; layout and hit-testing are plain geometry, tested
//! natively.

pub mod charts;
pub mod layout;
pub mod painter;
pub mod palette;
pub mod partitions;
pub mod sequence;
pub mod svg;
pub mod topology;

pub mod canvas;

pub use painter::{Align, Color, Painter, Text};
pub use palette::Palette;

/// How the diagrams mark messages and size their text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// Text is drawn this many times larger (large text for projectors); the
    /// painter scales the glyphs, layouts make room for them.
    pub text_scale: f64,
    /// Each message's id is written beside its dot or arrow.
    pub ids: bool,
    /// Messages are coloured by business key instead of by attempt.
    pub by_key: bool,
}

impl Default for Look {
    fn default() -> Self {
        Look { text_scale: 1.0, ids: false, by_key: false }
    }
}
