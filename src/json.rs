//! A strict JSON parser for webhook bodies.
//!
//! Why not serde_json: a webhook receiver needs things a general parser does
//! not give cheaply: duplicate keys rejected *anywhere* with the path where
//! they repeat (JavaScript keeps the last, most other parsers the first, and
//! an attacker can use that difference to show two parsers two different
//! events), positions of every member for JSON Pointer paths and document
//! order, strings borrowed from the input when they hold no escape, and a
//! hard nesting limit so hostile input cannot exhaust the stack.
//!
//! Grammar: RFC 8259 exactly. No byte order mark, no comments, no trailing
//! commas, no `NaN`/`Infinity`, no lone surrogate escapes (they cannot be
//! represented as UTF-8, so accepting them would mean silently changing the
//! text). Numbers are kept as their source text: nothing is lost to `f64`.

use std::borrow::Cow;

/// A parsed JSON value borrowing from the input where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written in the source (already checked against the grammar).
    Number(&'a str),
    /// A string, decoded; borrowed when the source has no escape.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object's members in document order (keys are unique).
    Object(Vec<Member<'a>>),
}

/// A value and the byte offset where it starts in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// Byte offset of the value's first character.
    pub offset: usize,
    /// The value.
    pub value: Value<'a>,
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    /// The decoded key.
    pub key: Cow<'a, str>,
    /// Byte offset of the key's opening quote.
    pub offset: usize,
    /// The value.
    pub value: Node<'a>,
}

impl Value<'_> {
    /// The JSON type name used in messages: `"string"`, `"number"`, ...
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Why the input is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// Input ended inside a value.
    UnexpectedEnd,
    /// A character that the grammar does not allow here.
    Unexpected {
        /// What the parser was looking for.
        expected: &'static str,
    },
    /// A string escape that is not one of JSON's.
    InvalidEscape,
    /// A `\u` escape of half a surrogate pair.
    LoneSurrogate,
    /// A raw control character (below U+0020) inside a string.
    ControlCharacter,
    /// A number that breaks the grammar (`01`, `1.`, `-`, `1e`).
    InvalidNumber,
    /// Something after the top-level value.
    TrailingData,
    /// A UTF-8 byte order mark before the value.
    ByteOrderMark,
    /// Nesting deeper than the limit.
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// A key that already appeared in the same object.
    DuplicateKey {
        /// JSON Pointer of the repeated member.
        path: String,
    },
}

/// A parse failure with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte offset in the input.
    pub offset: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters (Unicode scalar values).
    pub column: u32,
}

impl Error {
    fn at(input: &[u8], offset: usize, kind: ErrorKind) -> Error {
        let (line, column) = line_column(input, offset);
        Error { kind, offset, line, column }
    }

    /// A sentence describing the error (without the position).
    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::InvalidUtf8 => "the body is not valid UTF-8".into(),
            ErrorKind::UnexpectedEnd => "the body ends in the middle of a value".into(),
            ErrorKind::Unexpected { expected } => format!("expected {expected}"),
            ErrorKind::InvalidEscape => "invalid escape sequence in a string".into(),
            ErrorKind::LoneSurrogate => "a \\u escape encodes half of a surrogate pair, which is not a character".into(),
            ErrorKind::ControlCharacter => "a control character must be escaped inside a string".into(),
            ErrorKind::InvalidNumber => {
                "invalid number (JSON allows no leading zeros and needs digits after '-', '.' and 'e')".into()
            }
            ErrorKind::TrailingData => "unexpected data after the JSON value".into(),
            ErrorKind::ByteOrderMark => "the body starts with a byte order mark, which JSON does not allow".into(),
            ErrorKind::TooDeep { limit } => format!("nesting is deeper than the limit of {limit} levels"),
            ErrorKind::DuplicateKey { path } => {
                // Name the key as written and the object by its pointer: "the
                // key at \"/x/a~1b\"" made people decode RFC 6901 in their head.
                let (object, token) = path.rsplit_once('/').unwrap_or(("", path));
                let key = token.replace("~1", "/").replace("~0", "~");
                let place = if object.is_empty() { "the top-level object".to_string() } else { format!("the object at {object:?}") };
                format!("the key {key:?} appears twice in {place}; parsers disagree on which value wins, so the body is rejected")
            }
        }
    }
}

/// 1-based line and character column of a byte offset. Counted only when an
/// error is reported, so the hot path never tracks lines.
pub fn line_column(input: &[u8], offset: usize) -> (u32, u32) {
    let before = &input[..offset.min(input.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    // Count characters, not bytes: continuation bytes do not start one.
    let column = before[line_start..].iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1;
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parses `input` as one JSON value, nesting at most `max_depth` arrays and
/// objects deep.
pub fn parse(input: &[u8], max_depth: usize) -> Result<Node<'_>, Error> {
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => return Err(Error::at(input, e.valid_up_to(), ErrorKind::InvalidUtf8)),
    };
    if text.starts_with('\u{feff}') {
        return Err(Error::at(input, 0, ErrorKind::ByteOrderMark));
    }
    let mut parser = Parser { text, bytes: input, pos: 0, max_depth, trail: Vec::new() };
    let node = match parser.value(0) {
        Ok(node) => node,
        Err((offset, mut kind)) => {
            if let ErrorKind::DuplicateKey { path } = &mut kind {
                *path = parser.duplicate_pointer(path);
            }
            return Err(Error::at(input, offset, kind));
        }
    };
    parser.skip_ws();
    if parser.pos != input.len() {
        return Err(Error::at(input, parser.pos, ErrorKind::TrailingData));
    }
    Ok(node)
}

type Fail = (usize, ErrorKind);

/// A step of the path from the root, kept only to name a duplicate key.
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
    /// The path to a repeated key, innermost step first, collected while the
    /// error unwinds: the success path tracks no path at all (it used to
    /// push and pop a step per member, the most frequent work of a parse).
    trail: Vec<Step<'a>>,
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn unexpected(&self, expected: &'static str) -> Fail {
        if self.pos >= self.bytes.len() {
            (self.pos, ErrorKind::UnexpectedEnd)
        } else {
            (self.pos, ErrorKind::Unexpected { expected })
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, Fail> {
        self.skip_ws();
        let offset = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Node { offset, value })
    }

    fn literal(&mut self, word: &'static str, value: Value<'a>) -> Result<Value<'a>, Fail> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn enter(&self, depth: usize) -> Result<(), Fail> {
        if depth > self.max_depth {
            Err((self.pos, ErrorKind::TooDeep { limit: self.max_depth }))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, Fail> {
        self.enter(depth)?;
        self.pos += 1; // '{'
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        // One allocation for a webhook body's handful of top-level members
        // (nested objects grow as needed, so hostile input is not amplified).
        let mut members: Vec<Member<'a>> = if depth == 1 { Vec::with_capacity(8) } else { Vec::new() };
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a key in double quotes"));
            }
            let offset = self.pos;
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("':' after the key"));
            }
            self.pos += 1;
            let value = match self.value(depth) {
                Ok(value) => value,
                Err(fail) => return Err(self.within(fail, Step::Key(key))),
            };
            members.push(Member { key, offset, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("',' or '}' after the member")),
            }
        }
        self.check_duplicates(&members)?;
        Ok(Value::Object(members))
    }

    /// Rejects a repeated key, naming its second occurrence. Sorting keeps
    /// this O(n log n) however many keys a hostile body has, and needs no
    /// hashing (so no hash-flooding either).
    fn check_duplicates(&mut self, members: &[Member<'a>]) -> Result<(), Fail> {
        let repeated = if members.len() <= 8 {
            (1..members.len()).find(|&i| members[..i].iter().any(|m| m.key == members[i].key))
        } else {
            let mut order: Vec<usize> = (0..members.len()).collect();
            order.sort_by(|&a, &b| members[a].key.cmp(&members[b].key).then(a.cmp(&b)));
            order
                .windows(2)
                .filter(|w| members[w[0]].key == members[w[1]].key)
                .map(|w| w[1])
                .min()
        };
        match repeated {
            Some(i) => {
                // The pointer of the repeated key inside this object; the
                // enclosing steps are added as the error unwinds (`within`).
                let mut path = String::new();
                push_pointer_token(&mut path, &members[i].key);
                Err((members[i].offset, ErrorKind::DuplicateKey { path }))
            }
            None => Ok(()),
        }
    }

    /// Records the step a failure passed through on its way out, when the
    /// failure is a duplicate key (the only error that names a path).
    fn within(&mut self, fail: Fail, step: Step<'a>) -> Fail {
        if matches!(fail.1, ErrorKind::DuplicateKey { .. }) {
            self.trail.push(step);
        }
        fail
    }

    /// The full pointer of a repeated key: the recorded steps, outermost
    /// first, then the key's own token.
    fn duplicate_pointer(&self, inner: &str) -> String {
        let mut p = String::new();
        for step in self.trail.iter().rev() {
            match step {
                Step::Key(k) => push_pointer_token(&mut p, k),
                Step::Index(i) => {
                    p.push('/');
                    p.push_str(&i.to_string());
                }
            }
        }
        p.push_str(inner);
        p
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, Fail> {
        self.enter(depth)?;
        self.pos += 1; // '['
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        // `changed_fields` (a member of the top-level object) lists a few
        // names: one allocation; deeper arrays grow as needed.
        let mut items = if depth <= 2 { Vec::with_capacity(8) } else { Vec::new() };
        loop {
            let item = match self.value(depth) {
                Ok(item) => item,
                Err(fail) => return Err(self.within(fail, Step::Index(items.len()))),
            };
            items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("',' or ']' after the item")),
            }
        }
        Ok(Value::Array(items))
    }

    fn number(&mut self) -> Result<&'a str, Fail> {
        let start = self.pos;
        let bad = |at: usize| (at, ErrorKind::InvalidNumber);
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(bad(start)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(bad(start));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(bad(start));
            }
            self.digits();
        }
        // `01` or `1x`: a number must not run into more digits or letters.
        if self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return Err(bad(start));
        }
        Ok(&self.text[start..self.pos])
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<Cow<'a, str>, Fail> {
        self.pos += 1; // opening quote
        let start = self.pos;
        // Fast path: no escape, borrow the input. One tight scan to the
        // first byte that needs a decision (most strings have none inside).
        self.pos = start + plain_run(&self.bytes[start..]);
        match self.peek() {
            None => return Err((self.pos, ErrorKind::UnexpectedEnd)),
            Some(b'"') => {
                let s = &self.text[start..self.pos];
                self.pos += 1;
                return Ok(Cow::Borrowed(s));
            }
            Some(b'\\') => {}
            Some(_) => return Err((self.pos, ErrorKind::ControlCharacter)),
        }
        let mut out = String::from(&self.text[start..self.pos]);
        loop {
            match self.peek() {
                None => return Err((self.pos, ErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let at = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape(at)?;
                            out.push(c);
                            continue;
                        }
                        None => return Err((self.pos, ErrorKind::UnexpectedEnd)),
                        Some(_) => return Err((at, ErrorKind::InvalidEscape)),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(b) if b < 0x20 => return Err((self.pos, ErrorKind::ControlCharacter)),
                Some(_) => {
                    // Copy the run up to the next quote or backslash at once.
                    let run_start = self.pos;
                    while self.peek().is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20) {
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run_start..self.pos]);
                }
            }
        }
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` for a surrogate pair.
    fn unicode_escape(&mut self, escape_at: usize) -> Result<char, Fail> {
        let high = self.hex4(escape_at)?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err((escape_at, ErrorKind::LoneSurrogate));
                }
                self.pos += 2;
                let low = self.hex4(escape_at)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err((escape_at, ErrorKind::LoneSurrogate));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err((escape_at, ErrorKind::LoneSurrogate)),
            c => c,
        };
        char::from_u32(code).ok_or((escape_at, ErrorKind::InvalidEscape))
    }

    fn hex4(&mut self, escape_at: usize) -> Result<u32, Fail> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or((escape_at, ErrorKind::InvalidEscape))?;
        let mut n = 0;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or((escape_at, ErrorKind::InvalidEscape))?;
            n = n * 16 + v;
        }
        self.pos += 4;
        Ok(n)
    }
}

/// Length of the leading part of `bytes` that holds no `"`, `\\` or control
/// character: eight bytes per step (SWAR, no `unsafe`, no SIMD needed), since
/// string contents are most of a webhook body. `bytes` is the rest of the
/// input, so the eight-byte reads run past the string's closing quote and
/// only the input's last few bytes go one by one.
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let mut done = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Bytes below 0x20, bytes equal to '"', bytes equal to '\\'. A borrow
        // can only flag bytes above a real match, so the lowest flag is exact.
        let found = (x.wrapping_sub(ONES * 0x20) & !x | has_zero(x ^ (ONES * u64::from(b'"'))) | has_zero(x ^ (ONES * u64::from(b'\\')))) & HIGH;
        if found != 0 {
            return done + (found.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    done + bytes[done..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(bytes.len() - done)
}

impl Value<'_> {
    /// Appends this value as compact JSON text (numbers exactly as written).
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => write_json_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.value.write_json(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, &m.key);
                    out.push(':');
                    m.value.value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `s` as a JSON string literal, escaping what JSON requires.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Appends `/token` to a JSON Pointer, escaping `~` and `/` (RFC 6901).
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(input: &str) -> ErrorKind {
        parse(input.as_bytes(), 128).unwrap_err().kind
    }

    #[test]
    fn plain_run_stops_at_the_first_quote_backslash_or_control() {
        for len in 0..20 {
            for stop in [b'"', b'\\', 0x00, 0x1f] {
                for at in 0..=len {
                    let mut bytes = vec![b'a'; len];
                    // Bytes that must not stop it: high UTF-8 bytes, 0x20, 0x7f.
                    for (i, b) in bytes.iter_mut().enumerate() {
                        *b = [b'a', 0xc3, 0xa9, b' ', 0x7f, b'!', b'#', b'['][i % 8];
                    }
                    if at < len {
                        bytes[at] = stop;
                    }
                    assert_eq!(plain_run(&bytes), at, "len {len} stop {stop} at {at}");
                }
            }
        }
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let node = parse(br#"{"a":"plain","b":"tab\tthere"}"#, 8).unwrap();
        let Value::Object(m) = node.value else { panic!() };
        assert!(matches!(m[0].value.value, Value::String(Cow::Borrowed("plain"))));
        assert!(matches!(&m[1].value.value, Value::String(Cow::Owned(s)) if s == "tab\tthere"));
    }

    #[test]
    fn grammar_edges() {
        for ok in ["0", "-0", "1.5e+10", "[]", "{}", "\"\\u00e9\\ud83d\\ude00\"", " [1 , 2] ", "1E400"] {
            assert!(parse(ok.as_bytes(), 8).is_ok(), "{ok}");
        }
        assert_eq!(kind("01"), ErrorKind::InvalidNumber);
        assert_eq!(kind("1."), ErrorKind::InvalidNumber);
        assert_eq!(kind("-"), ErrorKind::InvalidNumber);
        assert_eq!(kind("NaN"), ErrorKind::Unexpected { expected: "a JSON value" });
        assert_eq!(kind("[1,]"), ErrorKind::Unexpected { expected: "a JSON value" });
        assert_eq!(kind("\"\\ud800\""), ErrorKind::LoneSurrogate);
        assert_eq!(kind("\"\\udc00\""), ErrorKind::LoneSurrogate);
        assert_eq!(kind("\"\\x\""), ErrorKind::InvalidEscape);
        assert_eq!(kind("\"a\u{1}\""), ErrorKind::ControlCharacter);
        assert_eq!(kind("{} x"), ErrorKind::TrailingData);
        assert_eq!(kind("\u{feff}{}"), ErrorKind::ByteOrderMark);
        assert_eq!(kind("{\"a\":1"), ErrorKind::UnexpectedEnd);
    }

    #[test]
    fn duplicates_found_after_unescaping_and_deep() {
        let e = kind(r#"{"event_type":"a","event\u005ftype":"b"}"#);
        assert_eq!(e, ErrorKind::DuplicateKey { path: "/event_type".into() });
        let e = kind(r#"{"x":[{"y":{"a/b":1,"a/b":2}}]}"#);
        assert_eq!(e, ErrorKind::DuplicateKey { path: "/x/0/y/a~1b".into() });
        // The sorting path (more than 8 keys) names the second occurrence.
        let many: Vec<String> = (0..20).map(|i| format!("\"k{}\":1", if i == 15 { 3 } else { i })).collect();
        let e = kind(&format!("{{{}}}", many.join(",")));
        assert_eq!(e, ErrorKind::DuplicateKey { path: "/k3".into() });
    }

    #[test]
    fn positions_are_one_based_characters() {
        let e = parse("{\n  \"é\": x}".as_bytes(), 8).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        let e = parse(b"{\"a\":\xff}", 8).unwrap_err();
        assert_eq!((e.kind, e.line, e.column), (ErrorKind::InvalidUtf8, 1, 6));
    }

    #[test]
    fn depth_limit() {
        let deep = "[".repeat(5) + &"]".repeat(5);
        assert!(parse(deep.as_bytes(), 5).is_ok());
        assert_eq!(parse(deep.as_bytes(), 4).unwrap_err().kind, ErrorKind::TooDeep { limit: 4 });
        let hostile = "[".repeat(100_000);
        assert_eq!(parse(hostile.as_bytes(), 128).unwrap_err().kind, ErrorKind::TooDeep { limit: 128 });
    }
}
