//! From a parse error's position to the JSON path of what was being read.
//!
//! serde_json reports the line and column of an error; this walks the text up
//! to that point, keeping track of the object members and array elements it
//! is inside. One small generic scanner instead of path-tracking wrappers
//! around every type's deserializer.

/// The byte offset of (1-based `line`, `column` bytes into it).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column).min(text.len())
}

enum Frame {
    /// An object, and the member being read (once its key is known).
    Object(Option<String>),
    /// An array, and the element being read.
    Array(usize),
}

/// The path (`producers[0].arrival.rate_per_s`) of the value being read at
/// byte `offset`; empty at the top level.
pub fn path_at(text: &str, offset: usize) -> String {
    paths_at(text, &[offset]).pop().unwrap_or_default()
}

/// [`path_at`] for each of `offsets` (ascending), in one walk of the text:
/// a file with many problems is not walked once per problem.
pub fn paths_at(text: &str, offsets: &[usize]) -> Vec<String> {
    let b = text.as_bytes();
    let end = offsets.last().map_or(0, |&o| o.min(b.len()));
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut out = Vec::with_capacity(offsets.len());
    let mut i = 0;
    while i < end {
        // The offsets reached: the path of what is read there.
        while out.len() < offsets.len() && offsets[out.len()] <= i {
            out.push(path_of(&stack));
        }
        match b[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(key)) => {
                    *key = None;
                    expect_key = true;
                }
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    let raw = &b[start..i.min(b.len())];
                    *key = Some(String::from_utf8_lossy(raw).into_owned());
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    while out.len() < offsets.len() {
        out.push(path_of(&stack));
    }
    out
}

/// The path the frames on `stack` spell.
fn path_of(stack: &[Frame]) -> String {
    let mut path = String::new();
    for f in stack {
        match f {
            Frame::Object(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object(None) => break,
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_at_positions() {
        let text = "{\"producers\": [{\"name\": \"a\"}, {\"arrival\": {\"rate\": \"fast\"}}],\n \"x\": 1}";
        let at = |needle: &str| path_at(text, text.find(needle).unwrap() + needle.len());
        assert_eq!(at("\"fast\""), "producers[1].arrival.rate");
        assert_eq!(at("\"a\""), "producers[0].name");
        assert_eq!(at("\"x\""), "x");
        assert_eq!(path_at(text, 1), "");
        assert_eq!(offset_of("ab\ncd\nef", 3, 1), 7);
        // Never panics, whatever it is given.
        assert_eq!(path_at("\"unterminated", 100), "");
        let _ = path_at("{\"k\\\"\": [", 9);
        // One walk gives what a walk per offset gives.
        let offsets: Vec<usize> = (0..=text.len() + 3).collect();
        let one_by_one: Vec<String> = offsets.iter().map(|&o| path_at(text, o)).collect();
        assert_eq!(paths_at(text, &offsets), one_by_one);
    }
}
