//! [`Painter`] that writes SVG (for exporting diagrams as vector files).

use std::fmt::Write as _;

use super::painter::{Align, Color, Painter, Segment, Text};

/// Builds an SVG document.
pub struct SvgPainter {
    size: (f64, f64),
    body: String,
}

fn attr_color(c: Color) -> String {
    if c.3 == 255 {
        format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
    } else {
        format!("#{:02x}{:02x}{:02x}\" fill-opacity=\"{:.3}", c.0, c.1, c.2, f64::from(c.3) / 255.0)
    }
}

fn stroke(c: Color, width: f64, dashed: bool) -> String {
    let mut s =
        format!("stroke=\"#{:02x}{:02x}{:02x}\" stroke-width=\"{width}\" stroke-linecap=\"round\"", c.0, c.1, c.2);
    if c.3 != 255 {
        let _ = write!(s, " stroke-opacity=\"{:.3}\"", f64::from(c.3) / 255.0);
    }
    if dashed {
        s.push_str(" stroke-dasharray=\"5 4\"");
    }
    s
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn n(x: f64) -> String {
    format!("{:.1}", x)
}

impl SvgPainter {
    /// An empty document of `size` CSS pixels.
    pub fn new(size: (f64, f64)) -> Self {
        SvgPainter { size, body: String::new() }
    }

    /// The finished document.
    pub fn finish(self) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
             font-family=\"system-ui, sans-serif\">\n{}</svg>\n",
            self.body,
            w = n(self.size.0),
            h = n(self.size.1)
        )
    }
}

impl Painter for SvgPainter {
    fn size(&self) -> (f64, f64) {
        self.size
    }
    fn clear(&mut self, color: Color) {
        let _ = writeln!(self.body, "<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>", attr_color(color));
    }
    fn line(&mut self, a: (f64, f64), b: (f64, f64), color: Color, width: f64, dashed: bool) {
        let _ = writeln!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>",
            n(a.0),
            n(a.1),
            n(b.0),
            n(b.1),
            stroke(color, width, dashed)
        );
    }
    fn segments(&mut self, lines: &[Segment], color: Color, width: f64, dashed: bool) {
        if lines.is_empty() {
            return;
        }
        let mut d = String::new();
        for (a, b) in lines {
            let _ = write!(d, "M{} {}L{} {}", n(a.0), n(a.1), n(b.0), n(b.1));
        }
        let _ = writeln!(self.body, "<path d=\"{d}\" fill=\"none\" {}/>", stroke(color, width, dashed));
    }
    fn polyline(&mut self, points: &[(f64, f64)], color: Color, width: f64) {
        if points.len() < 2 {
            return;
        }
        let pts: Vec<String> = points.iter().map(|p| format!("{},{}", n(p.0), n(p.1))).collect();
        let _ = writeln!(
            self.body,
            "<polyline points=\"{}\" fill=\"none\" {}/>",
            pts.join(" "),
            stroke(color, width, false)
        );
    }
    fn polygon(&mut self, points: &[(f64, f64)], fill: Color) {
        let pts: Vec<String> = points.iter().map(|p| format!("{},{}", n(p.0), n(p.1))).collect();
        let _ = writeln!(self.body, "<polygon points=\"{}\" fill=\"{}\"/>", pts.join(" "), attr_color(fill));
    }
    fn rect(
        &mut self,
        at: (f64, f64),
        size: (f64, f64),
        radius: f64,
        fill: Option<Color>,
        stroke_: Option<(Color, f64)>,
    ) {
        let fill = fill.map_or("none".to_string(), attr_color);
        let st = stroke_.map_or(String::new(), |(c, w)| stroke(c, w, false));
        let _ = writeln!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{fill}\" {st}/>",
            n(at.0),
            n(at.1),
            n(size.0.max(0.0)),
            n(size.1.max(0.0)),
            n(radius)
        );
    }
    fn circle(&mut self, at: (f64, f64), r: f64, fill: Option<Color>, stroke_: Option<(Color, f64)>) {
        let fill = fill.map_or("none".to_string(), attr_color);
        let st = stroke_.map_or(String::new(), |(c, w)| stroke(c, w, false));
        let _ =
            writeln!(self.body, "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" {st}/>", n(at.0), n(at.1), n(r));
    }
    fn dots(&mut self, centers: &[(f64, f64)], r: f64, color: Color) {
        if centers.is_empty() {
            return;
        }
        let _ = writeln!(self.body, "<g fill=\"{}\">", attr_color(color));
        for c in centers {
            let _ = writeln!(self.body, "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>", n(c.0), n(c.1), n(r));
        }
        self.body.push_str("</g>\n");
    }
    fn squares(&mut self, centers: &[(f64, f64)], side: f64, color: Color) {
        if centers.is_empty() {
            return;
        }
        let _ = writeln!(self.body, "<g fill=\"{}\">", attr_color(color));
        for c in centers {
            let _ = writeln!(
                self.body,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                n(c.0 - side / 2.0),
                n(c.1 - side / 2.0),
                n(side),
                n(side)
            );
        }
        self.body.push_str("</g>\n");
    }
    fn text(&mut self, at: (f64, f64), text: &str, style: Text) {
        let anchor = match style.align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        let _ = writeln!(
            self.body,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\"{}>{}</text>",
            n(at.0),
            n(at.1),
            style.size,
            attr_color(style.color),
            if style.bold { " font-weight=\"600\"" } else { "" },
            escape(text)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_well_formed_svg() {
        let mut p = SvgPainter::new((100.0, 50.0));
        p.clear(Color::hex(0xffffff));
        p.line((0.0, 0.0), (10.0, 10.0), Color::hex(0x000000).alpha(0.5), 1.0, true);
        p.text(
            (5.0, 5.0),
            "a < b & \"c\"",
            Text { size: 10.0, color: Color::hex(0), align: Align::Center, bold: true },
        );
        p.dots(&[(1.0, 1.0), (2.0, 2.0)], 3.0, Color::hex(0x0072b2));
        let svg = p.finish();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("a &lt; b &amp; &quot;c&quot;"));
        assert!(svg.contains("stroke-dasharray"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
