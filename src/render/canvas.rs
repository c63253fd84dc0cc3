//! [`Painter`] on an HTML canvas (2D context), at the device's pixel ratio.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::painter::{Align, Color, Painter, Segment, Text};

/// Dots drawn into a pixel buffer and handed to the canvas in one piece:
/// thousands of anti-aliased arcs are slow to rasterise in software, but
/// stamping a precomputed disc into memory is cheap.
struct DotLayer {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    /// Coverage masks (side, alpha per pixel) by radius in device ¼ px and
    /// shape. A few at a time, so a list (a hash map's code is 1 KB of the
    /// page's download).
    masks: Vec<((u32, bool), Mask)>,
    used: bool,
}

thread_local! {
    /// One layer per canvas size (the topology, sequence and chart canvases
    /// differ; at most four, so a list).
    static LAYERS: RefCell<Vec<((u32, u32), DotLayer)>> = const { RefCell::new(Vec::new()) };
}

/// A dot's coverage mask: its side and an alpha per pixel.
type Mask = (usize, Vec<u8>);

/// The layer for canvases of `device` pixels, if there is one.
fn layer_of(layers: &mut [((u32, u32), DotLayer)], device: (u32, u32)) -> Option<&mut DotLayer> {
    layers.iter_mut().find(|(d, _)| *d == device).map(|(_, l)| l)
}

/// Dots beyond this count go through the pixel layer.
const LAYER_THRESHOLD: usize = 48;

impl DotLayer {
    fn new() -> Option<Self> {
        let canvas: HtmlCanvasElement = gloo::utils::document().create_element("canvas").ok()?.dyn_into().ok()?;
        let ctx = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
        Some(DotLayer { canvas, ctx, pixels: Vec::new(), width: 0, height: 0, masks: Vec::new(), used: false })
    }

    fn begin(&mut self, width: u32, height: u32) {
        if (width, height) != (self.width, self.height) {
            self.width = width;
            self.height = height;
            self.canvas.set_width(width);
            self.canvas.set_height(height);
            self.pixels = vec![0; (width * height * 4) as usize];
        } else if self.used {
            self.pixels.fill(0);
        }
        self.used = false;
    }

    fn mask(&mut self, r: f64, square: bool) -> Mask {
        let key = ((r * 4.0).round() as u32, square);
        if let Some((_, m)) = self.masks.iter().find(|(k, _)| *k == key) {
            return m.clone();
        }
        let m = {
            let side = (2.0 * r).ceil() as usize + 2;
            let c = side as f64 / 2.0;
            let alpha = (0..side * side)
                .map(|i| {
                    let (x, y) = ((i % side) as f64 + 0.5 - c, (i / side) as f64 + 0.5 - c);
                    let cover = if square {
                        ((r + 0.5 - x.abs()).clamp(0.0, 1.0)) * ((r + 0.5 - y.abs()).clamp(0.0, 1.0))
                    } else {
                        (r + 0.5 - (x * x + y * y).sqrt()).clamp(0.0, 1.0)
                    };
                    (cover * 255.0).round() as u8
                })
                .collect();
            (side, alpha)
        };
        self.masks.push((key, m.clone()));
        m
    }

    /// Stamps `mask` in `color` centred on each device-pixel position.
    fn stamp(&mut self, centers: impl Iterator<Item = (f64, f64)>, r: f64, square: bool, color: Color) {
        let (side, mask) = self.mask(r, square);
        let (w, h) = (self.width as i64, self.height as i64);
        let half = side as f64 / 2.0;
        let ca = u32::from(color.3);
        for (x, y) in centers {
            let (x0, y0) = ((x - half).round() as i64, (y - half).round() as i64);
            for my in 0..side as i64 {
                let py = y0 + my;
                if py < 0 || py >= h {
                    continue;
                }
                for mx in 0..side as i64 {
                    let px = x0 + mx;
                    if px < 0 || px >= w {
                        continue;
                    }
                    let a = u32::from(mask[(my * side as i64 + mx) as usize]) * ca / 255;
                    if a == 0 {
                        continue;
                    }
                    let i = ((py * w + px) * 4) as usize;
                    let px = &mut self.pixels[i..i + 4];
                    // "Source over" on straight (unpremultiplied) RGBA.
                    let da = u32::from(px[3]);
                    let out_a = a + da * (255 - a) / 255;
                    if out_a == 0 {
                        continue;
                    }
                    for (k, src) in [color.0, color.1, color.2].into_iter().enumerate() {
                        let blended = (u32::from(src) * a + u32::from(px[k]) * da * (255 - a) / 255) / out_a;
                        px[k] = blended.min(255) as u8;
                    }
                    px[3] = out_a.min(255) as u8;
                }
            }
        }
        self.used = true;
    }

    /// Draws the layer onto `target` (in device pixels) if anything was stamped.
    fn flush(&mut self, target: &CanvasRenderingContext2d) {
        if !self.used {
            return;
        }
        let data = wasm_bindgen::Clamped(&self.pixels[..]);
        if let Ok(img) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(data, self.width, self.height) {
            let _ = self.ctx.put_image_data(&img, 0.0, 0.0);
            target.save();
            let _ = target.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
            let _ = target.draw_image_with_html_canvas_element(&self.canvas, 0.0, 0.0);
            target.restore();
        }
        self.pixels.fill(0);
        self.used = false;
    }
}

/// Paints on a canvas element sized to its CSS box.
pub struct CanvasPainter {
    ctx: CanvasRenderingContext2d,
    size: (f64, f64),
    dpr: f64,
    device: (u32, u32),
    text_scale: f64,
    fill: Option<Color>,
    stroke: Option<Color>,
    width: f64,
    dashed: bool,
    font: String,
}

impl CanvasPainter {
    /// Stamps dots into the pixel layer (drawn at the next [`Painter::flush`]).
    fn stamp(&mut self, centers: &[(f64, f64)], r: f64, square: bool, color: Color) -> bool {
        let dpr = self.dpr;
        let device = self.device;
        LAYERS.with(|layers| match layer_of(&mut layers.borrow_mut(), device) {
            Some(layer) => {
                layer.stamp(centers.iter().map(|&(x, y)| (x * dpr, y * dpr)), r * dpr, square, color);
                true
            }
            None => false,
        })
    }

    /// Prepares `canvas` for a frame: matches its backing store to its CSS
    /// size × device pixel ratio and scales so coordinates are CSS pixels.
    /// Text is drawn `text_scale` times larger. `None` if the canvas is not
    /// laid out or has no 2D context.
    pub fn begin(canvas: &HtmlCanvasElement, text_scale: f64) -> Option<Self> {
        let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
        Self::with_size(canvas, (w, h), dpr, text_scale)
    }

    /// Prepares a canvas that is not on the page (for exports): `size` CSS
    /// pixels at `dpr` device pixels each.
    pub fn with_size(canvas: &HtmlCanvasElement, size: (f64, f64), dpr: f64, text_scale: f64) -> Option<Self> {
        let (w, h) = size;
        if w < 2.0 || h < 2.0 {
            return None;
        }
        let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        if canvas.width() != pw || canvas.height() != ph {
            canvas.set_width(pw);
            canvas.set_height(ph);
        }
        let ctx = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok()?;
        ctx.set_text_baseline("middle");
        // Context state outlives the frame: start every frame from solid lines.
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        LAYERS.with(|layers| {
            let mut layers = layers.borrow_mut();
            if layer_of(&mut layers, (pw, ph)).is_none() {
                // Canvases resized: forget layers of sizes no longer drawn.
                if layers.len() >= 4 {
                    layers.clear();
                }
                if let Some(layer) = DotLayer::new() {
                    layers.push(((pw, ph), layer));
                }
            }
            if let Some(layer) = layer_of(&mut layers, (pw, ph)) {
                layer.begin(pw, ph);
            }
        });
        Some(CanvasPainter {
            ctx,
            size: (w, h),
            dpr,
            device: (pw, ph),
            text_scale,
            fill: None,
            stroke: None,
            width: -1.0,
            dashed: false,
            font: String::new(),
        })
    }

    fn set_fill(&mut self, c: Color) {
        if self.fill != Some(c) {
            self.ctx.set_fill_style_str(&c.css());
            self.fill = Some(c);
        }
    }

    fn set_stroke(&mut self, c: Color, width: f64, dashed: bool) {
        if self.stroke != Some(c) {
            self.ctx.set_stroke_style_str(&c.css());
            self.stroke = Some(c);
        }
        if self.width != width {
            self.ctx.set_line_width(width);
            self.width = width;
        }
        if self.dashed != dashed {
            let pattern = js_sys::Array::new();
            if dashed {
                pattern.push(&JsValue::from_f64(5.0));
                pattern.push(&JsValue::from_f64(4.0));
            }
            let _ = self.ctx.set_line_dash(&pattern);
            self.dashed = dashed;
        }
    }

    /// Fills and/or outlines the current path.
    fn fill_and_stroke(&mut self, fill: Option<Color>, stroke: Option<(Color, f64)>) {
        if let Some(c) = fill {
            self.set_fill(c);
            self.ctx.fill();
        }
        if let Some((c, w)) = stroke {
            self.set_stroke(c, w, false);
            self.ctx.stroke();
        }
    }
}

impl Painter for CanvasPainter {
    fn size(&self) -> (f64, f64) {
        self.size
    }

    fn clear(&mut self, color: Color) {
        self.set_fill(color);
        self.ctx.fill_rect(0.0, 0.0, self.size.0, self.size.1);
    }

    fn line(&mut self, from: (f64, f64), to: (f64, f64), color: Color, width: f64, dashed: bool) {
        self.set_stroke(color, width, dashed);
        self.ctx.begin_path();
        self.ctx.move_to(from.0, from.1);
        self.ctx.line_to(to.0, to.1);
        self.ctx.stroke();
    }

    fn segments(&mut self, lines: &[Segment], color: Color, width: f64, dashed: bool) {
        if lines.is_empty() {
            return;
        }
        self.set_stroke(color, width, dashed);
        self.ctx.begin_path();
        for &(a, b) in lines {
            self.ctx.move_to(a.0, a.1);
            self.ctx.line_to(b.0, b.1);
        }
        self.ctx.stroke();
    }

    fn triangles(&mut self, tris: &[[(f64, f64); 3]], fill: Color) {
        if tris.is_empty() {
            return;
        }
        self.set_fill(fill);
        self.ctx.begin_path();
        for t in tris {
            self.ctx.move_to(t[0].0, t[0].1);
            self.ctx.line_to(t[1].0, t[1].1);
            self.ctx.line_to(t[2].0, t[2].1);
            self.ctx.close_path();
        }
        self.ctx.fill();
    }

    fn polyline(&mut self, points: &[(f64, f64)], color: Color, width: f64) {
        if points.len() < 2 {
            return;
        }
        self.set_stroke(color, width, false);
        self.ctx.begin_path();
        self.ctx.move_to(points[0].0, points[0].1);
        for p in &points[1..] {
            self.ctx.line_to(p.0, p.1);
        }
        self.ctx.stroke();
    }

    fn polygon(&mut self, points: &[(f64, f64)], fill: Color) {
        if points.len() < 3 {
            return;
        }
        self.set_fill(fill);
        self.ctx.begin_path();
        self.ctx.move_to(points[0].0, points[0].1);
        for p in &points[1..] {
            self.ctx.line_to(p.0, p.1);
        }
        self.ctx.close_path();
        self.ctx.fill();
    }

    fn rect(
        &mut self,
        at: (f64, f64),
        size: (f64, f64),
        radius: f64,
        fill: Option<Color>,
        stroke: Option<(Color, f64)>,
    ) {
        self.ctx.begin_path();
        if radius > 0.0 {
            let _ = self.ctx.round_rect_with_f64(at.0, at.1, size.0, size.1, radius);
        } else {
            self.ctx.rect(at.0, at.1, size.0, size.1);
        }
        self.fill_and_stroke(fill, stroke);
    }

    fn circle(&mut self, at: (f64, f64), r: f64, fill: Option<Color>, stroke: Option<(Color, f64)>) {
        self.ctx.begin_path();
        let _ = self.ctx.arc(at.0, at.1, r, 0.0, std::f64::consts::TAU);
        self.fill_and_stroke(fill, stroke);
    }

    fn dots(&mut self, centers: &[(f64, f64)], r: f64, color: Color) {
        if centers.len() > LAYER_THRESHOLD && self.stamp(centers, r, false, color) {
            return;
        }
        if centers.is_empty() {
            return;
        }
        self.set_fill(color);
        self.ctx.begin_path();
        for &(x, y) in centers {
            self.ctx.move_to(x + r, y);
            let _ = self.ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        }
        self.ctx.fill();
    }

    fn squares(&mut self, centers: &[(f64, f64)], side: f64, color: Color) {
        if centers.len() > LAYER_THRESHOLD && self.stamp(centers, side / 2.0, true, color) {
            return;
        }
        self.set_fill(color);
        let h = side / 2.0;
        for &(x, y) in centers {
            self.ctx.fill_rect(x - h, y - h, side, side);
        }
    }

    fn flush(&mut self) {
        let device = self.device;
        LAYERS.with(|layers| {
            if let Some(layer) = layer_of(&mut layers.borrow_mut(), device) {
                layer.flush(&self.ctx);
            }
        });
    }

    fn text(&mut self, at: (f64, f64), text: &str, style: Text) {
        let font = format!(
            "{}{}px system-ui, sans-serif",
            if style.bold { "600 " } else { "" },
            (style.size * self.text_scale).round()
        );
        if self.font != font {
            self.ctx.set_font(&font);
            self.font = font;
        }
        self.ctx.set_text_align(match style.align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        });
        self.set_fill(style.color);
        let _ = self.ctx.fill_text(text, at.0, at.1);
    }
}
