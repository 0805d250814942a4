//! Fixture harness: every complete example payload of the reference
//! (generated into the catalogue and into tests/fixtures/reference-examples.json)
//! validates with zero issues in strict mode and is classified with its
//! section and resource type.

use healthie_webhooks::{catalogue, validate, Mode, Options};

#[test]
fn every_reference_example_is_valid_in_strict_mode_with_no_issue() {
    let strict = Options::new(Mode::Strict);
    let mut checked = 0;
    for spec in catalogue::all() {
        let Some(example) = spec.example else {
            assert!(!spec.documented(), "{} is documented but has no example", spec.event_type);
            continue;
        };
        let report = validate(example.as_bytes(), &strict);
        assert!(report.valid && report.issues.is_empty(), "{}: {:#?}", spec.event_type, report.issues);
        let classified = report.spec.expect("classified");
        assert_eq!(classified.event_type, spec.event_type);
        assert!(classified.section.is_some());
        let event = report.event.expect("event");
        assert_eq!(Some(&*event.resource_id_type), classified.resource_id_type);
        for field in classified.extra_fields {
            assert!(event.field(field.name).is_some(), "{} {}", spec.event_type, field.name);
        }
        checked += 1;
    }
    assert_eq!(checked, 167);
}

#[test]
fn the_fixture_file_holds_the_same_examples() {
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference-examples.json")).unwrap();
    let fixtures: Vec<serde_json::Value> = serde_json::from_str(&file).unwrap();
    assert_eq!(fixtures.len(), 167);
    for f in &fixtures {
        let name = f["event_type"].as_str().unwrap();
        assert_eq!(catalogue::lookup(name).unwrap().example, f["body"].as_str());
    }
}

#[test]
fn quirks_of_the_reference_are_encoded() {
    use healthie_webhooks::Section;
    let get = |n| catalogue::lookup(n).unwrap();
    assert!(catalogue::lookup("diagnosis.create").is_none());
    assert_eq!(get("diagnosis.created").section, Some(Section::Clinical));
    assert_eq!(get("entry.created").resource_id_type, Some("Entry"));
    assert_eq!(get("metric_entry.created").resource_id_type, Some("Entry"));
    assert_eq!(get("patient.updated").resource_id_type, Some("User"));
    assert_eq!(get("message.created").resource_id_type, Some("Note"));
    assert_eq!(get("scheduled_message.sent").resource_id_type, Some("NoteScheduler"));
    assert_eq!(get("medication.updated").extra_fields.len(), 1);
    // Nullability unified per resource: goal.deleted marks these nullable, goal.created does not.
    for n in ["goal.created", "goal.deleted", "goal.updated"] {
        assert!(get(n).extra_field("care_plan_id").unwrap().nullable, "{n}");
        assert!(!get(n).extra_field("user_id").unwrap().nullable, "{n}");
    }
    let undocumented = get("appointment.transcript_failed");
    assert!(!undocumented.documented());
    assert_eq!((undocumented.resource, undocumented.action), ("appointment", "transcript_failed"));
    assert!(undocumented.resource_id_type.is_none() && undocumented.extra_fields.is_empty());
}

#[test]
fn listing_by_section_and_resource() {
    use healthie_webhooks::Section;
    assert_eq!(catalogue::all().len(), 179);
    let by_section: usize = Section::ALL.iter().map(|&s| catalogue::in_section(s).count()).sum();
    assert_eq!(by_section, 167);
    let goals: Vec<_> = catalogue::for_resource("goal").iter().map(|e| e.event_type).collect();
    assert_eq!(goals, ["goal.created", "goal.deleted", "goal.updated"]);
    assert!(catalogue::for_resource("goa").is_empty());
    assert!(catalogue::for_resource("zzz").is_empty());
    assert!(catalogue::in_section(Section::Billing).all(|e| e.section == Some(Section::Billing)));
    assert_eq!(catalogue::closest("appointment.create"), Some("appointment.created"));
    assert_eq!(catalogue::closest("zzzzzz.qqqqqqq"), None);
}
