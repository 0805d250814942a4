//! Native throughput of the Rust core on one core: parse + validate, verify,
//! and both, next to serde_json's own parse of the same bytes.
//!
//! `cargo bench --bench native` runs it (the `make bench` target does too). A
//! small hand-written harness instead of criterion keeps `cargo test
//! --all-targets` quick: under `cargo test` this file only checks, once, that
//! every body of the corpus validates and verifies.
//!
//! The corpus is `bench/corpus.ndjson`, the same bytes the JavaScript
//! benchmarks use (the reference's examples plus realistic `updated` events).

use std::hint::black_box;
use std::time::{Duration, Instant};

use healthie_webhooks::signature::{self, Headers, Request, Secret};
use healthie_webhooks::{validate, Options};

const SECRET: &str = "whsec_bench_2f9c4e1a";
const PATH: &str = "/webhooks/healthie";

struct Delivery {
    body: Vec<u8>,
    digest: String,
    signature: String,
}

fn corpus() -> Vec<Delivery> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/corpus.ndjson")).expect("bench/corpus.ndjson");
    let secret = Secret::new(SECRET).unwrap();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let body = line.as_bytes().to_vec();
            let signed = signature::sign("POST", PATH, "", &body, &secret);
            Delivery { body, digest: signed.content_digest, signature: signed.signature }
        })
        .collect()
}

fn request(d: &Delivery) -> Request<'_> {
    Request {
        method: "POST",
        path: PATH,
        query: "",
        headers: Headers { content_digest: Some(&d.digest), signature: Some(&d.signature), ..Headers::default() },
        body: &d.body,
    }
}

/// Runs `f` over the corpus for about `budget`, in rounds; returns the median
/// nanoseconds per event.
fn measure(corpus: &[Delivery], budget: Duration, mut f: impl FnMut(&Delivery) -> usize) -> f64 {
    let mut sink = 0usize;
    // Warm-up and calibration: passes per round for ~50 ms.
    let start = Instant::now();
    let mut passes = 0u32;
    while start.elapsed() < Duration::from_millis(50) {
        for d in corpus {
            sink = sink.wrapping_add(f(d));
        }
        passes += 1;
    }
    let rounds = (budget.as_millis() / 50).max(3) as usize;
    let mut per_event = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..passes {
            for d in corpus {
                sink = sink.wrapping_add(f(d));
            }
        }
        per_event.push(t.elapsed().as_nanos() as f64 / (f64::from(passes) * corpus.len() as f64));
    }
    black_box(sink);
    per_event.sort_by(|a, b| a.total_cmp(b));
    per_event[per_event.len() / 2]
}

fn main() {
    let corpus = corpus();
    let secret = [Secret::new(SECRET).unwrap()];
    let options = Options::default();
    let full = std::env::args().any(|a| a == "--bench");

    // Under `cargo test`: one pass as a smoke test, no timing.
    for d in &corpus {
        let report = validate(&d.body, &options);
        assert!(report.valid && report.issues.is_empty(), "{}: {:?}", String::from_utf8_lossy(&d.body), report.issues);
        assert!(signature::verify(&request(d), &secret).unwrap().is_valid());
        serde_json::from_slice::<serde_json::Value>(&d.body).unwrap();
    }
    if !full {
        println!("native bench: corpus of {} bodies validates and verifies (run `cargo bench --bench native` to time it)", corpus.len());
        return;
    }

    let bytes: usize = corpus.iter().map(|d| d.body.len()).sum();
    println!("native, one core: {} bodies, mean {} bytes", corpus.len(), bytes / corpus.len());
    let budget = Duration::from_millis(1500);
    let rows: [(&str, f64); 4] = [
        ("serde_json::from_slice::<Value> (parse only)", measure(&corpus, budget, |d| {
            serde_json::from_slice::<serde_json::Value>(black_box(&d.body)).map_or(0, |v| v.as_object().map_or(0, |o| o.len()))
        })),
        ("validate (parse + classify + validate)", measure(&corpus, budget, |d| {
            let report = validate(black_box(&d.body), &options);
            usize::from(report.valid) + report.event.map_or(0, |e| e.extra.len())
        })),
        ("verify (SHA-256 + HMAC-SHA256)", measure(&corpus, budget, |d| {
            usize::from(signature::verify(black_box(&request(d)), &secret).unwrap().is_valid())
        })),
        ("verify + validate", measure(&corpus, budget, |d| {
            let ok = signature::verify(black_box(&request(d)), &secret).unwrap().is_valid();
            let report = validate(&d.body, &options);
            usize::from(ok && report.valid)
        })),
    ];
    let serde = rows[0].1;
    println!("| native (Rust, 1 core) | ns/event | events/s | vs serde_json parse |");
    println!("| --- | ---: | ---: | ---: |");
    let mut json = String::from("{");
    for (i, (name, ns)) in rows.iter().enumerate() {
        println!("| {name} | {ns:.0} | {:.0} | {:.2}x |", 1e9 / ns, serde / ns);
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!("\"{name}\":{{\"nsPerEvent\":{ns:.1},\"eventsPerSecond\":{:.0}}}", 1e9 / ns));
    }
    json.push('}');
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-native.json");
    if std::fs::write(out, json + "\n").is_ok() {
        println!("wrote target/bench-native.json");
    }
}
