//! Numbers a scenario keeps exactly.
//!
//! A scenario goes out as JSON (an export, a share link) with each number in
//! its shortest form and comes back in through the same parser. That parser
//! (serde_json without its `float_roundtrip` feature, which would cost 8 KB
//! of the download) reads a decimal exactly when it has at most 15
//! significant digits and lies between 10^-22 and 10^14 — every number a
//! person writes; and the shortest form of such a number is such a decimal
//! again. A decimal outside that (`0.30000000000000004`, computed elsewhere)
//! might be read one unit in the last place off, and then a shared scenario
//! would not run exactly the same: it is refused, with its path. Whole
//! numbers (seeds, counts) are read exactly anyway.

/// The byte offsets of the decimals in `text` (JSON) that would not be kept
/// exactly, with the decimals as written.
pub(super) fn inexact(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Skip the string, escapes included.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let token = &text[start..i];
                if !kept_exactly(token) {
                    out.push((start, token));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether the number `token` is kept exactly: a whole number, or a decimal
/// of at most 15 digits as written (leading zeros aside), its last digit at
/// 10^-22 or above and its first below 10^14. The parser then makes one
/// correctly rounded multiplication or division of exact numbers, and the
/// shortest form of the result, as the export writes it (`2.0`, `1.5e-7`),
/// is such a decimal again.
pub fn kept_exactly(token: &str) -> bool {
    if !token.contains(['.', 'e', 'E']) {
        return true;
    }
    let (mantissa, exponent) = token.split_once(['e', 'E']).unwrap_or((token, "0"));
    let Ok(exponent) = exponent.parse::<i32>() else { return true }; // not JSON: the parser says so
    let mantissa = mantissa.trim_start_matches('-');
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    if significant.trim_end_matches('0').is_empty() {
        return true; // zero
    }
    // value = significant × 10^last, its first digit at 10^lead.
    let last = exponent.saturating_sub(fraction.len() as i32);
    let lead = last.saturating_add(significant.len() as i32 - 1);
    significant.len() <= 15 && last >= -22 && lead <= 13
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_person_writes_is_kept_and_the_rest_is_named() {
        for t in [
            "0.1",
            "0.05",
            "2.5",
            "1e-9",
            "123456.789",
            "0.123456789012345",
            "3600000.0",
            "-7.25",
            "0.0",
            "1E3",
            "12345678901234567890",
            "1.50",
            "1e13",
            "1e-22",
            "99999999999999.9",
        ] {
            assert!(kept_exactly(t), "{t}");
        }
        for t in [
            "0.30000000000000004",
            "1.2345678901234567",
            "1e-30",
            "1e25",
            "19.439235826021505",
            "59779849968940e-23",
            "1.500000000000000000",
            "1e14",
            "1.5e-22",
        ] {
            assert!(!kept_exactly(t), "{t}");
        }
        let text = r#"{"a": [1, 0.5, {"b": 0.30000000000000004, "s": "0.30000000000000004"}], "c": 7}"#;
        assert_eq!(inexact(text), vec![(21, "0.30000000000000004")]);
    }

    /// Every decimal kept exactly is read as the nearest double, and its
    /// shortest form (what an export writes) is kept exactly again.
    #[test]
    fn kept_decimals_round_trip_through_the_parser() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (x % 15) as usize;
            let m = (x >> 8) % 10u64.pow(digits as u32);
            let e = (x >> 4) as i32 % 36 - 22;
            let token = format!("{m}e{e}");
            if !kept_exactly(&token) {
                continue;
            }
            let read: f64 = serde_json::from_str(&token).unwrap();
            assert_eq!(read, token.parse::<f64>().unwrap(), "{token}: the nearest double");
            let written = serde_json::to_string(&read).unwrap();
            assert!(kept_exactly(&written), "{token} → {written}");
            assert_eq!(serde_json::from_str::<f64>(&written).unwrap(), read, "{written}");
        }
    }
}
