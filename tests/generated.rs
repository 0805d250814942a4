//! The committed generated files are what the generator produces today.
//! `UPDATE_GENERATED=1 cargo test --test generated` (`make catalogue`) rewrites them.

#[path = "../tools/gen_catalogue.rs"]
#[allow(dead_code)]
mod gen_catalogue;

use std::path::Path;

#[test]
fn generated_files_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = std::fs::read_to_string(root.join("reference/webhook-event-reference.txt")).unwrap();
    let names = std::fs::read_to_string(root.join("reference/webhook-event-types.txt")).unwrap();
    let outputs = gen_catalogue::generate(&reference, &names).expect("generator failed");
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, want) in &outputs {
        let file = root.join(path);
        let have = std::fs::read_to_string(&file).unwrap_or_default();
        if have != *want {
            if update {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, want).unwrap();
            } else {
                stale.push(*path);
            }
        }
    }
    assert!(stale.is_empty(), "stale generated files {stale:?}: run `make catalogue` and commit");
}

#[test]
fn parse_counts_and_quirks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = std::fs::read_to_string(root.join("reference/webhook-event-reference.txt")).unwrap();
    let names = std::fs::read_to_string(root.join("reference/webhook-event-types.txt")).unwrap();
    let events = gen_catalogue::parse(&reference, &names).unwrap();
    assert_eq!(events.len(), 179);
    assert_eq!(events.iter().filter(|e| e.section.is_some()).count(), 167);
    assert!(events.windows(2).all(|w| w[0].event_type < w[1].event_type), "sorted, no duplicates");
    let get = |n: &str| events.iter().find(|e| e.event_type == n).unwrap();
    assert!(events.iter().all(|e| e.event_type != "diagnosis.create"));
    assert_eq!(get("diagnosis.created").section.as_deref(), Some("Clinical"));
    for n in ["goal.updated", "medication.created", "medication.updated"] {
        assert!(!get(n).extra_fields.is_empty(), "{n} uses the actual payload");
    }
    assert_eq!(get("appointment.created").mutations, ["createAppointment", "completeCheckout"]);
    assert_eq!(get("availability.created").mutations, ["createAvailability", "bulkCreateAvailability"]);
    assert!(get("appointment.recording_stopped").mutations.is_empty());
}
