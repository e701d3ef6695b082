//! The hospital: doctors, appointments, and every operation of the public API.
//!
//! Each mutating method checks everything before it changes anything, so a failed call leaves
//! the hospital exactly as it was, and bumps [`Hospital::revision`] once when it succeeds.
//!
//! This file holds the hospital's state, the doctor calls, and the primitives every change of an
//! appointment goes through (insert, replace, remove), which keep the indexes, the snapshot size
//! and the undo journal in step. Its children add the rest, with access to the hospital's private
//! fields: `appointments.rs` (book, list, cancel, update, find), `holds.rs` (holds, confirm,
//! reschedule, the clock), `search.rs` (free slots, `findSlots`, `explain`, working hours),
//! `replay.rs` (change records out and in, with the undo journal), `snapshots.rs` (writing and
//! loading snapshots), `view.rs` (appointments as the API shows them) and `doctor_state.rs`
//! (what is kept per doctor).

mod appointments;
mod doctor_state;
mod holds;
mod replay;
mod search;
mod snapshots;
#[cfg(test)]
mod tests;
mod view;

pub use search::WorkingBlock;
pub use snapshots::SnapshotLoader;
pub use view::{AppointmentView, Handles};

use crate::booking::{AppointmentIds, Context};
use crate::calendar::{Slot, TimeIndex};
use crate::changes::{ChangeLog, ChangeText};
use crate::doctor::{Doctor, DoctorPatch, NewDoctor};
use crate::error::{Error, Result};
use crate::hours::Availability;
use crate::limits::{MAX_APPOINTMENTS, MAX_COUNTER, MAX_DOCTORS, MAX_REQUEST_ID_LEN};
use crate::options::{HospitalOptions, HospitalOptionsInput};
use crate::places::Places;
use crate::queries::Window;
use crate::requests::ChangeOptions;
use crate::snapshot::NextIds;
use crate::sorted::SortedChunks;
use crate::store::{Appointments, Record, Seq, Status};
use crate::time::{Bound, LocalDateTime, Moment};
use crate::validate;
use crate::zone::{TimeZones, ZoneRules};
use crate::zoned::{self, HospitalZones, Reading};
use crate::{json, json_text};
use doctor_state::{DoctorState, Doctors};
use replay::{Journal, Undo};
use std::hash::{Hash, Hasher};

/// Why appointments cancelled by `updateDoctor` with `cancelAppointments: true` were cancelled.
const DOCTOR_UPDATED_REASON: &str = "doctor updated";

/// A hospital: its options, doctors and appointments, all in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hospital {
    options: HospitalOptions,
    revision: u64,
    next_ids: NextIds,
    /// The latest `now` a successful call passed in: holds that lapse by then expire.
    clock: Option<LocalDateTime>,
    doctors: Doctors,
    places: Places,
    store: Appointments,
    /// Live holds by (expiry, seq), so that lapsed ones are found in order.
    holds: SortedChunks<(LocalDateTime, Seq)>,
    /// Appointments by patient (a hash of the reference; collisions are told apart by the
    /// record) and start.
    patients: TimeIndex<u32>,
    /// Appointments by location number and start.
    locations: TimeIndex<u32>,
    /// The most recent change records, for `changes_since`.
    log: ChangeLog,
    /// The length of the hospital's snapshot, in bytes: exact for doctors and appointments, with
    /// room for the largest counters in the header (see `snapshots.rs`).
    size: u64,
    /// Who makes the changes that follow, recorded in their change records.
    actor: Option<Box<str>>,
    /// While a batch of change records replays: how to undo it.
    journal: Option<Journal>,
    /// The hospital's time zone and its locations' (none: floating wall-clock times).
    zones: HospitalZones,
}

impl Hospital {
    /// An empty hospital with validated options, without time zones (one that names a zone
    /// needs [`Hospital::with_time_zones`]).
    pub fn new(options: HospitalOptionsInput) -> Result<Self> {
        Hospital::with_time_zones(options, &TimeZones::new())
    }

    /// An empty hospital with validated options, whose zones (`timeZone`, `locationTimeZones`)
    /// are found in `zones`: `INVALID_INPUT` naming the option for one that is not there.
    pub fn with_time_zones(options: HospitalOptionsInput, zones: &TimeZones) -> Result<Self> {
        let options = HospitalOptions::from_input(options)?;
        let zones = HospitalZones::of(&options, zones)?;
        Ok(Hospital::with_options(options, zones))
    }

    /// Whether the hospital has a time zone (else its times are floating wall-clock times).
    pub fn is_zoned(&self) -> bool {
        self.zones.is_zoned()
    }

    /// An empty hospital with options that are already valid.
    fn with_options(options: HospitalOptions, zones: HospitalZones) -> Self {
        let mut hospital = Hospital {
            options,
            revision: 0,
            next_ids: NextIds::default(),
            clock: None,
            doctors: Doctors::default(),
            places: Places::default(),
            store: Appointments::default(),
            holds: SortedChunks::default(),
            patients: TimeIndex::default(),
            locations: TimeIndex::default(),
            log: ChangeLog::default(),
            size: 0,
            actor: None,
            journal: None,
            zones,
        };
        hospital.size = hospital.header_bytes();
        hospital
    }

    /// The hospital's options.
    pub fn options(&self) -> &HospitalOptions {
        &self.options
    }

    /// How many successful mutations this hospital has seen (kept across snapshots).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The id counters (for snapshots).
    pub fn next_ids(&self) -> NextIds {
        self.next_ids
    }

    /// The latest `now` a successful call passed in, if any (for snapshots).
    pub fn clock(&self) -> Option<LocalDateTime> {
        self.clock
    }

    /// How many doctors the hospital has.
    pub fn doctor_count(&self) -> usize {
        self.doctors.len()
    }

    /// How many appointments the hospital keeps, of every status.
    pub fn appointment_count(&self) -> usize {
        self.store.live()
    }

    /// The length of [`Hospital::to_snapshot`]'s text, in bytes, or at most this: exact but for
    /// the header, whose counters are counted at their longest, and each appointment's status,
    /// counted as the longest, `"cancelled"` (so that expiring a hold or cancelling a booking
    /// without a reason never grows it). A mutation that would take it past the hospital's
    /// `maxSnapshotBytes` is refused with `HOSPITAL_FULL`.
    pub fn snapshot_bytes(&self) -> u64 {
        self.size
    }

    /// Who is making the changes that follow (an API key's id, a user's name), recorded as
    /// `actor` in their change records; `None` records none. At most 128 bytes of text.
    pub fn set_actor(&mut self, actor: Option<&str>) -> Result<()> {
        if let Some(actor) = actor {
            validate::text("actor", actor, MAX_REQUEST_ID_LEN)?;
        }
        self.actor = actor.map(Into::into);
        Ok(())
    }

    /// Who is making the changes, as set by [`Hospital::set_actor`].
    pub fn actor(&self) -> Option<&str> {
        self.actor.as_deref()
    }

    // ----- doctors -----

    /// Adds a doctor. Fails with `INVALID_INPUT` for a bad profile, `DUPLICATE_ID` for an id
    /// in use and `HOSPITAL_FULL` when the hospital cannot take one more.
    pub fn add_doctor(&mut self, input: NewDoctor) -> Result<&Doctor> {
        if let Some(id) = &input.id {
            validate::id("id", id)?;
        }
        let doctor = Doctor {
            id: input.id.unwrap_or_default(),
            name: input.name,
            locations: input.locations,
            schedule: input.schedule,
            overrides: input.overrides,
            time_off: input.time_off,
        };
        doctor.validate_profile()?;
        let hours = self.availability(&doctor)?;
        if self.doctors.len() >= MAX_DOCTORS {
            return Err(Error::too_many_doctors(self.doctors.len(), MAX_DOCTORS));
        }
        let assigned = if doctor.id.is_empty() {
            Some(self.peek_doctor_id().ok_or_else(|| no_id_left("doctor"))?)
        } else if self.doctors.key_of(&doctor.id).is_some() {
            return Err(Error::duplicate_id("doctor", &doctor.id));
        } else {
            None
        };
        self.check_revision_room()?;
        let assigned_id = assigned.is_some();
        let doctor = match &assigned {
            Some((id, _)) => Doctor {
                id: id.clone(),
                ..doctor
            },
            None => doctor,
        };
        let text = json::doctor_text(&doctor);
        let bytes = json_text::line_bytes(&text);
        self.check_budget(bytes as i64)?;
        // Every check has passed: from here on the call succeeds.
        if let Some((_, next)) = assigned {
            self.next_ids.doctor = next;
        }
        let key = self.insert_doctor(doctor, hours, bytes);
        self.commit(|buffer, revision| {
            ChangeText::add_doctor(buffer, revision, &text, assigned_id)
        });
        self.doctor_state(key).map(|state| &state.doctor)
    }

    /// The doctor with this id.
    pub fn get_doctor(&self, id: &str) -> Result<&Doctor> {
        validate::lookup_id("id", id)?;
        self.find_doctor(id).map(|(_, state)| &state.doctor)
    }

    /// Every doctor, in insertion order.
    pub fn list_doctors(&self) -> impl Iterator<Item = &Doctor> + '_ {
        self.doctors.iter().map(|(_, state)| &state.doctor)
    }

    /// Replaces the fields the patch names. If the new locations or hours (schedule,
    /// overrides, time off) would leave booked or held appointments outside them, fails with
    /// `HAS_APPOINTMENTS` unless `cancelAppointments` is set, in which case exactly those are
    /// cancelled.
    pub fn update_doctor(
        &mut self,
        id: &str,
        patch: DoctorPatch,
        options: ChangeOptions,
    ) -> Result<&Doctor> {
        validate::lookup_id("id", id)?;
        patch.validate()?;
        let (key, state) = self.find_doctor(id)?;
        let doctor = state.doctor.patched(patch);
        doctor.validate_profile()?;
        let hours = self.availability(&doctor)?;
        let orphans: Vec<Seq> = state
            .calendar
            .active_in(&self.store, None, None)
            .filter(|entry| {
                let location = self
                    .store
                    .get(entry.seq)
                    .map(|r| self.places.name(r.place))
                    .unwrap_or_default();
                let index = doctor.location_index(location);
                !index.is_some_and(|index| hours.contains(index, entry.start, entry.end))
            })
            .map(|entry| entry.seq)
            .collect();
        if !orphans.is_empty() && !options.cancels() {
            return Err(Error::has_appointments(
                id,
                self.ids_of(orphans.iter().copied()),
            ));
        }
        self.check_revision_room()?;
        let text = json::doctor_text(&doctor);
        let bytes = json_text::line_bytes(&text);
        let mut growth = bytes as i64 - state.snapshot_bytes as i64;
        let cancelled: Vec<(Seq, Record, i64)> = orphans
            .iter()
            .filter_map(|&seq| {
                let record = self.store.get(seq)?;
                let next = self.cancelled_record(record, Some(DOCTOR_UPDATED_REASON));
                let grows = self.growth(record, &next);
                growth += grows;
                Some((seq, next, grows))
            })
            .collect();
        self.check_budget(growth)?;
        // Every check has passed: from here on the call succeeds.
        for (seq, next, grows) in cancelled {
            self.replace(seq, next, grows);
        }
        self.set_doctor(key, doctor, hours, bytes);
        self.commit(|buffer, revision| {
            ChangeText::update_doctor(buffer, revision, &text, options.cancels())
        });
        self.doctor_state(key).map(|state| &state.doctor)
    }

    /// Removes a doctor and their whole appointment history. Fails with `HAS_APPOINTMENTS`
    /// while any of their appointments is booked or held, unless `cancelAppointments` is set.
    pub fn remove_doctor(&mut self, id: &str, options: ChangeOptions) -> Result<Doctor> {
        validate::lookup_id("id", id)?;
        let (key, state) = self.find_doctor(id)?;
        if state.calendar.has_active() && !options.cancels() {
            let active = state
                .calendar
                .active_in(&self.store, None, None)
                .map(|entry| entry.seq);
            return Err(Error::has_appointments(id, self.ids_of(active)));
        }
        self.check_revision_room()?;
        // Every check has passed: from here on the call succeeds (it only shrinks the hospital).
        let seqs: Vec<Seq> = state.calendar.all_seqs().collect();
        for seq in seqs {
            self.remove(seq);
        }
        let doctor = self.remove_doctor_state(key)?;
        self.commit(|buffer, revision| {
            ChangeText::remove_doctor(buffer, revision, id, options.cancels())
        });
        self.compact_if_worth_it();
        Ok(doctor)
    }

    // ----- internals: doctors -----

    /// The id `add_doctor` would assign now, with the counter after it; `None` if none is left.
    fn peek_doctor_id(&self) -> Option<(String, u64)> {
        free_number(self.next_ids.doctor, |n| {
            self.doctors.key_of(&format!("d{n}")).is_some()
        })
        .map(|(n, next)| (format!("d{n}"), next))
    }

    fn find_doctor(&self, id: &str) -> Result<(u32, &DoctorState)> {
        self.doctors
            .key_of(id)
            .and_then(|key| Some((key, self.doctors.get(key)?)))
            .ok_or_else(|| Error::doctor_not_found(id))
    }

    fn doctor_state(&self, key: u32) -> Result<&DoctorState> {
        self.doctors
            .get(key)
            .ok_or_else(|| Error::doctor_not_found(&format!("#{key}")))
    }

    /// When and where `doctor` works, in this hospital's zones; `INVALID_INPUT` for time off
    /// that is not (given in another way than the hospital keeps times, or ending before it
    /// starts).
    fn availability(&self, doctor: &Doctor) -> Result<Availability> {
        let zone = self.zones.hospital();
        let mut time_off = Vec::with_capacity(doctor.time_off.len());
        for (i, range) in doctor.time_off.iter().enumerate() {
            let field = |end: &str| format!("timeOff[{i}].{end}");
            let start = zoned::read(
                zone,
                range.start,
                &field("start"),
                Reading::Bound(Bound::From),
            )?;
            let end = zoned::read(zone, range.end, &field("end"), Reading::Bound(Bound::To))?;
            if end <= start {
                return Err(Error::invalid_input(
                    field("end"),
                    format!("{} is not after start {}", range.end, range.start),
                ));
            }
            time_off.push((start, end));
        }
        let zones = self.zones.is_zoned().then(|| {
            doctor
                .locations
                .iter()
                .filter_map(|location| self.zones.shared_at(location))
                .collect()
        });
        Ok(Availability::build(doctor, time_off, zones))
    }

    /// The engine time of `moment`, given for `field`, read in the zone of `location`.
    fn time_at(
        &self,
        location: &str,
        moment: Moment,
        field: &str,
        reading: Reading,
    ) -> Result<LocalDateTime> {
        zoned::read(self.zones.at(location), moment, field, reading)
    }

    /// The caller's `now` as an engine time (read in the hospital's zone when it is a wall
    /// clock).
    fn read_now(&self, now: Option<Moment>) -> Result<Option<LocalDateTime>> {
        now.map(|now| zoned::read(self.zones.hospital(), now, "now", Reading::Now))
            .transpose()
    }

    /// A window `[from, to)` as engine times, read in `zone` (open ends stay open); `to` before
    /// `from` is refused.
    fn read_window(
        &self,
        window: Window,
        zone: Option<&ZoneRules>,
    ) -> Result<(Option<LocalDateTime>, Option<LocalDateTime>)> {
        let from = window
            .from
            .map(|from| zoned::read(zone, from, "from", Reading::Bound(Bound::From)))
            .transpose()?;
        let to = window
            .to
            .map(|to| zoned::read(zone, to, "to", Reading::Bound(Bound::To)))
            .transpose()?;
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err(Error::invalid_input(
                    "to",
                    format!(
                        "{} is before from ({})",
                        window.to.map(|t| t.to_string()).unwrap_or_default(),
                        window.from.map(|f| f.to_string()).unwrap_or_default()
                    ),
                ));
            }
        }
        Ok((from, to))
    }

    /// Adds a doctor whose id is free; returns its key.
    fn insert_doctor(&mut self, doctor: Doctor, hours: Availability, bytes: u64) -> u32 {
        let places = doctor
            .locations
            .iter()
            .map(|l| self.places.acquire(l))
            .collect();
        self.size += bytes;
        let key = self.doctors.insert(doctor, hours, places, bytes);
        self.journal(Undo::DoctorAdded(key));
        key
    }

    /// Replaces a doctor's profile, keeping the calendar.
    fn set_doctor(&mut self, key: u32, doctor: Doctor, hours: Availability, bytes: u64) {
        let places: Vec<u32> = doctor
            .locations
            .iter()
            .map(|l| self.places.acquire(l))
            .collect();
        let Some(state) = self.doctors.get_mut(key) else {
            return;
        };
        let old_places = std::mem::replace(&mut state.places, places);
        let old_doctor = std::mem::replace(&mut state.doctor, doctor);
        let old_hours = std::mem::replace(&mut state.hours, hours);
        let old_bytes = std::mem::replace(&mut state.snapshot_bytes, bytes);
        self.size = self.size + bytes - old_bytes;
        for place in &old_places {
            self.places.release(*place);
        }
        self.journal(Undo::DoctorChanged(
            key,
            Box::new((old_doctor, old_hours, old_places, old_bytes)),
        ));
    }

    /// Removes a doctor (whose appointments are gone) and returns it.
    fn remove_doctor_state(&mut self, key: u32) -> Result<Doctor> {
        let state = self
            .doctors
            .remove(key)
            .ok_or_else(|| Error::doctor_not_found(&format!("#{key}")))?;
        for place in &state.places {
            self.places.release(*place);
        }
        self.size -= state.snapshot_bytes;
        let doctor = state.doctor.clone();
        self.journal(Undo::DoctorRemoved(key, Box::new(state)));
        Ok(doctor)
    }

    // ----- internals: the primitives every appointment change goes through -----

    /// Stores a new appointment and indexes it; returns its seq. The caller has checked the
    /// limits ([`Hospital::check_room_for_appointment`]).
    fn insert(&mut self, record: Record) -> Result<Seq> {
        let bytes = self.row_bytes(&record);
        self.places.add_ref(record.place);
        let seq = self
            .store
            .insert(record)
            .ok_or_else(|| Error::too_many_appointments(self.store.live(), MAX_APPOINTMENTS))?;
        self.size += bytes;
        self.index(seq);
        self.journal(Undo::Inserted);
        Ok(seq)
    }

    /// How much replacing `record` by `next` grows the hospital's size (negative: shrinks it).
    fn growth(&self, record: &Record, next: &Record) -> i64 {
        // A row's length depends on its id, doctor, location, duration, patient and extras (its
        // start and status have one length): a change of none of them (a cancel or an expiry
        // without a reason) is counted without measuring either row.
        let same_length = record.number == next.number
            && record.doctor == next.doctor
            && record.place == next.place
            && record.duration == next.duration
            && record.patient == next.patient
            && record.extra.is_none()
            && next.extra.is_none();
        if same_length {
            return 0;
        }
        self.row_bytes(next) as i64 - self.row_bytes(record) as i64
    }

    /// Replaces an appointment's record, which grows the size by `growth` ([`Hospital::growth`],
    /// computed for the budget check); the indexes change only where its keys in them do.
    fn replace(&mut self, seq: Seq, next: Record, growth: i64) {
        let Some(old) = self.store.get(seq) else {
            return;
        };
        // The same patient at the same start (a status change): the patient index stays as it
        // is, so neither key is hashed (both `None` compare equal in `move_keys`). The same
        // patient moved: its key again, not another hash.
        let (old_patient, new_patient) = if old.patient == next.patient {
            let key = (old.start != next.start)
                .then(|| old.patient.as_deref().map(patient_key))
                .flatten();
            (key, key)
        } else {
            (
                old.patient.as_deref().map(patient_key),
                next.patient.as_deref().map(patient_key),
            )
        };
        let old_keys = IndexKeys::of(seq, old, old_patient);
        let new_keys = IndexKeys::of(seq, &next, new_patient);
        self.places.add_ref(next.place);
        let Some(slot) = self.store.get_mut(seq) else {
            return;
        };
        // An appointment's id and request id never change: the store's indexes stay as they are.
        let old = std::mem::replace(slot, next);
        self.places.release(old.place);
        self.size = self.size.saturating_add_signed(growth);
        self.move_keys(seq, Some(&old_keys), Some(&new_keys));
        self.journal(Undo::Replaced(seq, old));
    }

    /// Removes an appointment and every trace of it.
    fn remove(&mut self, seq: Seq) {
        let Some(bytes) = self.store.get(seq).map(|r| self.row_bytes(r)) else {
            return;
        };
        self.unindex(seq);
        if let Some(record) = self.store.remove(seq) {
            self.places.release(record.place);
            self.size -= bytes;
            self.journal(Undo::Removed(seq, record));
        }
    }

    /// Enters an appointment in its doctor's calendar, the holds, and the patient and location
    /// indexes, as its status says.
    fn index(&mut self, seq: Seq) {
        let keys = self
            .store
            .get(seq)
            .map(|r| IndexKeys::of(seq, r, r.patient.as_deref().map(patient_key)));
        self.move_keys(seq, None, keys.as_ref());
    }

    /// Undoes [`Hospital::index`].
    fn unindex(&mut self, seq: Seq) {
        let keys = self
            .store
            .get(seq)
            .map(|r| IndexKeys::of(seq, r, r.patient.as_deref().map(patient_key)));
        self.move_keys(seq, keys.as_ref(), None);
    }

    /// Moves appointment `seq` in the indexes from where `old` puts it to where `new` does
    /// (`None`: nowhere), touching only the indexes whose keys differ.
    fn move_keys(&mut self, seq: Seq, old: Option<&IndexKeys>, new: Option<&IndexKeys>) {
        let calendar = |k: &IndexKeys| (k.doctor, k.start, k.slot);
        if old.map(calendar) != new.map(calendar) {
            if let Some(old) = old {
                if let Some(state) = self.doctors.get_mut(old.doctor) {
                    match old.slot {
                        Some(_) => state.calendar.remove(old.start, seq),
                        None => state.calendar.remove_history(old.start, seq),
                    }
                }
            }
            if let Some(new) = new {
                if let Some(state) = self.doctors.get_mut(new.doctor) {
                    match new.slot {
                        Some(slot) => state.calendar.insert(new.start, slot),
                        None => state.calendar.insert_history(new.start, seq),
                    }
                }
            }
        }
        let hold = |k: &IndexKeys| k.hold_expires;
        if old.and_then(hold) != new.and_then(hold) {
            if let Some(expires) = old.and_then(hold) {
                self.holds.remove(&(expires, seq));
            }
            if let Some(expires) = new.and_then(hold) {
                self.holds.insert((expires, seq));
            }
        }
        let patient = |k: &IndexKeys| k.patient.map(|p| (p, k.start));
        if old.and_then(patient) != new.and_then(patient) {
            if let Some((key, start)) = old.and_then(patient) {
                self.patients.remove(key, start, seq);
            }
            if let Some((key, start)) = new.and_then(patient) {
                self.patients.insert(key, start, seq);
            }
        }
        let location = |k: &IndexKeys| (k.place, k.start);
        if old.map(location) != new.map(location) {
            if let Some((place, start)) = old.map(location) {
                self.locations.remove(place, start, seq);
            }
            if let Some((place, start)) = new.map(location) {
                self.locations.insert(place, start, seq);
            }
        }
    }

    /// Renumbers the appointments once removals have left more holes than records, and rebuilds
    /// the indexes that hold their numbers. Never while a batch replays (the journal holds
    /// numbers).
    fn compact_if_worth_it(&mut self) {
        if self.journal.is_some() || !self.store.wants_compaction() {
            return;
        }
        self.store.compact();
        self.reindex();
    }

    /// Rebuilds every index from the records.
    fn reindex(&mut self) {
        self.holds.clear();
        self.patients.clear();
        self.locations.clear();
        let keys: Vec<u32> = self.doctors.iter().map(|(key, _)| key).collect();
        for key in keys {
            if let Some(state) = self.doctors.get_mut(key) {
                state.calendar = Default::default();
            }
        }
        let seqs: Vec<Seq> = self.store.iter().map(|(seq, _)| seq).collect();
        for seq in seqs {
            self.index(seq);
        }
    }

    fn find_appointment(&self, id: &str) -> Result<Seq> {
        self.store
            .find(id)
            .ok_or_else(|| Error::appointment_not_found(id))
    }

    fn record(&self, seq: Seq) -> Result<&Record> {
        self.store
            .get(seq)
            .ok_or_else(|| Error::appointment_not_found(&format!("#{seq}")))
    }

    /// The appointment `seq` as the API shows it.
    fn view(&self, seq: Seq) -> Result<AppointmentView<'_>> {
        let record = self.record(seq)?;
        Ok(AppointmentView::new(self, seq, record))
    }

    fn id_of(&self, seq: Seq) -> String {
        self.store
            .get(seq)
            .map(|r| AppointmentView::new(self, seq, r).id().to_string())
            .unwrap_or_default()
    }

    fn ids_of(&self, seqs: impl Iterator<Item = Seq>) -> Vec<String> {
        seqs.map(|seq| self.id_of(seq)).collect()
    }

    /// The bytes of an appointment's row in a snapshot.
    fn row_bytes(&self, record: &Record) -> u64 {
        let doctor_id = self
            .doctors
            .get(record.doctor)
            .map_or("", |s| s.doctor.id.as_str());
        json::row_bytes(
            record,
            doctor_id,
            self.places.name(record.place),
            &self.zones,
        )
    }

    // ----- internals: limits, commits -----

    /// Fails with `HOSPITAL_FULL` when growing the snapshot by `growth` bytes would take it past
    /// `maxSnapshotBytes`. A change that does not grow the hospital always fits, so that one
    /// loaded over its limit can still shrink.
    fn check_budget(&self, growth: i64) -> Result<()> {
        let limit = self.options.max_snapshot_bytes;
        if growth > 0 && self.size.saturating_add(growth as u64) > limit {
            return Err(Error::hospital_full(self.size, growth as u64, limit));
        }
        Ok(())
    }

    /// Fails with `HOSPITAL_FULL` when the hospital holds the most appointments it can.
    fn check_room_for_appointment(&self) -> Result<()> {
        if self.store.live() >= MAX_APPOINTMENTS {
            return Err(Error::too_many_appointments(
                self.store.live(),
                MAX_APPOINTMENTS,
            ));
        }
        Ok(())
    }

    /// Counts one successful mutation and logs its change record, which `record` writes for the
    /// new revision. Every mutation has checked [`Hospital::check_revision_room`], so the
    /// revision stays within [`MAX_COUNTER`].
    fn commit(&mut self, record: impl FnOnce(String, u64) -> ChangeText) {
        let text = record(self.log.spare(), self.revision + 1);
        self.commit_text(text);
    }

    /// [`Hospital::commit`] with the record already written (for the revision after this one).
    fn commit_text(&mut self, text: ChangeText) {
        self.revision = self.revision.saturating_add(1).min(MAX_COUNTER);
        let record = text.finish(self.actor.as_deref());
        let dropped = self.log.push(record, self.journal.is_some());
        if let Some(journal) = &mut self.journal {
            journal.pushed_to_log(dropped);
        }
    }

    /// Records how to undo a primitive, while a batch replays.
    fn journal(&mut self, undo: Undo) {
        if let Some(journal) = &mut self.journal {
            journal.record(undo);
        }
    }

    /// What the booking rules need to check a proposal for a doctor.
    fn context<'a>(
        &'a self,
        state: &'a DoctorState,
        clock: Option<LocalDateTime>,
        patient: Option<&str>,
    ) -> Context<'a> {
        Context {
            options: &self.options,
            doctor: &state.doctor,
            hours: &state.hours,
            calendar: &state.calendar,
            store: &self.store,
            clock,
            patients: self
                .options
                .prevent_patient_overlap
                .then_some(&self.patients),
            patient_key: patient.map(patient_key),
            id_of: self,
            zones: &self.zones,
        }
    }

    /// Fails with `INVALID_INPUT` when the hospital's rules need the current time and the
    /// caller gave none.
    fn check_now_given(&self, now: Option<LocalDateTime>) -> Result<()> {
        if now.is_none() && self.options.has_time_rules() {
            return Err(Error::invalid_input(
                "now",
                "is required: this hospital has a minimum notice or a booking horizon",
            ));
        }
        Ok(())
    }

    /// Fails when the revision counter has reached [`MAX_COUNTER`]: one more mutation could not
    /// be counted exactly in JS, nor written to a snapshot. Checked with the other rules,
    /// before anything changes.
    fn check_revision_room(&self) -> Result<()> {
        if self.revision >= MAX_COUNTER {
            return Err(Error::revision_exhausted(MAX_COUNTER));
        }
        Ok(())
    }
}

impl AppointmentIds for Hospital {
    fn appointment_id(&self, seq: Seq) -> String {
        self.id_of(seq)
    }

    fn patient(&self, seq: Seq) -> Option<&str> {
        self.store.get(seq).and_then(|r| r.patient.as_deref())
    }
}

/// Where a record is in the indexes: its doctor's calendar (a slot while it takes its time,
/// the history otherwise), the holds, the patient and the location indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IndexKeys {
    doctor: u32,
    start: LocalDateTime,
    /// Its slot in the calendar while it is booked or held; `None`: in the history.
    slot: Option<Slot>,
    /// When a hold lapses, while it is held.
    hold_expires: Option<LocalDateTime>,
    patient: Option<u32>,
    place: u32,
}

impl IndexKeys {
    /// The keys of `record`, whose patient's key is `patient` ([`patient_key`], computed by the
    /// caller, who may know it already).
    fn of(seq: Seq, record: &Record, patient: Option<u32>) -> Self {
        let held = record.status == Status::Held;
        IndexKeys {
            doctor: record.doctor,
            start: record.start,
            slot: record.status.is_active().then_some(Slot {
                seq,
                duration: record.duration,
                held,
            }),
            hold_expires: record.hold_expires().filter(|_| held),
            patient,
            place: record.place,
        }
    }
}

/// The key of a patient reference in the patient index: a hash (SipHash, with fixed keys, so the
/// engine stays deterministic; telling references apart that share one is the record's job).
pub(crate) fn patient_key(patient: &str) -> u32 {
    let mut hasher = std::hash::DefaultHasher::new();
    patient.hash(&mut hasher);
    // Half the hash: patients who share a key are told apart by their record's patient, and
    // one index type for patients and locations keeps the wasm smaller.
    hasher.finish() as u32
}

impl Hospital {
    /// `record` cancelled, with `reason`. A hold keeps what its request asked for first: that it
    /// was a hold, which its status no longer says (booking rule 0).
    fn cancelled_record(&self, record: &Record, reason: Option<&str>) -> Record {
        let mut held = record.clone();
        if record.status == Status::Held {
            self.keep_request(&mut held);
        }
        cancelled_record(&held, reason)
    }
}

/// `record` cancelled, with `reason`.
fn cancelled_record(record: &Record, reason: Option<&str>) -> Record {
    let mut next = record.clone();
    next.status = Status::Cancelled;
    if let Some(extra) = &mut next.extra {
        extra.hold_expires = None;
    }
    if let Some(reason) = reason {
        next.extra_mut().cancel_reason = Some(reason.into());
    }
    next.tidy();
    next
}

/// The error when every id a counter could still assign is used up.
fn no_id_left(what: &str) -> Error {
    Error::invalid_input(
        "id",
        format!("no {what} id is left to assign; give one explicitly"),
    )
}

/// The first counter value from `counter` on whose id is not taken (ids the host chose are
/// skipped), and the counter value after it; `None` once the counter reaches [`MAX_COUNTER`].
/// At most one step per id taken, so it always ends.
fn free_number(mut counter: u64, taken: impl Fn(u64) -> bool) -> Option<(u64, u64)> {
    while counter < MAX_COUNTER {
        let n = counter;
        counter += 1;
        if !taken(n) {
            return Some((n, counter));
        }
    }
    None
}
