//! The hospital: doctors, appointments, and every operation of the public API.
//!
//! Each mutating method checks everything before it changes anything, so a failed call leaves
//! the hospital exactly as it was, and bumps [`Hospital::revision`] once when it succeeds.
//!
//! This file holds the hospital's state, the doctor calls, booking, listing and cancelling, and
//! the indexes kept in step with every change. Its children add the rest, with access to the
//! hospital's private fields: `holds.rs` (holds, confirm, reschedule, the clock), `search.rs`
//! (free slots, `findSlots`, `explain`), `replay.rs` (change records out and in),
//! `snapshots.rs` (writing and loading snapshots) and `doctor_state.rs` (what is kept per
//! doctor).

mod doctor_state;
mod holds;
mod replay;
mod search;
mod snapshots;

use crate::appointment::{Appointment, AppointmentStatus};
use crate::booking::{self, Context, Proposal};
use crate::calendar::{Calendar, Seq};
use crate::changes::{Change, ChangeLog};
use crate::doctor::{Doctor, DoctorPatch, NewDoctor};
use crate::error::{Error, Result};
use crate::hours::Availability;
use crate::limits::{MAX_APPOINTMENTS, MAX_COUNTER, MAX_DOCTORS, MAX_REASON_LEN};
use crate::options::{HospitalOptions, HospitalOptionsInput};
use crate::queries::{AppointmentQuery, StatusFilter, Window};
use crate::requests::{BookRequest, CancelOptions, ChangeOptions};
use crate::snapshot::NextIds;
use crate::time::LocalDateTime;
use crate::validate;
use doctor_state::DoctorState;
use std::collections::{BTreeMap, BTreeSet};

/// Why appointments cancelled by `updateDoctor` with `cancelAppointments: true` were cancelled.
const DOCTOR_UPDATED_REASON: &str = "doctor updated";

/// A hospital: its options, doctors and appointments, all in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hospital {
    options: HospitalOptions,
    revision: u64,
    /// Doctors by insertion number: iteration order is insertion order.
    doctors: BTreeMap<u64, DoctorState>,
    doctor_numbers: BTreeMap<String, u64>,
    next_doctor_number: u64,
    /// Appointments by booking sequence: iteration order is booking order.
    appointments: BTreeMap<Seq, Appointment>,
    appointment_seqs: BTreeMap<String, Seq>,
    request_seqs: BTreeMap<String, Seq>,
    next_seq: Seq,
    next_ids: NextIds,
    /// The latest `now` a successful call passed in: holds that lapse by then are dropped.
    clock: Option<LocalDateTime>,
    /// Live holds by (expiry, seq), so that lapsed ones are found in order.
    holds: BTreeSet<(LocalDateTime, Seq)>,
    /// Each patient's booked and held appointments (only with `preventPatientOverlap`).
    patients: BTreeMap<String, Calendar>,
    /// The most recent change records, for `changes_since`.
    log: ChangeLog,
}

impl Hospital {
    /// An empty hospital with validated options.
    pub fn new(options: HospitalOptionsInput) -> Result<Self> {
        Ok(Hospital::with_options(HospitalOptions::from_input(
            options,
        )?))
    }

    /// An empty hospital with options that are already valid.
    fn with_options(options: HospitalOptions) -> Self {
        Hospital {
            options,
            revision: 0,
            doctors: BTreeMap::new(),
            doctor_numbers: BTreeMap::new(),
            next_doctor_number: 0,
            appointments: BTreeMap::new(),
            appointment_seqs: BTreeMap::new(),
            request_seqs: BTreeMap::new(),
            next_seq: 0,
            next_ids: NextIds::default(),
            clock: None,
            holds: BTreeSet::new(),
            patients: BTreeMap::new(),
            log: ChangeLog::default(),
        }
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

    // ----- doctors -----

    /// Adds a doctor. Fails with `INVALID_INPUT` for a bad profile and `DUPLICATE_ID` for an id
    /// in use.
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
        if self.doctors.len() >= MAX_DOCTORS {
            return Err(Error::invalid_input(
                "",
                format!("the hospital already has {MAX_DOCTORS} doctors, the most it holds"),
            ));
        }
        let assigned = if doctor.id.is_empty() {
            Some(self.peek_doctor_id().ok_or_else(|| no_id_left("doctor"))?)
        } else if self.doctor_numbers.contains_key(&doctor.id) {
            return Err(Error::duplicate_id("doctor", &doctor.id));
        } else {
            None
        };
        self.check_revision_room()?;
        // Every check has passed: from here on the call succeeds.
        let assigned_id = assigned.is_some();
        let doctor = match assigned {
            Some((id, next)) => {
                self.next_ids.doctor = next;
                Doctor { id, ..doctor }
            }
            None => doctor,
        };
        let record = doctor.clone();
        let number = self.insert_doctor(doctor);
        self.commit(|revision| Change::AddDoctor {
            revision,
            doctor: record,
            assigned_id,
        });
        self.doctor_state(number).map(|state| &state.doctor)
    }

    /// The doctor with this id.
    pub fn get_doctor(&self, id: &str) -> Result<&Doctor> {
        validate::lookup_id("id", id)?;
        self.find_doctor(id).map(|(_, state)| &state.doctor)
    }

    /// Every doctor, in insertion order.
    pub fn list_doctors(&self) -> impl Iterator<Item = &Doctor> + '_ {
        self.doctors.values().map(|state| &state.doctor)
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
        let (number, state) = self.find_doctor(id)?;
        let doctor = state.doctor.patched(patch);
        doctor.validate_profile()?;
        let hours = Availability::from_doctor(&doctor);
        let orphans: Vec<Seq> = state
            .calendar
            .active_in(None, None)
            .filter(|entry| {
                let index = self
                    .appointments
                    .get(&entry.seq)
                    .and_then(|a| doctor.location_index(&a.location));
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
        for seq in orphans {
            self.cancel_seq(seq, Some(DOCTOR_UPDATED_REASON.to_owned()));
        }
        let record = doctor.clone();
        self.doctor_state_mut(number)?.set_doctor(doctor);
        self.commit(|revision| Change::UpdateDoctor {
            revision,
            doctor: record,
            cancel_appointments: options.cancels(),
        });
        self.doctor_state(number).map(|state| &state.doctor)
    }

    /// Removes a doctor and their whole appointment history. Fails with `HAS_APPOINTMENTS`
    /// while any of their appointments is booked or held, unless `cancelAppointments` is set.
    pub fn remove_doctor(&mut self, id: &str, options: ChangeOptions) -> Result<Doctor> {
        validate::lookup_id("id", id)?;
        let (number, state) = self.find_doctor(id)?;
        if state.calendar.has_active() && !options.cancels() {
            let active = state.calendar.active_in(None, None).map(|entry| entry.seq);
            return Err(Error::has_appointments(id, self.ids_of(active)));
        }
        self.check_revision_room()?;
        let seqs: Vec<Seq> = state.calendar.all_seqs().collect();
        for seq in seqs {
            self.forget(seq);
        }
        let state = self
            .doctors
            .remove(&number)
            .ok_or_else(|| Error::doctor_not_found(id))?;
        self.doctor_numbers.remove(id);
        self.commit(|revision| Change::RemoveDoctor {
            revision,
            id: id.to_owned(),
            cancel_appointments: options.cancels(),
        });
        Ok(state.doctor)
    }

    // ----- appointments -----

    /// Books an appointment under the booking rules (the README's "Booking rules", 0 to 6;
    /// in code, `booking.rs`). A request id seen before returns the appointment it created, as
    /// it is now, without booking again.
    pub fn book(&mut self, request: BookRequest) -> Result<&Appointment> {
        self.create(request, None)
    }

    /// Books (`ttl: None`) or holds (`ttl` minutes from `request.now`) an appointment.
    fn create(&mut self, request: BookRequest, ttl: Option<u32>) -> Result<&Appointment> {
        request.validate()?;
        if let Some(ttl) = ttl {
            holds::validate_ttl(ttl)?;
        }
        self.check_now_given(request.now)?;
        let duration = request.duration(&self.options);
        let clock = self.clock_at(request.now);
        // Rule 0.
        if let Some(request_id) = &request.request_id {
            if let Some(seq) = self.live(self.request_seqs.get(request_id), clock) {
                let existing = self.appointment(seq)?;
                return if booking::is_same_request(existing, &request, duration) {
                    Ok(existing)
                } else {
                    Err(Error::request_id_reused(request_id, &existing.id))
                };
            }
        }
        if let Some(id) = &request.id {
            if self.live(self.appointment_seqs.get(id), clock).is_some() {
                return Err(Error::duplicate_id("appointment", id));
            }
        }
        // Rules 1 to 6.
        let (_, state) = self.find_doctor(&request.doctor_id)?;
        let end = booking::check_proposal(
            &self.context(state, clock, request.patient.as_deref()),
            &Proposal {
                location: &request.location,
                start: request.start,
                duration,
                patient: request.patient.as_deref(),
                now: request.now,
                moving: None,
            },
        )?;
        let hold_expires = match (ttl, request.now) {
            (Some(ttl), Some(now)) => Some(holds::expiry(now, ttl, clock)?),
            _ => None,
        };
        if self.appointments.len() >= MAX_APPOINTMENTS {
            return Err(Error::invalid_input(
                "",
                format!(
                    "the hospital already has {MAX_APPOINTMENTS} appointments, the most it holds"
                ),
            ));
        }
        let assigned_id = request.id.is_none();
        let (id, next_counter) = match request.id {
            Some(id) => (id, None),
            None => {
                let (id, next) = self
                    .peek_appointment_id()
                    .ok_or_else(|| no_id_left("appointment"))?;
                (id, Some(next))
            }
        };
        self.check_revision_room()?;
        // Every check has passed: from here on the call succeeds.
        self.advance_clock(request.now);
        if let Some(next) = next_counter {
            self.next_ids.appointment = next;
        }
        let appointment = Appointment {
            id,
            doctor_id: request.doctor_id,
            location: request.location,
            start: request.start,
            end,
            duration_minutes: duration,
            patient: request.patient,
            request_id: request.request_id,
            status: if hold_expires.is_some() {
                AppointmentStatus::Held
            } else {
                AppointmentStatus::Booked
            },
            hold_expires,
            rescheduled_from: Vec::new(),
            cancel_reason: None,
        };
        let record = appointment.clone();
        let now = request.now;
        let seq = self.insert_appointment(appointment);
        self.commit(|revision| match (ttl, now) {
            (Some(_), Some(now)) => Change::Hold {
                revision,
                appointment: record,
                assigned_id,
                now,
            },
            _ => Change::Book {
                revision,
                appointment: record,
                assigned_id,
                now,
            },
        });
        self.appointment(seq)
    }

    /// The appointment with this id, booked, held or cancelled.
    pub fn get_appointment(&self, id: &str) -> Result<&Appointment> {
        validate::lookup_id("id", id)?;
        let seq = self.find_appointment(id)?;
        self.appointment(seq)
    }

    /// A doctor's appointments starting in the window, with the status asked for (booked and
    /// held by default), by start and then booking order. O(log n + k).
    pub fn appointments(
        &self,
        doctor_id: &str,
        query: AppointmentQuery,
    ) -> Result<Vec<&Appointment>> {
        validate::lookup_id("doctorId", doctor_id)?;
        let window = Window::parse(query.from.as_deref(), query.to.as_deref())?;
        let (_, state) = self.find_doctor(doctor_id)?;
        let clock = self.clock_at(query.now);
        let calendar = &state.calendar;
        let status = query.status.unwrap_or_default();
        let active = || {
            calendar
                .active_in(window.from, window.to)
                .filter(move |entry| {
                    entry.is_live(clock)
                        && match status {
                            StatusFilter::Booked => entry.expires.is_none(),
                            StatusFilter::Held => entry.expires.is_some(),
                            _ => true,
                        }
                })
                .map(|entry| (entry.start, entry.seq))
        };
        let cancelled = || calendar.cancelled_in(window.from, window.to);
        let keys: Vec<(LocalDateTime, Seq)> = match status {
            StatusFilter::Active | StatusFilter::Booked | StatusFilter::Held => active().collect(),
            StatusFilter::Cancelled => cancelled().collect(),
            StatusFilter::All => merge_sorted(active(), cancelled()),
        };
        keys.into_iter()
            .map(|(_, seq)| self.appointment(seq))
            .collect()
    }

    /// Cancels a booked or held appointment: it stays, with `status: "cancelled"`, and its time
    /// is free again.
    pub fn cancel(&mut self, id: &str, options: CancelOptions) -> Result<&Appointment> {
        validate::lookup_id("appointmentId", id)?;
        if let Some(reason) = &options.reason {
            validate::text("reason", reason, MAX_REASON_LEN)?;
        }
        let seq = self.find_appointment(id)?;
        if !self.appointment(seq)?.is_active() {
            return Err(Error::already_cancelled(id));
        }
        self.check_revision_room()?;
        let reason = options.reason;
        self.cancel_seq(seq, reason.clone());
        self.commit(|revision| Change::Cancel {
            revision,
            id: id.to_owned(),
            reason,
        });
        self.appointment(seq)
    }

    /// Every appointment, booked, held and cancelled, in booking order (for snapshots).
    pub fn all_appointments(&self) -> impl Iterator<Item = &Appointment> + '_ {
        self.appointments.values()
    }

    // ----- internals -----

    /// The id `add_doctor` would assign now, with the counter after it; `None` if none is left.
    fn peek_doctor_id(&self) -> Option<(String, u64)> {
        free_id("d", self.next_ids.doctor, |id| {
            self.doctor_numbers.contains_key(id)
        })
    }

    /// The id `book` would assign now, with the counter after it; `None` if none is left.
    fn peek_appointment_id(&self) -> Option<(String, u64)> {
        free_id("a", self.next_ids.appointment, |id| {
            self.appointment_seqs.contains_key(id)
        })
    }

    /// Counts one successful mutation and logs its change record. Every mutation has checked
    /// [`Hospital::check_revision_room`], so the revision stays within [`MAX_COUNTER`].
    fn commit(&mut self, record: impl FnOnce(u64) -> Change) {
        self.revision = self.revision.saturating_add(1).min(MAX_COUNTER);
        self.log.push(record(self.revision));
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
            clock,
            patient_calendar: patient.and_then(|p| self.patients.get(p)),
            id_of: self,
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

    fn find_doctor(&self, id: &str) -> Result<(u64, &DoctorState)> {
        self.doctor_numbers
            .get(id)
            .and_then(|&number| Some((number, self.doctors.get(&number)?)))
            .ok_or_else(|| Error::doctor_not_found(id))
    }

    fn doctor_state(&self, number: u64) -> Result<&DoctorState> {
        self.doctors
            .get(&number)
            .ok_or_else(|| Error::doctor_not_found(&number.to_string()))
    }

    fn doctor_state_mut(&mut self, number: u64) -> Result<&mut DoctorState> {
        self.doctors
            .get_mut(&number)
            .ok_or_else(|| Error::doctor_not_found(&number.to_string()))
    }

    fn find_appointment(&self, id: &str) -> Result<Seq> {
        self.appointment_seqs
            .get(id)
            .copied()
            .ok_or_else(|| Error::appointment_not_found(id))
    }

    fn appointment(&self, seq: Seq) -> Result<&Appointment> {
        self.appointments
            .get(&seq)
            .ok_or_else(|| Error::appointment_not_found(&format!("#{seq}")))
    }

    fn id_of(&self, seq: Seq) -> String {
        self.appointments
            .get(&seq)
            .map(|a| a.id.clone())
            .unwrap_or_default()
    }

    fn ids_of(&self, seqs: impl Iterator<Item = Seq>) -> Vec<String> {
        seqs.map(|seq| self.id_of(seq)).collect()
    }

    fn insert_doctor(&mut self, doctor: Doctor) -> u64 {
        let number = self.next_doctor_number;
        self.next_doctor_number = self.next_doctor_number.saturating_add(1);
        self.doctor_numbers.insert(doctor.id.clone(), number);
        self.doctors.insert(number, DoctorState::new(doctor));
        number
    }

    /// Stores a new appointment and indexes it; returns its sequence number.
    fn insert_appointment(&mut self, appointment: Appointment) -> Seq {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        self.appointment_seqs.insert(appointment.id.clone(), seq);
        if let Some(request_id) = &appointment.request_id {
            self.request_seqs.insert(request_id.clone(), seq);
        }
        self.appointments.insert(seq, appointment);
        self.index(seq);
        seq
    }

    /// Changes an appointment in place, keeping every index in step: it is taken out of the
    /// calendars under its old time and status and put back under the new.
    fn modify(&mut self, seq: Seq, change: impl FnOnce(&mut Appointment)) {
        self.unindex(seq);
        if let Some(appointment) = self.appointments.get_mut(&seq) {
            change(appointment);
        }
        self.index(seq);
    }

    /// Removes an appointment and every trace of it.
    fn forget(&mut self, seq: Seq) {
        self.unindex(seq);
        if let Some(appointment) = self.appointments.remove(&seq) {
            self.appointment_seqs.remove(&appointment.id);
            if let Some(request_id) = &appointment.request_id {
                self.request_seqs.remove(request_id);
            }
        }
    }

    /// Enters an appointment in its doctor's calendar, its patient's and the holds, as its
    /// status says.
    fn index(&mut self, seq: Seq) {
        let Some(appointment) = self.appointments.get(&seq) else {
            return;
        };
        let number = self.doctor_numbers.get(&appointment.doctor_id).copied();
        let calendar = number
            .and_then(|n| self.doctors.get_mut(&n))
            .map(|s| &mut s.calendar);
        let (start, end, expires) = (appointment.start, appointment.end, appointment.hold_expires);
        if !appointment.is_active() {
            if let Some(calendar) = calendar {
                calendar.insert_cancelled(start, seq);
            }
            return;
        }
        if let Some(calendar) = calendar {
            calendar.insert(start, end, seq, expires);
        }
        if let Some(expires) = expires {
            self.holds.insert((expires, seq));
        }
        if let (true, Some(patient)) = (self.options.prevent_patient_overlap, &appointment.patient)
        {
            self.patients
                .entry(patient.clone())
                .or_default()
                .insert(start, end, seq, expires);
        }
    }

    /// Undoes [`Hospital::index`].
    fn unindex(&mut self, seq: Seq) {
        let Some(appointment) = self.appointments.get(&seq) else {
            return;
        };
        let start = appointment.start;
        if let Some(state) = self
            .doctor_numbers
            .get(&appointment.doctor_id)
            .and_then(|n| self.doctors.get_mut(n))
        {
            state.calendar.remove(start, seq);
            state.calendar.remove_cancelled(start, seq);
        }
        if let Some(expires) = appointment.hold_expires {
            self.holds.remove(&(expires, seq));
        }
        if let Some(patient) = &appointment.patient {
            if let Some(calendar) = self.patients.get_mut(patient) {
                calendar.remove(start, seq);
                if calendar.is_empty() {
                    self.patients.remove(patient);
                }
            }
        }
    }

    fn cancel_seq(&mut self, seq: Seq, reason: Option<String>) {
        self.modify(seq, |appointment| {
            appointment.status = AppointmentStatus::Cancelled;
            appointment.hold_expires = None;
            appointment.cancel_reason = reason;
        });
    }

    /// Fails when the revision counter has reached [`MAX_COUNTER`]: one more mutation could not
    /// be counted exactly in JS, nor written to a snapshot. Checked with the other rules,
    /// before anything changes.
    fn check_revision_room(&self) -> Result<()> {
        if self.revision >= MAX_COUNTER {
            return Err(Error::invalid_input(
                "",
                format!("the hospital has reached revision {MAX_COUNTER}, the last one it counts"),
            ));
        }
        Ok(())
    }
}

impl booking::AppointmentIds for Hospital {
    fn appointment_id(&self, seq: Seq) -> String {
        self.id_of(seq)
    }
}

/// The error when every id a counter could still assign is used up.
fn no_id_left(what: &str) -> Error {
    Error::invalid_input(
        "id",
        format!("no {what} id is left to assign; give one explicitly"),
    )
}

/// `prefix` + the first counter value from `counter` on whose id is not taken (ids the host
/// chose are skipped), and the counter value after it; `None` once the counter reaches
/// [`MAX_COUNTER`]. At most one step per id taken, so it always ends.
fn free_id(prefix: &str, mut counter: u64, taken: impl Fn(&str) -> bool) -> Option<(String, u64)> {
    while counter < MAX_COUNTER {
        let id = format!("{prefix}{counter}");
        counter += 1;
        if !taken(&id) {
            return Some((id, counter));
        }
    }
    None
}

/// Merges two iterators sorted by key into one sorted vector.
fn merge_sorted<K: Ord + Copy>(a: impl Iterator<Item = K>, b: impl Iterator<Item = K>) -> Vec<K> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    let mut merged = Vec::new();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(key) => merged.push(key),
            None => return merged,
        }
    }
}
