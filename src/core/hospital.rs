//! The hospital: doctors, appointments, and every operation of the public API.
//!
//! Each mutating method checks everything before it changes anything, so a failed call leaves
//! the hospital exactly as it was, and bumps [`Hospital::revision`] once when it succeeds.

use super::appointment::{Appointment, AppointmentStatus};
use super::booking::{self, BookRequest};
use super::calendar::Seq;
use super::changes::{Change, ChangeLog};
use super::doctor::{Doctor, DoctorPatch, DoctorState, NewDoctor, WeeklyHours};
use super::error::{Error, ErrorCode, Result};
use super::limits::{
    MAX_APPOINTMENTS, MAX_COUNTER, MAX_DOCTORS, MAX_LOCATION_LEN, MAX_REASON_LEN,
    MAX_SLOT_WINDOW_DAYS,
};
use super::options::{HospitalOptions, HospitalOptionsInput};
use super::query::{
    AppointmentQuery, CancelOptions, ChangeOptions, SlotQuery, StatusFilter, Window,
};
use super::slots;
use super::time::{LocalDateTime, MINUTES_PER_DAY};
use super::validate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why appointments cancelled by `updateDoctor` with `cancelAppointments: true` were cancelled.
pub const DOCTOR_UPDATED_REASON: &str = "doctor updated";

/// The counters behind assigned ids (`d1`, `d2`… and `a1`, `a2`…), kept in snapshots so that a
/// restored hospital assigns the same ids the original would have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextIds {
    /// The number in the next assigned doctor id.
    pub doctor: u64,
    /// The number in the next assigned appointment id.
    pub appointment: u64,
}

impl Default for NextIds {
    fn default() -> Self {
        NextIds {
            doctor: 1,
            appointment: 1,
        }
    }
}

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
    pub(super) fn with_options(options: HospitalOptions) -> Self {
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

    /// Replaces the fields the patch names. If the new locations or hours would leave booked
    /// appointments outside them, fails with `HAS_APPOINTMENTS` unless `cancelAppointments` is
    /// set, in which case exactly those are cancelled.
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
        let hours = WeeklyHours::from_rules(&doctor.schedule);
        let orphans: Vec<(LocalDateTime, Seq)> = state
            .calendar
            .booked_in(None, None)
            .filter(|&(start, end, seq)| {
                let location = self.appointments.get(&seq).map(|a| a.location.as_str());
                !location.is_some_and(|l| doctor.serves(l)) || !hours.contains(start, end)
            })
            .map(|(start, _, seq)| (start, seq))
            .collect();
        if !orphans.is_empty() && !options.cancels() {
            return Err(Error::has_appointments(
                id,
                self.ids_of(orphans.iter().map(|o| o.1)),
            ));
        }
        self.check_revision_room()?;
        for (start, seq) in orphans {
            self.cancel_seq(number, start, seq, Some(DOCTOR_UPDATED_REASON.to_owned()));
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
    /// while any of their appointments is booked, unless `cancelAppointments` is set.
    pub fn remove_doctor(&mut self, id: &str, options: ChangeOptions) -> Result<Doctor> {
        validate::lookup_id("id", id)?;
        let (number, state) = self.find_doctor(id)?;
        if state.calendar.has_booked() && !options.cancels() {
            let booked = state.calendar.booked_in(None, None).map(|(_, _, seq)| seq);
            return Err(Error::has_appointments(id, self.ids_of(booked)));
        }
        self.check_revision_room()?;
        let seqs: Vec<Seq> = state.calendar.all_seqs().collect();
        for seq in seqs {
            if let Some(appointment) = self.appointments.remove(&seq) {
                self.appointment_seqs.remove(&appointment.id);
                if let Some(request_id) = &appointment.request_id {
                    self.request_seqs.remove(request_id);
                }
            }
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

    /// Books an appointment under the booking rules (see [`booking`]). A request id seen
    /// before returns the appointment it created, as it is now, without booking again.
    pub fn book(&mut self, request: BookRequest) -> Result<&Appointment> {
        request.validate()?;
        let duration = request.duration(&self.options);
        // Rule 0.
        if let Some(request_id) = &request.request_id {
            if let Some(&seq) = self.request_seqs.get(request_id) {
                let existing = self.appointment(seq)?;
                return if booking::is_same_request(existing, &request, duration) {
                    Ok(existing)
                } else {
                    Err(Error::request_id_reused(request_id, &existing.id))
                };
            }
        }
        if let Some(id) = &request.id {
            if self.appointment_seqs.contains_key(id) {
                return Err(Error::duplicate_id("appointment", id));
            }
        }
        // Rules 1 to 4.
        let (number, state) = self.find_doctor(&request.doctor_id)?;
        let end = booking::check_rules(
            &self.options,
            state,
            &request.location,
            request.start,
            duration,
            |seq| self.id_of(seq),
        )?;
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
            status: AppointmentStatus::Booked,
            cancel_reason: None,
        };
        let record = appointment.clone();
        let seq = self.insert_appointment(number, appointment);
        self.commit(|revision| Change::Book {
            revision,
            appointment: record,
            assigned_id,
        });
        self.appointment(seq)
    }

    /// The appointment with this id, booked or cancelled.
    pub fn get_appointment(&self, id: &str) -> Result<&Appointment> {
        validate::lookup_id("id", id)?;
        let seq = self.find_appointment(id)?;
        self.appointment(seq)
    }

    /// A doctor's appointments starting in the window, with the status asked for (booked by
    /// default), by start and then booking order. O(log n + k).
    pub fn appointments(
        &self,
        doctor_id: &str,
        query: AppointmentQuery,
    ) -> Result<Vec<&Appointment>> {
        validate::lookup_id("doctorId", doctor_id)?;
        let window = Window::parse(query.from.as_deref(), query.to.as_deref())?;
        let (_, state) = self.find_doctor(doctor_id)?;
        let calendar = &state.calendar;
        let booked = || {
            calendar
                .booked_in(window.from, window.to)
                .map(|(start, _, seq)| (start, seq))
        };
        let cancelled = || calendar.cancelled_in(window.from, window.to);
        let keys: Vec<(LocalDateTime, Seq)> = match query.status.unwrap_or_default() {
            StatusFilter::Booked => booked().collect(),
            StatusFilter::Cancelled => cancelled().collect(),
            StatusFilter::All => merge_sorted(booked(), cancelled()),
        };
        keys.into_iter()
            .map(|(_, seq)| self.appointment(seq))
            .collect()
    }

    /// Cancels a booked appointment: it stays, with `status: "cancelled"`, and its time is free
    /// again.
    pub fn cancel(&mut self, id: &str, options: CancelOptions) -> Result<&Appointment> {
        validate::lookup_id("appointmentId", id)?;
        if let Some(reason) = &options.reason {
            validate::text("reason", reason, MAX_REASON_LEN)?;
        }
        let seq = self.find_appointment(id)?;
        let appointment = self.appointment(seq)?;
        if !appointment.is_booked() {
            return Err(Error::already_cancelled(id));
        }
        let (number, _) = self.find_doctor(&appointment.doctor_id)?;
        let start = appointment.start;
        self.check_revision_room()?;
        let reason = options.reason;
        self.cancel_seq(number, start, seq, reason.clone());
        self.commit(|revision| Change::Cancel {
            revision,
            id: id.to_owned(),
            reason,
        });
        self.appointment(seq)
    }

    /// Every grid start in the window where an appointment of the asked duration could be
    /// booked right now, earliest first, at most `limit`.
    pub fn available_slots(&self, doctor_id: &str, query: SlotQuery) -> Result<Vec<LocalDateTime>> {
        validate::lookup_id("doctorId", doctor_id)?;
        if let Some(location) = &query.location {
            validate::text("location", location, MAX_LOCATION_LEN)?;
        }
        let window = Window::parse(Some(&query.from), Some(&query.to))?;
        let (Some(from), Some(to)) = (window.from, window.to) else {
            return Ok(Vec::new());
        };
        if to.minutes_since(from) > MAX_SLOT_WINDOW_DAYS * MINUTES_PER_DAY {
            return Err(Error::invalid_input(
                "to",
                format!("the window may span at most {MAX_SLOT_WINDOW_DAYS} days"),
            ));
        }
        let (_, state) = self.find_doctor(doctor_id)?;
        if let Some(location) = &query.location {
            booking::check_location(&state.doctor, location)?;
        }
        let duration = query
            .duration_minutes
            .unwrap_or(self.options.default_duration_minutes);
        if duration == 0 || duration % self.options.slot_minutes != 0 {
            return Err(Error::off_grid(
                "durationMinutes",
                format!(
                    "{duration} is not a positive multiple of {}",
                    self.options.slot_minutes
                ),
                self.options.slot_minutes,
            ));
        }
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        Ok(slots::free_slots(
            state,
            self.options.slot_minutes,
            from,
            to,
            duration,
            limit,
        ))
    }

    /// Every appointment, booked and cancelled, in booking order (for snapshots).
    pub fn all_appointments(&self) -> impl Iterator<Item = &Appointment> + '_ {
        self.appointments.values()
    }

    // ----- used by the snapshot loader -----

    /// Sets the state a snapshot recorded that is not rebuilt by adding.
    pub(super) fn restore_counters(&mut self, revision: u64, next_ids: NextIds) {
        self.revision = revision;
        self.next_ids = next_ids;
        self.log = ChangeLog::starting_at(revision);
    }

    // ----- used by the change log -----

    /// The retained change records.
    pub(super) fn change_log(&self) -> &ChangeLog {
        &self.log
    }

    /// The id `add_doctor` would assign now, with the counter after it; `None` if none is left.
    pub(super) fn peek_doctor_id(&self) -> Option<(String, u64)> {
        free_id("d", self.next_ids.doctor, |id| {
            self.doctor_numbers.contains_key(id)
        })
    }

    /// The id `book` would assign now, with the counter after it; `None` if none is left.
    pub(super) fn peek_appointment_id(&self) -> Option<(String, u64)> {
        free_id("a", self.next_ids.appointment, |id| {
            self.appointment_seqs.contains_key(id)
        })
    }

    /// Whether an appointment was booked with this request id.
    pub(super) fn has_request_id(&self, request_id: &str) -> bool {
        self.request_seqs.contains_key(request_id)
    }

    /// Adds a doctor from a snapshot: the same checks as [`Hospital::add_doctor`] except that
    /// the id is required; does not count as a mutation.
    pub(super) fn restore_doctor(&mut self, doctor: Doctor) -> Result<()> {
        validate::id("id", &doctor.id)?;
        doctor.validate_profile()?;
        if self.doctors.len() >= MAX_DOCTORS {
            return Err(Error::invalid_input(
                "",
                format!("more than {MAX_DOCTORS} doctors"),
            ));
        }
        if self.doctor_numbers.contains_key(&doctor.id) {
            return Err(Error::duplicate_id("doctor", &doctor.id).with_field("id"));
        }
        self.insert_doctor(doctor);
        Ok(())
    }

    /// Adds an appointment from a snapshot: a booked one must pass every booking rule against
    /// those restored before it; a cancelled one needs only a known doctor. Does not count as
    /// a mutation.
    pub(super) fn restore_appointment(&mut self, appointment: Appointment) -> Result<()> {
        let request = BookRequest {
            doctor_id: appointment.doctor_id.clone(),
            location: appointment.location.clone(),
            start: appointment.start,
            duration_minutes: Some(appointment.duration_minutes),
            patient: appointment.patient.clone(),
            id: Some(appointment.id.clone()),
            request_id: appointment.request_id.clone(),
        };
        request.validate()?;
        validate::id("id", &appointment.id)?;
        if let Some(reason) = &appointment.cancel_reason {
            if appointment.is_booked() {
                return Err(Error::invalid_input(
                    "cancelReason",
                    "only a cancelled appointment has one",
                ));
            }
            validate::text("cancelReason", reason, MAX_REASON_LEN)?;
        }
        if self.appointments.len() >= MAX_APPOINTMENTS {
            return Err(Error::invalid_input(
                "",
                format!("more than {MAX_APPOINTMENTS} appointments"),
            ));
        }
        if self.appointment_seqs.contains_key(&appointment.id) {
            return Err(Error::duplicate_id("appointment", &appointment.id).with_field("id"));
        }
        if let Some(request_id) = &appointment.request_id {
            if let Some(&seq) = self.request_seqs.get(request_id) {
                return Err(
                    Error::request_id_reused(request_id, &self.id_of(seq)).with_field("requestId")
                );
            }
        }
        let (number, state) = self
            .find_doctor(&appointment.doctor_id)
            .map_err(|e| e.with_field("doctorId"))?;
        let end = if appointment.is_booked() {
            booking::check_rules(
                &self.options,
                state,
                &appointment.location,
                appointment.start,
                appointment.duration_minutes,
                |seq| self.id_of(seq),
            )
            .map_err(|e| {
                // Name the field a reader would fix: the location, or else the time.
                let field = match e.code {
                    ErrorCode::LocationNotServed => "location",
                    _ => "start",
                };
                e.with_field(field)
            })?
        } else {
            booking::check_grid(
                &self.options,
                appointment.start,
                appointment.duration_minutes,
            )?
        };
        if end != appointment.end {
            return Err(Error::invalid_input(
                "end",
                format!("is not start + durationMinutes ({end})"),
            ));
        }
        self.insert_appointment(number, appointment);
        Ok(())
    }

    // ----- internals -----

    /// Counts one successful mutation and logs its change record. Every mutation has checked
    /// [`Hospital::check_revision_room`], so the revision stays within [`MAX_COUNTER`].
    fn commit(&mut self, record: impl FnOnce(u64) -> Change) {
        self.revision = self.revision.saturating_add(1).min(MAX_COUNTER);
        self.log.push(record(self.revision));
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

    fn insert_appointment(&mut self, doctor_number: u64, appointment: Appointment) -> Seq {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        if let Some(state) = self.doctors.get_mut(&doctor_number) {
            if appointment.is_booked() {
                state
                    .calendar
                    .insert_booked(appointment.start, appointment.end, seq);
            } else {
                state.calendar.insert_cancelled(appointment.start, seq);
            }
        }
        self.appointment_seqs.insert(appointment.id.clone(), seq);
        if let Some(request_id) = &appointment.request_id {
            self.request_seqs.insert(request_id.clone(), seq);
        }
        self.appointments.insert(seq, appointment);
        seq
    }

    fn cancel_seq(
        &mut self,
        doctor_number: u64,
        start: LocalDateTime,
        seq: Seq,
        reason: Option<String>,
    ) {
        if let Some(state) = self.doctors.get_mut(&doctor_number) {
            state.calendar.cancel(start, seq);
        }
        if let Some(appointment) = self.appointments.get_mut(&seq) {
            appointment.status = AppointmentStatus::Cancelled;
            appointment.cancel_reason = reason;
        }
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
