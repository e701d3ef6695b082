//! Native benchmarks of the engine's hot paths through its public API (no JS, no wasm), so that
//! regressions in the engine show up without the boundary in the way. Run with `cargo bench --bench core`
//! (add `-- --sample-count 10` for a quick pass). Each benchmark runs at two hospital sizes:
//! 10 doctors × N appointments in total, spread over consecutive weekdays 09:00-17:00.

// Benchmark code, not the engine: it may unwrap and index (Cargo.toml denies that workspace-wide).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

// Native only: divan is a dev-dependency for non-wasm32 targets (Cargo.toml), and
// `cargo clippy --target wasm32-unknown-unknown --all-targets` still compiles this file.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    divan::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod benches {
    use divan::{black_box, Bencher};
    use dr_schedule::engine::{
        AppointmentQuery, BookRequest, CancelOptions, ChangeOptions, ClockTime, ConfirmOptions,
        FindAppointmentsQuery, HoldRequest, Hospital, HospitalOptionsInput, LocalDateTime, Moment,
        NewDoctor, RescheduleRequest, ScheduleRule, SlotQuery, SnapshotLoader, StatusFilter,
        Weekday,
    };
    use std::cell::RefCell;

    /// Total appointments in the hospital under test.
    const SIZES: [usize; 2] = [10_000, 100_000];
    const DOCTORS: usize = 10;
    /// 09:00-17:00 in 15-minute slots.
    const SLOTS_PER_DAY: usize = 32;
    /// 2019-01-07 is a Monday.
    const FIRST_DAY: &str = "2019-01-07T00:00";

    fn at(text: &str) -> LocalDateTime {
        LocalDateTime::parse(text).unwrap()
    }

    /// The `n`-th weekday from [`FIRST_DAY`] at `minute` past midnight, as text.
    fn slot_text(weekday_index: usize, minute: usize) -> String {
        let week = weekday_index / 5;
        let day = weekday_index % 5;
        let start = at(FIRST_DAY).plus_minutes(((week * 7 + day) * 1440 + minute) as i64);
        start.to_string()
    }

    fn schedule() -> Vec<ScheduleRule> {
        vec![ScheduleRule {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            start: ClockTime::parse("09:00").unwrap(),
            end: ClockTime::parse("17:00").unwrap(),
            locations: None,
        }]
    }

    fn request(doctor: usize, start: &str) -> BookRequest {
        BookRequest {
            doctor_id: format!("d{}", doctor + 1),
            location: "Main".to_owned(),
            start: Moment::wall(at(start)),
            duration_minutes: None,
            patient: None,
            id: None,
            request_id: None,
            now: None,
            notes: None,
            metadata: None,
        }
    }

    /// A hospital of `DOCTORS` doctors and `size` booked appointments, every other slot filled
    /// (so half the grid stays free for the mutating benchmarks); each appointment's patient is
    /// one of 1,000.
    fn hospital(size: usize) -> Hospital {
        let mut h = Hospital::new(HospitalOptionsInput::default()).unwrap();
        for _ in 0..DOCTORS {
            h.add_doctor(NewDoctor {
                id: None,
                name: "Dr. Bench".to_owned(),
                locations: vec!["Main".to_owned(), "Annex".to_owned()],
                schedule: schedule(),
                overrides: vec![],
                time_off: vec![],
            })
            .unwrap();
        }
        let per_doctor = size / DOCTORS;
        for d in 0..DOCTORS {
            for i in 0..per_doctor {
                let slot = i * 2;
                let start = slot_text(slot / SLOTS_PER_DAY, 540 + (slot % SLOTS_PER_DAY) * 15);
                let mut request = request(d, &start);
                request.patient = Some(format!("p-{}", (d * per_doctor + i) % 1_000));
                h.book(request).unwrap();
            }
        }
        h
    }

    /// The booked days span this many weekdays per doctor.
    fn days_used(size: usize) -> usize {
        (size / DOCTORS * 2).div_ceil(SLOTS_PER_DAY)
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn book_then_cancel(bencher: Bencher, size: usize) {
        let mut h = hospital(size);
        let middle = days_used(size) / 2;
        // An odd slot in the middle of the filled range: free, between two booked ones.
        let start = slot_text(middle, 540 + 15);
        let mut n = 0u64;
        bencher.bench_local(|| {
            let id = h.book(request(3, &start)).unwrap().id().to_string();
            h.cancel(&id, CancelOptions::default()).unwrap();
            n += 1;
        });
        black_box(n);
    }

    /// The free (odd) slots in the middle of the filled range that the single-mutation
    /// benchmarks take in turn, so that a sample's inputs never collide.
    const FREE_SLOTS: usize = 400;

    /// The `k`-th of those free slots, for doctor d4; `shift` weekdays later for a second set.
    fn free_slot(size: usize, k: usize, shift: usize) -> String {
        let day = days_used(size) / 2 + shift + k / 16;
        slot_text(day, 540 + 15 + (k % 16) * 30)
    }

    /// One `cancel` of a booking made untimed just before (the mutation alone, without the
    /// JS boundary: the floor of the API's `cancel` row).
    #[divan::bench(args = SIZES, sample_count = 20, sample_size = 100)]
    fn cancel(bencher: Bencher, size: usize) {
        let h = RefCell::new(hospital(size));
        let mut k = 0;
        bencher
            .with_inputs(|| {
                k = (k + 1) % FREE_SLOTS;
                let mut h = h.borrow_mut();
                h.book(request(3, &free_slot(size, k, 0)))
                    .unwrap()
                    .id()
                    .to_string()
            })
            .bench_local_values(|id| h.borrow_mut().cancel(&id, CancelOptions::default()).is_ok());
    }

    /// One `confirm` of a hold made untimed just before; cancelled untimed afterwards (with the
    /// next sample's inputs), so that its slot is free again.
    #[divan::bench(args = SIZES, sample_count = 20, sample_size = 100)]
    fn confirm(bencher: Bencher, size: usize) {
        let h = RefCell::new(hospital(size));
        let confirmed: RefCell<Vec<String>> = RefCell::default();
        let now = at(FIRST_DAY);
        let mut k = 0;
        bencher
            .with_inputs(|| {
                let mut h = h.borrow_mut();
                for id in confirmed.borrow_mut().drain(..) {
                    h.cancel(&id, CancelOptions::default()).unwrap();
                }
                k = (k + 1) % FREE_SLOTS;
                let start = free_slot(size, k, 0);
                let hold = HoldRequest {
                    doctor_id: "d4".to_owned(),
                    location: "Main".to_owned(),
                    start: Moment::wall(at(&start)),
                    duration_minutes: None,
                    patient: None,
                    id: None,
                    request_id: None,
                    now: Moment::wall(now),
                    ttl_minutes: 60,
                    notes: None,
                    metadata: None,
                };
                h.hold(hold).unwrap().id().to_string()
            })
            .bench_local_values(|id| {
                let ok = h
                    .borrow_mut()
                    .confirm(
                        &id,
                        ConfirmOptions {
                            now: Moment::wall(now),
                        },
                    )
                    .is_ok();
                confirmed.borrow_mut().push(id);
                ok
            });
    }

    /// One `reschedule` of a booking made untimed just before, to a free slot a week later;
    /// cancelled untimed afterwards, so that the slot is free again.
    #[divan::bench(args = SIZES, sample_count = 20, sample_size = 100)]
    fn reschedule(bencher: Bencher, size: usize) {
        let h = RefCell::new(hospital(size));
        let moved: RefCell<Vec<String>> = RefCell::default();
        let mut k = 0;
        bencher
            .with_inputs(|| {
                let mut h = h.borrow_mut();
                for id in moved.borrow_mut().drain(..) {
                    h.cancel(&id, CancelOptions::default()).unwrap();
                }
                k = (k + 1) % FREE_SLOTS;
                let id = h
                    .book(request(3, &free_slot(size, k, 0)))
                    .unwrap()
                    .id()
                    .to_string();
                (id, Moment::wall(at(&free_slot(size, k, 5))))
            })
            .bench_local_values(|(id, start)| {
                let request = RescheduleRequest {
                    start,
                    location: None,
                    duration_minutes: None,
                    now: None,
                    notes: None,
                    metadata: None,
                };
                let ok = h.borrow_mut().reschedule(&id, request).is_ok();
                moved.borrow_mut().push(id);
                ok
            });
    }

    /// One `addDoctor` (the doctor removed untimed afterwards).
    #[divan::bench(args = SIZES, sample_count = 20, sample_size = 16)]
    fn add_doctor(bencher: Bencher, size: usize) {
        let h = RefCell::new(hospital(size));
        let added: RefCell<Vec<String>> = RefCell::default();
        bencher
            .with_inputs(|| {
                let mut h = h.borrow_mut();
                for id in added.borrow_mut().drain(..) {
                    h.remove_doctor(&id, ChangeOptions::default()).unwrap();
                }
                NewDoctor {
                    id: None,
                    name: "Dr. New".to_owned(),
                    locations: vec!["Main".to_owned()],
                    schedule: schedule(),
                    overrides: vec![],
                    time_off: vec![],
                }
            })
            .bench_local_values(|doctor| {
                let id = h.borrow_mut().add_doctor(doctor).unwrap().id.clone();
                added.borrow_mut().push(id);
            });
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn refused_slot_taken(bencher: Bencher, size: usize) {
        let mut h = hospital(size);
        let start = slot_text(days_used(size) / 2, 540);
        bencher.bench_local(|| h.book(request(3, &start)).is_err());
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn appointments_week(bencher: Bencher, size: usize) {
        let h = hospital(size);
        let from = slot_text((days_used(size) / 2 / 5) * 5, 0);
        let to = at(&from).plus_minutes(7 * 1440).to_string();
        bencher.bench_local(|| {
            h.appointments(
                "d4",
                AppointmentQuery {
                    from: Some(from.clone()),
                    to: Some(to.clone()),
                    status: Some(StatusFilter::Booked),
                    now: None,
                    limit: None,
                    after: None,
                },
            )
            .unwrap()
            .len()
        });
    }

    /// One patient's appointments across doctors (size / 1,000 of them), through the patient
    /// index.
    #[divan::bench(args = SIZES, sample_count = 20)]
    fn find_by_patient(bencher: Bencher, size: usize) {
        let h = hospital(size);
        bencher.bench_local(|| {
            h.find_appointments(FindAppointmentsQuery {
                patient: Some("p-500".to_owned()),
                ..FindAppointmentsQuery::default()
            })
            .unwrap()
            .len()
        });
    }

    /// 1,000 bookings and cancellations replayed from their change records in one batch.
    #[divan::bench(args = SIZES, sample_count = 5)]
    fn apply_changes_batch(bencher: Bencher, size: usize) {
        let base = hospital(size);
        let mut source = base.clone();
        let middle = days_used(size) / 2;
        for i in 0..500 {
            let start = slot_text(middle + i / 16, 540 + 15 + (i % 16) * 30);
            let id = source
                .book(request(i % DOCTORS, &start))
                .unwrap()
                .id()
                .to_string();
            source.cancel(&id, CancelOptions::default()).unwrap();
        }
        let changes = source.changes_since(base.revision()).unwrap();
        bencher
            .with_inputs(|| (base.clone(), changes.clone()))
            .bench_local_values(|(mut h, changes)| h.apply_changes(changes).unwrap());
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn free_slots_week(bencher: Bencher, size: usize) {
        let h = hospital(size);
        let from = slot_text((days_used(size) / 2 / 5) * 5, 0);
        let to = at(&from).plus_minutes(7 * 1440).to_string();
        bencher.bench_local(|| {
            h.available_slots(
                "d4",
                SlotQuery {
                    from: from.clone(),
                    to: to.clone(),
                    duration_minutes: None,
                    location: None,
                    limit: None,
                    now: None,
                },
            )
            .unwrap()
            .len()
        });
    }

    #[divan::bench(args = SIZES, sample_count = 5)]
    fn snapshot_export(bencher: Bencher, size: usize) {
        let h = hospital(size);
        bencher.bench_local(|| h.to_snapshot().unwrap().len());
    }

    #[divan::bench(args = SIZES, sample_count = 5)]
    fn snapshot_import(bencher: Bencher, size: usize) {
        let text = hospital(size).to_snapshot().unwrap();
        bencher.bench_local(|| Hospital::from_snapshot(&text).unwrap().revision());
    }

    /// The same, fed to a `SnapshotLoader` in pieces of 64 KiB (as a host streams it).
    #[divan::bench(args = SIZES, sample_count = 5)]
    fn snapshot_import_in_pieces(bencher: Bencher, size: usize) {
        let text = hospital(size).to_snapshot().unwrap();
        bencher.bench_local(|| {
            let mut loader = SnapshotLoader::new(None).unwrap();
            for piece in text.as_bytes().chunks(64 << 10) {
                loader.feed(piece).unwrap();
            }
            loader.finish().unwrap().revision()
        });
    }
}
