//! The drawing surface abstraction.

/// A point in CSS pixels.
pub type Point = (f64, f64);
/// A straight line from one point to another.
pub type Segment = (Point, Point);

/// An sRGB colour with alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8, pub u8);

impl Color {
    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(rgb: u32) -> Self {
        Color((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8, 255)
    }

    /// The same colour with alpha `a` in `[0, 1]`.
    pub fn alpha(self, a: f64) -> Self {
        Color(self.0, self.1, self.2, (a.clamp(0.0, 1.0) * 255.0).round() as u8)
    }

    /// CSS form: `#rrggbb` when opaque, else `rgba(…)`.
    pub fn css(self) -> String {
        if self.3 == 255 {
            format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
        } else {
            format!("rgba({},{},{},{:.3})", self.0, self.1, self.2, f64::from(self.3) / 255.0)
        }
    }
}

/// Horizontal text alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Starts at x.
    Left,
    /// Centred on x.
    Center,
    /// Ends at x.
    Right,
}

/// Text style.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Text {
    /// Font size in px.
    pub size: f64,
    /// Fill colour of the glyphs.
    pub color: Color,
    /// Which end of the text the point anchors.
    pub align: Align,
    /// Drawn in bold weight.
    pub bold: bool,
}

/// Something to draw on. Coordinates are CSS pixels, origin top left.
pub trait Painter {
    /// Width and height.
    fn size(&self) -> (f64, f64);
    /// Fills everything with `color`.
    fn clear(&mut self, color: Color);
    /// A straight line.
    fn line(&mut self, from: (f64, f64), to: (f64, f64), color: Color, width: f64, dashed: bool);
    /// Many separate straight lines of one style (one batch).
    fn segments(&mut self, lines: &[Segment], color: Color, width: f64, dashed: bool) {
        for &(a, b) in lines {
            self.line(a, b, color, width, dashed);
        }
    }
    /// Many filled triangles of one colour (one batch).
    fn triangles(&mut self, tris: &[[(f64, f64); 3]], fill: Color) {
        for t in tris {
            self.polygon(t, fill);
        }
    }
    /// A connected line through `points`.
    fn polyline(&mut self, points: &[(f64, f64)], color: Color, width: f64);
    /// A filled polygon.
    fn polygon(&mut self, points: &[(f64, f64)], fill: Color);
    /// A rectangle, filled and/or outlined, with rounded corners.
    fn rect(
        &mut self,
        at: (f64, f64),
        size: (f64, f64),
        radius: f64,
        fill: Option<Color>,
        stroke: Option<(Color, f64)>,
    );
    /// A circle, filled and/or outlined.
    fn circle(&mut self, at: (f64, f64), r: f64, fill: Option<Color>, stroke: Option<(Color, f64)>);
    /// Many filled circles of one colour (one batch: fast for thousands).
    fn dots(&mut self, centers: &[(f64, f64)], r: f64, color: Color);
    /// Many filled squares of one colour, `side` wide, centred on the points.
    fn squares(&mut self, centers: &[(f64, f64)], side: f64, color: Color);
    /// Text with its baseline's middle at `at.1`.
    fn text(&mut self, at: (f64, f64), text: &str, style: Text);
    /// Ends a run of [`dots`](Self::dots) and [`squares`](Self::squares) calls:
    /// a painter that batches them draws them now, under what comes next.
    fn flush(&mut self) {}
}

/// A painter drawing into a rectangle of another: coordinates are shifted
/// by `at`, and the size it reports is the rectangle's (a diagram placed on
/// a slide draws as if on its own canvas).
pub struct Inset<'a> {
    /// Where the drawing really goes.
    pub inner: &'a mut dyn Painter,
    /// The rectangle's top left corner in `inner`.
    pub at: (f64, f64),
    /// The rectangle's size.
    pub size: (f64, f64),
}

impl Inset<'_> {
    fn p(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x + self.at.0, y + self.at.1)
    }
}

impl Painter for Inset<'_> {
    fn size(&self) -> (f64, f64) {
        self.size
    }
    fn clear(&mut self, color: Color) {
        self.inner.rect(self.at, self.size, 0.0, Some(color), None);
    }
    fn line(&mut self, from: (f64, f64), to: (f64, f64), color: Color, width: f64, dashed: bool) {
        let (a, b) = (self.p(from), self.p(to));
        self.inner.line(a, b, color, width, dashed);
    }
    fn segments(&mut self, lines: &[Segment], color: Color, width: f64, dashed: bool) {
        let moved: Vec<Segment> = lines.iter().map(|&(a, b)| (self.p(a), self.p(b))).collect();
        self.inner.segments(&moved, color, width, dashed);
    }
    fn triangles(&mut self, tris: &[[(f64, f64); 3]], fill: Color) {
        let moved: Vec<[(f64, f64); 3]> = tris.iter().map(|t| t.map(|q| self.p(q))).collect();
        self.inner.triangles(&moved, fill);
    }
    fn polyline(&mut self, points: &[(f64, f64)], color: Color, width: f64) {
        let moved: Vec<(f64, f64)> = points.iter().map(|&q| self.p(q)).collect();
        self.inner.polyline(&moved, color, width);
    }
    fn polygon(&mut self, points: &[(f64, f64)], fill: Color) {
        let moved: Vec<(f64, f64)> = points.iter().map(|&q| self.p(q)).collect();
        self.inner.polygon(&moved, fill);
    }
    fn rect(
        &mut self,
        at: (f64, f64),
        size: (f64, f64),
        radius: f64,
        fill: Option<Color>,
        stroke: Option<(Color, f64)>,
    ) {
        let at = self.p(at);
        self.inner.rect(at, size, radius, fill, stroke);
    }
    fn circle(&mut self, at: (f64, f64), r: f64, fill: Option<Color>, stroke: Option<(Color, f64)>) {
        let at = self.p(at);
        self.inner.circle(at, r, fill, stroke);
    }
    fn dots(&mut self, centers: &[(f64, f64)], r: f64, color: Color) {
        let moved: Vec<(f64, f64)> = centers.iter().map(|&q| self.p(q)).collect();
        self.inner.dots(&moved, r, color);
    }
    fn squares(&mut self, centers: &[(f64, f64)], side: f64, color: Color) {
        let moved: Vec<(f64, f64)> = centers.iter().map(|&q| self.p(q)).collect();
        self.inner.squares(&moved, side, color);
    }
    fn text(&mut self, at: (f64, f64), text: &str, style: Text) {
        let at = self.p(at);
        self.inner.text(at, text, style);
    }
    fn flush(&mut self) {
        self.inner.flush();
    }
}

/// A generous estimate of a text's width at font size `size` px (CJK
/// characters are about a square; Latin letters and digits about 0.62 em).
/// Layouts use it so labels fit whatever the font.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { size * 0.62 } else { size * 1.05 }).sum()
}

/// `s`, shortened with an ellipsis to fit `width` px at font size `size`.
pub fn fit(s: &str, width: f64, size: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let budget = width - text_width("…", size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += text_width(c.encode_utf8(&mut [0; 4]), size);
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Draws an ✕ centred at `at`.
pub fn cross(p: &mut dyn Painter, at: (f64, f64), size: f64, color: Color, width: f64) {
    let (x, y) = at;
    p.line((x - size, y - size), (x + size, y + size), color, width, false);
    p.line((x - size, y + size), (x + size, y - size), color, width, false);
}

/// The triangle of an arrowhead at `to`, pointing away from `from`.
pub fn arrowhead(from: (f64, f64), to: (f64, f64), size: f64) -> Option<[(f64, f64); 3]> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-6 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let back = (to.0 - ux * size, to.1 - uy * size);
    let (nx, ny) = (-uy * size * 0.5, ux * size * 0.5);
    Some([to, (back.0 + nx, back.1 + ny), (back.0 - nx, back.1 - ny)])
}

/// A painter that records calls, for tests.
#[cfg(test)]
#[derive(Default, Debug, PartialEq)]
pub struct Recorder {
    /// Canvas size.
    pub size: (f64, f64),
    /// Every call, as text.
    pub calls: Vec<String>,
    /// Every text drawn.
    pub texts: Vec<String>,
    /// Total dots and squares drawn.
    pub points: usize,
    /// How much larger text is drawn (as the canvas painter's text scale; 0 means 1).
    pub text_scale: f64,
    /// The box of every text drawn, by the [`text_width`] estimate:
    /// `(text, left, top, right, bottom)`.
    pub boxes: Vec<(String, f64, f64, f64, f64)>,
}

#[cfg(test)]
impl Painter for Recorder {
    fn size(&self) -> (f64, f64) {
        self.size
    }
    fn clear(&mut self, color: Color) {
        self.calls.push(format!("clear {}", color.css()));
    }
    fn line(&mut self, from: (f64, f64), to: (f64, f64), color: Color, _: f64, dashed: bool) {
        self.calls.push(format!("line {from:?} {to:?} {} {dashed}", color.css()));
    }
    fn polyline(&mut self, points: &[(f64, f64)], color: Color, _: f64) {
        self.calls.push(format!("polyline {} {}", points.len(), color.css()));
    }
    fn polygon(&mut self, points: &[(f64, f64)], fill: Color) {
        self.calls.push(format!("polygon {} {}", points.len(), fill.css()));
    }
    fn rect(&mut self, at: (f64, f64), size: (f64, f64), _: f64, fill: Option<Color>, _: Option<(Color, f64)>) {
        self.calls.push(format!("rect {at:?} {size:?} {:?}", fill.map(Color::css)));
    }
    fn circle(&mut self, at: (f64, f64), r: f64, fill: Option<Color>, stroke: Option<(Color, f64)>) {
        self.calls.push(format!("circle {at:?} {r} {:?} {:?}", fill.map(Color::css), stroke.map(|s| s.0.css())));
    }
    fn dots(&mut self, centers: &[(f64, f64)], _: f64, color: Color) {
        self.points += centers.len();
        self.calls.push(format!("dots {} {}", centers.len(), color.css()));
    }
    fn squares(&mut self, centers: &[(f64, f64)], _: f64, color: Color) {
        self.points += centers.len();
        self.calls.push(format!("squares {} {}", centers.len(), color.css()));
    }
    fn text(&mut self, at: (f64, f64), text: &str, style: Text) {
        let size = style.size * if self.text_scale > 0.0 { self.text_scale } else { 1.0 };
        let w = text_width(text, size);
        let left = match style.align {
            Align::Left => at.0,
            Align::Center => at.0 - w / 2.0,
            Align::Right => at.0 - w,
        };
        // The baseline's middle is at `at.1` (canvas textBaseline "middle").
        self.boxes.push((text.to_string(), left, at.1 - size / 2.0, left + w, at.1 + size / 2.0));
        self.texts.push(text.to_string());
        self.calls.push(format!("text {at:?} {text}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_shortens_with_an_ellipsis() {
        assert_eq!(fit("inventory", 200.0, 12.0), "inventory");
        let short = fit("inventory-service-east", 60.0, 12.0);
        assert!(short.ends_with('…') && text_width(&short, 12.0) <= 60.0, "{short}");
        assert!(text_width("库存服务", 12.0) > text_width("abcd", 12.0), "CJK is wider");
    }

    #[test]
    fn css_colours() {
        assert_eq!(Color::hex(0x0072b2).css(), "#0072b2");
        assert_eq!(Color::hex(0xffffff).alpha(0.5).css(), "rgba(255,255,255,0.502)");
    }
}
