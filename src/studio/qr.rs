//! The share link as a QR code, for a class to scan off the projector. Made
//! here by `qrcodegen` (no network, no image service); the dialog draws the
//! modules as one SVG path.

use qrcodegen::{QrCode, QrCodeEcc};

/// The longest link offered as a QR code: beyond this the code gets too
/// dense to scan from the back of a room.
pub const MAX_QR_TEXT: usize = 1_200;

/// The modules of a QR code: `size × size`, dark where `true`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Qr {
    /// Modules per side.
    pub size: usize,
    /// Row-major, dark where `true`.
    pub dark: Vec<bool>,
}

impl Qr {
    /// The code of `text` (medium error correction), if it is short enough
    /// to scan.
    pub fn of(text: &str) -> Option<Qr> {
        if text.len() > MAX_QR_TEXT {
            return None;
        }
        let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
        let size = usize::try_from(code.size()).ok()?;
        let n = code.size();
        let dark = (0..n).flat_map(|y| (0..n).map(move |x| (x, y))).map(|(x, y)| code.get_module(x, y)).collect();
        Some(Qr { size, dark })
    }

    /// An SVG path drawing every dark module as a unit square, in module
    /// coordinates offset by a quiet zone of `quiet` modules.
    pub fn path(&self, quiet: usize) -> String {
        let mut d = String::new();
        for (i, _) in self.dark.iter().enumerate().filter(|(_, on)| **on) {
            let (x, y) = (i % self.size + quiet, i / self.size + quiet);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
        d
    }
}

/// Whether `url` points at this computer only (students' devices cannot open it).
pub fn is_local(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or(url).split(['/', '#', '?']).next().unwrap_or("");
    let host =
        host.rsplit_once(':').map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { host });
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "0.0.0.0") || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_code_with_its_three_finder_patterns() {
        let q = Qr::of("https://example.org/msgsim/#v=1&p=acks-and-retries&seed=1&lesson=idempotency").unwrap();
        assert!(q.size >= 21 && (q.size - 17).is_multiple_of(4), "a QR version's size: {}", q.size);
        assert_eq!(q.dark.len(), q.size * q.size);
        // Finder patterns: a dark 7×7 ring in three corners, light inside its border.
        let at = |x: usize, y: usize| q.dark[y * q.size + x];
        for (ox, oy) in [(0, 0), (q.size - 7, 0), (0, q.size - 7)] {
            assert!((0..7).all(|k| at(ox + k, oy) && at(ox, oy + k) && at(ox + k, oy + 6) && at(ox + 6, oy + k)));
            assert!(!at(ox + 1, oy + 1) && at(ox + 3, oy + 3));
        }
        let path = q.path(4);
        assert_eq!(path.matches('M').count(), q.dark.iter().filter(|&&d| d).count());
        assert!(path.starts_with("M4 4h1v1h-1z"), "the quiet zone offsets the first module");
        assert!(Qr::of(&"x".repeat(MAX_QR_TEXT + 1)).is_none(), "too long to scan");
    }

    #[test]
    fn local_addresses_are_recognised() {
        assert!(is_local("http://127.0.0.1:8080/#v=1"));
        assert!(is_local("http://localhost/msgsim/"));
        assert!(!is_local("http://192.168.1.20:8080/#v=1"));
        assert!(!is_local("https://school.example/msgsim/#v=1"));
    }
}
