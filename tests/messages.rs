//! Message texts, pinned by inline snapshots.
//!
//! Each case renders its report as one line per issue:
//!
//! ```text
//! severity code path line:column message
//! ```
//!
//! (`""` stands for the empty pointer, `-` for an absent position) under a
//! `# case (mode)` header, and the whole block is compared with the literal
//! below it. Catalogue rules are shown in both modes (the severity changes,
//! the text does not); envelope rules in the default (lenient) mode only.
//! When a text changes on purpose, run the test, read the new block in the
//! failure output, and paste it here.

use healthie_webhooks::{catalogue, validate, Mode, Options, Report};

fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for i in &report.issues {
        let path = if i.path.is_empty() { "\"\"" } else { &i.path };
        let position = match (i.line, i.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            _ => "-".to_string(),
        };
        out.push_str(&format!(
            "{} {} {} {} {}\n",
            i.severity.as_str(),
            i.code.as_str(),
            path,
            position,
            i.message
        ));
    }
    if report.issues.is_empty() {
        out.push_str("(no issue)\n");
    }
    out
}

/// Renders each case in each of `modes`, with a header line per case.
fn snapshot(modes: &[Mode], cases: &[(&str, Vec<u8>, Options)]) -> String {
    let mut out = String::new();
    for (name, body, options) in cases {
        for &mode in modes {
            let options = Options { mode, ..*options };
            out.push_str(&format!("# {name} ({})\n", mode.as_str()));
            out.push_str(&render(&validate(body, &options)));
        }
    }
    out
}

fn assert_snapshot(actual: &str, expected: &str) {
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    if actual != expected {
        let diff: Vec<String> = actual
            .lines()
            .zip(expected.lines())
            .enumerate()
            .filter(|(_, (a, e))| a != e)
            .map(|(n, (a, e))| format!("line {}:\n  actual:   {a}\n  expected: {e}", n + 1))
            .collect();
        panic!(
            "snapshot differs ({} vs {} lines)\n{}\n---- actual snapshot, paste it if the change is intended ----\n{actual}",
            actual.lines().count(),
            expected.lines().count(),
            diff.join("\n")
        );
    }
}

fn ex(name: &str) -> String {
    catalogue::lookup(name).unwrap().example.unwrap().to_string()
}

fn rep(body: &str, from: &str, to: &str) -> String {
    assert_eq!(body.matches(from).count(), 1, "{from:?} in {body}");
    body.replacen(from, to, 1)
}

fn add(body: &str, member: &str) -> String {
    let end = body.rfind('}').unwrap();
    format!("{}, {member}{}", &body[..end], &body[end..])
}

fn c(name: &str, body: impl Into<Vec<u8>>) -> (&str, Vec<u8>, Options) {
    (name, body.into(), Options::default())
}

const BOTH: &[Mode] = &[Mode::Lenient, Mode::Strict];
const LENIENT: &[Mode] = &[Mode::Lenient];

#[test]
fn invalid_json_messages() {
    let g = ex("goal.created");
    let mut bad_utf8 = g.clone().into_bytes();
    bad_utf8[g.find("33333").unwrap() + 2] = 0xC0;
    let cases = [
        c("empty body", ""),
        c("whitespace only", "  \n "),
        c("truncated", &g[..g.len() - 10]),
        c("not JSON", "hello"),
        c("NaN", add(&g, r#""x": NaN"#)),
        c("trailing comma", rep(&g, r#""22222"}"#, r#""22222",}"#)),
        c("unquoted key", rep(&g, r#""user_id""#, "user_id")),
        c("missing colon", rep(&g, r#""user_id":"#, r#""user_id""#)),
        c("missing comma in object", rep(&g, r#""Goal", "#, r#""Goal" "#)),
        c("missing comma in array", r#"{"changed_fields": ["a" "b"]}"#),
        c("invalid escape", rep(&g, "33333", r"33\x33")),
        c("lone surrogate", rep(&g, "33333", r"\ud800")),
        c("raw control character", rep(&g, "33333", "33\t33")),
        c("leading zero", add(&g, r#""x": 01"#)),
        c("trailing data", format!("{g}\n{{}}")),
        c("byte order mark", format!("\u{feff}{g}")),
        c("invalid UTF-8", bad_utf8),
        c("too deep", format!("{}{}", "[".repeat(65), "]".repeat(65))),
        (
            "too deep for a configured limit",
            b"[[[]]]".to_vec(),
            Options {
                max_depth: 2,
                ..Options::default()
            },
        ),
    ];
    assert_snapshot(
        &snapshot(LENIENT, &cases),
        r#"
# empty body (lenient)
error invalid_json "" 1:1 the body is empty, not a JSON object (line 1, column 1)
# whitespace only (lenient)
error invalid_json "" 2:2 the body holds only whitespace, not a JSON object (line 2, column 2)
# truncated (lenient)
error invalid_json "" 1:163 the body ends in the middle of a value (line 1, column 163)
# not JSON (lenient)
error invalid_json "" 1:1 expected a JSON value, found 'h' (line 1, column 1)
# NaN (lenient)
error invalid_json "" 1:179 expected a JSON value, found 'N' (line 1, column 179)
# trailing comma (lenient)
error invalid_json "" 1:173 expected a key in double quotes, found '}' (line 1, column 173)
# unquoted key (lenient)
error invalid_json "" 1:154 expected a key in double quotes, found 'u' (line 1, column 154)
# missing colon (lenient)
error invalid_json "" 1:164 expected ':' after the key, found '"' (line 1, column 164)
# missing comma in object (lenient)
error invalid_json "" 1:54 expected ',' or '}' after the member, found '"' (line 1, column 54)
# missing comma in array (lenient)
error invalid_json "" 1:25 expected ',' or ']' after the item, found '"' (line 1, column 25)
# invalid escape (lenient)
error invalid_json "" 1:21 invalid escape sequence in a string (line 1, column 21)
# lone surrogate (lenient)
error invalid_json "" 1:19 a \u escape encodes half of a surrogate pair, which is not a character (line 1, column 19)
# raw control character (lenient)
error invalid_json "" 1:21 a control character must be escaped inside a string (line 1, column 21)
# leading zero (lenient)
error invalid_json "" 1:179 invalid number (JSON allows no leading zeros and needs digits after '-', '.' and 'e') (line 1, column 179)
# trailing data (lenient)
error invalid_json "" 2:1 unexpected data after the JSON value (line 2, column 1)
# byte order mark (lenient)
error invalid_json "" 1:1 the body starts with a byte order mark, which JSON does not allow (line 1, column 1)
# invalid UTF-8 (lenient)
error invalid_json "" 1:21 the body is not valid UTF-8 (line 1, column 21)
# too deep (lenient)
error invalid_json "" 1:65 nesting is deeper than the limit of 64 levels (line 1, column 65)
# too deep for a configured limit (lenient)
error invalid_json "" 1:3 nesting is deeper than the limit of 2 levels (line 1, column 3)
"#,
    );
}

#[test]
fn envelope_messages() {
    let g = ex("goal.created");
    let gu = ex("goal.updated");
    let cases = [
        (
            "body too large",
            g.clone().into_bytes(),
            Options {
                max_bytes: 100,
                ..Options::default()
            },
        ),
        c("not an object: array", "[]"),
        c("not an object: null", "null"),
        c("not an object: string", r#""goal.created""#),
        c(
            "duplicate key at the top",
            add(&g, r#""event\u005ftype": "goal.deleted""#),
        ),
        c("duplicate key nested", add(&g, r#""x": [{"a/b": 1, "a/b": 2}]"#)),
        c("missing standard fields", r#"{"changed_fields": []}"#),
        c(
            "wrong type of standard fields",
            r#"{"resource_id": 1, "resource_id_type": null, "event_type": ["x"], "changed_fields": {}}"#,
        ),
        c(
            "wrong type in changed_fields",
            rep(&gu, r#"["name", "repeat"]"#, r#"["name", 2, true]"#),
        ),
        c("empty values", rep(&rep(&g, "\"33333\"", "\"\""), "\"Goal\"", "\"\"")),
        c(
            "malformed event_type: upper case",
            rep(&g, "goal.created", "Goal.Created"),
        ),
        c(
            "malformed event_type: padding",
            rep(&g, "goal.created", " goal.created"),
        ),
        c("malformed event_type: no dot", rep(&g, "goal.created", "goal_created")),
    ];
    assert_snapshot(
        &snapshot(LENIENT, &cases),
        r#"
# body too large (lenient)
error body_too_large "" - the body is 172 bytes, over the limit of 100 bytes
# not an object: array (lenient)
error not_an_object "" - the body must be a JSON object, not an array
# not an object: null (lenient)
error not_an_object "" - the body must be a JSON object, not null
# not an object: string (lenient)
error not_an_object "" - the body must be a JSON object, not a string
# duplicate key at the top (lenient)
error duplicate_key /event_type 1:174 the key "event_type" appears twice in the top-level object; parsers disagree on which value wins, so the body is rejected (line 1, column 174)
# duplicate key nested (lenient)
error duplicate_key /x/0/a~1b 1:191 the key "a/b" appears twice in the object at "/x/0"; parsers disagree on which value wins, so the body is rejected (line 1, column 191)
# missing standard fields (lenient)
error missing_field /resource_id - the standard field "resource_id" is missing
error missing_field /resource_id_type - the standard field "resource_id_type" is missing
error missing_field /event_type - the standard field "event_type" is missing
# wrong type of standard fields (lenient)
error wrong_type /resource_id - "resource_id" must be a string, not a number
error wrong_type /resource_id_type - "resource_id_type" must be a string, not null
error wrong_type /event_type - "event_type" must be a string, not an array
error wrong_type /changed_fields - "changed_fields" must be an array of strings, not an object
# wrong type in changed_fields (lenient)
error wrong_type /changed_fields/1 - "changed_fields" must hold only strings, but item 1 is a number
error wrong_type /changed_fields/2 - "changed_fields" must hold only strings, but item 2 is a boolean
# empty values (lenient)
error empty_value /resource_id - "resource_id" must not be empty
error empty_value /resource_id_type - "resource_id_type" must not be empty
# malformed event_type: upper case (lenient)
error malformed_event_type /event_type - "event_type" must be <resource>.<action> in lower-case letters, digits and '_', but is "Goal.Created"
# malformed event_type: padding (lenient)
error malformed_event_type /event_type - "event_type" must be <resource>.<action> in lower-case letters, digits and '_', but is " goal.created"
# malformed event_type: no dot (lenient)
error malformed_event_type /event_type - "event_type" must be <resource>.<action> in lower-case letters, digits and '_', but is "goal_created"
"#,
    );
}

#[test]
fn envelope_messages_are_the_same_errors_in_strict_mode() {
    let g = ex("goal.created");
    let cases = [
        c("missing resource_id", rep(&g, r#""resource_id": "33333", "#, "")),
        c("malformed event_type", rep(&g, "goal.created", "goal.created.now")),
    ];
    assert_snapshot(
        &snapshot(BOTH, &cases),
        r#"
# missing resource_id (lenient)
error missing_field /resource_id - the standard field "resource_id" is missing
# missing resource_id (strict)
error missing_field /resource_id - the standard field "resource_id" is missing
# malformed event_type (lenient)
error malformed_event_type /event_type - "event_type" must be <resource>.<action> in lower-case letters, digits and '_', but is "goal.created.now"
# malformed event_type (strict)
error malformed_event_type /event_type - "event_type" must be <resource>.<action> in lower-case letters, digits and '_', but is "goal.created.now"
"#,
    );
}

#[test]
fn catalogue_messages_in_both_modes() {
    let g = ex("goal.created");
    let cases = [
        c("changed_fields absent", rep(&g, r#""changed_fields": [], "#, "")),
        c(
            "unknown event type, near a known one",
            rep(&g, "goal.created", "goal.creatd"),
        ),
        c(
            "unknown event type, near nothing",
            rep(&g, "goal.created", "zzzz.qqqqqqq"),
        ),
        c("resource type mismatch", rep(&g, r#""Goal""#, r#""User""#)),
        c("changed_fields not empty: one", rep(&g, "[]", r#"["name"]"#)),
        c(
            "changed_fields not empty: two, deleted",
            rep(&ex("goal.deleted"), "[]", r#"["name", "repeat"]"#),
        ),
        c("missing extra field", rep(&g, r#", "user_id": "22222""#, "")),
        c("null not allowed", rep(&g, r#""22222""#, "null")),
        c("extra field of the wrong type", rep(&g, r#""22222""#, "22222")),
        c("nullable extra field of the wrong type", rep(&g, r#""67890""#, "{}")),
        c("unexpected field", add(&g, r#""a/b": 1"#)),
    ];
    assert_snapshot(
        &snapshot(BOTH, &cases),
        r#"
# changed_fields absent (lenient)
warning missing_field /changed_fields - "changed_fields" is missing (older deliveries omit it; current ones send [] when nothing changed)
# changed_fields absent (strict)
error missing_field /changed_fields - "changed_fields" is missing (older deliveries omit it; current ones send [] when nothing changed)
# unknown event type, near a known one (lenient)
warning unknown_event_type /event_type - unknown event type "goal.creatd"; did you mean "goal.created"?
# unknown event type, near a known one (strict)
error unknown_event_type /event_type - unknown event type "goal.creatd"; did you mean "goal.created"?
# unknown event type, near nothing (lenient)
warning unknown_event_type /event_type - unknown event type "zzzz.qqqqqqq"
# unknown event type, near nothing (strict)
error unknown_event_type /event_type - unknown event type "zzzz.qqqqqqq"
# resource type mismatch (lenient)
warning resource_type_mismatch /resource_id_type - "resource_id_type" is "User", but goal.created carries "Goal"
# resource type mismatch (strict)
error resource_type_mismatch /resource_id_type - "resource_id_type" is "User", but goal.created carries "Goal"
# changed_fields not empty: one (lenient)
warning changed_fields_not_empty /changed_fields - "changed_fields" should be empty on goal.created (a created event), but it lists 1 field
# changed_fields not empty: one (strict)
error changed_fields_not_empty /changed_fields - "changed_fields" should be empty on goal.created (a created event), but it lists 1 field
# changed_fields not empty: two, deleted (lenient)
warning changed_fields_not_empty /changed_fields - "changed_fields" should be empty on goal.deleted (a deleted event), but it lists 2 fields
# changed_fields not empty: two, deleted (strict)
error changed_fields_not_empty /changed_fields - "changed_fields" should be empty on goal.deleted (a deleted event), but it lists 2 fields
# missing extra field (lenient)
warning missing_extra_field /user_id - goal.created documents the field "user_id", which is missing
# missing extra field (strict)
error missing_extra_field /user_id - goal.created documents the field "user_id", which is missing
# null not allowed (lenient)
warning null_not_allowed /user_id - "user_id" may not be null on goal.created
# null not allowed (strict)
error null_not_allowed /user_id - "user_id" may not be null on goal.created
# extra field of the wrong type (lenient)
warning wrong_type /user_id - "user_id" must be a string, not a number
# extra field of the wrong type (strict)
error wrong_type /user_id - "user_id" must be a string, not a number
# nullable extra field of the wrong type (lenient)
warning wrong_type /care_plan_id - "care_plan_id" must be a string or null, not an object
# nullable extra field of the wrong type (strict)
error wrong_type /care_plan_id - "care_plan_id" must be a string or null, not an object
# unexpected field (lenient)
warning unexpected_field /a~1b - "a/b" is not a documented field of goal.created
# unexpected field (strict)
warning unexpected_field /a~1b - "a/b" is not a documented field of goal.created
"#,
    );
}

#[test]
fn a_valid_delivery_has_no_message() {
    let cases = [
        c("goal.created example", ex("goal.created")),
        c(
            "transcript_failed",
            r#"{"resource_id":"1","resource_id_type":"Appointment","event_type":"appointment.transcript_failed","changed_fields":[]}"#,
        ),
    ];
    assert_snapshot(
        &snapshot(BOTH, &cases),
        r#"
# goal.created example (lenient)
(no issue)
# goal.created example (strict)
(no issue)
# transcript_failed (lenient)
(no issue)
# transcript_failed (strict)
(no issue)
"#,
    );
}

/// Messages quote what the body said; they must stay one line whatever it
/// holds (a newline in a message would break logs and the line format above).
#[test]
fn messages_are_single_lines_whatever_the_body_holds() {
    let g = ex("goal.created");
    let bodies = [
        rep(&g, "goal.created", r"goal.created\n\u2028x"),
        rep(&g, "goal.created", r"goal\r.created"),
        add(&g, r#""line\nbreak": 1"#),
        rep(&g, "\"Goal\"", r#""Go\nal""#),
        add(&g, r#""x": {"a\nb": 1, "a\nb": 2}"#),
    ];
    for body in &bodies {
        for mode in [Mode::Lenient, Mode::Strict] {
            let r = validate(body.as_bytes(), &Options::new(mode));
            assert!(!r.issues.is_empty(), "{body}");
            for i in &r.issues {
                assert!(!i.message.contains(['\n', '\r', '\u{2028}']), "{:?}", i.message);
            }
        }
    }
}
