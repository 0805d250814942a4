//! One allocation-free pass for the deliveries Healthie actually sends: a flat
//! object of plain strings (no escapes), `null`s and the `changed_fields`
//! array, of a catalogued event, with exactly its documented fields. For such
//! a body the report has no issue, so its words are fully determined by the
//! spans of the members: this pass writes them straight from the bytes, with
//! no parse tree, no `Report`, no heap allocation.
//!
//! Anything else, including every body that would get an issue (even a
//! warning), makes [`Fast::append_clean`] decline; the caller then runs the general
//! parser and rules (`validate` + [`Encoder::append`]), which stay the only
//! source of verdicts and messages. Tests below check on the reference
//! examples, the benchmark corpus and thousands of mutations of them that
//! whenever this pass accepts a body, its words are exactly the general
//! path's.

use super::encode::{catalogue_index, kind, Encoder, ASCII, HAS_EVENT, TYPE_AS_CATALOGUED, VALID};
use crate::catalogue::{self, EventSpec};
use crate::json::plain_run;

/// A byte range of the body.
type Span = (u32, u32);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    ResourceId = 0,
    ResourceIdType = 1,
    EventType = 2,
    ChangedFields = 3,
    Extra = 4,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Null,
    /// The `changed_fields` array (its items are in `Fast::changed`).
    List,
}

#[derive(Clone, Copy)]
struct Member {
    key: Span,
    role: Role,
    kind: Kind,
    value: Span,
}

/// The pass's reusable buffers (kept by the instance: no allocation per
/// delivery once they have grown to a body's handful of members).
#[derive(Default)]
pub struct Fast {
    members: Vec<Member>,
    changed: Vec<Span>,
}

struct Pass<'a, 'f> {
    bytes: &'a [u8],
    pos: usize,
    fast: &'f mut Fast,
    /// Which standard members were seen (bit per `Role`), and where.
    seen: u32,
    standard: [usize; 4],
}

impl Fast {
    /// Appends the words of `body`'s report (spans offset by `base`) when
    /// `body` is a clean delivery, and returns true; otherwise appends
    /// nothing and returns false. The caller has checked `body.len() <=
    /// max_bytes` (and that it is below 2^31).
    pub fn append_clean(&mut self, encoder: &mut Encoder, body: &[u8], base: usize, max_depth: usize) -> bool {
        // The object and the changed_fields array nest two deep.
        if max_depth < 2 || body.len() >= 1 << 31 {
            return false;
        }
        let ascii = body.is_ascii();
        // Invalid UTF-8 is an issue; the general path reports it.
        if !ascii && std::str::from_utf8(body).is_err() {
            return false;
        }
        self.members.clear();
        self.changed.clear();
        let mut pass = Pass { bytes: body, pos: 0, fast: self, seen: 0, standard: [0; 4] };
        if pass.object().is_none() {
            return false;
        }
        let mark = encoder.words.len();
        if pass.emit(encoder, base, ascii).is_none() {
            encoder.words.truncate(mark);
            return false;
        }
        true
    }
}

/// The role of a key: the four standard names differ in length, so at most
/// one comparison.
fn role(key: &[u8]) -> Role {
    let (name, role): (&[u8], Role) = match key.len() {
        11 => (b"resource_id", Role::ResourceId),
        16 => (b"resource_id_type", Role::ResourceIdType),
        10 => (b"event_type", Role::EventType),
        14 => (b"changed_fields", Role::ChangedFields),
        _ => return Role::Extra,
    };
    if key == name {
        role
    } else {
        Role::Extra
    }
}

impl Pass<'_, '_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.bytes.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }

    /// A string with no escape and no control character: its content's span.
    fn string(&mut self) -> Option<Span> {
        self.eat(b'"')?;
        let start = self.pos;
        let end = start + plain_run(&self.bytes[start..]);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.pos = end + 1;
        Some((start as u32, end as u32))
    }

    fn bytes_of(&self, (start, end): Span) -> &[u8] {
        &self.bytes[start as usize..end as usize]
    }

    /// The whole body: `{ "key": value, ... }` and nothing after but
    /// whitespace, keys unique.
    fn object(&mut self) -> Option<()> {
        self.ws();
        self.eat(b'{')?;
        loop {
            self.ws();
            let key = self.string()?;
            let role = role(self.bytes_of(key));
            self.ws();
            self.eat(b':')?;
            self.ws();
            let (kind, value) = match self.bytes.get(self.pos)? {
                b'"' => (Kind::Text, self.string()?),
                b'n' => {
                    if !self.bytes[self.pos..].starts_with(b"null") {
                        return None;
                    }
                    self.pos += 4;
                    (Kind::Null, (0, 0))
                }
                // Only changed_fields may be an array; of plain strings.
                b'[' if role == Role::ChangedFields => {
                    self.list()?;
                    (Kind::List, (0, 0))
                }
                _ => return None,
            };
            if role == Role::Extra {
                let k = self.bytes_of(key);
                if self.fast.members.iter().any(|m| m.role == Role::Extra && m.key.1 - m.key.0 == key.1 - key.0 && self.bytes_of(m.key) == k) {
                    return None;
                }
            } else {
                let bit = 1 << role as u32;
                if self.seen & bit != 0 {
                    return None;
                }
                self.seen |= bit;
                self.standard[role as usize] = self.fast.members.len();
            }
            self.fast.members.push(Member { key, role, kind, value });
            self.ws();
            match self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.ws();
        (self.pos == self.bytes.len()).then_some(())
    }

    fn list(&mut self) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.ws();
            let item = self.string()?;
            self.fast.changed.push(item);
            self.ws();
            match self.bytes.get(self.pos)? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The rules, for a body that gets no issue at all; then the words.
    fn emit(&self, encoder: &mut Encoder, base: usize, ascii: bool) -> Option<()> {
        if self.seen != 0b1111 {
            return None;
        }
        let members = &self.fast.members;
        let [resource_id, resource_id_type, event_type, changed] = self.standard.map(|i| members[i]);
        let text = |m: Member| (m.kind == Kind::Text).then(|| self.bytes_of(m.value));
        if text(resource_id)?.is_empty() || text(resource_id_type)?.is_empty() || changed.kind != Kind::List {
            return None;
        }
        // A known name (all are well-formed); unknown names get an issue.
        let spec: &'static EventSpec = catalogue::lookup_bytes(text(event_type)?)?;
        let changed_items = &self.fast.changed;
        if !changed_items.is_empty() && matches!(spec.action, "created" | "deleted") {
            return None;
        }
        let documented = spec.resource_id_type.is_some();
        let extras = members.len() - 4;
        let mut flags = VALID | HAS_EVENT;
        if ascii {
            flags |= ASCII;
        }
        if let Some(expected) = spec.resource_id_type {
            // Every documented field present: the extras are unique and each
            // must be documented (checked below), so counting is enough.
            if text(resource_id_type)? != expected.as_bytes() || extras != spec.extra_fields.len() {
                return None;
            }
            flags |= TYPE_AS_CATALOGUED;
        }
        let base = base as u32;
        let words = &mut encoder.words;
        words.reserve(9 + 2 * changed_items.len() + 5 * extras);
        let at = |(start, end): Span| [base + start, base + end];
        words.extend([flags, catalogue_index(spec) + 1]);
        words.extend(at(resource_id.value));
        words.extend(at(resource_id_type.value));
        words.extend(at(event_type.value));
        words.push(changed_items.len() as u32);
        for &item in changed_items {
            words.extend(at(item));
        }
        words.push(extras as u32);
        for m in members.iter().filter(|m| m.role == Role::Extra) {
            let key = self.bytes_of(m.key);
            let field = spec.extra_fields.iter().position(|f| f.name.as_bytes() == key);
            let field_bits = match field {
                Some(i) => (i as u32 + 1) << kind::FIELD_SHIFT,
                // A field the catalogue does not document is a warning.
                None if documented => return None,
                None => 0,
            };
            let [key_start, key_end] = at(m.key);
            match m.kind {
                Kind::Text => {
                    let [start, end] = at(m.value);
                    words.extend([key_start, key_end, kind::STRING | field_bits, start, end]);
                }
                Kind::Null => {
                    if field.is_some_and(|i| !spec.extra_fields[i].nullable) {
                        return None;
                    }
                    words.extend([key_start, key_end, kind::NULL | field_bits, 0, 0]);
                }
                Kind::List => return None,
            }
        }
        Some(())
    }
}

/// Length of the first line of `bytes` (up to, not including, the first
/// `\n`; all of it when there is none): eight bytes per step, for batches.
pub fn line_length(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut done = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'\n'));
        let found = x.wrapping_sub(ONES) & !x & HIGH;
        if found != 0 {
            return done + (found.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    done + bytes[done..].iter().position(|&b| b == b'\n').unwrap_or(bytes.len() - done)
}

/// Appends the words of a clean delivery with fresh buffers (tests).
#[cfg(test)]
pub fn append_clean(encoder: &mut Encoder, body: &[u8], base: usize, max_depth: usize) -> bool {
    Fast::default().append_clean(encoder, body, base, max_depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{validate, Mode, Options};

    /// The general path's words for `body` (or None when it has issues).
    fn general(body: &[u8], options: &Options) -> Encoder {
        let mut enc = Encoder::default();
        enc.append(body, 7, &validate(body, options));
        enc
    }

    /// Checks one body in every mode and depth; returns whether the fast
    /// pass accepted it (in the default options).
    fn check(body: &[u8]) -> bool {
        let mut accepted_default = false;
        for options in [
            Options::default(),
            Options::new(Mode::Strict),
            Options { max_depth: 1, ..Options::default() },
            Options { max_depth: 2, ..Options::new(Mode::Strict) },
        ] {
            if body.len() > options.max_bytes {
                continue;
            }
            let mut fast = Encoder::default();
            let accepted = append_clean(&mut fast, body, 7, options.max_depth);
            let general = general(body, &options);
            if accepted {
                assert_eq!(fast.words, general.words, "words differ for {:?} ({options:?})", String::from_utf8_lossy(body));
                assert!(general.scratch.is_empty());
            } else {
                assert!(fast.words.is_empty(), "a declined body left words");
            }
            if options == Options::default() {
                accepted_default = accepted;
            }
        }
        accepted_default
    }

    fn seeds() -> Vec<String> {
        let mut seeds: Vec<String> = catalogue::all().iter().filter_map(|s| s.example).map(str::to_string).collect();
        let corpus = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/corpus.ndjson")).unwrap();
        seeds.extend(corpus.lines().map(str::to_string));
        seeds
    }

    #[test]
    fn every_example_and_corpus_body_takes_the_fast_pass_with_the_general_words() {
        let seeds = seeds();
        assert!(seeds.len() > 300);
        for seed in &seeds {
            assert!(check(seed.as_bytes()), "declined: {seed}");
        }
    }

    #[test]
    fn mutations_are_declined_or_give_the_general_words() {
        let replacements = [
            "\"\"", "\"a\\\"b\"", "\"\\u0041\"", "\"é\"", "\"\u{1}\"", "null", "nul", "nullx", "1", "-0.5e3", "true", "false", "[]", "[\"x\"]",
            "[1]", "{}", "{\"a\":\"b\"}", "\"Goal\"", "\"User\"", "\"patient.created\"", "\"goal.deleted\"", "\"appointment.transcript_failed\"",
            "\"nope.nothing\"", "\"Appointment\"", "[\"a\",\"a\"]", "[ \"a\" , \"b\" ]", "[\"a\",]", "[,]",
        ];
        let extra_keys = ["user_id", "care_plan_id", "resource_organization_id", "x", "resource_id", "event_type", "changed_fields", "resource\\u005fid", "é"];
        let mut total = 0;
        let mut accepted = 0;
        let mut tally = |body: &str| {
            total += 1;
            if check(body.as_bytes()) {
                accepted += 1;
            }
        };
        for (n, seed) in seeds().iter().enumerate().filter(|(n, _)| n % 3 == 0) {
            let value: serde_json::Value = serde_json::from_str(seed).unwrap();
            let members: Vec<(String, String)> = value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
            let render = |m: &[(String, String)]| format!("{{{}}}", m.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(","));
            tally(&render(&members));
            for i in 0..members.len() {
                // Drop, duplicate, move to the front, replace the value.
                let mut dropped = members.clone();
                dropped.remove(i);
                tally(&render(&dropped));
                let mut doubled = members.clone();
                doubled.push(members[i].clone());
                tally(&render(&doubled));
                let mut moved = members.clone();
                let m = moved.remove(i);
                moved.insert(0, m);
                tally(&render(&moved));
                for r in replacements {
                    let mut replaced = members.clone();
                    replaced[i].1 = r.to_string();
                    tally(&render(&replaced));
                }
            }
            for key in extra_keys {
                let mut added = members.clone();
                added.push((key.to_string(), "\"1\"".to_string()));
                tally(&render(&added));
                added.last_mut().unwrap().1 = "null".to_string();
                tally(&render(&added));
            }
            // Whitespace between every token, a byte order mark, trailing data.
            let spaced = render(&members).replace(',', " ,\n\t").replace(':', "\r: ").replace('{', "{ ").replace('}', " }") + "\n";
            tally(&spaced);
            tally(&format!("\u{feff}{seed}"));
            tally(&format!("{seed} x"));
            tally(&format!("{seed}}}"));
            if n % 30 == 0 {
                // Every prefix and a flipped byte at every position.
                let bytes = seed.as_bytes();
                for cut in 0..bytes.len() {
                    tally(std::str::from_utf8(&bytes[..cut]).unwrap_or("{"));
                    check(&bytes[..cut]);
                    for flip in [b'"', b'\\', b'{', b' ', 0x80, 0x00] {
                        let mut b = bytes.to_vec();
                        b[cut] = flip;
                        check(&b);
                        if let Ok(s) = std::str::from_utf8(&b) {
                            tally(s);
                        }
                    }
                }
            }
        }
        eprintln!("fast pass: {accepted} of {total} mutations accepted");
        // Meaningful on both sides: many accepted, many declined.
        assert!(total > 20_000 && accepted > 1_000 && accepted < total / 2, "{accepted} of {total} accepted");
    }

    #[test]
    fn line_length_finds_the_first_newline() {
        for len in 0..24 {
            for at in 0..=len {
                let mut bytes: Vec<u8> = (0..len).map(|i| [b'a', 0x8a, 0x0b, 0x09, 0xff][i % 5]).collect();
                if at < len {
                    bytes[at] = b'\n';
                    if at + 1 < len {
                        bytes[at + 1] = b'\n';
                    }
                }
                assert_eq!(line_length(&bytes), at, "len {len} at {at}");
            }
        }
    }

    #[test]
    fn undocumented_events_accept_any_plain_extra() {
        let body = br#"{"resource_id":"1","resource_id_type":"Anything","event_type":"appointment.transcript_failed","changed_fields":["a"],"x":null,"y":"z"}"#;
        assert!(check(body));
        let mut enc = Encoder::default();
        assert!(append_clean(&mut enc, body, 0, 64));
        assert_eq!(enc.words[0] & TYPE_AS_CATALOGUED, 0);
    }
}
