//! Hostile inputs: a webhook endpoint is a public URL, so each of these is a
//! named test with the code it must produce, in both modes, in bounded time
//! and without exhausting the stack. The last test checks that time per
//! input is linear in its size, as a ratio of per-byte times.

use std::time::{Duration, Instant};

use healthie_webhooks::{catalogue, validate, Code, Issue, Mode, Options, Report, Severity};

const MODES: [Mode; 2] = [Mode::Lenient, Mode::Strict];

fn goal() -> String {
    catalogue::lookup("goal.created").unwrap().example.unwrap().to_string()
}

/// `body` with `member` added as its last member.
fn add(body: &str, member: &str) -> String {
    let end = body.rfind('}').unwrap();
    format!("{}, {member}{}", &body[..end], &body[end..])
}

fn rep(body: &str, from: &str, to: &str) -> String {
    assert_eq!(body.matches(from).count(), 1, "{from:?}");
    body.replacen(from, to, 1)
}

/// Validates in both modes with `options` (its mode replaced) and returns the reports.
fn both(body: &[u8], options: Options) -> Vec<Report<'_>> {
    MODES
        .iter()
        .map(|&mode| validate(body, &Options { mode, ..options }))
        .collect()
}

/// The body is rejected with exactly one error of `code` in both modes.
fn rejected(body: &[u8], code: Code) -> Issue {
    rejected_with(body, code, Options::default())
}

fn rejected_with(body: &[u8], code: Code, options: Options) -> Issue {
    let mut last = None;
    for r in both(body, options) {
        let codes: Vec<Code> = r.issues.iter().map(|i| i.code).collect();
        assert_eq!(
            codes,
            [code],
            "{}: {:?}",
            r.mode.as_str(),
            r.issues.first().map(|i| &i.message)
        );
        assert!(!r.valid && r.event.is_none() && r.spec.is_none());
        assert_eq!(r.issues[0].severity, Severity::Error);
        last = Some(r.issues[0].clone());
    }
    last.unwrap()
}

/// Runs `f` on a thread with a small stack: recursion that is not bounded
/// by the depth limit would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

// ---- nesting --------------------------------------------------------------

#[test]
fn deep_nesting_of_arrays_is_invalid_json() {
    on_small_stack(|| {
        let open = "[".repeat(100_000);
        let i = rejected(open.as_bytes(), Code::InvalidJson);
        assert!(i.message.contains("deeper than the limit of 64"), "{}", i.message);
        assert_eq!((i.line, i.column), (Some(1), Some(65)));
        let closed = format!("{}{}", open, "]".repeat(100_000));
        rejected(closed.as_bytes(), Code::InvalidJson);
        // Inside an otherwise sound delivery.
        let body = add(&goal(), &format!("\"x\": {closed}"));
        rejected(body.as_bytes(), Code::InvalidJson);
    });
}

#[test]
fn deep_nesting_of_objects_is_invalid_json() {
    on_small_stack(|| {
        let body = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
        let i = rejected(body.as_bytes(), Code::InvalidJson);
        assert!(i.message.contains("deeper than the limit"), "{}", i.message);
        let mixed = format!("{}1{}", r#"[{"a":"#.repeat(50_000), "}]".repeat(50_000));
        rejected(mixed.as_bytes(), Code::InvalidJson);
        // Unterminated: the depth limit still answers first.
        rejected(r#"{"a":"#.repeat(100_000).as_bytes(), Code::InvalidJson);
    });
}

#[test]
fn nesting_at_the_limit_is_accepted_and_one_more_is_not() {
    on_small_stack(|| {
        // The body itself is level 1, so a value may nest 63 more.
        let at = add(&goal(), &format!("\"x\": {}{}", "[".repeat(63), "]".repeat(63)));
        for r in both(at.as_bytes(), Options::default()) {
            assert!(r.valid, "{:?}", r.issues);
            assert_eq!(
                r.issues.iter().map(|i| i.code).collect::<Vec<_>>(),
                [Code::UnexpectedField]
            );
        }
        let over = add(&goal(), &format!("\"x\": {}{}", "[".repeat(64), "]".repeat(64)));
        rejected(over.as_bytes(), Code::InvalidJson);
    });
}

// ---- long strings, keys and numbers -------------------------------------

#[test]
fn very_long_strings_are_valid_under_a_raised_limit() {
    let big = Options {
        max_bytes: 16 << 20,
        ..Options::default()
    };
    let long = "7".repeat(4 << 20);
    let body = rep(&goal(), "\"33333\"", &format!("\"{long}\""));
    for r in both(body.as_bytes(), big) {
        assert!(r.valid && r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.event.unwrap().resource_id.len(), 4 << 20);
    }
    // Escaped all the way: decoded, not borrowed.
    let escaped = "\\u00e9".repeat(1 << 19);
    let body = rep(&goal(), "\"22222\"", &format!("\"{escaped}\""));
    for r in both(body.as_bytes(), big) {
        assert!(r.valid && r.issues.is_empty());
        assert_eq!(
            r.event
                .unwrap()
                .field("user_id")
                .unwrap()
                .as_str()
                .unwrap()
                .chars()
                .count(),
            1 << 19
        );
    }
    // The same body under the default limit is only too large.
    rejected(body.as_bytes(), Code::BodyTooLarge);
}

#[test]
fn very_long_keys_are_unexpected_fields() {
    let big = Options {
        max_bytes: 16 << 20,
        ..Options::default()
    };
    let key = "k".repeat(2 << 20);
    let body = add(&goal(), &format!("\"{key}\": 1"));
    for r in both(body.as_bytes(), big) {
        assert!(r.valid);
        assert_eq!(r.issues.len(), 1);
        assert_eq!(
            (r.issues[0].code, r.issues[0].severity),
            (Code::UnexpectedField, Severity::Warning)
        );
        assert_eq!(r.issues[0].path.len(), key.len() + 1);
    }
    // Two of them, equal: a duplicate.
    let body = add(&goal(), &format!("\"{key}\": 1, \"{key}\": 2"));
    let i = rejected_with(body.as_bytes(), Code::DuplicateKey, big);
    assert_eq!(i.path.len(), key.len() + 1);
    // Two that differ only in the last byte: not a duplicate.
    let other = format!("{}j", &key[..key.len() - 1]);
    let body = add(&goal(), &format!("\"{key}\": 1, \"{other}\": 2"));
    for r in both(body.as_bytes(), big) {
        assert!(r.valid && r.issues.len() == 2);
    }
}

#[test]
fn very_long_unknown_event_type_is_answered_quickly() {
    // A well-formed but unknown name of 1 MiB used to cost an edit distance
    // against every catalogue name (about 25 s); now it is skipped when no
    // name can be close.
    let big = Options {
        max_bytes: 4 << 20,
        ..Options::default()
    };
    let name = format!("goal.{}", "a".repeat(1 << 20));
    let body = rep(&goal(), "goal.created", &name);
    for r in both(body.as_bytes(), big) {
        assert_eq!(
            r.issues.iter().map(|i| i.code).collect::<Vec<_>>(),
            [Code::UnknownEventType]
        );
        assert!(!r.issues[0].message.contains("did you mean"));
        assert!(r.event.is_some() && r.spec.is_none());
    }
    // Compared with a known event of the same size (a long resource_id):
    // the edit distance made it thousands of times slower. Timed once first,
    // so a regression fails without repeating a slow run.
    let baseline = rep(&goal(), "\"33333\"", &format!("\"{}\"", "3".repeat(1 << 20)));
    let time = |b: &str| {
        let start = Instant::now();
        std::hint::black_box(validate(b.as_bytes(), &big));
        start.elapsed()
    };
    let base = (0..3).map(|_| time(&baseline)).min().unwrap();
    let mut unknown = time(&body);
    if unknown <= base * 20 {
        unknown = (0..3).map(|_| time(&body)).min().unwrap().min(unknown);
    }
    assert!(unknown <= base * 20, "unknown name {unknown:?} vs known {base:?}");
    // Near misses still get a suggestion.
    let body = rep(&goal(), "goal.created", "goal.createdd");
    let r = validate(body.as_bytes(), &Options::default());
    assert!(
        r.issues[0].message.contains("did you mean \"goal.created\""),
        "{}",
        r.issues[0].message
    );
}

#[test]
fn huge_numbers_and_exponents_are_numbers_not_invalid_json() {
    let big = Options {
        max_bytes: 4 << 20,
        ..Options::default()
    };
    let digits = format!("9{}", "0".repeat(100_000));
    let numbers = [
        "1e999999".to_string(),
        "-1e-999999".to_string(),
        "1E+99999999999999999999".to_string(),
        format!("1e{}", "9".repeat(100_000)),
        digits.clone(),
        format!("-{digits}.{digits}e-{digits}"),
        "-0.0".to_string(),
    ];
    for n in &numbers {
        // As an unexpected field: a warning only.
        let body = add(&goal(), &format!("\"x\": {n}"));
        for r in both(body.as_bytes(), big) {
            assert!(r.valid, "{}: {:?}", &n[..n.len().min(20)], r.issues);
            assert_eq!(
                r.issues.iter().map(|i| i.code).collect::<Vec<_>>(),
                [Code::UnexpectedField]
            );
            // Kept as written: nothing is lost to f64.
            let event = r.event.unwrap();
            assert_eq!(
                event.field("x"),
                Some(&healthie_webhooks::json::Value::Number(n.as_str()))
            );
        }
        // As a documented string field: wrong_type, an error only in strict mode.
        let body = rep(&goal(), "\"22222\"", n);
        let reports = both(body.as_bytes(), big);
        for r in &reports {
            assert_eq!(
                r.issues.iter().map(|i| (i.code, i.path.as_str())).collect::<Vec<_>>(),
                [(Code::WrongType, "/user_id")]
            );
        }
        assert!(reports[0].valid && !reports[1].valid);
    }
    // Under the default limit, a 10^5-digit integer is fine too.
    let body = add(&goal(), &format!("\"x\": {}", &digits[..100_000]));
    assert!(validate(body.as_bytes(), &Options::default()).valid);
}

// ---- many keys ------------------------------------------------------------

fn many_members(n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
    add(&goal(), &members.join(", "))
}

#[test]
fn many_distinct_keys_are_warnings() {
    let body = many_members(100_000);
    let big = Options {
        max_bytes: 4 << 20,
        ..Options::default()
    };
    for r in both(body.as_bytes(), big) {
        assert!(r.valid);
        assert_eq!(r.issues.len(), 100_000);
        assert!(r
            .issues
            .iter()
            .all(|i| i.code == Code::UnexpectedField && i.severity == Severity::Warning));
        assert_eq!(r.issues[99_999].path, "/k99999");
    }
}

#[test]
fn many_keys_with_one_duplicate_at_the_end_is_a_duplicate_key() {
    let big = Options {
        max_bytes: 4 << 20,
        ..Options::default()
    };
    let body = add(&many_members(100_000), "\"k50000\": 0");
    let i = rejected_with(body.as_bytes(), Code::DuplicateKey, big);
    assert_eq!(i.path, "/k50000");
    assert_eq!(i.line, Some(1));
    // The position is the repeated key's (the last member).
    assert_eq!(i.column.unwrap() as usize, body.rfind("\"k50000\"").unwrap() + 1);
    // A repeat of a standard field among many keys.
    let body = add(&many_members(100_000), "\"event_type\": \"goal.deleted\"");
    assert_eq!(
        rejected_with(body.as_bytes(), Code::DuplicateKey, big).path,
        "/event_type"
    );
}

// ---- strings and encodings --------------------------------------------

#[test]
fn lone_surrogate_escapes_are_invalid_json() {
    for s in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\udfff""#,
        r#""\ud800\u0041""#,
        r#""\ud800x""#,
        r#""\ud800\ud800""#,
        r#""\udc00\ud800""#,
        r#""\ud800\""#,
    ] {
        let body = rep(&goal(), "\"33333\"", s);
        let i = rejected(body.as_bytes(), Code::InvalidJson);
        assert!(i.line.is_some() && i.column.is_some());
        // In a key too.
        let body = add(&goal(), &format!("{s}: 1"));
        rejected(body.as_bytes(), Code::InvalidJson);
    }
    // A proper pair is a character.
    let body = rep(&goal(), "\"33333\"", r#""\ud83d\ude00""#);
    for r in both(body.as_bytes(), Options::default()) {
        assert!(r.valid && r.issues.is_empty());
        assert_eq!(r.event.unwrap().resource_id, "😀");
    }
}

#[test]
fn raw_nul_bytes_are_invalid_json() {
    let body = rep(&goal(), "33333", "333\u{0}33");
    let i = rejected(body.as_bytes(), Code::InvalidJson);
    assert!(i.message.contains("control character"), "{}", i.message);
    assert_eq!(i.column.unwrap() as usize, body.find('\u{0}').unwrap() + 1);
    // Outside a string, and in a key.
    rejected(rep(&goal(), "{ ", "{\u{0} ").as_bytes(), Code::InvalidJson);
    rejected(add(&goal(), "\"a\u{0}\": 1").as_bytes(), Code::InvalidJson);
    // Every other raw control character too.
    for c in (0x01u8..0x20).map(char::from) {
        rejected(rep(&goal(), "33333", &format!("3{c}3")).as_bytes(), Code::InvalidJson);
    }
}

#[test]
fn escaped_nul_is_accepted() {
    let body = rep(&goal(), "\"33333\"", r#""\u0000""#);
    for r in both(body.as_bytes(), Options::default()) {
        assert!(r.valid && r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.event.unwrap().resource_id, "\u{0}");
    }
}

#[test]
fn a_utf8_byte_order_mark_is_invalid_json() {
    let body = format!("\u{feff}{}", goal());
    let i = rejected(body.as_bytes(), Code::InvalidJson);
    assert!(i.message.contains("byte order mark"), "{}", i.message);
    assert_eq!((i.line, i.column), (Some(1), Some(1)));
    // After whitespace, or a UTF-16 mark, it is no better.
    rejected(format!(" \u{feff}{}", goal()).as_bytes(), Code::InvalidJson);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(goal().bytes());
    rejected(&utf16, Code::InvalidJson);
    // U+FEFF inside a string is just a character.
    let body = rep(&goal(), "33333", "3\u{feff}3");
    assert!(validate(body.as_bytes(), &Options::new(Mode::Strict)).valid);
}

#[test]
fn invalid_and_overlong_utf8_is_invalid_json_with_a_position() {
    let cases: [(&str, &[u8]); 7] = [
        ("overlong '/'", b"\xC0\xAF"),
        ("encoded surrogate", b"\xED\xA0\x80"),
        ("overlong NUL", b"\xC0\x80"),
        ("beyond U+10FFFF", b"\xF4\x90\x80\x80"),
        ("lone continuation", b"\x80"),
        ("0xFF", b"\xFF"),
        ("truncated sequence", b"\xE2\x82"),
    ];
    // On a later line of a pretty-printed body, after a two-byte character.
    let template = goal().replace(", ", ",\n ");
    let template = rep(&template, "\"22222\"", "\"é@\"");
    assert!(template.lines().count() > 5);
    for (name, bad) in cases {
        let mut body = template.as_bytes().to_vec();
        let at = body.iter().position(|&b| b == b'@').unwrap();
        body.splice(at..at + 1, bad.iter().copied());
        let i = rejected(&body, Code::InvalidJson);
        assert!(i.message.contains("UTF-8"), "{name}: {}", i.message);
        let (line, col) = (i.line.unwrap(), i.column.unwrap());
        let text_before = std::str::from_utf8(&body[..at]).unwrap();
        let expected_line = text_before.matches('\n').count() + 1;
        let expected_col = text_before.rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!((line as usize, col as usize), (expected_line, expected_col), "{name}");
    }
    // A truncated sequence as the very last bytes of the body.
    let mut body = goal().into_bytes();
    body.extend(b"\xE2\x82");
    rejected(&body, Code::InvalidJson);
}

#[test]
fn nan_and_infinity_tokens_are_invalid_json() {
    for token in [
        "NaN",
        "Infinity",
        "-Infinity",
        "+Infinity",
        "nan",
        "inf",
        "+1",
        ".5",
        "0x10",
        "1.",
        "01",
        "-",
        "1e",
        "undefined",
        "True",
        "nul",
    ] {
        let body = add(&goal(), &format!("\"x\": {token}"));
        let i = rejected(body.as_bytes(), Code::InvalidJson);
        assert!(i.column.is_some(), "{token}");
        let body = rep(&goal(), "\"22222\"", token);
        rejected(body.as_bytes(), Code::InvalidJson);
    }
}

// ---- duplicates -----------------------------------------------------------

#[test]
fn duplicate_keys_nested_deep_name_the_deep_pointer() {
    // 60 levels: within the depth limit, so the duplicate is what is found.
    let depth = 60;
    let mut value = r#"{"k": 1, "m": 2, "k": 3}"#.to_string();
    let mut pointer = "/k".to_string();
    for level in (0..depth).rev() {
        if level % 2 == 0 {
            value = format!(r#"{{"a/{level}": {value}}}"#);
            pointer = format!("/a~1{level}{pointer}");
        } else {
            value = format!("[0, {value}]");
            pointer = format!("/1{pointer}");
        }
    }
    let body = add(&goal(), &format!("\"x\": {value}"));
    let i = rejected(body.as_bytes(), Code::DuplicateKey);
    assert_eq!(i.path, format!("/x{pointer}"));
    assert_eq!(i.column.unwrap() as usize, body.rfind("\"k\"").unwrap() + 1);
}

#[test]
fn keys_that_differ_only_by_unicode_escapes_are_duplicates() {
    for spelling in [
        r#""event\u005ftype""#,
        r#""\u0065vent_type""#,
        r#""\u0065\u0076\u0065\u006e\u0074\u005f\u0074\u0079\u0070\u0065""#,
        r#""event_typ\u0065""#,
    ] {
        let body = add(&goal(), &format!(r#"{spelling}: "goal.deleted""#));
        assert_eq!(
            rejected(body.as_bytes(), Code::DuplicateKey).path,
            "/event_type",
            "{spelling}"
        );
        // And the escaped spelling first.
        let body = rep(&goal(), r#""event_type""#, spelling);
        let body = add(&body, r#""event_type": "goal.deleted""#);
        assert_eq!(
            rejected(body.as_bytes(), Code::DuplicateKey).path,
            "/event_type",
            "{spelling}"
        );
    }
    // Escaped astral character against the raw one.
    let body = add(&goal(), r#""😀": 1, "\ud83d\ude00": 2"#);
    assert_eq!(rejected(body.as_bytes(), Code::DuplicateKey).path, "/😀");
    // Different code points that look alike are different keys (no normalization).
    let body = add(&goal(), "\"\u{e9}\": 1, \"e\u{301}\": 2");
    for r in both(body.as_bytes(), Options::default()) {
        assert!(r.valid);
        assert_eq!(r.issues.len(), 2);
    }
}

// ---- size limit -----------------------------------------------------------

#[test]
fn bodies_just_under_at_and_over_the_size_limit() {
    let padded = |n: usize| format!("{}{}", goal(), " ".repeat(n - goal().len()));
    let limit = Options::DEFAULT_MAX_BYTES;
    for n in [limit - 1, limit] {
        for r in both(padded(n).as_bytes(), Options::default()) {
            assert!(r.valid && r.issues.is_empty(), "{n}");
        }
    }
    for n in [limit + 1, limit + 4096, 4 * limit] {
        let i = rejected(padded(n).as_bytes(), Code::BodyTooLarge);
        assert_eq!(i.path, "");
        assert!(
            i.message.contains(&n.to_string()) && i.message.contains(&limit.to_string()),
            "{}",
            i.message
        );
    }
    // A configured limit, around the example's own size.
    let g = goal();
    for (max, too_large) in [(g.len() - 1, true), (g.len(), false), (g.len() + 1, false)] {
        let o = Options {
            max_bytes: max,
            ..Options::default()
        };
        let r = validate(g.as_bytes(), &o);
        assert_eq!(
            r.issues.iter().any(|i| i.code == Code::BodyTooLarge),
            too_large,
            "{max}"
        );
        assert_eq!(r.valid, !too_large);
    }
    // Over the limit, nothing is parsed: even invalid UTF-8 is only too large.
    let junk = vec![0xFFu8; limit + 1];
    rejected(&junk, Code::BodyTooLarge);
}

// ---- linear time ------------------------------------------------------------

/// Seconds per byte to validate `body`: the best of several batches, each
/// long enough to measure.
fn per_byte(body: &[u8], options: &Options) -> f64 {
    let mut batch = 1usize;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(validate(std::hint::black_box(body), options));
        }
        if start.elapsed() >= Duration::from_millis(20) || batch >= 1 << 16 {
            break;
        }
        batch *= 2;
    }
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        for _ in 0..batch {
            std::hint::black_box(validate(std::hint::black_box(body), options));
        }
        best = best.min(start.elapsed().as_secs_f64() / batch as f64);
    }
    best / body.len() as f64
}

#[test]
fn time_is_linear_in_the_size_of_the_body() {
    type Shape = fn(usize) -> String;
    // Each shape builds a body of about `n` bytes.
    let shapes: [(&str, Shape); 10] = [
        ("many members", |n| many_members(n / 14)),
        ("long string", |n| {
            rep(&goal(), "\"33333\"", &format!("\"{}\"", "3".repeat(n)))
        }),
        ("long escaped string", |n| {
            rep(&goal(), "\"33333\"", &format!("\"{}\"", "\\n\\u00e9".repeat(n / 8)))
        }),
        ("many array items", |n| {
            add(&goal(), &format!("\"x\": [{}0]", "0,".repeat(n / 2)))
        }),
        ("many small objects", |n| {
            add(
                &goal(),
                &format!("\"x\": [{}{{}}]", r#"{"a":[1,"b"],"c":null},"#.repeat(n / 24)),
            )
        }),
        ("long changed_fields", |n| {
            let u = catalogue::lookup("goal.updated").unwrap().example.unwrap();
            rep(
                u,
                r#"["name", "repeat"]"#,
                &format!("[{}\"z\"]", "\"name\",".repeat(n / 7)),
            )
        }),
        ("long unknown event type", |n| {
            rep(&goal(), "goal.created", &format!("goal.{}", "a".repeat(n)))
        }),
        ("long malformed event type", |n| {
            rep(&goal(), "goal.created", &format!("Goal.{}", "A".repeat(n)))
        }),
        ("invalid UTF-8 at the end", |n| {
            format!(
                "{}\u{1}",
                add(&goal(), &format!("\"x\": \"{}\n\"", "é\n".repeat(n / 3)))
            )
        }),
        ("duplicate at the end of many keys", |n| {
            add(&many_members(n / 14), "\"k0\": 1")
        }),
    ];
    let options = Options {
        max_bytes: 4 << 20,
        ..Options::default()
    };
    let mut report = Vec::new();
    for (name, shape) in shapes {
        let small = shape(1 << 10);
        let mut large = shape(1 << 20);
        if name == "invalid UTF-8 at the end" {
            // Swap the marker for a byte that is not UTF-8.
            let (s, l) = (small.len(), large.len());
            let mut sb = small.into_bytes();
            sb[s - 1] = 0xFF;
            let mut lb = std::mem::take(&mut large).into_bytes();
            lb[l - 1] = 0xFF;
            assert_eq!(validate(&lb, &options).issues[0].code, Code::InvalidJson);
            let ratio = per_byte(&lb, &options) / per_byte(&sb, &options);
            report.push((name, sb.len(), lb.len(), ratio));
            continue;
        }
        assert!(
            (512..4096).contains(&small.len()),
            "{name}: small is {} bytes",
            small.len()
        );
        assert!(
            ((1 << 19)..(4 << 20)).contains(&large.len()),
            "{name}: large is {} bytes",
            large.len()
        );
        // Both sizes give the same kind of verdict.
        let codes = |b: &str| {
            let mut c: Vec<&str> = validate(b.as_bytes(), &options)
                .issues
                .iter()
                .map(|i| i.code.as_str())
                .collect();
            c.dedup();
            c
        };
        assert_eq!(codes(&small), codes(&large), "{name}");
        let ratio = per_byte(large.as_bytes(), &options) / per_byte(small.as_bytes(), &options);
        report.push((name, small.len(), large.len(), ratio));
    }
    let table: Vec<String> = report
        .iter()
        .map(|(n, s, l, r)| format!("{n:>36}: {s:>5} B vs {l:>7} B, per-byte ratio {r:.2}"))
        .collect();
    eprintln!("{}", table.join("\n"));
    for (name, _, _, ratio) in &report {
        assert!(
            *ratio <= 20.0,
            "{name}: per-byte time of 1 MiB is {ratio:.1}x that of 1 KiB\n{}",
            table.join("\n")
        );
    }
}

#[test]
fn a_raised_depth_limit_is_capped_so_the_stack_cannot_overflow() {
    // Options::MAX_DEPTH caps any setting: 10^5 levels with max_depth = usize::MAX
    // still end in invalid_json. 1 MiB of stack, as in wasm (whose release
    // frames are far smaller than these debug ones).
    let body = "[".repeat(100_000);
    let options = Options { max_depth: usize::MAX, ..Options::default() };
    let report = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let r = validate(body.as_bytes(), &options);
            (r.issues[0].code, r.issues[0].message.clone())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(report.0, Code::InvalidJson);
    assert!(report.1.contains("256 levels"), "{}", report.1);
}

#[test]
fn unknown_event_types_are_cheap_to_suggest_for() {
    // "did you mean" prunes by length; a long unknown name costs no more than
    // a short one by more than a generous ratio (measured, not timed).
    let short = br#"{"resource_id":"1","resource_id_type":"X","event_type":"zz.zz","changed_fields":[]}"#.to_vec();
    let long_name = format!("{}.{}", "a".repeat(60), "b".repeat(60));
    let long = format!(r#"{{"resource_id":"1","resource_id_type":"X","event_type":"{long_name}","changed_fields":[]}}"#);
    let time = |body: &[u8]| {
        let start = std::time::Instant::now();
        for _ in 0..200 {
            std::hint::black_box(validate(body, &Options::default()));
        }
        start.elapsed().as_secs_f64()
    };
    let (t_short, t_long) = (time(&short), time(long.as_bytes()));
    assert!(t_long < t_short * 50.0, "long unknown names cost {:.1}x short ones", t_long / t_short);
    let report = validate(br#"{"resource_id":"1","resource_id_type":"User","event_type":"patient.craeted","changed_fields":[]}"#, &Options::default());
    assert!(report.issues[0].message.contains("did you mean \"patient.created\""), "{}", report.issues[0].message);
}
