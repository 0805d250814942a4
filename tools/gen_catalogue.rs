//! The catalogue generator: turns Healthie's *Webhook Event Reference* (as
//! flattened text, `reference/webhook-event-reference.txt`) and the GraphQL
//! `WebhookEventType` enum (`reference/webhook-event-types.txt`) into the
//! committed files listed in [`OUTPUTS`].
//!
//! It is not a build script: nothing parses the reference at build time or at
//! start-up. `tests/generated.rs` runs it and fails when a committed file
//! differs from what it produces today; `make catalogue` (which sets
//! `UPDATE_GENERATED=1`) rewrites them.
//!
//! The reference was flattened from a web page: every heading is followed by
//! `Section titled “<heading>”` and the heading's own text runs into the end
//! of the previous line. The parser splits on those markers, so each heading
//! is known exactly; it fails loudly on anything it does not recognise rather
//! than guess, so a changed reference shows up as a failing test.
//!
//! Decisions taken where the reference is ambiguous (each is documented in
//! the README's "Catalogue decisions" section too):
//!
//! * **Event name**: the payload's `event_type` wins over the heading
//!   (`diagnosis.create` is a heading typo; the payload says
//!   `diagnosis.created`). Any other disagreement is an error.
//! * **Complete example**: when the text gives a second payload ("the actual
//!   payload will also contain"), the last payload in the block is the
//!   complete one.
//! * **Extra fields**: the keys of the complete example beyond the four
//!   standard ones. Descriptions are cut out of the prose after the example
//!   at the positions of `<key>: `; a field with no prose gets "".
//! * **Nullability**: the prose marks a field "(nullable)" per event, and the
//!   events of one resource do not always agree (`goal.created` vs
//!   `goal.deleted`). A receiver must never reject a genuine delivery, so a
//!   field is nullable for every event of a resource when any event of that
//!   resource marks it nullable.
//! * **Mutations**: the flattened text glues list items together
//!   (`createAppointmentcompleteCheckout`); they are split before a known
//!   GraphQL verb that follows a lower-case letter. Prose that says no
//!   mutation triggers the event yields an empty list.
//! * **Undocumented events**: names in the enum without a section are known
//!   events with no section, resource type, extra fields or example.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Files the generator owns, relative to the repository root.
pub const OUTPUTS: [&str; 3] = [
    "src/catalogue/events.rs",
    "pkg-template/events.d.ts",
    "tests/fixtures/reference-examples.json",
];

/// The reference's section headings, in the order of the page.
pub const SECTIONS: [&str; 6] = [
    "Appointment",
    "Message",
    "Billing",
    "Clinical",
    "Document",
    "Organization",
];

const STANDARD_FIELDS: [&str; 4] = ["resource_id", "resource_id_type", "event_type", "changed_fields"];

/// Verbs that begin Healthie's GraphQL mutation names; used to split names
/// that the flattening glued together.
const MUTATION_VERBS: [&str; 12] = [
    "bulk", "cancel", "complete", "create", "delete", "destroy", "lock", "merge", "remove", "toggle",
    "unlock", "update",
];

/// One parsed event of the reference.
#[derive(Debug, Clone)]
pub struct Event {
    pub event_type: String,
    pub section: Option<String>,
    pub resource_id_type: Option<String>,
    pub description: String,
    pub fires_when: Option<String>,
    pub mutations: Vec<String>,
    pub extra_fields: Vec<Field>,
    /// The complete example payload, re-printed on one line exactly as the
    /// reference spells it.
    pub example: Option<String>,
}

impl Event {
    /// A name with nothing known about it yet (or ever: undocumented events).
    fn bare(event_type: String) -> Event {
        Event {
            event_type,
            section: None,
            resource_id_type: None,
            description: String::new(),
            fires_when: None,
            mutations: Vec::new(),
            extra_fields: Vec::new(),
            example: None,
        }
    }
}

/// A documented field beyond the four standard ones.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub description: String,
    pub nullable: bool,
}

/// Everything the generator writes, keyed by [`OUTPUTS`] path.
pub fn generate(reference: &str, enum_names: &str) -> Result<BTreeMap<&'static str, String>, String> {
    let events = parse(reference, enum_names)?;
    let mut out = BTreeMap::new();
    out.insert(OUTPUTS[0], rust_table(&events));
    out.insert(OUTPUTS[1], typescript(&events));
    out.insert(OUTPUTS[2], examples_json(&events));
    Ok(out)
}

/// Parses the reference and merges in the enum's undocumented names.
/// The result is sorted by `event_type`.
pub fn parse(reference: &str, enum_names: &str) -> Result<Vec<Event>, String> {
    let enum_names: BTreeSet<&str> = enum_names.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let blocks = headed_blocks(reference)?;

    let mut events: Vec<Event> = Vec::new();
    let mut section: Option<&str> = None;
    let mut current: Option<(String, Event)> = None; // (heading, event)
    for (title, body) in &blocks {
        let title = title.as_str();
        if SECTIONS.contains(&title) {
            flush(&mut current, &mut events, &enum_names)?;
            section = Some(title);
            continue;
        }
        if title == "Standard payload" {
            continue;
        }
        if is_event_name(title) {
            flush(&mut current, &mut events, &enum_names)?;
            let section = section.ok_or_else(|| format!("event {title} before any section"))?;
            if !body.trim().is_empty() {
                return Err(format!("unexpected text after heading {title}: {body:?}"));
            }
            // event_type comes from the example payload (see flush).
            current = Some((title.to_string(), Event { section: Some(section.to_string()), ..Event::bare(String::new()) }));
            continue;
        }
        let (heading, event) = current
            .as_mut()
            .ok_or_else(|| format!("subheading {title} outside an event"))?;
        match title {
            "Overview" => {
                // An empty "When It Fires" heading without its marker can trail
                // the overview (recurring_payment.updated); it carries nothing.
                let text = body.trim().trim_end_matches("When It Fires").trim();
                if text.is_empty() || text.contains('\n') {
                    return Err(format!("{heading}: overview is not one line: {text:?}"));
                }
                event.description = text.to_string();
            }
            "When It Fires" | "When it Fires" => {
                let lines: Vec<&str> = body
                    .lines()
                    .map(|l| l.trim().trim_start_matches("- ").trim())
                    .filter(|l| !l.is_empty())
                    .collect();
                if lines.is_empty() {
                    return Err(format!("{heading}: empty When It Fires"));
                }
                event.fires_when = Some(lines.join("; "));
            }
            "GraphQL Mutations" | "GraphQL Mutation" => event.mutations = mutations(body)?,
            "Example Payload" => example(heading, body, event)?,
            other => return Err(format!("{heading}: unknown subheading {other:?}")),
        }
    }
    flush(&mut current, &mut events, &enum_names)?;

    let documented: BTreeSet<String> = events.iter().map(|e| e.event_type.clone()).collect();
    for name in &enum_names {
        if !documented.contains(*name) {
            events.push(Event::bare(name.to_string()));
        }
    }
    for e in &events {
        if !enum_names.contains(e.event_type.as_str()) {
            return Err(format!("{} is documented but not in the GraphQL enum", e.event_type));
        }
    }
    events.sort_by(|a, b| a.event_type.cmp(&b.event_type));
    unify_nullability(&mut events);
    Ok(events)
}

/// Splits the flattened text into `(heading, text under it)` pairs.
fn headed_blocks(reference: &str) -> Result<Vec<(String, String)>, String> {
    const OPEN: &str = "Section titled “";
    const CLOSE: char = '”';
    let mut titles = Vec::new();
    let mut bodies = Vec::new();
    let mut rest = reference;
    while let Some(start) = rest.find(OPEN) {
        if !titles.is_empty() {
            bodies.push(&rest[..start]);
        }
        let after = &rest[start + OPEN.len()..];
        let end = after.find(CLOSE).ok_or("unterminated heading marker")?;
        titles.push(after[..end].to_string());
        rest = &after[end + CLOSE.len_utf8()..];
    }
    bodies.push(rest);
    let mut blocks = Vec::new();
    for (i, title) in titles.iter().enumerate() {
        let body = bodies[i].trim_end();
        // The next heading's text ends this block (it sits on the last line).
        let body = match titles.get(i + 1) {
            Some(next) => body
                .strip_suffix(next.as_str())
                .ok_or_else(|| format!("block {title:?} does not end with the next heading {next:?}"))?,
            None => body,
        };
        blocks.push((title.clone(), body.to_string()));
    }
    Ok(blocks)
}

fn is_event_name(s: &str) -> bool {
    match s.split_once('.') {
        Some((r, a)) => {
            let ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            ok(r) && ok(a)
        }
        None => false,
    }
}

fn flush(current: &mut Option<(String, Event)>, events: &mut Vec<Event>, enum_names: &BTreeSet<&str>) -> Result<(), String> {
    let Some((heading, event)) = current.take() else { return Ok(()) };
    if event.example.is_none() || event.description.is_empty() {
        return Err(format!("{heading}: no example payload or overview"));
    }
    if event.event_type != heading {
        // The one tolerated disagreement: a heading typo where only the
        // payload's name is a real event.
        let typo = !enum_names.contains(heading.as_str()) && enum_names.contains(event.event_type.as_str());
        if !typo {
            return Err(format!("heading {heading} but payload says {}", event.event_type));
        }
    }
    if events.iter().any(|e| e.event_type == event.event_type) {
        return Err(format!("{} documented twice", event.event_type));
    }
    events.push(event);
    Ok(())
}

fn mutations(body: &str) -> Result<Vec<String>, String> {
    let text = body.trim();
    if text.starts_with("No ") || text == "External webhook ingestion" {
        return Ok(Vec::new());
    }
    let text = text
        .strip_prefix("This webhook is triggered by the following GraphQL mutations:")
        .unwrap_or(text);
    let mut names = Vec::new();
    for chunk in split_glued(text) {
        // A chunk starts with a mutation name; what follows "- " is its description.
        let name: String = chunk
            .trim_start_matches([' ', ',', '\n'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let first_is_lower = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if first_is_lower && !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(format!("no mutation found in {text:?}"));
    }
    Ok(names)
}

/// Splits before every GraphQL verb that starts a name glued to the previous
/// item, and at commas and newlines.
fn split_glued(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    for i in 1..bytes.len() {
        // Glued only after a complete camelCase name, so `unlock` stays whole.
        let name_so_far = &text[*cuts.last().unwrap()..i];
        let glued = (bytes[i - 1].is_ascii_lowercase() || bytes[i - 1].is_ascii_digit())
            && name_so_far.bytes().any(|b| b.is_ascii_uppercase());
        let separated = matches!(bytes[i - 1], b',' | b'\n' | b' ');
        if !(glued || separated) {
            continue;
        }
        for verb in MUTATION_VERBS {
            let rest = &text[i..];
            if rest.starts_with(verb) && rest.as_bytes().get(verb.len()).is_some_and(u8::is_ascii_uppercase) {
                cuts.push(i);
                break;
            }
        }
        if separated && bytes[i - 1] != b' ' {
            cuts.push(i);
        }
    }
    cuts.push(text.len());
    cuts.dedup();
    cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

fn example(heading: &str, body: &str, event: &mut Event) -> Result<(), String> {
    // Every payload object of the block; the last one is the complete one.
    let mut payloads = Vec::new();
    let mut at = 0;
    while let Some(start) = body[at..].find("{ \"resource_id\"").map(|i| i + at) {
        let end = object_end(&body[start..]).ok_or_else(|| format!("{heading}: unterminated payload"))? + start;
        payloads.push((start, end));
        at = end;
    }
    let &(start, end) = payloads.last().ok_or_else(|| format!("{heading}: no payload"))?;
    let json = &body[start..end];
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("{heading}: example is not JSON: {e}"))?;
    let obj = value.as_object().ok_or_else(|| format!("{heading}: example is not an object"))?;
    let text_of = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    event.event_type = text_of("event_type").ok_or_else(|| format!("{heading}: no event_type"))?;
    event.resource_id_type = Some(text_of("resource_id_type").ok_or_else(|| format!("{heading}: no resource_id_type"))?);
    for key in STANDARD_FIELDS {
        if !obj.contains_key(key) {
            return Err(format!("{heading}: example lacks {key}"));
        }
    }
    // Prose after the last payload describes the extra fields, glued together.
    let prose = &body[end..];
    let extra: Vec<&String> = obj.keys().filter(|k| !STANDARD_FIELDS.contains(&k.as_str())).collect();
    let mut marks: Vec<(usize, &str)> = Vec::new();
    for key in &extra {
        let marker = format!("{key}: ");
        if let Some(pos) = find_key(prose, &marker) {
            marks.push((pos, key.as_str()));
        }
    }
    marks.sort();
    for key in &extra {
        let description = match marks.iter().position(|(_, k)| k == key) {
            Some(i) => {
                let from = marks[i].0 + key.len() + 2;
                let to = marks.get(i + 1).map_or(prose.len(), |m| m.0);
                prose[from..to].lines().next().unwrap_or("").trim().to_string()
            }
            None => String::new(),
        };
        if !matches!(obj[key.as_str()], serde_json::Value::String(_)) {
            return Err(format!("{heading}: extra field {key} is not a string in the example"));
        }
        let (description, nullable) = match description.strip_suffix("(nullable)") {
            Some(d) => (d.trim().to_string(), true),
            None => (description, false),
        };
        event.extra_fields.push(Field { name: key.to_string(), description, nullable });
    }
    event.example = Some(json.to_string());
    Ok(())
}

/// Finds `key: ` where it is not the tail of a longer key (`user_id: ` inside
/// `host_user_id: `). A letter before it is fine: the flattening glues a
/// description to the next key (`belongs todocument_id: `).
fn find_key(prose: &str, marker: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = prose[from..].find(marker).map(|i| i + from) {
        if !prose[..i].ends_with('_') {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Byte index just past the JSON object that starts `s`.
fn object_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn resource_of(event_type: &str) -> &str {
    event_type.split_once('.').map_or(event_type, |(r, _)| r)
}

fn unify_nullability(events: &mut [Event]) {
    let mut nullable: BTreeSet<(String, String)> = BTreeSet::new();
    for e in events.iter() {
        for f in &e.extra_fields {
            if f.nullable {
                nullable.insert((resource_of(&e.event_type).to_string(), f.name.clone()));
            }
        }
    }
    for e in events.iter_mut() {
        let resource = resource_of(&e.event_type).to_string();
        for f in &mut e.extra_fields {
            f.nullable |= nullable.contains(&(resource.clone(), f.name.clone()));
        }
    }
}

const HEADER: &str = "auto-generated by: tools/gen_catalogue.rs from reference/webhook-event-reference.txt and reference/webhook-event-types.txt (make catalogue). Do not edit.";

fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

fn rust_table(events: &[Event]) -> String {
    let mut o = String::new();
    writeln!(o, "// {HEADER}").unwrap();
    writeln!(o).unwrap();
    writeln!(o, "use super::{{EventSpec, ExtraField, Section}};").unwrap();
    writeln!(o).unwrap();
    writeln!(o, "/// Every event, sorted by `event_type` (byte order) for binary search.").unwrap();
    writeln!(o, "pub(crate) static EVENTS: [EventSpec; {}] = [", events.len()).unwrap();
    for e in events {
        let (resource, action) = e.event_type.split_once('.').unwrap();
        writeln!(o, "    EventSpec {{").unwrap();
        writeln!(o, "        event_type: {},", rust_str(&e.event_type)).unwrap();
        writeln!(o, "        resource: {},", rust_str(resource)).unwrap();
        writeln!(o, "        action: {},", rust_str(action)).unwrap();
        match &e.section {
            Some(s) => writeln!(o, "        section: Some(Section::{s}),").unwrap(),
            None => writeln!(o, "        section: None,").unwrap(),
        }
        let opt = |v: &Option<String>| v.as_ref().map_or("None".to_string(), |s| format!("Some({})", rust_str(s)));
        writeln!(o, "        resource_id_type: {},", opt(&e.resource_id_type)).unwrap();
        writeln!(o, "        description: {},", rust_str(&e.description)).unwrap();
        writeln!(o, "        fires_when: {},", opt(&e.fires_when)).unwrap();
        let muts: Vec<String> = e.mutations.iter().map(|m| rust_str(m)).collect();
        writeln!(o, "        mutations: &[{}],", muts.join(", ")).unwrap();
        if e.extra_fields.is_empty() {
            writeln!(o, "        extra_fields: &[],").unwrap();
        } else {
            writeln!(o, "        extra_fields: &[").unwrap();
            for f in &e.extra_fields {
                writeln!(
                    o,
                    "            ExtraField {{ name: {}, nullable: {}, description: {} }},",
                    rust_str(&f.name),
                    f.nullable,
                    rust_str(&f.description)
                )
                .unwrap();
            }
            writeln!(o, "        ],").unwrap();
        }
        writeln!(o, "        example: {},", opt(&e.example)).unwrap();
        writeln!(o, "    }},").unwrap();
    }
    writeln!(o, "];").unwrap();
    o
}

fn ts_str(s: &str) -> String {
    // JSON string syntax is valid TypeScript string syntax.
    serde_json::to_string(s).unwrap()
}

fn typescript(events: &[Event]) -> String {
    let mut o = String::new();
    writeln!(o, "// {HEADER}").unwrap();
    writeln!(o).unwrap();
    writeln!(o, "/** The four fields every Healthie webhook body carries. */").unwrap();
    writeln!(o, "export interface StandardFields {{").unwrap();
    writeln!(o, "  /** ID of the affected record. */").unwrap();
    writeln!(o, "  resource_id: string;").unwrap();
    writeln!(o, "  /** GraphQL type name of the resource. */").unwrap();
    writeln!(o, "  resource_id_type: string;").unwrap();
    writeln!(o, "  /** Field names that changed (`updated` events); older deliveries omit it. */").unwrap();
    writeln!(o, "  changed_fields?: string[];").unwrap();
    writeln!(o, "}}").unwrap();
    writeln!(o).unwrap();
    let documented: Vec<&Event> = events.iter().filter(|e| e.section.is_some()).collect();
    let names: Vec<String> = events.iter().map(|e| ts_str(&e.event_type)).collect();
    writeln!(o, "/** Every event type in the catalogue ({} names). */", events.len()).unwrap();
    writeln!(o, "export type KnownEventType =\n  | {};", names.join("\n  | ")).unwrap();
    writeln!(o).unwrap();
    writeln!(o, "/** One member per documented event, discriminated on `event_type`. */").unwrap();
    writeln!(o, "export interface DocumentedEvents {{").unwrap();
    for e in &documented {
        writeln!(o, "  /** {} */", e.description.replace("*/", "*\\/")).unwrap();
        write!(o, "  {}: StandardFields & {{ event_type: {}", ts_str(&e.event_type), ts_str(&e.event_type)).unwrap();
        for f in &e.extra_fields {
            let ty = if f.nullable { "string | null" } else { "string" };
            write!(o, "; {}: {ty}", f.name).unwrap();
        }
        writeln!(o, " }};").unwrap();
    }
    writeln!(o, "}}").unwrap();
    writeln!(o).unwrap();
    let undocumented: Vec<String> = events.iter().filter(|e| e.section.is_none()).map(|e| ts_str(&e.event_type)).collect();
    writeln!(o, "/** Events named in Healthie's GraphQL enum without a documented payload. */").unwrap();
    writeln!(o, "export type UndocumentedEventType =\n  | {};", undocumented.join("\n  | ")).unwrap();
    o
}

fn examples_json(events: &[Event]) -> String {
    let mut o = String::from("[\n");
    let documented: Vec<&Event> = events.iter().filter(|e| e.example.is_some()).collect();
    for (i, e) in documented.iter().enumerate() {
        let sep = if i + 1 == documented.len() { "" } else { "," };
        writeln!(o, "  {{ \"event_type\": {}, \"body\": {} }}{sep}", ts_str(&e.event_type), ts_str(e.example.as_ref().unwrap())).unwrap();
    }
    o.push_str("]\n");
    o
}
