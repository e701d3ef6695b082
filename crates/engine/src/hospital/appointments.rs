//! Appointments: booking (and holding, which books until a time), looking one up, listing a
//! doctor's, finding them across doctors by patient or location, cancelling, and changing the
//! patient, notes and metadata of one.

use super::{patient_key, AppointmentView, Hospital};
use crate::booking::{self, Proposal};
use crate::changes::ChangeText;
use crate::error::{Error, Result};
use crate::limits::{MAX_PAGE, MAX_REASON_LEN};
use crate::queries::{AppointmentQuery, FindAppointmentsQuery, StatusFilter, Window};
use crate::requests::{AppointmentPatch, BookRequest, CancelOptions};
use crate::store::{assigned_number, Extra, Record, Requested, Seq, Status};
use crate::time::LocalDateTime;
use crate::validate;
use crate::words::Quoted;
use crate::zoned::Reading;

/// Which of a listing's appointments a status filter keeps, for a record of `status` that, if a
/// hold, has lapsed by the call's clock (`lapsed`).
fn keeps(filter: StatusFilter, status: Status, lapsed: bool) -> bool {
    match filter {
        StatusFilter::Active => status.is_active() && !lapsed,
        StatusFilter::Booked => status == Status::Booked,
        StatusFilter::Held => status == Status::Held && !lapsed,
        StatusFilter::Cancelled => status == Status::Cancelled,
        StatusFilter::Expired => status == Status::Expired || (status == Status::Held && lapsed),
        StatusFilter::All => true,
    }
}

impl Hospital {
    /// Books an appointment under the booking rules (the README's "Booking rules", 0 to 6;
    /// in code, `booking.rs`). A request id seen before returns the appointment it created, as
    /// it is now, without booking again.
    pub fn book(&mut self, request: BookRequest) -> Result<AppointmentView<'_>> {
        self.create(request, None)
    }

    /// Books (`ttl: None`) or holds (`ttl` minutes from `request.now`) an appointment.
    pub(super) fn create(
        &mut self,
        request: BookRequest,
        ttl: Option<u32>,
    ) -> Result<AppointmentView<'_>> {
        request.validate()?;
        if let Some(ttl) = ttl {
            super::holds::validate_ttl(ttl)?;
        }
        let now = self.read_now(request.now)?;
        let start = self.time_at(
            &request.location,
            request.start,
            "start",
            Reading::Start(i64::from(self.options.slot_minutes)),
        )?;
        self.check_now_given(now)?;
        let duration = request.duration(&self.options);
        let clock = self.clock_at(now);
        // Rule 0.
        if let Some(request_id) = &request.request_id {
            if let Some(seq) = self.store.find_request(request_id) {
                let existing = self.record(seq)?;
                let same =
                    self.is_same_request(seq, existing, &request, start, duration, ttl.is_some());
                return if same {
                    self.view(seq)
                } else {
                    Err(Error::request_id_reused(request_id, &self.id_of(seq)))
                };
            }
        }
        if let Some(id) = &request.id {
            if self.store.find(id).is_some() {
                return Err(Error::duplicate_id("appointment", id));
            }
        }
        // Rules 1 to 6.
        let (key, state) = self.find_doctor(&request.doctor_id)?;
        booking::check_proposal(
            &self.context(state, clock, request.patient.as_deref()),
            &Proposal {
                location: &request.location,
                start,
                duration,
                patient: request.patient.as_deref(),
                now,
                moving: None,
            },
        )?;
        let place = state
            .place_of(&request.location)
            .map(|(_, place)| place)
            .ok_or_else(|| Error::location_not_served(&request.doctor_id, &request.location))?;
        let hold_expires = match (ttl, now) {
            (Some(ttl), Some(now)) => Some(super::holds::expiry(now, ttl, clock)?),
            _ => None,
        };
        self.check_room_for_appointment()?;
        let assigned_id = request.id.is_none();
        let (number, next_counter) = match &request.id {
            Some(id) => (assigned_number(id).unwrap_or(0), None),
            None => {
                let (number, next) = self
                    .peek_appointment_number()
                    .ok_or_else(|| super::no_id_left("appointment"))?;
                (number, Some(next))
            }
        };
        self.check_revision_room()?;
        let extra = Extra {
            id: request
                .id
                .filter(|_| number == 0)
                .map(String::into_boxed_str),
            request_id: request.request_id.map(String::into_boxed_str),
            hold_expires,
            notes: request.notes.map(String::into_boxed_str),
            metadata: request.metadata.map(|m| m.into_json().into_boxed_str()),
            created_at: now,
            updated_at: now,
            ..Extra::default()
        };
        let record = Record {
            start,
            number,
            patient: request.patient.map(String::into_boxed_str),
            doctor: key,
            place,
            duration: u16::try_from(duration).unwrap_or(u16::MAX),
            status: if hold_expires.is_some() {
                Status::Held
            } else {
                Status::Booked
            },
            extra: (!extra.is_empty()).then(|| Box::new(extra)),
        };
        self.check_budget(self.row_bytes(&record) as i64)?;
        // Every check has passed: from here on the call succeeds.
        self.advance_clock(now);
        if let Some(next) = next_counter {
            self.next_ids.appointment = next;
        }
        let seq = self.insert(record)?;
        let buffer = self.log.spare();
        let text = ChangeText::create(
            buffer,
            self.revision + 1,
            &self.view(seq)?.fields(),
            assigned_id,
            now.map(|now| self.zones.stamp(now)),
            ttl.is_some(),
        );
        self.commit_text(text);
        self.view(seq)
    }

    /// Rule 0: whether the appointment `seq`, first created with this request's `requestId`,
    /// came from the same request: a booking or a hold as this one is, with the same doctor,
    /// location, start, duration and patient (and the same id, if the request names one) as
    /// that first request asked for, whatever has happened to the appointment since.
    fn is_same_request(
        &self,
        seq: Seq,
        record: &Record,
        request: &BookRequest,
        start: LocalDateTime,
        duration: u32,
        hold: bool,
    ) -> bool {
        let view = AppointmentView::new(self, seq, record);
        let asked = self.requested(record);
        view.doctor_id() == request.doctor_id
            && asked.held == hold
            && *asked.location == *request.location
            && asked.start == start
            && u32::from(asked.duration) == duration
            && asked.patient.as_deref() == request.patient.as_deref()
            && request
                .id
                .as_deref()
                .is_none_or(|id| view.id().to_string() == id)
    }

    /// What the request that created `record` asked for (booking rule 0).
    pub(super) fn requested(&self, record: &Record) -> Requested {
        match record.extra.as_ref().and_then(|e| e.requested.as_deref()) {
            Some(requested) => requested.clone(),
            None => Requested {
                held: matches!(record.status, Status::Held | Status::Expired),
                location: self.places.name(record.place).into(),
                start: record.start,
                duration: record.duration,
                patient: record.patient.clone(),
            },
        }
    }

    /// `record` about to change what rule 0 compares: keeps what its request asked for.
    pub(super) fn keep_request(&self, record: &mut Record) {
        let has_request_id = record
            .extra
            .as_ref()
            .is_some_and(|e| e.request_id.is_some() && e.requested.is_none());
        if has_request_id {
            let requested = self.requested(record);
            record.extra_mut().requested = Some(Box::new(requested));
        }
    }

    /// The number `book` would assign now (`aN`), with the counter after it; `None` if none is
    /// left.
    pub(super) fn peek_appointment_number(&self) -> Option<(u64, u64)> {
        super::free_number(self.next_ids.appointment, |n| {
            self.store.find_number(n).is_some()
        })
    }

    /// Every appointment, of every status, in booking order (as a snapshot lists them).
    pub fn all_appointments(&self) -> impl Iterator<Item = AppointmentView<'_>> + '_ {
        self.store
            .iter()
            .map(|(seq, record)| AppointmentView::new(self, seq, record))
    }

    /// The appointment with this id, booked, held, cancelled or expired.
    pub fn get_appointment(&self, id: &str) -> Result<AppointmentView<'_>> {
        validate::lookup_id("id", id)?;
        let seq = self.find_appointment(id)?;
        self.view(seq)
    }

    /// A doctor's appointments starting in the window, with the status asked for (booked and
    /// live holds by default), by start and then booking order; a page of them with `limit` and
    /// `after`. O(log n + k).
    pub fn appointments(
        &self,
        doctor_id: &str,
        query: AppointmentQuery,
    ) -> Result<Vec<AppointmentView<'_>>> {
        validate::lookup_id("doctorId", doctor_id)?;
        let window = Window::parse(query.from.as_deref(), query.to.as_deref())?;
        let window = self.read_window(window, self.zones.hospital())?;
        let now = self.read_now(query.now)?;
        let (_, state) = self.find_doctor(doctor_id)?;
        let after = self.page_start(query.after.as_deref())?;
        let limit = page_limit(query.limit)?;
        let clock = self.clock_at(now);
        let filter = query.status.unwrap_or_default();
        let calendar = &state.calendar;
        let (window_from, window_to) = window;
        let from = match (window_from, after) {
            (Some(from), Some((start, _))) => Some(from.max(start)),
            (from, after) => from.or(after.map(|(start, _)| start)),
        };
        // A cursor past the window's end: nothing is left (and a range from past its end
        // would panic).
        if from.zip(window_to).is_some_and(|(from, to)| from > to) {
            return Ok(Vec::new());
        }
        let wants_active = !matches!(filter, StatusFilter::Cancelled);
        let wants_history = matches!(
            filter,
            StatusFilter::Cancelled | StatusFilter::Expired | StatusFilter::All
        );
        let active = calendar
            .active_in(&self.store, from, window_to)
            .filter(|_| wants_active)
            .map(|entry| (entry.start, entry.seq));
        let history = calendar
            .history_in(from, window_to)
            .filter(|_| wants_history);
        let mut found = Vec::new();
        for (start, seq) in merge(active, history) {
            if after.is_some_and(|key| (start, seq) <= key) {
                continue;
            }
            let record = self.record(seq)?;
            if keeps(filter, record.status, self.lapsed(record, clock)) {
                found.push(AppointmentView::new(self, seq, record));
                if found.len() >= limit {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// Appointments across doctors: a patient's, those at a location, or a doctor's, in a
    /// window, with the status asked for (active by default), by start and then booking order;
    /// a page of them with `limit` and `after`. Indexed: O(log n + k) for a patient, a location
    /// or a doctor.
    pub fn find_appointments(
        &self,
        query: FindAppointmentsQuery,
    ) -> Result<Vec<AppointmentView<'_>>> {
        if let Some(patient) = &query.patient {
            validate::text("patient", patient, crate::limits::MAX_PATIENT_LEN)?;
        }
        if let Some(location) = &query.location {
            validate::text("location", location, crate::limits::MAX_LOCATION_LEN)?;
        }
        if let Some(doctor_id) = &query.doctor_id {
            validate::lookup_id("doctorId", doctor_id)?;
        }
        if query.patient.is_none() && query.location.is_none() && query.doctor_id.is_none() {
            return Err(Error::invalid_input(
                "patient",
                "findAppointments needs a patient, a location or a doctorId to look by",
            ));
        }
        let window = Window::parse(query.from.as_deref(), query.to.as_deref())?;
        let zone = match &query.location {
            Some(location) => self.zones.at(location),
            None => self.zones.hospital(),
        };
        let (window_from, window_to) = self.read_window(window, zone)?;
        let now = self.read_now(query.now)?;
        let after = self.page_start(query.after.as_deref())?;
        let limit = page_limit(query.limit)?;
        let doctor = match &query.doctor_id {
            Some(id) => Some(self.find_doctor(id)?.0),
            None => None,
        };
        let clock = self.clock_at(now);
        let filter = query.status.unwrap_or_default();
        let from = window_from
            .max(after.map(|(start, _)| start))
            .unwrap_or(LocalDateTime::MIN);
        let to = window_to.unwrap_or(LocalDateTime::MAX);
        // A cursor past the window's end: nothing is left (and a range from past its end
        // would panic).
        if from > to {
            return Ok(Vec::new());
        }
        let place = match &query.location {
            Some(location) => match self.places.find(location) {
                Some(place) => Some(place),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        // Walk the narrowest index the query names; check the rest on each record.
        let candidates: Box<dyn Iterator<Item = (LocalDateTime, Seq)> + '_> =
            match (&query.patient, place, doctor) {
                (Some(patient), _, _) => {
                    Box::new(self.patients.within(patient_key(patient), from, to))
                }
                (None, Some(place), _) => Box::new(self.locations.within(place, from, to)),
                (None, None, Some(key)) => {
                    let state = self.doctor_state(key)?;
                    Box::new(merge(
                        state
                            .calendar
                            .active_in(&self.store, Some(from), Some(to))
                            .map(|e| (e.start, e.seq)),
                        state.calendar.history_in(Some(from), Some(to)),
                    ))
                }
                (None, None, None) => Box::new(std::iter::empty()),
            };
        let mut found = Vec::new();
        for (start, seq) in candidates {
            if after.is_some_and(|key| (start, seq) <= key) {
                continue;
            }
            let record = self.record(seq)?;
            let matches = query
                .patient
                .as_deref()
                .is_none_or(|p| record.patient.as_deref() == Some(p))
                && place.is_none_or(|p| record.place == p)
                && doctor.is_none_or(|d| record.doctor == d)
                && keeps(filter, record.status, self.lapsed(record, clock));
            if matches {
                found.push(AppointmentView::new(self, seq, record));
                if found.len() >= limit {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// Where a page starts: after the appointment `after` (its start and place in booking
    /// order), whatever its status.
    fn page_start(&self, after: Option<&str>) -> Result<Option<(LocalDateTime, Seq)>> {
        let Some(id) = after else {
            return Ok(None);
        };
        validate::lookup_id("after", id)?;
        let seq = self.store.find(id).ok_or_else(|| {
            Error::invalid_input(
                "after",
                format!(
                    "{q_id} is not an appointment of this hospital",
                    q_id = Quoted(id)
                ),
            )
        })?;
        Ok(Some((self.record(seq)?.start, seq)))
    }

    /// Whether `record` is a hold that has lapsed by `clock`.
    pub(super) fn lapsed(&self, record: &Record, clock: Option<LocalDateTime>) -> bool {
        record.status == Status::Held
            && record
                .hold_expires()
                .zip(clock)
                .is_some_and(|(expires, clock)| clock >= expires)
    }

    /// Cancels a booked or held appointment: it stays, with `status: "cancelled"`, and its time
    /// is free again.
    pub fn cancel(&mut self, id: &str, options: CancelOptions) -> Result<AppointmentView<'_>> {
        validate::lookup_id("appointmentId", id)?;
        if let Some(reason) = &options.reason {
            validate::text("reason", reason, MAX_REASON_LEN)?;
        }
        let now = self.read_now(options.now)?;
        let seq = self.find_appointment(id)?;
        let record = self.record(seq)?;
        match record.status {
            Status::Booked | Status::Held => {}
            Status::Expired => {
                let expired = record.hold_expires().unwrap_or(record.start);
                return Err(Error::hold_expired(id, self.zones.stamp(expired)));
            }
            _ => return Err(Error::already_cancelled(id)),
        }
        self.check_revision_room()?;
        let mut next = self.cancelled_record(record, options.reason.as_deref());
        if now.is_some() {
            next.extra_mut().updated_at = now;
        }
        let growth = self.growth(record, &next);
        self.check_budget(growth)?;
        self.replace(seq, next, growth);
        let reason = options.reason;
        let now = now.map(|now| self.zones.stamp(now));
        self.commit(|buffer, revision| {
            ChangeText::cancel(buffer, revision, id, reason.as_deref(), now)
        });
        self.view(seq)
    }

    /// Changes an appointment's patient, notes or metadata (whatever its status): each field
    /// the patch names replaces the appointment's, `null` clears it. The patient of a booked or
    /// held appointment must be free then, with `preventPatientOverlap` (`PATIENT_BUSY`).
    pub fn update_appointment(
        &mut self,
        id: &str,
        patch: AppointmentPatch,
    ) -> Result<AppointmentView<'_>> {
        validate::lookup_id("appointmentId", id)?;
        patch.validate()?;
        let seq = self.find_appointment(id)?;
        let record = self.record(seq)?;
        let mut next = record.clone();
        if let Some(patient) = &patch.patient {
            if next.patient.as_deref() != patient.as_deref() {
                self.keep_request(&mut next);
                next.patient = patient.as_deref().map(Into::into);
            }
        }
        if let Some(notes) = &patch.notes {
            let notes = notes.as_deref().map(Into::into);
            next.extra_mut().notes = notes;
        }
        if let Some(metadata) = &patch.metadata {
            let metadata = metadata.as_ref().map(|m| m.as_json().into());
            next.extra_mut().metadata = metadata;
        }
        next.tidy();
        if next == *record {
            return self.view(seq);
        }
        // Rule 6 for the new patient of an appointment that takes its time.
        if let (true, Some(patient)) = (
            record.status.is_active() && self.options.prevent_patient_overlap,
            next.patient.as_deref(),
        ) {
            let state = self.doctor_state(record.doctor)?;
            let context = self.context(state, self.clock, Some(patient));
            if let Some(e) =
                booking::patient_problems(&context, patient, record.start, record.end(), Some(seq))
                    .into_iter()
                    .next()
            {
                return Err(e);
            }
        }
        self.check_revision_room()?;
        let growth = self.growth(record, &next);
        self.check_budget(growth)?;
        self.replace(seq, next, growth);
        let patient = patch.patient.as_ref().map(|p| p.as_deref());
        let notes = patch.notes.as_ref().map(|n| n.as_deref());
        let metadata = patch
            .metadata
            .as_ref()
            .map(|m| m.as_ref().map(|m| m.as_json()));
        self.commit(|buffer, revision| {
            ChangeText::update_appointment(buffer, revision, id, patient, notes, metadata)
        });
        self.view(seq)
    }
}

/// The most a page holds.
fn page_limit(limit: Option<u32>) -> Result<usize> {
    match limit {
        None => Ok(usize::MAX),
        Some(0) => Err(Error::invalid_input(
            "limit",
            format!("0 is not between 1 and {MAX_PAGE}, the most a page holds"),
        )),
        Some(limit) if limit as usize > MAX_PAGE => Err(Error::invalid_input(
            "limit",
            format!("{limit} is more than {MAX_PAGE}, the most a page holds"),
        )),
        Some(limit) => Ok(limit as usize),
    }
}

/// Merges two iterators sorted by key into one sorted iterator.
fn merge<K: Ord + Copy>(
    a: impl Iterator<Item = K>,
    b: impl Iterator<Item = K>,
) -> impl Iterator<Item = K> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if x <= y => a.next(),
        (Some(_), Some(_)) => b.next(),
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}
