//! Validation of a webhook body against the envelope rules and the catalogue.
//!
//! Bad input is never an `Err`: it is a [`Report`] with issues. The rules and
//! their severities are listed on [`Code`].

use std::borrow::Cow;

use crate::catalogue::{self, EventSpec};
use crate::json::{self, Member, Node, Value};

/// How strictly the catalogue is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// For receivers: catalogue rules are warnings, so a genuine delivery is
    /// never rejected because Healthie added an event or a field.
    #[default]
    Lenient,
    /// For contract tests and inspectors: catalogue rules are errors.
    Strict,
}

impl Mode {
    /// `"lenient"` or `"strict"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Lenient => "lenient",
            Mode::Strict => "strict",
        }
    }

    /// Parses `"lenient"` or `"strict"`.
    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "lenient" => Some(Mode::Lenient),
            "strict" => Some(Mode::Strict),
            _ => None,
        }
    }
}

/// Limits and mode for [`validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Lenient (default) or strict.
    pub mode: Mode,
    /// Largest body accepted, in bytes (default 1 MiB: real deliveries are
    /// a few hundred bytes).
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects accepted (default 64: real
    /// deliveries nest two levels).
    pub max_depth: usize,
}

impl Options {
    /// The default limit on body size: 1 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 1 << 20;
    /// The default limit on nesting depth.
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    /// The largest depth limit honoured: the parser recurses once per level,
    /// and deeper limits could exhaust a 1 MiB stack (wasm's default) before
    /// the limit is reached. Larger `max_depth` values are treated as this.
    pub const MAX_DEPTH: usize = 256;

    /// Default options in `mode`.
    pub const fn new(mode: Mode) -> Options {
        Options { mode, max_bytes: Self::DEFAULT_MAX_BYTES, max_depth: Self::DEFAULT_MAX_DEPTH }
    }
}

impl Default for Options {
    fn default() -> Options {
        Options::new(Mode::Lenient)
    }
}

/// Whether an issue makes the body invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The body is invalid.
    Error,
    /// Worth knowing; the body is still valid.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The stable code of an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// Not JSON, not UTF-8, trailing data, or nested too deep (envelope: always an error).
    InvalidJson,
    /// Larger than the size limit (envelope).
    BodyTooLarge,
    /// The top level is not an object (envelope).
    NotAnObject,
    /// A key repeats in one object, anywhere in the body (envelope).
    DuplicateKey,
    /// A standard field is absent: an error for `resource_id`,
    /// `resource_id_type`, `event_type`; catalogue severity for `changed_fields`.
    MissingField,
    /// A standard field (envelope) or documented extra field (catalogue) has the wrong JSON type.
    WrongType,
    /// `resource_id` or `resource_id_type` is `""` (envelope).
    EmptyValue,
    /// `event_type` is not `<resource>.<action>` in `[a-z0-9_]` (envelope).
    MalformedEventType,
    /// A well-formed name the catalogue does not know (catalogue).
    UnknownEventType,
    /// `resource_id_type` differs from the catalogue's for the event (catalogue).
    ResourceTypeMismatch,
    /// `changed_fields` non-empty on a `created` or `deleted` event (catalogue).
    ChangedFieldsNotEmpty,
    /// A documented extra field is absent (catalogue).
    MissingExtraField,
    /// A documented extra field is `null` but may not be (catalogue).
    NullNotAllowed,
    /// A field that is neither standard nor documented for the event (always a warning).
    UnexpectedField,
}

impl Code {
    /// The stable snake_case name, as in reports and docs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::InvalidJson => "invalid_json",
            Code::BodyTooLarge => "body_too_large",
            Code::NotAnObject => "not_an_object",
            Code::DuplicateKey => "duplicate_key",
            Code::MissingField => "missing_field",
            Code::WrongType => "wrong_type",
            Code::EmptyValue => "empty_value",
            Code::MalformedEventType => "malformed_event_type",
            Code::UnknownEventType => "unknown_event_type",
            Code::ResourceTypeMismatch => "resource_type_mismatch",
            Code::ChangedFieldsNotEmpty => "changed_fields_not_empty",
            Code::MissingExtraField => "missing_extra_field",
            Code::NullNotAllowed => "null_not_allowed",
            Code::UnexpectedField => "unexpected_field",
        }
    }

    /// Every code, for docs and exhaustive tests.
    pub const ALL: [Code; 14] = [
        Code::InvalidJson,
        Code::BodyTooLarge,
        Code::NotAnObject,
        Code::DuplicateKey,
        Code::MissingField,
        Code::WrongType,
        Code::EmptyValue,
        Code::MalformedEventType,
        Code::UnknownEventType,
        Code::ResourceTypeMismatch,
        Code::ChangedFieldsNotEmpty,
        Code::MissingExtraField,
        Code::NullNotAllowed,
        Code::UnexpectedField,
    ];
}

/// One finding about a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The stable code.
    pub code: Code,
    /// Error or warning (depends on the rule and the mode).
    pub severity: Severity,
    /// JSON Pointer to the offending place; `""` is the whole body.
    pub path: String,
    /// A sentence for people.
    pub message: String,
    /// 1-based line, for `invalid_json` and `duplicate_key`.
    pub line: Option<u32>,
    /// 1-based column in characters, for `invalid_json` and `duplicate_key`.
    pub column: Option<u32>,
    /// Byte offset the issue refers to (orders issues in document order).
    pub offset: usize,
}

/// The event carried by a body whose envelope is sound.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'a> {
    /// ID of the affected record.
    pub resource_id: Cow<'a, str>,
    /// GraphQL type name of the record.
    pub resource_id_type: Cow<'a, str>,
    /// `<resource>.<action>`.
    pub event_type: Cow<'a, str>,
    /// Fields that changed; `None` when the body omits `changed_fields`.
    pub changed_fields: Option<Vec<Cow<'a, str>>>,
    /// Every other top-level member, in document order (documented extra
    /// fields and any field Healthie added since).
    pub extra: Vec<Member<'a>>,
}

impl<'a> Event<'a> {
    /// The extra member called `name`.
    pub fn field(&self, name: &str) -> Option<&Value<'a>> {
        self.extra.iter().find(|m| m.key == name).map(|m| &m.value.value)
    }
}

/// The verdict on one body.
#[derive(Debug, Clone, PartialEq)]
pub struct Report<'a> {
    /// No issue has severity error.
    pub valid: bool,
    /// The mode the report was made in.
    pub mode: Mode,
    /// The event, when the envelope is sound.
    pub event: Option<Event<'a>>,
    /// The event's catalogue entry, when the name is known.
    pub spec: Option<&'static EventSpec>,
    /// Issues in document order.
    pub issues: Vec<Issue>,
}

impl Report<'_> {
    /// Issues of severity error.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }
}


/// Validates a UTF-8 body held as text.
pub fn validate_str<'a>(body: &'a str, options: &Options) -> Report<'a> {
    validate(body.as_bytes(), options)
}

/// Parses, classifies and validates a raw body.
///
/// ```
/// use healthie_webhooks::{validate, Options, Mode};
/// let body = br#"{"resource_id":"1","resource_id_type":"Appointment","event_type":"appointment.created","changed_fields":[],"resource_organization_id":"7"}"#;
/// let report = validate(body, &Options::new(Mode::Strict));
/// assert!(report.valid);
/// assert_eq!(report.spec.unwrap().resource, "appointment");
/// ```
pub fn validate<'a>(body: &'a [u8], options: &Options) -> Report<'a> {
    let mut check = Check { issues: Vec::new(), mode: options.mode, known: None };
    let (event, spec) = check.body(body, options);
    let mut issues = check.issues;
    issues.sort_by_key(|i| i.offset); // stable: same-offset issues keep rule order
    let valid = !issues.iter().any(|i| i.severity == Severity::Error);
    Report { valid, mode: options.mode, event, spec, issues }
}

/// The report [`validate`] gives for a body of `len` bytes over
/// `options.max_bytes`, for callers that know the length before holding the
/// bytes (the JS binding does not copy an oversized body into wasm memory).
pub fn too_large_report(len: usize, options: &Options) -> Report<'static> {
    debug_assert!(len > options.max_bytes);
    let mut check = Check { issues: Vec::new(), mode: options.mode, known: None };
    check.too_large(len, options.max_bytes);
    Report { valid: false, mode: options.mode, event: None, spec: None, issues: check.issues }
}

/// Looks up an event's catalogue entry: [`catalogue::lookup`] under the name
/// users search for.
pub fn classify(event_type: &str) -> Option<&'static EventSpec> {
    catalogue::lookup(event_type)
}

/// Where the standard fields' values start, for document order.
#[derive(Default)]
struct Offsets {
    resource_id_type: usize,
    event_type: usize,
    changed_fields: usize,
}

struct Check {
    issues: Vec<Issue>,
    mode: Mode,
    /// The catalogue entry of `event_type`, looked up once while checking
    /// the name's form (a known name is well-formed).
    known: Option<&'static EventSpec>,
}

impl Check {
    fn error(&mut self, code: Code, path: String, offset: usize, message: String) {
        self.push(code, Severity::Error, path, offset, message);
    }

    /// A catalogue rule: an error in strict mode, a warning in lenient mode.
    fn catalogue(&mut self, code: Code, path: String, offset: usize, message: String) {
        let severity = match self.mode {
            Mode::Strict => Severity::Error,
            Mode::Lenient => Severity::Warning,
        };
        self.push(code, severity, path, offset, message);
    }

    fn push(&mut self, code: Code, severity: Severity, path: String, offset: usize, message: String) {
        self.issues.push(Issue { code, severity, path, message, line: None, column: None, offset });
    }

    fn too_large(&mut self, len: usize, max_bytes: usize) {
        let message = format!("the body is {len} bytes, over the limit of {max_bytes} bytes");
        self.error(Code::BodyTooLarge, String::new(), 0, message);
    }

    fn body<'a>(&mut self, body: &'a [u8], options: &Options) -> (Option<Event<'a>>, Option<&'static EventSpec>) {
        if body.len() > options.max_bytes {
            self.too_large(body.len(), options.max_bytes);
            return (None, None);
        }
        let root = match json::parse(body, options.max_depth.min(Options::MAX_DEPTH)) {
            Ok(root) => root,
            Err(e) => {
                let (code, path) = match &e.kind {
                    json::ErrorKind::DuplicateKey { path } => (Code::DuplicateKey, path.clone()),
                    _ => (Code::InvalidJson, String::new()),
                };
                let what = match &e.kind {
                    // "ends in the middle of a value" puzzles people when there is no value at all.
                    json::ErrorKind::UnexpectedEnd if body.is_empty() => "the body is empty, not a JSON object".to_string(),
                    json::ErrorKind::UnexpectedEnd if body.iter().all(|b| b" \t\r\n".contains(b)) => {
                        "the body holds only whitespace, not a JSON object".to_string()
                    }
                    // Say what was found: "expected a JSON value" alone does not point at `NaN`.
                    json::ErrorKind::Unexpected { .. } => match found_at(body, e.offset) {
                        Some(c) => format!("{}, found {c:?}", e.message()),
                        None => e.message(),
                    },
                    _ => e.message(),
                };
                let message = format!("{what} (line {}, column {})", e.line, e.column);
                self.issues.push(Issue {
                    code,
                    severity: Severity::Error,
                    path,
                    message,
                    line: Some(e.line),
                    column: Some(e.column),
                    offset: e.offset,
                });
                return (None, None);
            }
        };
        let members = match root.value {
            Value::Object(members) => members,
            other => {
                let message = format!("the body must be a JSON object, not {}", a_type(&other));
                self.error(Code::NotAnObject, String::new(), root.offset, message);
                return (None, None);
            }
        };
        let end = body.len();
        self.envelope(members, end)
    }

    fn envelope<'a>(&mut self, members: Vec<Member<'a>>, end: usize) -> (Option<Event<'a>>, Option<&'static EventSpec>) {
        let errors_before = self.errors();
        // Outer Option: present in the body; inner: present and well-typed.
        let mut resource_id = None;
        let mut resource_id_type = None;
        let mut event_type = None;
        let mut changed_fields = None;
        let mut at = Offsets::default();
        // The standard members are taken out and the rest stay, in document
        // order, in the parser's own vector: no second allocation per event.
        let mut extra = members;
        extra.retain_mut(|member| {
            match &*member.key {
                "resource_id" => resource_id = Some(self.id_string(take(member))),
                "resource_id_type" => {
                    at.resource_id_type = member.value.offset;
                    resource_id_type = Some(self.id_string(take(member)));
                }
                "event_type" => {
                    at.event_type = member.value.offset;
                    event_type = Some(self.event_type(take(member)));
                }
                "changed_fields" => {
                    at.changed_fields = member.value.offset;
                    changed_fields = Some(self.changed_fields(take(member)));
                }
                _ => return true,
            }
            false
        });
        for (name, present) in [
            ("resource_id", resource_id.is_some()),
            ("resource_id_type", resource_id_type.is_some()),
            ("event_type", event_type.is_some()),
        ] {
            if !present {
                self.error(Code::MissingField, format!("/{name}"), end, format!("the standard field {name:?} is missing"));
            }
        }
        // Judge the envelope before the catalogue rule on `changed_fields`:
        // in strict mode that rule is an error too, and counting it here used
        // to drop the event and skip every other catalogue check (found by
        // tests/rules.rs: a strict report then had no event and no spec).
        let envelope_sound = self.errors() == errors_before;
        if changed_fields.is_none() {
            let message = "\"changed_fields\" is missing (older deliveries omit it; current ones send [] when nothing changed)";
            self.catalogue(Code::MissingField, "/changed_fields".into(), end, message.into());
        }
        if !envelope_sound {
            return (None, None);
        }
        let (Some(Some(resource_id)), Some(Some(resource_id_type)), Some(Some(event_type))) =
            (resource_id, resource_id_type, event_type)
        else {
            unreachable!("each absent or ill-typed standard field raised an error");
        };
        let changed_fields = changed_fields.flatten();
        let event = Event { resource_id, resource_id_type, event_type, changed_fields, extra };
        let spec = self.against_catalogue(&event, &at);
        (Some(event), spec)
    }

    fn errors(&self) -> usize {
        self.issues.iter().filter(|i| i.severity == Severity::Error).count()
    }

    /// `field` is the member's name (`"resource_id"`), not its pointer: the
    /// message is for people, the path for programs.
    fn wrong_type(&mut self, path: String, field: &str, node: &Node<'_>, expected: &str) {
        let message = format!("{field:?} must be {expected}, not {}", a_type(&node.value));
        self.error(Code::WrongType, path, node.offset, message);
    }

    /// `resource_id` or `resource_id_type`: a non-empty string.
    fn id_string<'a>(&mut self, member: Member<'a>) -> Option<Cow<'a, str>> {
        let path = || format!("/{}", member.key);
        match member.value.value {
            Value::String(s) if s.is_empty() => {
                let message = format!("{:?} must not be empty", &*member.key);
                self.error(Code::EmptyValue, path(), member.value.offset, message);
                None
            }
            Value::String(s) => Some(s),
            _ => {
                self.wrong_type(path(), &member.key, &member.value, "a string");
                None
            }
        }
    }

    fn event_type<'a>(&mut self, member: Member<'a>) -> Option<Cow<'a, str>> {
        let Value::String(name) = member.value.value else {
            self.wrong_type("/event_type".into(), "event_type", &member.value, "a string");
            return None;
        };
        // Every catalogue name is well-formed (tested), so a known name needs
        // no second pass over its bytes; the lookup is reused by the catalogue rules.
        self.known = catalogue::lookup(&name);
        if self.known.is_none() && !well_formed_event_type(&name) {
            let message = format!(
                "\"event_type\" must be <resource>.<action> in lower-case letters, digits and '_', but is {name:?}"
            );
            self.error(Code::MalformedEventType, "/event_type".into(), member.value.offset, message);
            return None;
        }
        Some(name)
    }

    fn changed_fields<'a>(&mut self, member: Member<'a>) -> Option<Vec<Cow<'a, str>>> {
        let Value::Array(items) = member.value.value else {
            self.wrong_type("/changed_fields".into(), "changed_fields", &member.value, "an array of strings");
            return None;
        };
        let mut names = Vec::with_capacity(items.len());
        let mut sound = true;
        for (i, item) in items.into_iter().enumerate() {
            match item.value {
                Value::String(s) => names.push(s),
                _ => {
                    let message = format!("\"changed_fields\" must hold only strings, but item {i} is {}", a_type(&item.value));
                    self.error(Code::WrongType, format!("/changed_fields/{i}"), item.offset, message);
                    sound = false;
                }
            }
        }
        sound.then_some(names)
    }

    fn against_catalogue(&mut self, event: &Event<'_>, at: &Offsets) -> Option<&'static EventSpec> {
        let Some(spec) = self.known else {
            let offset = at.event_type;
            // `closest` is an edit distance against every name: O(179 x len).
            // A 1 MiB name took ~25 s (found by tests/hostile.rs). It only
            // accepts a distance of at most len/3, and the distance is at
            // least len - longest, so past 1.5 x the longest name nothing can
            // match: skip the search.
            let longest = catalogue::all().iter().map(|e| e.event_type.len()).max().unwrap_or(0);
            let near = if event.event_type.len() <= longest * 2 { catalogue::closest(&event.event_type) } else { None };
            let message = match near {
                Some(near) => format!("unknown event type {:?}; did you mean {near:?}?", event.event_type),
                None => format!("unknown event type {:?}", event.event_type),
            };
            self.catalogue(Code::UnknownEventType, "/event_type".into(), offset, message);
            return None;
        };
        // The rule is about the action, so it holds for the undocumented
        // `*.created`/`*.deleted` names too (it used to sit after the early
        // return below and was skipped for them).
        if let Some(changed) = event.changed_fields.as_ref().filter(|c| !c.is_empty() && matches!(spec.action, "created" | "deleted")) {
            let count = match changed.len() {
                1 => "1 field".to_string(),
                n => format!("{n} fields"),
            };
            let message = format!(
                "\"changed_fields\" should be empty on {} (a {} event), but it lists {count}",
                spec.event_type, spec.action
            );
            self.catalogue(Code::ChangedFieldsNotEmpty, "/changed_fields".into(), at.changed_fields, message);
        }
        // Undocumented events (known only from the GraphQL enum) have no
        // payload description to check against.
        let Some(expected_type) = spec.resource_id_type else { return Some(spec) };
        if event.resource_id_type != expected_type {
            let message = format!(
                "\"resource_id_type\" is {:?}, but {} carries {expected_type:?}",
                event.resource_id_type, spec.event_type
            );
            self.catalogue(Code::ResourceTypeMismatch, "/resource_id_type".into(), at.resource_id_type, message);
        }
        for member in &event.extra {
            // Built only for an issue: most members have none.
            let path = || pointer(&member.key);
            match spec.extra_field(&member.key) {
                None => {
                    let message = format!("{:?} is not a documented field of {}", &*member.key, spec.event_type);
                    self.push(Code::UnexpectedField, Severity::Warning, path(), member.offset, message);
                }
                Some(field) => match &member.value.value {
                    Value::String(_) => {}
                    Value::Null if field.nullable => {}
                    Value::Null => {
                        let message = format!("{:?} may not be null on {}", field.name, spec.event_type);
                        self.catalogue(Code::NullNotAllowed, path(), member.value.offset, message);
                    }
                    other => {
                        let expected = if field.nullable { "a string or null" } else { "a string" };
                        let message = format!("{:?} must be {expected}, not {}", field.name, a_type(other));
                        self.catalogue(Code::WrongType, path(), member.value.offset, message);
                    }
                },
            }
        }
        for field in spec.extra_fields {
            if event.field(field.name).is_none() {
                let message = format!("{} documents the field {:?}, which is missing", spec.event_type, field.name);
                self.catalogue(Code::MissingExtraField, pointer(field.name), usize::MAX, message);
            }
        }
        Some(spec)
    }
}

/// The character at `offset`, for "found ..." in messages.
fn found_at(body: &[u8], offset: usize) -> Option<char> {
    let head = body.get(offset..body.len().min(offset.saturating_add(4)))?;
    let head = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    head.chars().next()
}

/// A JSON type with its article, for messages: "a string", "an array", "null".
fn a_type(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Moves a member out of the vector it stays in until `retain_mut` drops it.
fn take<'a>(member: &mut Member<'a>) -> Member<'a> {
    let value = std::mem::replace(&mut member.value.value, Value::Null);
    Member { key: std::mem::take(&mut member.key), offset: member.offset, value: Node { offset: member.value.offset, value } }
}

fn pointer(key: &str) -> String {
    let mut p = String::with_capacity(key.len() + 1);
    json::push_pointer_token(&mut p, key);
    p
}

/// `<resource>.<action>`, each part non-empty `[a-z0-9_]`.
pub fn well_formed_event_type(name: &str) -> bool {
    // One pass over the bytes (this runs on every delivery).
    let mut dot = None;
    for (i, b) in name.bytes().enumerate() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'_' => {}
            b'.' if dot.is_none() => dot = Some(i),
            _ => return false,
        }
    }
    dot.is_some_and(|d| d > 0 && d + 1 < name.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_catalogue_name_is_well_formed() {
        // `Check::event_type` skips the form check for known names.
        for spec in crate::catalogue::all() {
            assert!(super::well_formed_event_type(spec.event_type), "{}", spec.event_type);
        }
        for bad in ["", ".", "a.", ".a", "a.b.c", "A.b", "a-b.c", "a .b", "a.b\n"] {
            assert!(!super::well_formed_event_type(bad), "{bad:?}");
        }
        assert!(super::well_formed_event_type("a_1.b_2"));
    }
}
