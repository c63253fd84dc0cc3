//! Drawing: pure functions from a scene to calls on a [`Painter`].
//!
//! The same drawing code paints the live canvases and (through another
//! painter) vector exports; layout and hit-testing are plain geometry, tested
//! natively.

pub mod charts;
pub mod layout;
pub mod painter;
pub mod palette;
pub mod sequence;
pub mod svg;
pub mod topology;

pub mod canvas;

pub use painter::{Align, Color, Painter, Text};
pub use palette::Palette;
