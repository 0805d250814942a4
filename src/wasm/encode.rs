//! What the JavaScript side reads, built without any JS type so that native
//! `cargo test` checks it.
//!
//! Crossing the wasm boundary is the expensive part of a validation (building
//! a JS object field by field from Rust costs more than parsing), so a report
//! is handed over as a few `u32` words in wasm memory that `pkg-template/core.js`
//! decodes: strings are *spans* of the body the caller already holds, and only
//! strings that needed unescaping (and issue texts) are copied, into a scratch
//! buffer. Only catalogue entries, built once per event type, cross as JSON.
//!
//! Layout of one report (all `u32`), see `readReport` in core.js:
//!
//! | word | meaning |
//! | --- | --- |
//! | 0 | flags: [`VALID`], [`HAS_EVENT`], [`HAS_ISSUES`], [`ASCII`], [`TYPE_AS_CATALOGUED`] |
//! | 1 | catalogue index + 1 of the event (0: not in the catalogue) |
//! | | *when `HAS_EVENT`:* |
//! | 2..8 | `resource_id`, `resource_id_type`, `event_type` as string refs |
//! | 8 | number of `changed_fields` items, or `ABSENT` |
//! | .. | that many string refs |
//! | n | number of extra members, then per member: key ref, kind word, value ref |
//! | | *when `HAS_ISSUES`:* |
//! | m | number of issues, then [`ISSUE_WORDS`] per issue: code index (in [`Code::ALL`]), severity (0 error, 1 warning), path ref, message ref, line, column (`ABSENT` when none) |
//!
//! A string ref is two words `start, end`: byte offsets into the body, or into
//! the scratch buffer when `start` has bit 31 set. A kind word is the value's
//! kind in its low byte and, when the key is one of the event's documented
//! extra fields, that field's index + 1 above ([`kind::FIELD_SHIFT`]), so JS
//! reuses the catalogue's interned key string instead of decoding one.
//!
//! A batch ([`Encoder::append`]) is reports back to back, spans relative to
//! the start of the chunk. A verification is [`VERIFICATION_WORDS`] words (see
//! [`Encoder::verification`]), followed by a report when one was asked for.

// Some items serve only the native tests and the fuzz targets.
#![cfg_attr(not(test), allow(dead_code))]

use crate::json::{Member, Value};
use crate::signature::{Verification, VerificationCode};
use crate::validate::{Code, Event, Issue, Report, Severity};
use crate::EventSpec;
use std::borrow::Cow;

/// Flag bits of word 0.
pub const VALID: u32 = 1;
/// Word 0: the report carries an event.
pub const HAS_EVENT: u32 = 2;
/// Word 0: issue words follow the event's.
pub const HAS_ISSUES: u32 = 4;
/// Word 0: every byte of the body is ASCII, so byte offsets are also UTF-16
/// offsets and JS can slice its own string.
pub const ASCII: u32 = 8;
/// Word 0: `resource_id_type` is exactly the catalogue's for the event, so JS
/// hands out the catalogue's string.
pub const TYPE_AS_CATALOGUED: u32 = 16;
/// `changed_fields` absent; also an absent line, column or string ref.
pub const ABSENT: u32 = u32::MAX;
/// A string ref into the scratch buffer.
pub const IN_SCRATCH: u32 = 1 << 31;
/// Words per issue.
pub const ISSUE_WORDS: usize = 8;
/// Words of a verification: code, valid, message, signed string and likely
/// cause refs, then the body's SHA-256 (8 words) when it is authentic.
pub const VERIFICATION_WORDS: usize = 16;

/// Kinds of extra member values (low byte of a kind word).
pub mod kind {
    /// A string ref follows.
    pub const STRING: u32 = 0;
    /// `null` (the ref is unused).
    pub const NULL: u32 = 1;
    /// Any other JSON value: the ref is its JSON text in the scratch buffer.
    pub const JSON: u32 = 2;
    /// The kind's bits of a kind word.
    pub const MASK: u32 = 0xff;
    /// A kind word holds the documented field's index + 1 from this bit on.
    pub const FIELD_SHIFT: u32 = 8;
}

/// Reusable buffers: one allocation for the life of the instance, not per event.
#[derive(Default)]
pub struct Encoder {
    /// The words described in the module docs.
    pub words: Vec<u32>,
    /// Unescaped strings, re-serialized non-string values, issue texts.
    pub scratch: Vec<u8>,
}

impl Encoder {
    /// Encodes `report`, whose borrowed strings point into `body`, replacing
    /// whatever the buffers held.
    pub fn encode(&mut self, body: &[u8], report: &Report<'_>) {
        self.words.clear();
        self.scratch.clear();
        self.append(body, 0, report);
    }

    /// Appends `report` after what the buffers hold (a batch); spans of
    /// `body` are written as offsets from `base`.
    pub fn append(&mut self, body: &[u8], base: usize, report: &Report<'_>) {
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
        if let (Some(event), Some(expected)) = (&report.event, report.spec.and_then(|s| s.resource_id_type)) {
            if event.resource_id_type == expected {
                flags |= TYPE_AS_CATALOGUED;
            }
        }
        self.words.push(flags);
        self.words.push(report.spec.map_or(0, |s| catalogue_index(s) + 1));
        if let Some(event) = &report.event {
            self.event(body, base, event, report.spec);
        }
        if !report.issues.is_empty() {
            self.issues(&report.issues);
        }
    }

    fn event(&mut self, body: &[u8], base: usize, event: &Event<'_>, spec: Option<&'static EventSpec>) {
        self.string(body, base, &event.resource_id);
        self.string(body, base, &event.resource_id_type);
        self.string(body, base, &event.event_type);
        match &event.changed_fields {
            None => self.words.push(ABSENT),
            Some(items) => {
                self.words.push(len_u32(items.len()));
                for item in items {
                    self.string(body, base, item);
                }
            }
        }
        self.words.push(len_u32(event.extra.len()));
        let documented = spec.map_or(&[][..], |s| s.extra_fields);
        for Member { key, value, .. } in &event.extra {
            self.string(body, base, key);
            let field = documented.iter().position(|f| f.name == key).map_or(0, |i| len_u32(i + 1) << kind::FIELD_SHIFT);
            match &value.value {
                Value::String(s) => {
                    self.words.push(kind::STRING | field);
                    self.string(body, base, s);
                }
                Value::Null => {
                    self.words.push(kind::NULL | field);
                    self.words.extend([0, 0]);
                }
                other => {
                    self.words.push(kind::JSON | field);
                    let mut text = String::new();
                    other.write_json(&mut text);
                    self.scratch_ref(&text);
                }
            }
        }
    }

    fn issues(&mut self, issues: &[Issue]) {
        self.words.push(len_u32(issues.len()));
        for issue in issues {
            self.words.push(code_index(issue.code));
            self.words.push(match issue.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
            });
            self.scratch_ref(&issue.path);
            self.scratch_ref(&issue.message);
            self.words.push(issue.line.unwrap_or(ABSENT));
            self.words.push(issue.column.unwrap_or(ABSENT));
        }
    }

    /// Replaces the buffers' content with a verification: code index (in
    /// [`VerificationCode::ALL`]), valid (0/1), then refs to the message, the
    /// signed string and the likely cause (`ABSENT, ABSENT` when none).
    pub fn verification(&mut self, v: &Verification, body_digest: Option<&[u8; 32]>) {
        self.words.clear();
        self.scratch.clear();
        self.words.push(verification_index(v.code));
        self.words.push(u32::from(v.is_valid()));
        self.scratch_ref(&v.message);
        match &v.signed_string {
            Some(s) => self.scratch_ref(s),
            None => self.words.extend([ABSENT, ABSENT]),
        }
        match v.likely_cause {
            Some(s) => self.scratch_ref(s),
            None => self.words.extend([ABSENT, ABSENT]),
        }
        // Zero when there is none.
        self.digest(&body_digest.copied().unwrap_or([0; 32]));
    }

    /// Appends a SHA-256 as 8 words holding its 32 bytes in memory order
    /// (little-endian words): JS hex-encodes the bytes where they lie.
    pub fn digest(&mut self, digest: &[u8; 32]) {
        self.words.extend(digest.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
    }

    /// A borrowed string is a span of `body`; an unescaped one is copied.
    fn string(&mut self, body: &[u8], base: usize, s: &Cow<'_, str>) {
        if let Cow::Borrowed(b) = s {
            if let Some(start) = offset_in(body, b) {
                self.push_ref(base + start, base + start + b.len());
                return;
            }
        }
        self.scratch_ref(s);
    }

    fn scratch_ref(&mut self, s: &str) {
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

/// Position of `code` in [`Code::ALL`] (JS reads the names from [`code_names`]).
pub fn code_index(code: Code) -> u32 {
    len_u32(Code::ALL.iter().position(|&c| c == code).unwrap_or(0))
}

/// Position of `code` in [`VerificationCode::ALL`].
pub fn verification_index(code: VerificationCode) -> u32 {
    len_u32(VerificationCode::ALL.iter().position(|&c| c == code).unwrap_or(0))
}

/// The names of the issue codes, then of the verification codes, in index
/// order: two newline-separated lists joined by a blank line.
pub fn code_names() -> String {
    let issues: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let verifications: Vec<&str> = VerificationCode::ALL.iter().map(|c| c.as_str()).collect();
    format!("{}\n\n{}", issues.join("\n"), verifications.join("\n"))
}

/// Position of `spec` in [`crate::catalogue::all`].
pub fn catalogue_index(spec: &'static EventSpec) -> u32 {
    let all = crate::catalogue::all();
    let at = (spec as *const EventSpec as usize - all.as_ptr() as usize) / std::mem::size_of::<EventSpec>();
    len_u32(at)
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

    /// Walks one report the way core.js does; returns the words after it
    /// and a readable rendering.
    fn walk(body: &[u8], enc: &Encoder, mut at: usize) -> (usize, Vec<String>) {
        let w = &enc.words;
        let t = |a: u32, b: u32| text(body, &enc.scratch, a, b);
        let mut out = vec![format!("flags={} spec={}", w[at], w[at + 1])];
        let flags = w[at];
        at += 2;
        if flags & HAS_EVENT != 0 {
            out.push(format!("{} {} {}", t(w[at], w[at + 1]), t(w[at + 2], w[at + 3]), t(w[at + 4], w[at + 5])));
            at += 6;
            let changed = w[at];
            at += 1;
            if changed != ABSENT {
                let items: Vec<String> = (0..changed as usize).map(|i| t(w[at + 2 * i], w[at + 2 * i + 1])).collect();
                out.push(format!("changed={items:?}"));
                at += 2 * changed as usize;
            }
            let extra = w[at];
            at += 1;
            for _ in 0..extra {
                let key = t(w[at], w[at + 1]);
                let (kind, field) = (w[at + 2] & kind::MASK, w[at + 2] >> kind::FIELD_SHIFT);
                let value = if kind == kind::NULL { "null".into() } else { t(w[at + 3], w[at + 4]) };
                out.push(format!("{key}={kind}:{value} field={field}"));
                at += 5;
            }
        }
        if flags & HAS_ISSUES != 0 {
            let n = w[at] as usize;
            at += 1;
            for _ in 0..n {
                let code = Code::ALL[w[at] as usize].as_str();
                let line = if w[at + 6] == ABSENT { "-".to_string() } else { format!("{}:{}", w[at + 6], w[at + 7]) };
                out.push(format!("{code} sev={} path={} at={line} {}", w[at + 1], t(w[at + 2], w[at + 3]), t(w[at + 4], w[at + 5])));
                at += ISSUE_WORDS;
            }
        }
        (at, out)
    }

    #[test]
    fn spans_point_into_the_body_and_escapes_into_scratch() {
        let body = br#"{"resource_id":"7","resource_id_type":"Goal","event_type":"goal.created","changed_fields":[],"care_plan_id":null,"parent_id":"a\"b","user_id":"22","extra":[1,{"x":true}]}"#;
        let report = validate(body, &Options::new(Mode::Lenient));
        let mut enc = Encoder::default();
        enc.encode(body, &report);
        let w = &enc.words;
        assert_eq!(w[0], VALID | HAS_EVENT | HAS_ISSUES | ASCII | TYPE_AS_CATALOGUED); // unexpected_field warning
        let spec = crate::catalogue::lookup("goal.created").unwrap();
        assert_eq!(w[1], catalogue_index(spec) + 1);
        assert_eq!(crate::catalogue::all()[w[1] as usize - 1].event_type, "goal.created");
        assert_eq!(text(body, &enc.scratch, w[2], w[3]), "7");
        assert_eq!(text(body, &enc.scratch, w[6], w[7]), "goal.created");
        assert!(w[18] & IN_SCRATCH != 0, "the escaped string was copied");
        let field = |name: &str| spec.extra_fields.iter().position(|f| f.name == name).unwrap() + 1;
        let (end, got) = walk(body, &enc, 0);
        assert_eq!(end, w.len());
        assert_eq!(
            got,
            [
                format!("flags={} spec={}", w[0], w[1]),
                "7 Goal goal.created".to_string(),
                "changed=[]".to_string(),
                format!("care_plan_id=1:null field={}", field("care_plan_id")),
                format!("parent_id=0:a\"b field={}", field("parent_id")),
                format!("user_id=0:22 field={}", field("user_id")),
                "extra=2:[1,{\"x\":true}] field=0".to_string(),
                "unexpected_field sev=1 path=/extra at=- \"extra\" is not a documented field of goal.created".to_string(),
            ]
        );
    }

    #[test]
    fn a_resource_type_other_than_the_catalogues_is_not_flagged() {
        let body = br#"{"resource_id":"7","resource_id_type":"Goals","event_type":"goal.created","changed_fields":[]}"#;
        let mut enc = Encoder::default();
        enc.encode(body, &validate(body, &Options::default()));
        assert_eq!(enc.words[0] & TYPE_AS_CATALOGUED, 0);
    }

    #[test]
    fn no_event_no_words_beyond_the_header_and_the_issues() {
        let body = b"{\n  \"a\": x}";
        let report = validate(body, &Options::default());
        let mut enc = Encoder::default();
        enc.encode(body, &report);
        assert_eq!(enc.words[..2], [HAS_ISSUES | ASCII, 0]);
        let (end, got) = walk(body, &enc, 0);
        assert_eq!(end, enc.words.len());
        assert_eq!(got[1], format!("invalid_json sev=0 path= at=2:8 {}", report.issues[0].message));
    }

    #[test]
    fn a_batch_is_reports_back_to_back_with_chunk_offsets() {
        let chunk = "{\"resource_id\":\"1\",\"resource_id_type\":\"Goal\",\"event_type\":\"goal.created\",\"changed_fields\":[],\"user_id\":\"é\"}\n[]\n".as_bytes();
        let mut enc = Encoder::default();
        let mut base = 0;
        for line in chunk.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let report = validate(line, &Options::default());
            enc.append(line, base, &report);
            base += line.len() + 1;
        }
        let (next, first) = walk(chunk, &enc, 0);
        assert_eq!(first[1], "1 Goal goal.created");
        assert!(first.iter().any(|l| l.starts_with("user_id=0:é")), "{first:?}");
        assert_eq!(enc.words[0] & ASCII, 0);
        let (end, second) = walk(chunk, &enc, next);
        assert_eq!(end, enc.words.len());
        assert!(second[1].starts_with("not_an_object sev=0 path= at=-"), "{second:?}");
    }

    #[test]
    fn verification_words() {
        use crate::signature::{sign, verify, verify_keeping_digest, Headers, Request, Secret};
        let secret = Secret::new("s").unwrap();
        let body = b"{}";
        let signed = sign("POST", "/p", "", body, &secret);
        let headers = Headers { content_digest: Some(&signed.content_digest), signature: Some(&signed.signature), ..Headers::default() };
        let request = Request { method: "POST", path: "/p", query: "", headers, body };
        let mut enc = Encoder::default();
        let (verification, digest) = verify_keeping_digest(&request, std::slice::from_ref(&secret)).unwrap();
        enc.verification(&verification, digest.as_ref());
        let w = enc.words.clone();
        assert_eq!(w.len(), VERIFICATION_WORDS);
        assert_eq!((VerificationCode::ALL[w[0] as usize], w[1]), (VerificationCode::Valid, 1));
        assert_eq!(text(b"", &enc.scratch, w[2], w[3]), "");
        assert!(text(b"", &enc.scratch, w[4], w[5]).starts_with("post /p  "));
        assert_eq!([w[6], w[7]], [ABSENT, ABSENT]);
        // SHA-256("{}"), as bytes in memory order.
        let bytes: Vec<u8> = w[8..].iter().flat_map(|word| word.to_le_bytes()).collect();
        assert_eq!(bytes[..4], [0x44, 0x13, 0x6f, 0xa3]);
        assert_eq!(bytes[28..], [0x1c, 0xaa, 0xff, 0x8a]);
        let wrong = Request { path: "/q", ..request };
        let (verification, digest) = verify_keeping_digest(&wrong, std::slice::from_ref(&secret)).unwrap();
        assert_eq!((verification.clone(), digest), (verify(&wrong, &[secret]).unwrap(), None), "no digest unless authentic");
        enc.verification(&verification, digest.as_ref());
        assert_eq!(VerificationCode::ALL[enc.words[0] as usize], VerificationCode::SignatureMismatch);
        assert!(text(b"", &enc.scratch, enc.words[6], enc.words[7]).contains("path"));
        assert_eq!(enc.words[8..], [0; 8]);
    }

    #[test]
    fn code_names_list_both_enums_in_index_order() {
        let names = code_names();
        let (issues, verifications) = names.split_once("\n\n").unwrap();
        assert_eq!(issues.lines().collect::<Vec<_>>(), Code::ALL.map(|c| c.as_str()));
        assert_eq!(verifications.lines().collect::<Vec<_>>(), VerificationCode::ALL.map(|c| c.as_str()));
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
