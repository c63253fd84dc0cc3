//! Where the format wants an object, an array is refused.
//!
//! serde reads a struct from a JSON array too (its fields by position), so
//! `[1, "name", …]` would pass for a scenario. Nobody writes that on purpose,
//! and a file that does is surely not what its author meant: this walk, along
//! the format's shape only (never deeper than it), names every place an
//! object belongs but an array stands.

use serde_json::Value;

/// `v` if it is an object; notes `path` if it is an array.
fn object<'a>(v: Option<&'a Value>, path: String, bad: &mut Vec<String>) -> Option<&'a Value> {
    if matches!(v, Some(Value::Array(_))) {
        bad.push(path);
    }
    v.filter(|v| v.is_object())
}

/// The items of `v` if it is an array.
fn items(v: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    v.and_then(Value::as_array).into_iter().flat_map(|a| a.iter().enumerate())
}

/// Paths where an array stands in place of an object (`""`: the document).
pub(super) fn arrays_for_objects(doc: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    if !doc.is_object() {
        // The document itself: nothing inside can be read as intended.
        bad.push(String::new());
        return bad;
    }
    let b = &mut bad;
    if let Some(net) = object(doc.get("network"), "network".into(), b) {
        if let Some(d) = object(net.get("default"), "network.default".into(), b) {
            object(d.get("latency"), "network.default.latency".into(), b);
            for (i, w) in items(d.get("outages")) {
                object(Some(w), format!("network.default.outages[{i}]"), b);
            }
        }
        for (i, l) in items(net.get("links")) {
            let p = format!("network.links[{i}]");
            if let Some(l) = object(Some(l), p.clone(), b) {
                object(l.get("latency"), format!("{p}.latency"), b);
                for (j, w) in items(l.get("outages")) {
                    object(Some(w), format!("{p}.outages[{j}]"), b);
                }
            }
        }
    }
    for (i, p) in items(doc.get("producers")) {
        let path = format!("producers[{i}]");
        if let Some(p) = object(Some(p), path.clone(), b) {
            object(p.get("arrival"), format!("{path}.arrival"), b);
            if let Some(send) = object(p.get("send"), format!("{path}.send"), b) {
                object(send.get("backoff"), format!("{path}.send.backoff"), b);
            }
        }
    }
    for (i, q) in items(doc.get("queues")) {
        object(Some(q), format!("queues[{i}]"), b);
    }
    for (i, c) in items(doc.get("consumers")) {
        let path = format!("consumers[{i}]");
        if let Some(c) = object(Some(c), path.clone(), b) {
            object(c.get("processing"), format!("{path}.processing"), b);
            object(c.get("idempotency"), format!("{path}.idempotency"), b);
            if let Some(crash) = object(c.get("crash"), format!("{path}.crash"), b) {
                for (j, s) in items(crash.get("schedule")) {
                    object(Some(s), format!("{path}.crash.schedule[{j}]"), b);
                }
            }
            if let Some(publish) = object(c.get("publish"), format!("{path}.publish"), b)
                && let Some(send) = object(publish.get("send"), format!("{path}.publish.send"), b)
            {
                object(send.get("backoff"), format!("{path}.publish.send.backoff"), b);
            }
        }
    }
    for (i, x) in items(doc.get("exchanges")) {
        let path = format!("exchanges[{i}]");
        if let Some(x) = object(Some(x), path.clone(), b) {
            for (j, binding) in items(x.get("bindings")) {
                object(Some(binding), format!("{path}.bindings[{j}]"), b);
            }
        }
    }
    for (i, c) in items(doc.get("crashes")) {
        object(Some(c), format!("crashes[{i}]"), b);
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_refused_where_objects_belong() {
        let doc: Value = serde_json::from_str(r#"[1, "x"]"#).unwrap();
        assert_eq!(arrays_for_objects(&doc), vec![""]);
        let doc: Value = serde_json::from_str(
            r#"{"producers":[[1],{"send":{"backoff":[2]}}],"consumers":[{"crash":{"schedule":[[0,1,2]]}}],
                "network":{"default":{"latency":[3]}}}"#,
        )
        .unwrap();
        assert_eq!(
            arrays_for_objects(&doc),
            vec![
                "network.default.latency",
                "producers[0]",
                "producers[1].send.backoff",
                "consumers[0].crash.schedule[0]"
            ]
        );
        let ok: Value = serde_json::from_str(r#"{"producers":[{"name":"a"}],"queues":[{}]}"#).unwrap();
        assert!(arrays_for_objects(&ok).is_empty());
    }
}
