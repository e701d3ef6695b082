//! Replays the checked-in corpus (`fuzz/corpus/<target>/`: seeds and every crash found so far)
//! natively, with the stable toolchain and ordinary panics and backtraces:
//!
//!     cargo test --manifest-path fuzz/Cargo.toml --test corpus
//!
//! `DR_FUZZ_DESCRIBE=1` also prints what each structured input decodes to (as `cargo fuzz fmt`
//! does), and `DR_FUZZ_ONLY=<file name>` replays only the files whose name contains it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dr_schedule_fuzz::{describe, run_target, TARGETS};
use std::path::PathBuf;

fn replay(target: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let only = std::env::var("DR_FUZZ_ONLY").ok();
    let show = std::env::var_os("DR_FUZZ_DESCRIBE").is_some();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        if show {
            println!("--- {target}/{name}\n{}", describe(target, &data));
        }
        let result = std::panic::catch_unwind(|| run_target(target, &data));
        if result.is_err() {
            panic!("{target}: {} crashes (see the panic above)", path.display());
        }
    }
}

#[test]
fn every_target_is_replayed() {
    assert_eq!(
        TARGETS,
        ["from_snapshot", "snapshot_mutations", "operations"]
    );
}

#[test]
fn from_snapshot_corpus() {
    replay("from_snapshot");
}

#[test]
fn snapshot_mutations_corpus() {
    replay("snapshot_mutations");
}

#[test]
fn operations_corpus() {
    replay("operations");
}

/// Prints what every input in a directory decodes to, to pick seeds from a fuzzing run's new
/// corpus entries: `DR_FUZZ_TARGET=operations DR_FUZZ_DIR=/tmp/x cargo test
/// --manifest-path fuzz/Cargo.toml --test corpus -- --ignored --nocapture describe_dir`.
#[test]
#[ignore = "a tool, run by hand"]
fn describe_dir() {
    let target = std::env::var("DR_FUZZ_TARGET").expect("DR_FUZZ_TARGET");
    let dir = std::env::var("DR_FUZZ_DIR").expect("DR_FUZZ_DIR");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        println!(
            "=== {} ({} bytes)\n{}",
            path.display(),
            data.len(),
            describe(&target, &data)
        );
    }
}

/// The harness's date-time oracle tells instants by what follows the time of day: the end of
/// hours that run to 24:00 on 9999-12-31, `10000-01-01T00:00`, is a wall clock (a length test
/// read it as a malformed instant, and `check_working_hours` panicked on it).
#[test]
fn the_oracle_reads_five_digit_years_and_instants() {
    use dr_schedule_fuzz::parse_date_time;
    let at = |y, mo, d, h, mi| {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    };
    assert_eq!(
        parse_date_time("10000-01-01T00:00"),
        Some(at(10000, 1, 1, 0, 0))
    );
    assert_eq!(
        parse_date_time("2019-02-04T09:15"),
        Some(at(2019, 2, 4, 9, 15))
    );
    assert_eq!(
        parse_date_time("2025-11-02T01:30:00-04:00"),
        Some(at(2025, 11, 2, 5, 30))
    );
    assert_eq!(
        parse_date_time("2025-11-02T06:30:00Z"),
        Some(at(2025, 11, 2, 6, 30))
    );
    assert_eq!(parse_date_time("2025-11-02T06:30:00X"), None);
}
