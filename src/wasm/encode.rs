//! What the JavaScript side reads, built without any JS type so that native
//! `cargo test` checks it.
//!
//! Crossing the wasm boundary is the expensive part of a validation (building
//! a JS object field by field from Rust costs more than parsing), so a report
//! is handed over as a few `u32` words in wasm memory that `pkg-template/core.js`
//! decodes: strings are *spans* of the body the caller already holds, and only
//! strings that needed unescaping are copied, into a scratch buffer. Rare
//! things (issues, catalogue entries) cross as JSON text.
//!
//! Layout of the words (all `u32`), see `decodeReport` in core.js:
//!
//! | word | meaning |
//! | --- | --- |
//! | 0 | flags: bit 0 valid, bit 1 has event, bit 2 has issues, bit 3 body is ASCII |
//! | 1 | catalogue index + 1 of the event (0: not in the catalogue) |
//! | 2..8 | `resource_id`, `resource_id_type`, `event_type` as string refs |
//! | 8 | number of `changed_fields` items, or `ABSENT` |
//! | .. | that many string refs |
//! | n | number of extra members, then per member: key ref, kind, value ref |
//!
//! A string ref is two words `start, end`: byte offsets into the body, or into
//! the scratch buffer when `start` has bit 31 set.

use crate::json::{Member, Value};
use crate::validate::{Event, Issue, Report};
use crate::EventSpec;
use std::borrow::Cow;

/// Flag bits of word 0.
pub const VALID: u32 = 1;
/// Word 0: the report carries an event.
pub const HAS_EVENT: u32 = 2;
/// Word 0: issues are waiting (fetched separately as JSON).
pub const HAS_ISSUES: u32 = 4;
/// Word 0: every byte of the body is ASCII, so byte offsets are also UTF-16
/// offsets and JS can slice its own string.
pub const ASCII: u32 = 8;
/// `changed_fields` absent.
pub const ABSENT: u32 = u32::MAX;
/// A string ref into the scratch buffer.
pub const IN_SCRATCH: u32 = 1 << 31;

/// Kinds of extra member values.
pub mod kind {
    /// A string ref follows.
    pub const STRING: u32 = 0;
    /// `null` (the ref is unused).
    pub const NULL: u32 = 1;
    /// Any other JSON value: the ref is its JSON text in the scratch buffer.
    pub const JSON: u32 = 2;
}

/// Reusable buffers: one allocation for the life of the instance, not per event.
#[derive(Default)]
pub struct Encoder {
    /// The words described in the module docs.
    pub words: Vec<u32>,
    /// Unescaped strings and re-serialized non-string values.
    pub scratch: Vec<u8>,
}

impl Encoder {
    /// Encodes `report`, whose borrowed strings point into `body`.
    pub fn encode(&mut self, body: &[u8], report: &Report<'_>) {
        self.words.clear();
        self.scratch.clear();
        let mut flags = 0;
        if report.valid {
            flags |= VALID;
        }
        if report.event.is_some() {
            flags |= HAS_EVENT;
        }
        if !report.issues.is_empty() {
            flags |= HAS_ISSUES;
        }
        if body.is_ascii() {
            flags |= ASCII;
        }
        self.words.push(flags);
        self.words.push(report.spec.map_or(0, |s| catalogue_index(s) + 1));
        if let Some(event) = &report.event {
            self.event(body, event);
        }
    }

    fn event(&mut self, body: &[u8], event: &Event<'_>) {
        self.string(body, &event.resource_id);
        self.string(body, &event.resource_id_type);
        self.string(body, &event.event_type);
        match &event.changed_fields {
            None => self.words.push(ABSENT),
            Some(items) => {
                self.words.push(len_u32(items.len()));
                for item in items {
                    self.string(body, item);
                }
            }
        }
        self.words.push(len_u32(event.extra.len()));
        for Member { key, value, .. } in &event.extra {
            self.string(body, key);
            match &value.value {
                Value::String(s) => {
                    self.words.push(kind::STRING);
                    self.string(body, s);
                }
                Value::Null => {
                    self.words.push(kind::NULL);
                    self.words.extend([0, 0]);
                }
                other => {
                    self.words.push(kind::JSON);
                    let start = self.scratch.len();
                    let mut text = String::new();
                    other.write_json(&mut text);
                    self.scratch.extend_from_slice(text.as_bytes());
                    self.push_ref(start | IN_SCRATCH as usize, self.scratch.len());
                }
            }
        }
    }

    /// A borrowed string is a span of `body`; an unescaped one is copied.
    fn string(&mut self, body: &[u8], s: &Cow<'_, str>) {
        if let Cow::Borrowed(b) = s {
            if let Some(start) = offset_in(body, b) {
                self.push_ref(start, start + b.len());
                return;
            }
        }
        let start = self.scratch.len();
        self.scratch.extend_from_slice(s.as_bytes());
        self.push_ref(start | IN_SCRATCH as usize, self.scratch.len());
    }

    fn push_ref(&mut self, start: usize, end: usize) {
        self.words.push(len_u32(start));
        self.words.push(len_u32(end));
    }
}

/// Byte offset of `part` inside `whole`, when it is a sub-slice of it.
fn offset_in(whole: &[u8], part: &str) -> Option<usize> {
    let whole_start = whole.as_ptr() as usize;
    let part_start = part.as_ptr() as usize;
    (part_start >= whole_start && part_start + part.len() <= whole_start + whole.len()).then(|| part_start - whole_start)
}

fn len_u32(n: usize) -> u32 {
    // Bodies are limited far below 2^31 bytes (max_bytes is checked first).
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Position of `spec` in [`crate::catalogue::all`].
pub fn catalogue_index(spec: &'static EventSpec) -> u32 {
    let all = crate::catalogue::all();
    let at = (spec as *const EventSpec as usize - all.as_ptr() as usize) / std::mem::size_of::<EventSpec>();
    len_u32(at)
}

/// Issues as a JSON array of `{code, severity, path, message, line?, column?}`.
pub fn issues_json(issues: &[Issue]) -> String {
    let mut o = String::from("[");
    for (i, issue) in issues.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str("{\"code\":");
        json_string(&mut o, issue.code.as_str());
        o.push_str(",\"severity\":");
        json_string(&mut o, issue.severity.as_str());
        o.push_str(",\"path\":");
        json_string(&mut o, &issue.path);
        o.push_str(",\"message\":");
        json_string(&mut o, &issue.message);
        if let (Some(line), Some(column)) = (issue.line, issue.column) {
            o.push_str(&format!(",\"line\":{line},\"column\":{column}"));
        }
        o.push('}');
    }
    o.push(']');
    o
}

/// One catalogue entry as the JS `EventInfo` (camelCase).
pub fn event_info_json(spec: &EventSpec) -> String {
    let mut o = String::from("{\"eventType\":");
    json_string(&mut o, spec.event_type);
    o.push_str(",\"resource\":");
    json_string(&mut o, spec.resource);
    o.push_str(",\"action\":");
    json_string(&mut o, spec.action);
    o.push_str(",\"category\":");
    json_opt(&mut o, spec.section.map(|s| s.as_str()));
    o.push_str(",\"resourceIdType\":");
    json_opt(&mut o, spec.resource_id_type);
    o.push_str(",\"description\":");
    json_string(&mut o, spec.description);
    o.push_str(",\"firesWhen\":");
    json_opt(&mut o, spec.fires_when);
    o.push_str(",\"mutations\":[");
    for (i, m) in spec.mutations.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        json_string(&mut o, m);
    }
    o.push_str("],\"extraFields\":[");
    for (i, f) in spec.extra_fields.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str("{\"name\":");
        json_string(&mut o, f.name);
        o.push_str(if f.nullable { ",\"nullable\":true" } else { ",\"nullable\":false" });
        o.push_str(",\"description\":");
        json_string(&mut o, f.description);
        o.push('}');
    }
    o.push_str("],\"documented\":");
    o.push_str(if spec.documented() { "true" } else { "false" });
    o.push('}');
    o
}

/// Every event name, newline-separated, in catalogue order.
pub fn event_names() -> String {
    let names: Vec<&str> = crate::catalogue::all().iter().map(|e| e.event_type).collect();
    names.join("\n")
}

fn json_opt(o: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_string(o, s),
        None => o.push_str("null"),
    }
}

/// Appends `s` as a JSON string literal.
pub fn json_string(o: &mut String, s: &str) {
    crate::json::write_json_string(o, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{validate, Mode, Options};

    fn text(body: &[u8], scratch: &[u8], start: u32, end: u32) -> String {
        let bytes = if start & IN_SCRATCH != 0 {
            &scratch[(start & !IN_SCRATCH) as usize..end as usize]
        } else {
            &body[start as usize..end as usize]
        };
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn spans_point_into_the_body_and_escapes_into_scratch() {
        let body = br#"{"resource_id":"7","resource_id_type":"Goal","event_type":"goal.created","changed_fields":[],"care_plan_id":null,"parent_id":"a\"b","user_id":"22","extra":[1,{"x":true}]}"#;
        let report = validate(body, &Options::new(Mode::Lenient));
        let mut enc = Encoder::default();
        enc.encode(body, &report);
        let w = &enc.words;
        assert_eq!(w[0], VALID | HAS_EVENT | HAS_ISSUES | ASCII); // unexpected_field warning
        let spec = crate::catalogue::lookup("goal.created").unwrap();
        assert_eq!(w[1], catalogue_index(spec) + 1);
        assert_eq!(crate::catalogue::all()[w[1] as usize - 1].event_type, "goal.created");
        assert_eq!(text(body, &enc.scratch, w[2], w[3]), "7");
        assert_eq!(text(body, &enc.scratch, w[6], w[7]), "goal.created");
        assert_eq!(w[8], 0);
        assert_eq!(w[9], 4); // extra members
        let mut at = 10;
        let mut got = Vec::new();
        for _ in 0..4 {
            let key = text(body, &enc.scratch, w[at], w[at + 1]);
            let kind = w[at + 2];
            let value = if kind == kind::NULL { "null".into() } else { text(body, &enc.scratch, w[at + 3], w[at + 4]) };
            got.push(format!("{key}={kind}:{value}"));
            at += 5;
        }
        assert_eq!(got, ["care_plan_id=1:null", "parent_id=0:a\"b", "user_id=0:22", "extra=2:[1,{\"x\":true}]"]);
        assert_eq!(at, w.len());
        assert!(w[18] & IN_SCRATCH != 0, "the escaped string was copied");
    }

    #[test]
    fn no_event_no_words_beyond_the_header() {
        let report = validate(b"[]", &Options::default());
        let mut enc = Encoder::default();
        enc.encode(b"[]", &report);
        assert_eq!(enc.words, [HAS_ISSUES | ASCII, 0]);
        let issues = issues_json(&report.issues);
        assert!(issues.starts_with("[{\"code\":\"not_an_object\",\"severity\":\"error\",\"path\":\"\""), "{issues}");
    }

    #[test]
    fn event_info_is_the_js_shape() {
        let spec = crate::catalogue::lookup("goal.deleted").unwrap();
        let v: serde_json::Value = serde_json::from_str(&event_info_json(spec)).unwrap();
        assert_eq!(v["eventType"], "goal.deleted");
        assert_eq!(v["category"], "Clinical");
        assert_eq!(v["resourceIdType"], "Goal");
        assert_eq!(v["extraFields"][0]["name"], "care_plan_id");
        assert_eq!(v["extraFields"][0]["nullable"], true);
        assert_eq!(v["documented"], true);
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            ["eventType", "resource", "action", "category", "resourceIdType", "description", "firesWhen", "mutations", "extraFields", "documented"]
        );
        let undocumented = crate::catalogue::lookup("appointment.transcript_failed").unwrap();
        let v: serde_json::Value = serde_json::from_str(&event_info_json(undocumented)).unwrap();
        assert_eq!(v["category"], serde_json::Value::Null);
        assert_eq!(v["documented"], false);
        assert_eq!(event_names().lines().count(), 179);
    }
}
