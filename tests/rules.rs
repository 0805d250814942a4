//! Every validation code: cases that raise it and near misses that do not,
//! each run in BOTH modes.
//!
//! A case states the complete list of issues it expects, in document order,
//! as `(code, rule, JSON Pointer)`. The rule decides the severity per mode,
//! exactly as issue 2 states it:
//!
//! * `Envelope`: an error in both modes;
//! * `Catalogue`: an error in strict mode, a warning in lenient mode;
//! * `Warning`: always a warning (`unexpected_field`).
//!
//! From that the runner derives what each mode must report: the issues with
//! their severities, `valid`, and whether `report.event` and `report.spec`
//! are present (they do not depend on the mode). Bodies are built from the
//! reference's own examples wherever possible, so the cases are real
//! deliveries with one thing changed.

use healthie_webhooks::{catalogue, validate, Code, Mode, Options, Report, Severity};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    Envelope,
    Catalogue,
    Warning,
}
use Rule::{Catalogue, Envelope, Warning};

struct Case {
    name: String,
    body: Vec<u8>,
    max_bytes: Option<usize>,
    max_depth: Option<usize>,
    issues: Vec<(Code, Rule, String)>,
    event: bool,
    spec: Option<&'static str>,
}

/// A case expecting no issue, no event and no classification until told otherwise.
fn case(name: impl Into<String>, body: impl Into<Vec<u8>>) -> Case {
    Case {
        name: name.into(),
        body: body.into(),
        max_bytes: None,
        max_depth: None,
        issues: Vec::new(),
        event: false,
        spec: None,
    }
}

impl Case {
    fn issue(mut self, code: Code, rule: Rule, path: &str) -> Case {
        self.issues.push((code, rule, path.to_string()));
        self
    }
    /// The envelope is sound and the event is in the catalogue as `name`.
    fn classified(mut self, name: &'static str) -> Case {
        self.event = true;
        self.spec = Some(name);
        self
    }
    /// The envelope is sound but the name is not in the catalogue.
    fn unclassified(mut self) -> Case {
        self.event = true;
        self.spec = None;
        self
    }
    fn max_bytes(mut self, n: usize) -> Case {
        self.max_bytes = Some(n);
        self
    }
    fn max_depth(mut self, n: usize) -> Case {
        self.max_depth = Some(n);
        self
    }
}

fn severity(rule: Rule, mode: Mode) -> Severity {
    match (rule, mode) {
        (Envelope, _) | (Catalogue, Mode::Strict) => Severity::Error,
        (Catalogue, Mode::Lenient) | (Warning, _) => Severity::Warning,
    }
}

fn options(case: &Case, mode: Mode) -> Options {
    let mut o = Options::new(mode);
    if let Some(n) = case.max_bytes {
        o.max_bytes = n;
    }
    if let Some(n) = case.max_depth {
        o.max_depth = n;
    }
    o
}

fn check(case: &Case) -> [Report<'_>; 2] {
    [Mode::Lenient, Mode::Strict].map(|mode| {
        let report = validate(&case.body, &options(case, mode));
        let got: Vec<(Code, Severity, &str)> = report
            .issues
            .iter()
            .map(|i| (i.code, i.severity, i.path.as_str()))
            .collect();
        let want: Vec<(Code, Severity, &str)> = case
            .issues
            .iter()
            .map(|(c, r, p)| (*c, severity(*r, mode), p.as_str()))
            .collect();
        let name = &case.name;
        let mode_name = mode.as_str();
        assert_eq!(
            got, want,
            "{name} ({mode_name}): issues differ; full report: {:#?}",
            report.issues
        );
        let valid = !want.iter().any(|w| w.1 == Severity::Error);
        assert_eq!(report.valid, valid, "{name} ({mode_name}): valid");
        assert_eq!(report.mode, mode, "{name}: mode");
        assert_eq!(
            report.event.is_some(),
            case.event,
            "{name} ({mode_name}): event present"
        );
        assert_eq!(
            report.spec.map(|s| s.event_type),
            case.spec,
            "{name} ({mode_name}): classification"
        );
        if let (Some(event), Some(spec)) = (&report.event, report.spec) {
            assert_eq!(event.event_type, spec.event_type, "{name}: event and spec agree");
        }
        for issue in &report.issues {
            let positioned = matches!(issue.code, Code::InvalidJson | Code::DuplicateKey);
            assert_eq!(issue.line.is_some(), positioned, "{name}: line of {issue:?}");
            assert_eq!(issue.column.is_some(), positioned, "{name}: column of {issue:?}");
            assert!(!issue.message.is_empty(), "{name}: empty message");
            assert!(
                issue.path.is_empty() || issue.path.starts_with('/'),
                "{name}: pointer {:?}",
                issue.path
            );
        }
        report
    })
}

/// Runs every case for `code` in both modes and checks that at least one
/// raises it and at least one near miss does not.
fn run_code(code: Code) {
    let cases = cases_for(code);
    let raising = cases.iter().filter(|c| c.issues.iter().any(|i| i.0 == code)).count();
    let near = cases.len() - raising;
    assert!(raising >= 1, "{}: no case raises it", code.as_str());
    assert!(near >= 1, "{}: no near-miss case", code.as_str());
    for c in &cases {
        check(c);
    }
}

// ---- bodies -------------------------------------------------------------

/// The reference's complete example for `name`.
fn ex(name: &str) -> String {
    catalogue::lookup(name)
        .and_then(|s| s.example)
        .unwrap_or_else(|| panic!("no example for {name}"))
        .to_string()
}

/// `body` with its single occurrence of `from` replaced (a missing or
/// repeated `from` is a mistake in the test, not a case).
fn rep(body: &str, from: &str, to: &str) -> String {
    assert_eq!(body.matches(from).count(), 1, "{from:?} must occur once in {body}");
    body.replacen(from, to, 1)
}

/// `body` with `member` (e.g. `"x": 1`) added as the last member.
fn add(body: &str, member: &str) -> String {
    let end = body.rfind('}').expect("an object");
    format!("{}, {member}{}", &body[..end], &body[end..])
}

/// goal.created: `care_plan_id` and `parent_id` nullable, `user_id` not.
fn goal() -> String {
    ex("goal.created")
}

/// A delivery of a name known only from the GraphQL enum.
const TRANSCRIPT_FAILED: &str = r#"{"resource_id":"67890","resource_id_type":"Appointment","event_type":"appointment.transcript_failed","changed_fields":[]}"#;

// ---- the table ----------------------------------------------------------

fn cases_for(code: Code) -> Vec<Case> {
    let g = goal();
    let gc = "goal.created";
    match code {
        Code::InvalidJson => vec![
            case("not JSON at all", "hello").issue(code, Envelope, ""),
            case("empty body", "").issue(code, Envelope, ""),
            case("only whitespace", " \n\t ").issue(code, Envelope, ""),
            case("truncated example", &g[..g.len() - 1]).issue(code, Envelope, ""),
            case("trailing data", format!("{g} x")).issue(code, Envelope, ""),
            case("two objects", format!("{g}{g}")).issue(code, Envelope, ""),
            case("trailing comma", rep(&g, r#""22222"}"#, r#""22222",}"#)).issue(code, Envelope, ""),
            case("single quotes", rep(&g, r#""33333""#, "'33333'")).issue(code, Envelope, ""),
            case("unquoted key", rep(&g, r#""user_id""#, "user_id")).issue(code, Envelope, ""),
            case("comment", rep(&g, "{ ", "{ /* hi */ ")).issue(code, Envelope, ""),
            case("leading zero", add(&g, r#""x": 01"#)).issue(code, Envelope, ""),
            case("invalid escape", rep(&g, r#""33333""#, r#""33\333""#)).issue(code, Envelope, ""),
            case("raw newline in a string", rep(&g, r#""33333""#, "\"333\n33\"")).issue(code, Envelope, ""),
            case("lone surrogate", rep(&g, r#""33333""#, r#""\ud800""#)).issue(code, Envelope, ""),
            case("invalid UTF-8 byte", {
                let mut b = g.clone().into_bytes();
                let at = g.find("33333").unwrap();
                b[at] = 0xFF;
                b
            })
            .issue(code, Envelope, ""),
            case("byte order mark", format!("\u{feff}{g}")).issue(code, Envelope, ""),
            case("NaN", add(&g, r#""x": NaN"#)).issue(code, Envelope, ""),
            case("deeper than the default limit of 64", add(&g, &format!(r#""x": {}{}"#, "[".repeat(64), "]".repeat(64))))
                .issue(code, Envelope, ""),
            case("deeper than a configured limit", add(&g, r#""x": [[]]"#)).max_depth(2).issue(code, Envelope, ""),
            // Near misses: odd but valid JSON.
            case("whitespace everywhere", format!("\r\n\t {} \n", g.replace(": ", " \n:\t ").replace(", ", "\r\n, ")))
                .classified(gc),
            case("escapes in values", rep(&g, r#""33333""#, r#""3333\u0033""#)).classified(gc),
            case("at the default depth limit", add(&g, &format!(r#""x": {}{}"#, "[".repeat(63), "]".repeat(63))))
                .issue(Code::UnexpectedField, Warning, "/x")
                .classified(gc),
            case("at a configured depth limit", add(&g, r#""x": []"#))
                .max_depth(2)
                .issue(Code::UnexpectedField, Warning, "/x")
                .classified(gc),
            case("huge exponent is still a number", add(&g, r#""x": 1e400"#))
                .issue(Code::UnexpectedField, Warning, "/x")
                .classified(gc),
            case("DEL and non-ASCII are allowed raw in strings", rep(&g, r#""33333""#, "\"3\u{7f}é😀\"")).classified(gc),
        ],
        Code::BodyTooLarge => {
            let pad = |n: usize| format!("{g}{}", " ".repeat(n - g.len()));
            let limit = Options::DEFAULT_MAX_BYTES;
            vec![
                case("default limit + 1", pad(limit + 1)).issue(code, Envelope, ""),
                case("configured limit, one byte over", g.clone()).max_bytes(g.len() - 1).issue(code, Envelope, ""),
                case("configured limit of 0", g.clone()).max_bytes(0).issue(code, Envelope, ""),
                // The size is checked before parsing: garbage over the limit is only too large.
                case("garbage over the limit", "x".repeat(101)).max_bytes(100).issue(code, Envelope, ""),
                case("default limit exactly", pad(limit)).classified(gc),
                case("default limit - 1", pad(limit - 1)).classified(gc),
                case("configured limit exactly", g.clone()).max_bytes(g.len()).classified(gc),
                case("raised limit", pad(limit + 1)).max_bytes(limit + 1).classified(gc),
                case("empty body under a limit of 0", "").max_bytes(0).issue(Code::InvalidJson, Envelope, ""),
            ]
        }
        Code::NotAnObject => vec![
            case("array", "[]").issue(code, Envelope, ""),
            case("the example inside an array", format!("[{g}]")).issue(code, Envelope, ""),
            case("string", r#""goal.created""#).issue(code, Envelope, ""),
            case("null", "null").issue(code, Envelope, ""),
            case("number", " 42 ").issue(code, Envelope, ""),
            case("boolean", "true").issue(code, Envelope, ""),
            case("the example with whitespace around it", format!("\n {g} \n")).classified(gc),
            case("empty object", "{}")
                .issue(Code::MissingField, Envelope, "/resource_id")
                .issue(Code::MissingField, Envelope, "/resource_id_type")
                .issue(Code::MissingField, Envelope, "/event_type")
                .issue(Code::MissingField, Catalogue, "/changed_fields"),
        ],
        Code::DuplicateKey => vec![
            case("event_type twice", add(&g, r#""event_type": "goal.deleted""#)).issue(code, Envelope, "/event_type"),
            case("same key, same value", add(&g, r#""user_id": "22222""#)).issue(code, Envelope, "/user_id"),
            case("escaped spelling of event_type", add(&g, r#""event\u005ftype": "goal.deleted""#))
                .issue(code, Envelope, "/event_type"),
            case("fully escaped spelling", add(&g, r#""\u0072\u0065source_id": "1""#)).issue(code, Envelope, "/resource_id"),
            case("nested in an extra field", add(&g, r#""x": {"a": 1, "a": 2}"#)).issue(code, Envelope, "/x/a"),
            case("nested in an array", add(&g, r#""x": [{}, {"k": 1, "k": 1}]"#)).issue(code, Envelope, "/x/1/k"),
            case("deep", add(&g, r#""x": {"y": [[{"z": {"a": 1, "b": 2, "a": 3}}]]}"#)).issue(code, Envelope, "/x/y/0/0/z/a"),
            case("pointer escapes / and ~", add(&g, r#""x": {"a/b~c": 1, "a/b~c": 2}"#)).issue(code, Envelope, "/x/a~1b~0c"),
            case("many keys, the repeat at the end", {
                let many: Vec<String> = (0..20).map(|i| format!(r#""k{i}": {i}"#)).collect();
                add(&g, &format!("{}, \"k7\": 0", many.join(", ")))
            })
            .issue(code, Envelope, "/k7"),
            case("escaped empty key twice", add(&g, r#""": 1, "\u0000": 2, "": 3"#)).issue(code, Envelope, "/"),
            // Near misses: keys that only look alike.
            case("differs in case", add(&g, r#""Event_type": "goal.deleted""#))
                .issue(Code::UnexpectedField, Warning, "/Event_type")
                .classified(gc),
            case("differs by an escape that decodes differently", add(&g, r#""x": {"ab": 1, "a\u0063": 2}"#))
                .issue(Code::UnexpectedField, Warning, "/x")
                .classified(gc),
            case("same key in sibling objects", add(&g, r#""x": {"a": 1}, "y": [{"a": 1}, {"a": 1}]"#))
                .issue(Code::UnexpectedField, Warning, "/x")
                .issue(Code::UnexpectedField, Warning, "/y")
                .classified(gc),
            case("same key at two depths", add(&g, r#""x": {"x": {"x": 1}}"#))
                .issue(Code::UnexpectedField, Warning, "/x")
                .classified(gc),
            case("NUL-escaped key next to the empty key", add(&g, r#""": 1, "\u0000": 2"#))
                .issue(Code::UnexpectedField, Warning, "/")
                .issue(Code::UnexpectedField, Warning, "/\u{0}")
                .classified(gc),
        ],
        Code::MissingField => vec![
            case("resource_id absent", rep(&g, r#""resource_id": "33333", "#, "")).issue(code, Envelope, "/resource_id"),
            case("resource_id_type absent", rep(&g, r#""resource_id_type": "Goal", "#, ""))
                .issue(code, Envelope, "/resource_id_type"),
            case("event_type absent", rep(&g, r#""event_type": "goal.created", "#, "")).issue(code, Envelope, "/event_type"),
            case("all three absent", r#"{"changed_fields": [], "user_id": "1"}"#)
                .issue(code, Envelope, "/resource_id")
                .issue(code, Envelope, "/resource_id_type")
                .issue(code, Envelope, "/event_type"),
            case("misspelt resource_id", rep(&g, r#""resource_id":"#, r#""resourceId":"#)).issue(code, Envelope, "/resource_id"),
            // changed_fields: a catalogue rule (older deliveries omit it). The
            // envelope is still sound: the event is there and is checked.
            case("changed_fields absent", rep(&g, r#""changed_fields": [], "#, ""))
                .issue(code, Catalogue, "/changed_fields")
                .classified(gc),
            case("changed_fields absent on an unknown event", rep(&rep(&g, r#""changed_fields": [], "#, ""), "goal.created", "goal.exploded"))
                .issue(Code::UnknownEventType, Catalogue, "/event_type")
                .issue(code, Catalogue, "/changed_fields")
                .unclassified(),
            case("changed_fields absent, other catalogue rules still run", {
                let b = rep(&g, r#""changed_fields": [], "#, "");
                rep(&b, r#""Goal""#, r#""User""#)
            })
            .issue(Code::ResourceTypeMismatch, Catalogue, "/resource_id_type")
            .issue(code, Catalogue, "/changed_fields")
            .classified(gc),
            case("changed_fields and resource_id absent", rep(&rep(&g, r#""changed_fields": [], "#, ""), r#""resource_id": "33333", "#, ""))
                .issue(code, Envelope, "/resource_id")
                .issue(code, Catalogue, "/changed_fields"),
            // Near misses: present but wrong is another code.
            case("resource_id null", rep(&g, r#""33333""#, "null")).issue(Code::WrongType, Envelope, "/resource_id"),
            case("changed_fields null", rep(&g, "[]", "null")).issue(Code::WrongType, Envelope, "/changed_fields"),
            case("changed_fields empty", g.clone()).classified(gc),
            case("fields in another order", r#"{"user_id":"22222","changed_fields":[],"event_type":"goal.created","resource_id_type":"Goal","parent_id":null,"resource_id":"1","care_plan_id":null}"#)
                .classified(gc),
        ],
        Code::WrongType => {
            let gu = ex("goal.updated");
            vec![
                case("resource_id a number", rep(&g, r#""33333""#, "33333")).issue(code, Envelope, "/resource_id"),
                case("resource_id null", rep(&g, r#""33333""#, "null")).issue(code, Envelope, "/resource_id"),
                case("resource_id_type an object", rep(&g, r#""Goal""#, r#"{"name": "Goal"}"#)).issue(code, Envelope, "/resource_id_type"),
                case("event_type an array", rep(&g, r#""goal.created""#, r#"["goal.created"]"#)).issue(code, Envelope, "/event_type"),
                case("event_type a boolean", rep(&g, r#""goal.created""#, "true")).issue(code, Envelope, "/event_type"),
                case("changed_fields a string", rep(&gu, r#"["name", "repeat"]"#, r#""name""#)).issue(code, Envelope, "/changed_fields"),
                case("changed_fields an object", rep(&gu, r#"["name", "repeat"]"#, "{}")).issue(code, Envelope, "/changed_fields"),
                case("changed_fields element 1 a number", rep(&gu, r#"["name", "repeat"]"#, r#"["name", 1]"#))
                    .issue(code, Envelope, "/changed_fields/1"),
                case("changed_fields elements 0 and 2", rep(&gu, r#"["name", "repeat"]"#, r#"[null, "name", ["x"]]"#))
                    .issue(code, Envelope, "/changed_fields/0")
                    .issue(code, Envelope, "/changed_fields/2"),
                case("all four standard fields", r#"{"resource_id": 1, "resource_id_type": 2, "event_type": 3, "changed_fields": 4}"#)
                    .issue(code, Envelope, "/resource_id")
                    .issue(code, Envelope, "/resource_id_type")
                    .issue(code, Envelope, "/event_type")
                    .issue(code, Envelope, "/changed_fields"),
                // Extra fields: a catalogue rule.
                case("user_id a number", rep(&g, r#""22222""#, "22222")).issue(code, Catalogue, "/user_id").classified(gc),
                case("user_id an object", rep(&g, r#""22222""#, "{}")).issue(code, Catalogue, "/user_id").classified(gc),
                case("user_id an array", rep(&g, r#""22222""#, r#"["22222"]"#)).issue(code, Catalogue, "/user_id").classified(gc),
                case("nullable care_plan_id a boolean", rep(&g, r#""67890""#, "false"))
                    .issue(code, Catalogue, "/care_plan_id")
                    .classified(gc),
                case("two extra fields wrong, in document order", rep(&rep(&g, r#""11111""#, "1"), r#""22222""#, "2"))
                    .issue(code, Catalogue, "/parent_id")
                    .issue(code, Catalogue, "/user_id")
                    .classified(gc),
                // Near misses.
                case("numeric-looking string ids", g.clone()).classified(gc),
                case("nullable care_plan_id null", rep(&g, r#""67890""#, "null")).classified(gc),
                case("changed_fields with non-ASCII strings", rep(&gu, r#"["name", "repeat"]"#, r#"["név", "\u00e9", ""]"#))
                    .classified("goal.updated"),
                case("an unexpected field may be any type", add(&g, r#""x": 1"#))
                    .issue(Code::UnexpectedField, Warning, "/x")
                    .classified(gc),
                case("undocumented event: any extra type", add(TRANSCRIPT_FAILED, r#""user_id": 5"#))
                    .classified("appointment.transcript_failed"),
                case("unknown event: extras not checked", add(&rep(&g, "goal.created", "goal.creatd"), r#""y": 5"#))
                    .issue(Code::UnknownEventType, Catalogue, "/event_type")
                    .unclassified(),
            ]
        }
        Code::EmptyValue => vec![
            case("resource_id empty", rep(&g, r#""33333""#, r#""""#)).issue(code, Envelope, "/resource_id"),
            case("resource_id_type empty", rep(&g, r#""Goal""#, r#""""#)).issue(code, Envelope, "/resource_id_type"),
            case("both empty", rep(&rep(&g, r#""33333""#, r#""""#), r#""Goal""#, r#""""#))
                .issue(code, Envelope, "/resource_id")
                .issue(code, Envelope, "/resource_id_type"),
            // Near misses.
            case("resource_id a space", rep(&g, r#""33333""#, r#"" ""#)).classified(gc),
            case("resource_id an escaped NUL", rep(&g, r#""33333""#, r#""\u0000""#)).classified(gc),
            case("resource_id_type a space: a mismatch, not empty", rep(&g, r#""Goal""#, r#"" ""#))
                .issue(Code::ResourceTypeMismatch, Catalogue, "/resource_id_type")
                .classified(gc),
            case("event_type empty: malformed, not empty", rep(&g, r#""goal.created""#, r#""""#))
                .issue(Code::MalformedEventType, Envelope, "/event_type"),
            case("an extra field may be empty", rep(&g, r#""22222""#, r#""""#)).classified(gc),
        ],
        Code::MalformedEventType => {
            let mut cases: Vec<Case> = [
                "Goal.created",
                "goal.Created",
                "GOAL.CREATED",
                " goal.created",
                "goal.created ",
                "goal. created",
                "goal created",
                "goal",
                "goalcreated",
                "goal.created.x",
                "goal..created",
                ".created",
                "goal.",
                ".",
                "goal-item.created",
                "goal.créé",
                "goal.created\\n",
                "goal\\t.created",
                "",
            ]
            .iter()
            .map(|name| case(format!("event_type {name:?}"), rep(&g, "\"goal.created\"", &format!("\"{name}\""))).issue(code, Envelope, "/event_type"))
            .collect();
            cases.extend([
                case("well-formed with digits and underscores", rep(&g, "goal.created", "goal_2.created_3"))
                    .issue(Code::UnknownEventType, Catalogue, "/event_type")
                    .unclassified(),
                case("escaped but well-formed", rep(&g, "goal.created", r"goal\u002ecreated")).classified(gc),
                case("single characters", rep(&g, "goal.created", "a.b")).issue(Code::UnknownEventType, Catalogue, "/event_type").unclassified(),
            ]);
            cases
        }
        Code::UnknownEventType => vec![
            case("typo", rep(&g, "goal.created", "goal.creatd")).issue(code, Catalogue, "/event_type").unclassified(),
            case("far from anything", rep(&g, "goal.created", "zzzz.qqqqqqq")).issue(code, Catalogue, "/event_type").unclassified(),
            case("the reference's heading typo", rep(&ex("diagnosis.created"), "diagnosis.created", "diagnosis.create"))
                .issue(code, Catalogue, "/event_type")
                .unclassified(),
            // Near misses.
            case("known but undocumented", TRANSCRIPT_FAILED).classified("appointment.transcript_failed"),
            case("the example", g.clone()).classified(gc),
        ],
        Code::ResourceTypeMismatch => vec![
            case("User for a goal", rep(&g, r#""Goal""#, r#""User""#)).issue(code, Catalogue, "/resource_id_type").classified(gc),
            case("lower case", rep(&g, r#""Goal""#, r#""goal""#)).issue(code, Catalogue, "/resource_id_type").classified(gc),
            case("Patient for patient.created (the reference says User)", rep(&ex("patient.created"), r#""User""#, r#""Patient""#))
                .issue(code, Catalogue, "/resource_id_type")
                .classified("patient.created"),
            case("User for patient.created", ex("patient.created")).classified("patient.created"),
            case("Entry for metric_entry.created", ex("metric_entry.created")).classified("metric_entry.created"),
            case("undocumented: any type", rep(TRANSCRIPT_FAILED, "Appointment", "Whatever"))
                .classified("appointment.transcript_failed"),
        ],
        Code::ChangedFieldsNotEmpty => {
            let gd = ex("goal.deleted");
            let gu = ex("goal.updated");
            let joined = ex("appointment.participant_joined");
            vec![
                case("created with a field", rep(&g, "[]", r#"["name"]"#)).issue(code, Catalogue, "/changed_fields").classified(gc),
                case("deleted with fields", rep(&gd, "[]", r#"["name", "repeat"]"#))
                    .issue(code, Catalogue, "/changed_fields")
                    .classified("goal.deleted"),
                case("created with an empty-string field", rep(&g, "[]", r#"[""]"#)).issue(code, Catalogue, "/changed_fields").classified(gc),
                case(
                    "undocumented created event with a field",
                    r#"{"resource_id":"1","resource_id_type":"Thing","event_type":"patient_educational_resource.created","changed_fields":["x"]}"#,
                )
                .issue(code, Catalogue, "/changed_fields")
                .classified("patient_educational_resource.created"),
                // Near misses.
                case("updated with fields", gu.clone()).classified("goal.updated"),
                case("updated with none", rep(&gu, r#"["name", "repeat"]"#, "[]")).classified("goal.updated"),
                case("created with none", g.clone()).classified(gc),
                case("another action with a field", rep(&joined, "[]", r#"["user_name"]"#)).classified("appointment.participant_joined"),
                case("undocumented other action with a field", rep(TRANSCRIPT_FAILED, "[]", r#"["x"]"#))
                    .classified("appointment.transcript_failed"),
                case("unknown created event with a field", rep(&rep(&g, "goal.created", "goal2.created"), "[]", r#"["x"]"#))
                    .issue(Code::UnknownEventType, Catalogue, "/event_type")
                    .unclassified(),
            ]
        }
        Code::MissingExtraField => vec![
            case("user_id absent", rep(&g, r#", "user_id": "22222""#, "")).issue(code, Catalogue, "/user_id").classified(gc),
            case("nullable care_plan_id absent", rep(&g, r#", "care_plan_id": "67890""#, ""))
                .issue(code, Catalogue, "/care_plan_id")
                .classified(gc),
            case("all three absent, in catalogue order after everything", {
                let b = rep(&g, r#", "care_plan_id": "67890", "parent_id": "11111", "user_id": "22222""#, "");
                rep(&b, "{ ", r#"{ "zz": 1, "#)
            })
            .issue(Code::UnexpectedField, Warning, "/zz")
            .issue(code, Catalogue, "/care_plan_id")
            .issue(code, Catalogue, "/parent_id")
            .issue(code, Catalogue, "/user_id")
            .classified(gc),
            case("misspelt: one unexpected, one missing", rep(&g, r#""user_id""#, r#""userId""#))
                .issue(Code::UnexpectedField, Warning, "/userId")
                .issue(code, Catalogue, "/user_id")
                .classified(gc),
            case("appointment.created without resource_organization_id", rep(&ex("appointment.created"), r#", "resource_organization_id": "org_123""#, ""))
                .issue(code, Catalogue, "/resource_organization_id")
                .classified("appointment.created"),
            // Near misses.
            case("nullable fields present as null", rep(&rep(&g, r#""67890""#, "null"), r#""11111""#, "null")).classified(gc),
            case("undocumented event has none to miss", TRANSCRIPT_FAILED).classified("appointment.transcript_failed"),
            case("an event without extra fields", ex("accepted_insurance_plan.deleted")).classified("accepted_insurance_plan.deleted"),
        ],
        Code::NullNotAllowed => vec![
            case("user_id null", rep(&g, r#""22222""#, "null")).issue(code, Catalogue, "/user_id").classified(gc),
            case("resource_organization_id null", rep(&ex("appointment.created"), r#""org_123""#, "null"))
                .issue(code, Catalogue, "/resource_organization_id")
                .classified("appointment.created"),
            // Near misses.
            case("care_plan_id null (nullable)", rep(&g, r#""67890""#, "null")).classified(gc),
            case("parent_id null (nullable)", rep(&g, r#""11111""#, "null")).classified(gc),
            case("user_id the string \"null\"", rep(&g, r#""22222""#, r#""null""#)).classified(gc),
            case("an unexpected null", add(&g, r#""x": null"#)).issue(Code::UnexpectedField, Warning, "/x").classified(gc),
        ],
        Code::UnexpectedField => vec![
            case("one unknown field", add(&g, r#""foo": 1"#)).issue(code, Warning, "/foo").classified(gc),
            case("pointer escapes", add(&g, r#""a/b~c": "x""#)).issue(code, Warning, "/a~1b~0c").classified(gc),
            case("next to other catalogue issues", add(&rep(&g, r#""22222""#, "null"), r#""new_field": "x""#))
                .issue(Code::NullNotAllowed, Catalogue, "/user_id")
                .issue(code, Warning, "/new_field")
                .classified(gc),
            case("a field of another goal event", add(&ex("goal.deleted"), r#""name": "x""#))
                .issue(code, Warning, "/name")
                .classified("goal.deleted"),
            // Near misses.
            case("documented fields only", g.clone()).classified(gc),
            case("undocumented event: fields not known", add(TRANSCRIPT_FAILED, r#""foo": 1"#))
                .classified("appointment.transcript_failed"),
            case("unknown event: fields not known", add(&rep(&g, "goal.created", "goal.made"), r#""foo": 1"#))
                .issue(Code::UnknownEventType, Catalogue, "/event_type")
                .unclassified(),
            case("envelope error: no catalogue checks", add(&rep(&g, r#""33333""#, "1"), r#""foo": 1"#))
                .issue(Code::WrongType, Envelope, "/resource_id"),
        ],
        other => panic!("no cases for {other:?}: add them to cases_for"),
    }
}

// ---- one test per code ----------------------------------------------------

#[test]
fn invalid_json() {
    run_code(Code::InvalidJson);
}

#[test]
fn body_too_large() {
    run_code(Code::BodyTooLarge);
}

#[test]
fn not_an_object() {
    run_code(Code::NotAnObject);
}

#[test]
fn duplicate_key() {
    run_code(Code::DuplicateKey);
}

#[test]
fn missing_field() {
    run_code(Code::MissingField);
}

#[test]
fn wrong_type() {
    run_code(Code::WrongType);
}

#[test]
fn empty_value() {
    run_code(Code::EmptyValue);
}

#[test]
fn malformed_event_type() {
    run_code(Code::MalformedEventType);
}

#[test]
fn unknown_event_type() {
    run_code(Code::UnknownEventType);
}

#[test]
fn resource_type_mismatch() {
    run_code(Code::ResourceTypeMismatch);
}

#[test]
fn changed_fields_not_empty() {
    run_code(Code::ChangedFieldsNotEmpty);
}

#[test]
fn missing_extra_field() {
    run_code(Code::MissingExtraField);
}

#[test]
fn null_not_allowed() {
    run_code(Code::NullNotAllowed);
}

#[test]
fn unexpected_field() {
    run_code(Code::UnexpectedField);
}

/// A new code without cases fails here (cases_for panics on it).
#[test]
fn every_code_has_raising_and_near_miss_cases() {
    for code in Code::ALL {
        run_code(code);
    }
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "codes are distinct: {names:?}");
}

// ---- across codes -------------------------------------------------------

#[test]
fn catalogue_issues_in_document_order() {
    // Every catalogue rule at once, in an order unlike the catalogue's.
    let body = r#"{"zzz": 1, "user_id": null, "resource_id_type": "User", "resource_id": "1", "event_type": "goal.created", "changed_fields": ["x"], "care_plan_id": 5}"#;
    let c = case("all catalogue rules", body)
        .issue(Code::UnexpectedField, Warning, "/zzz")
        .issue(Code::NullNotAllowed, Catalogue, "/user_id")
        .issue(Code::ResourceTypeMismatch, Catalogue, "/resource_id_type")
        .issue(Code::ChangedFieldsNotEmpty, Catalogue, "/changed_fields")
        .issue(Code::WrongType, Catalogue, "/care_plan_id")
        .issue(Code::MissingExtraField, Catalogue, "/parent_id")
        .classified("goal.created");
    let [lenient, strict] = check(&c);
    assert!(lenient.valid && !strict.valid);
    assert_eq!(lenient.errors().count(), 0);
    assert_eq!(strict.errors().count(), 5);
    // Offsets are increasing, so the order is the document's.
    for r in [&lenient, &strict] {
        assert!(r.issues.windows(2).all(|w| w[0].offset <= w[1].offset));
    }
}

#[test]
fn envelope_issues_in_document_order() {
    let body = r#"{"changed_fields": [1, "a", {}], "event_type": "Goal.Created", "resource_id": 5, "extra": null}"#;
    let c = case("envelope", body)
        .issue(Code::WrongType, Envelope, "/changed_fields/0")
        .issue(Code::WrongType, Envelope, "/changed_fields/2")
        .issue(Code::MalformedEventType, Envelope, "/event_type")
        .issue(Code::WrongType, Envelope, "/resource_id")
        .issue(Code::MissingField, Envelope, "/resource_id_type");
    check(&c);
}

#[test]
fn missing_fields_come_last_in_a_fixed_order() {
    let c = case("missing", r#"{"x": 1}"#)
        .issue(Code::MissingField, Envelope, "/resource_id")
        .issue(Code::MissingField, Envelope, "/resource_id_type")
        .issue(Code::MissingField, Envelope, "/event_type")
        .issue(Code::MissingField, Catalogue, "/changed_fields");
    check(&c);
}

#[test]
fn known_but_undocumented_events_classify_without_payload_checks() {
    let body = r#"{"event_type":"appointment.transcript_failed","resource_id_type":"NotAppointment","resource_id":"9","changed_fields":["a"],"anything":{"x":[1,null]},"user_id":null}"#;
    let c = case("undocumented", body).classified("appointment.transcript_failed");
    let [lenient, strict] = check(&c);
    for r in [lenient, strict] {
        assert!(r.valid && r.issues.is_empty());
        let spec = r.spec.unwrap();
        assert!(!spec.documented());
        assert_eq!(spec.resource_id_type, None);
        let event = r.event.unwrap();
        assert_eq!(event.resource_id, "9");
        assert_eq!(event.resource_id_type, "NotAppointment");
        assert_eq!(event.changed_fields.as_deref().map(|c| c.len()), Some(1));
        assert_eq!(event.extra.len(), 2);
    }
    // Every one of the 12 undocumented names classifies.
    let undocumented: Vec<_> = catalogue::all().iter().filter(|s| !s.documented()).collect();
    assert_eq!(undocumented.len(), 12);
    for spec in undocumented {
        let body = rep(TRANSCRIPT_FAILED, "appointment.transcript_failed", spec.event_type);
        let r = validate(body.as_bytes(), &Options::new(Mode::Strict));
        assert!(r.valid && r.issues.is_empty(), "{}: {:?}", spec.event_type, r.issues);
        assert_eq!(r.spec.map(|s| s.event_type), Some(spec.event_type));
    }
}

#[test]
fn unknown_event_type_suggests_the_closest_name() {
    let message = |name: &str| {
        let body = rep(&goal(), "goal.created", name);
        let r = validate(body.as_bytes(), &Options::default());
        assert_eq!(r.issues.len(), 1);
        r.issues[0].message.clone()
    };
    let m = message("goal.creatd");
    assert!(m.contains(r#"did you mean "goal.created"?"#), "{m}");
    let m = message("appointment.create");
    assert!(m.contains(r#"did you mean "appointment.created"?"#), "{m}");
    let m = message("zzzz.qqqqqqq");
    assert!(!m.contains("did you mean"), "{m}");
}

#[test]
fn the_event_carries_the_fields_as_sent() {
    let body = ex("goal.updated");
    for mode in [Mode::Lenient, Mode::Strict] {
        let r = validate(body.as_bytes(), &Options::new(mode));
        let e = r.event.unwrap();
        assert_eq!(
            (&*e.resource_id, &*e.resource_id_type, &*e.event_type),
            ("33333", "Goal", "goal.updated")
        );
        assert_eq!(e.changed_fields.unwrap(), ["name", "repeat"]);
        let extra: Vec<(&str, Option<&str>)> = e.extra.iter().map(|m| (&*m.key, m.value.value.as_str())).collect();
        assert_eq!(
            extra,
            [
                ("care_plan_id", Some("67890")),
                ("parent_id", Some("11111")),
                ("user_id", Some("22222"))
            ]
        );
    }
    // Without changed_fields (older deliveries) the event says None, in both modes.
    let body = rep(&body, r#""changed_fields": ["name", "repeat"], "#, "");
    for mode in [Mode::Lenient, Mode::Strict] {
        let r = validate(body.as_bytes(), &Options::new(mode));
        assert_eq!(r.event.expect("the envelope is sound").changed_fields, None);
        assert_eq!(r.spec.unwrap().event_type, "goal.updated");
    }
}

#[test]
fn invalid_json_and_duplicate_key_have_positions() {
    let at = |body: &[u8]| {
        let r = validate(body, &Options::default());
        let i = &r.issues[0];
        (i.code, i.line.unwrap(), i.column.unwrap())
    };
    assert_eq!(at(b"{\n  \"a\": x}"), (Code::InvalidJson, 2, 8));
    // Columns count characters, not bytes.
    assert_eq!(at("{\"é\u{1F600}\": x}".as_bytes()), (Code::InvalidJson, 1, 8));
    assert_eq!(at(b"{\"a\":\xff}"), (Code::InvalidJson, 1, 6));
    assert_eq!(at(b"{\"a\": 1,\r\n \"a\": 2}"), (Code::DuplicateKey, 2, 2));
    assert_eq!(at(b""), (Code::InvalidJson, 1, 1));
    assert_eq!(at(b"{} {}"), (Code::InvalidJson, 1, 4));
}

#[test]
fn options_default_is_lenient_with_the_documented_limits() {
    let o = Options::default();
    assert_eq!(o.mode, Mode::Lenient);
    assert_eq!(o.max_bytes, 1 << 20);
    assert_eq!(o.max_bytes, Options::DEFAULT_MAX_BYTES);
    assert_eq!(o.max_depth, Options::DEFAULT_MAX_DEPTH);
    assert_eq!(Mode::from_name("strict"), Some(Mode::Strict));
    assert_eq!(Mode::from_name("lenient"), Some(Mode::Lenient));
    assert_eq!(Mode::from_name("Strict"), None);
}
