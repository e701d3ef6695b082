//! The snapshots in the seed corpus that the fuzz crate builds through the API
//! (`built_snapshot`, `edge_snapshot`) must be what today's code builds, and every valid seed
//! must pass the invariant checks. Run with `cargo test --manifest-path fuzz/Cargo.toml`;
//! `DR_FUZZ_WRITE_SEEDS=1` rewrites the built seeds instead of comparing them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dr_schedule_engine::Hospital;
use dr_schedule_fuzz::{
    built_snapshot, check_invariants, check_load_error, edge_snapshot, workout,
};
use std::path::PathBuf;

fn corpus(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}

#[test]
fn built_seeds_are_current() {
    let write = std::env::var_os("DR_FUZZ_WRITE_SEEDS").is_some();
    for (name, text) in [
        ("built.json", built_snapshot()),
        ("edge.json", edge_snapshot()),
    ] {
        let path = corpus("from_snapshot").join(name);
        if write {
            std::fs::write(&path, &text).unwrap();
        } else {
            let stored = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                stored, text,
                "{name} is stale: rerun with DR_FUZZ_WRITE_SEEDS=1"
            );
        }
    }
}

#[test]
fn every_from_snapshot_seed_loads_consistently_or_is_refused_properly() {
    let mut loaded = 0;
    for entry in std::fs::read_dir(corpus("from_snapshot")).unwrap() {
        let path = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match Hospital::from_snapshot(&text) {
            Ok(h) => {
                check_invariants(&h);
                workout(&h);
                loaded += 1;
            }
            Err(e) => check_load_error(&e),
        }
    }
    assert!(loaded >= 3, "fewer valid seeds than expected");
}
