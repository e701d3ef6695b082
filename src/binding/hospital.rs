//! `RawHospital`: the engine's `Hospital` as the JS layer calls it. Each method reads its
//! arguments (`args.rs`), calls one engine method and writes the result: an appointment to the
//! single row (returning 0), a list to the list (returning its length), anything else as JSON
//! text; a failure returns -1 (or `undefined`) and leaves its error for `takeError()`.

use super::args::{flag, number, read};
use super::exchange::{
    answer, fail, set_single, with_list, with_scratch, with_snapshot, with_zones, ROW,
};
use super::rows;
use dr_schedule_engine::{
    AppointmentPatch, AppointmentQuery, AppointmentView, BookRequest, CancelOptions, ChangeOptions,
    ConfirmOptions, DoctorPatch, Error, ExplainRequest, FindAppointmentsQuery, FindSlotsQuery,
    HoldRequest, Hospital, HospitalOptionsInput, Metadata, NewDoctor, RescheduleRequest, Result,
    SlotQuery, StatusFilter, WorkingHoursQuery, WriteJson,
};
use wasm_bindgen::prelude::wasm_bindgen;

/// The statuses `appointments` takes, by the number the JS layer passes.
const STATUS_FILTERS: [StatusFilter; 6] = [
    StatusFilter::Active,
    StatusFilter::Booked,
    StatusFilter::Held,
    StatusFilter::Cancelled,
    StatusFilter::Expired,
    StatusFilter::All,
];

/// A hospital, as the package's JS layer drives it (the public class is `Hospital` in `js/`).
#[wasm_bindgen]
pub struct RawHospital {
    inner: Hospital,
}

/// Writes an appointment to the single row: 0, or -1 after keeping the error.
fn single(result: Result<AppointmentView<'_>>) -> i32 {
    match result {
        Ok(view) => {
            // The single row has no parts of its own: its rare parts go to the list's.
            let row = with_list(|_, parts| rows::appointment(&view, parts));
            set_single(&row);
            0
        }
        Err(e) => {
            fail(e);
            -1
        }
    }
}

/// Writes appointments to the list: how many, or -1 after keeping the error.
fn list(result: Result<Vec<AppointmentView<'_>>>) -> i32 {
    match result {
        Ok(views) => with_list(|list, parts| {
            for view in &views {
                rows::push_appointment(list, parts, view);
            }
            views.len() as i32
        }),
        Err(e) => {
            fail(e);
            -1
        }
    }
}

/// Whether `json`, a doctor the engine wrote, is the text `sent` for it: the same bytes, or,
/// when the hospital assigned the id, the same with `"id":"…",` put first.
fn is_as_sent(json: &str, sent: &[u8], id: &str, given_id: bool) -> bool {
    let json = json.as_bytes();
    if given_id {
        return json == sent;
    }
    let head = 9 + id.len(); // {"id":"…",
    json.get(..7) == Some(b"{\"id\":\"".as_slice())
        && json.get(7..head - 2) == Some(id.as_bytes())
        && json.get(head - 2..head) == Some(b"\",".as_slice())
        && json.get(head..) == sent.get(1..)
}

/// JSON text of a value, or `None` after keeping the error.
fn json<T: WriteJson>(result: Result<T>) -> Option<String> {
    answer(result).map(|value| value.to_json())
}

impl RawHospital {
    /// Wraps a hospital the loader built.
    pub(crate) fn from(inner: Hospital) -> RawHospital {
        RawHospital { inner }
    }
}

#[wasm_bindgen]
impl RawHospital {
    /// A new hospital with the options written as JSON (`options_len`, -1: none); the zones
    /// it names come from those registered (`registerZone`).
    pub fn create(options_len: i32) -> Option<RawHospital> {
        let options = read(|a| a.json::<HospitalOptionsInput>("options", options_len));
        let hospital = options.and_then(|o| {
            with_zones(|zones| Hospital::with_time_zones(o.unwrap_or_default(), zones))
        });
        answer(hospital).map(|inner| RawHospital { inner })
    }

    /// Whether the hospital has a time zone: its slot lists then hold two numbers per slot.
    pub fn zoned(&self) -> bool {
        self.inner.is_zoned()
    }

    /// The revision.
    pub fn revision(&self) -> f64 {
        self.inner.revision() as f64
    }

    /// How many doctors there are.
    #[wasm_bindgen(js_name = doctorCount)]
    pub fn doctor_count(&self) -> u32 {
        self.inner.doctor_count() as u32
    }

    /// How many appointments there are, of every status.
    #[wasm_bindgen(js_name = appointmentCount)]
    pub fn appointment_count(&self) -> u32 {
        self.inner.appointment_count() as u32
    }

    /// The bound of the snapshot's size the budget counts.
    #[wasm_bindgen(js_name = snapshotBytes)]
    pub fn snapshot_bytes(&self) -> f64 {
        self.inner.snapshot_bytes() as f64
    }

    /// The options, as JSON.
    pub fn options(&self) -> String {
        self.inner.options().to_json()
    }

    /// Sets (or, with -1, clears) the actor recorded in the change records that follow.
    #[wasm_bindgen(js_name = setActor)]
    pub fn set_actor(&mut self, actor_len: i32) -> i32 {
        let result = read(|a| a.optional(actor_len))
            .and_then(|actor| self.inner.set_actor(actor.as_deref()));
        answer(result).map_or(-1, |_| 0)
    }

    /// The actor, if set.
    pub fn actor(&self) -> Option<String> {
        self.inner.actor().map(str::to_owned)
    }

    /// `addDoctor(doctor)`: 0, or -1 after keeping the error. The doctor goes to the parts'
    /// text as JSON, and the single row says `[asSent, jsonLen, idOffset, idLen]`: `asSent` 1
    /// when that JSON is the text the JS layer sent (with the assigned id put first), which the
    /// JS layer then needs not parse, and where the id is in the text.
    #[wasm_bindgen(js_name = addDoctor)]
    pub fn add_doctor(&mut self, doctor_len: i32) -> i32 {
        let doctor = read(|a| a.json::<NewDoctor>("doctor", doctor_len))
            .and_then(|d| d.ok_or_else(|| Error::invalid_input("doctor", "is missing")));
        let given_id = doctor.as_ref().is_ok_and(|d| d.id.is_some());
        match doctor.and_then(|d| self.inner.add_doctor(d)) {
            Ok(doctor) => {
                let json = doctor.to_json();
                let sent = with_scratch(|bytes| {
                    usize::try_from(doctor_len)
                        .ok()
                        .and_then(|len| bytes.get(..len))
                        .is_some_and(|sent| is_as_sent(&json, sent, &doctor.id, given_id))
                });
                let mut row = [0.0; ROW];
                with_list(|_, parts| {
                    parts.text.push_str(&json);
                    parts.text.push_str(&doctor.id);
                });
                row[0] = f64::from(u8::from(sent));
                row[1] = json.len() as f64;
                row[2] = json.len() as f64;
                row[3] = doctor.id.len() as f64;
                set_single(&row);
                0
            }
            Err(e) => {
                fail(e);
                -1
            }
        }
    }

    /// `getDoctor(id)`.
    #[wasm_bindgen(js_name = getDoctor)]
    pub fn get_doctor(&self, id_len: i32) -> Option<String> {
        let id = read(|a| a.string("id", id_len));
        json(id.and_then(|id| self.inner.get_doctor(&id)))
    }

    /// `listDoctors()`.
    #[wasm_bindgen(js_name = listDoctors)]
    pub fn list_doctors(&self) -> String {
        self.inner.list_doctors().collect::<Vec<_>>().to_json()
    }

    /// `updateDoctor(id, patch, { cancelAppointments })`.
    #[wasm_bindgen(js_name = updateDoctor)]
    pub fn update_doctor(&mut self, id_len: i32, patch_len: i32, cancel: i32) -> Option<String> {
        let args = read(|a| {
            let id = a.string("id", id_len)?;
            let patch = a.json::<DoctorPatch>("patch", patch_len)?;
            Ok((id, patch.unwrap_or_default()))
        });
        let options = ChangeOptions {
            cancel_appointments: flag(cancel),
        };
        json(args.and_then(|(id, patch)| self.inner.update_doctor(&id, patch, options)))
    }

    /// `removeDoctor(id, { cancelAppointments })`.
    #[wasm_bindgen(js_name = removeDoctor)]
    pub fn remove_doctor(&mut self, id_len: i32, cancel: i32) -> Option<String> {
        let options = ChangeOptions {
            cancel_appointments: flag(cancel),
        };
        let id = read(|a| a.string("id", id_len));
        json(id.and_then(|id| self.inner.remove_doctor(&id, options)))
    }

    /// `book(request)`.
    #[allow(clippy::too_many_arguments)]
    pub fn book(
        &mut self,
        doctor: i32,
        location: i32,
        start: i32,
        duration: f64,
        patient: i32,
        id: i32,
        request_id: i32,
        now: i32,
        notes: i32,
        metadata_len: i32,
    ) -> i32 {
        let request = read(|a| {
            Ok(BookRequest {
                doctor_id: a.string("doctorId", doctor)?,
                location: a.string("location", location)?,
                start: a.date_time("start", start)?,
                duration_minutes: number(duration),
                patient: a.optional(patient)?,
                id: a.optional(id)?,
                request_id: a.optional(request_id)?,
                now: a.optional_date_time("now", now)?,
                notes: a.optional(notes)?,
                metadata: a.json_field::<Metadata>("metadata", metadata_len)?,
            })
        });
        match request {
            Ok(request) => single(self.inner.book(request)),
            Err(e) => single(Err(e)),
        }
    }

    /// `hold(request)`.
    #[allow(clippy::too_many_arguments)]
    pub fn hold(
        &mut self,
        doctor: i32,
        location: i32,
        start: i32,
        duration: f64,
        patient: i32,
        id: i32,
        request_id: i32,
        now: i32,
        ttl: f64,
        notes: i32,
        metadata_len: i32,
    ) -> i32 {
        let request = read(|a| {
            Ok(HoldRequest {
                doctor_id: a.string("doctorId", doctor)?,
                location: a.string("location", location)?,
                start: a.date_time("start", start)?,
                duration_minutes: number(duration),
                patient: a.optional(patient)?,
                id: a.optional(id)?,
                request_id: a.optional(request_id)?,
                now: a.date_time("now", now)?,
                ttl_minutes: number(ttl)
                    .ok_or_else(|| Error::invalid_input("ttlMinutes", "is missing"))?,
                notes: a.optional(notes)?,
                metadata: a.json_field::<Metadata>("metadata", metadata_len)?,
            })
        });
        match request {
            Ok(request) => single(self.inner.hold(request)),
            Err(e) => single(Err(e)),
        }
    }

    /// `confirm(id, { now })`.
    pub fn confirm(&mut self, id: i32, now: i32) -> i32 {
        let inner = &mut self.inner;
        single(read(|a| {
            let id = a.required("appointmentId", id)?;
            let now = a.date_time("now", now)?;
            inner.confirm(id, ConfirmOptions { now })
        }))
    }

    /// `reschedule(id, request)`.
    #[allow(clippy::too_many_arguments)]
    pub fn reschedule(
        &mut self,
        id: i32,
        start: i32,
        location: i32,
        duration: f64,
        now: i32,
        notes: i32,
        metadata_len: i32,
    ) -> i32 {
        let args = read(|a| {
            let id = a.string("appointmentId", id)?;
            let request = RescheduleRequest {
                start: a.date_time("start", start)?,
                location: a.optional(location)?,
                duration_minutes: number(duration),
                now: a.optional_date_time("now", now)?,
                notes: a.optional(notes)?,
                metadata: a.json_field::<Metadata>("metadata", metadata_len)?,
            };
            Ok((id, request))
        });
        match args {
            Ok((id, request)) => single(self.inner.reschedule(&id, request)),
            Err(e) => single(Err(e)),
        }
    }

    /// `cancel(id, { reason, now })`.
    pub fn cancel(&mut self, id: i32, reason: i32, now: i32) -> i32 {
        let inner = &mut self.inner;
        single(read(|a| {
            let id = a.required("appointmentId", id)?;
            let reason = a.optional(reason)?;
            let now = a.optional_date_time("now", now)?;
            inner.cancel(id, CancelOptions { reason, now })
        }))
    }

    /// `getAppointment(id)`.
    #[wasm_bindgen(js_name = getAppointment)]
    pub fn get_appointment(&self, id: i32) -> i32 {
        single(read(|a| self.inner.get_appointment(a.required("id", id)?)))
    }

    /// `updateAppointment(id, patch)`.
    #[wasm_bindgen(js_name = updateAppointment)]
    pub fn update_appointment(&mut self, id: i32, patch_len: i32) -> i32 {
        let args = read(|a| {
            let id = a.string("appointmentId", id)?;
            let patch = a.json::<AppointmentPatch>("patch", patch_len)?;
            Ok((id, patch.unwrap_or_default()))
        });
        match args {
            Ok((id, patch)) => single(self.inner.update_appointment(&id, patch)),
            Err(e) => single(Err(e)),
        }
    }

    /// `appointments(doctorId, options)`, at most `max` of them after `after` (an id, -1: from
    /// the first): the list's length.
    #[allow(clippy::too_many_arguments)]
    pub fn appointments(
        &self,
        doctor: i32,
        from: i32,
        to: i32,
        status: i32,
        now: i32,
        after: i32,
        max: u32,
    ) -> i32 {
        let args = read(|a| {
            let doctor_id = a.string("doctorId", doctor)?;
            let query = AppointmentQuery {
                from: a.optional(from)?,
                to: a.optional(to)?,
                status: usize::try_from(status)
                    .ok()
                    .and_then(|i| STATUS_FILTERS.get(i).copied()),
                now: a.optional_date_time("now", now)?,
                limit: Some(max),
                after: a.optional(after)?,
            };
            Ok((doctor_id, query))
        });
        match args {
            Ok((doctor_id, query)) => list(self.inner.appointments(&doctor_id, query)),
            Err(e) => list(Err(e)),
        }
    }

    /// `findAppointments(query)` (JSON), at most `max` after `after` (an id, -1: from the
    /// first): the list's length.
    #[wasm_bindgen(js_name = findAppointments)]
    pub fn find_appointments(&self, query_len: i32, after: i32, max: u32) -> i32 {
        let query = read(|a| {
            let mut query = a
                .json::<FindAppointmentsQuery>("query", query_len)?
                .unwrap_or_default();
            if let Some(after) = a.optional(after)? {
                query.after = Some(after);
            }
            query.limit = Some(query.limit.map_or(max, |limit| limit.min(max)));
            Ok(query)
        });
        match query {
            Ok(query) => list(self.inner.find_appointments(query)),
            Err(e) => list(Err(e)),
        }
    }

    /// `availableSlots(doctorId, options)`: the number of slot starts in the list, each its wall
    /// clock in minutes and, in a hospital with a time zone, a second number: its offset where
    /// that wall clock happens twice, NaN elsewhere.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = availableSlots)]
    pub fn available_slots(
        &self,
        doctor: i32,
        from: i32,
        to: i32,
        duration: f64,
        location: i32,
        limit: f64,
        now: i32,
    ) -> i32 {
        let args = read(|a| {
            let doctor_id = a.string("doctorId", doctor)?;
            let query = SlotQuery {
                from: a.string("from", from)?,
                to: a.string("to", to)?,
                duration_minutes: number(duration),
                location: a.optional(location)?,
                limit: number(limit),
                now: a.optional_date_time("now", now)?,
            };
            Ok((doctor_id, query))
        });
        let slots =
            args.and_then(|(doctor_id, query)| self.inner.available_slots(&doctor_id, query));
        let zoned = self.inner.is_zoned();
        match slots {
            Ok(slots) => with_list(|list, _| {
                if zoned {
                    for start in &slots {
                        list.push(rows::minutes(start.local));
                        list.push(start.offset.map_or(f64::NAN, f64::from));
                    }
                } else {
                    list.extend(slots.iter().map(|start| rows::minutes(start.local)));
                }
                slots.len() as i32
            }),
            Err(e) => {
                fail(e);
                -1
            }
        }
    }

    /// `findSlots(query)` (JSON): the number of found slots in the list.
    #[wasm_bindgen(js_name = findSlots)]
    pub fn find_slots(&self, query_len: i32) -> i32 {
        let query = read(|a| {
            a.json::<FindSlotsQuery>("query", query_len)?
                .ok_or_else(|| Error::invalid_input("query", "is missing"))
        });
        match query.and_then(|query| self.inner.find_slots(query)) {
            Ok(found) => with_list(|list, _| {
                for slot in &found {
                    rows::push_found(list, slot);
                }
                found.len() as i32
            }),
            Err(e) => {
                fail(e);
                -1
            }
        }
    }

    /// `explain(request)`: the problems, as JSON.
    pub fn explain(
        &self,
        doctor: i32,
        location: i32,
        start: i32,
        duration: f64,
        patient: i32,
        now: i32,
    ) -> Option<String> {
        // Read in the order the JS layer writes them: the parameters' order.
        let request = read(|a| {
            let doctor_id = a.string("doctorId", doctor)?;
            let location = a.string("location", location)?;
            let start = a.date_time("start", start)?;
            let patient = a.optional(patient)?;
            let now = a.optional_date_time("now", now)?;
            Ok(ExplainRequest {
                doctor_id,
                location,
                start,
                duration_minutes: number(duration),
                now,
                patient,
            })
        });
        json(request.and_then(|request| self.inner.explain(request)))
    }

    /// `workingHours(doctorId, query)` (query as JSON): the blocks, as JSON.
    #[wasm_bindgen(js_name = workingHours)]
    pub fn working_hours(&self, doctor: i32, query_len: i32) -> Option<String> {
        let args = read(|a| {
            let doctor_id = a.string("doctorId", doctor)?;
            let query = a
                .json::<WorkingHoursQuery>("query", query_len)?
                .ok_or_else(|| Error::invalid_input("query", "is missing"))?;
            Ok((doctor_id, query))
        });
        json(args.and_then(|(doctor_id, query)| self.inner.working_hours(&doctor_id, query)))
    }

    /// `toSnapshot()`: the snapshot's length in bytes, in the snapshot area.
    #[wasm_bindgen(js_name = toSnapshot)]
    pub fn to_snapshot(&self) -> f64 {
        with_snapshot(|out| self.inner.write_snapshot(out)) as f64
    }

    /// `changesSince(revision)`: the records, as a JSON array.
    #[wasm_bindgen(js_name = changesSince)]
    pub fn changes_since(&self, revision: f64) -> Option<String> {
        answer(self.inner.changes_since_json(revision as u64))
    }

    /// `applyChanges(changes)` (JSON): the new revision, or -1.
    #[wasm_bindgen(js_name = applyChanges)]
    pub fn apply_changes(&mut self, changes_len: i32) -> f64 {
        let changes = read(|a| {
            a.json::<Vec<dr_schedule_engine::Change>>("changes", changes_len)?
                .ok_or_else(|| Error::invalid_input("changes", "is missing"))
        });
        answer(changes.and_then(|changes| self.inner.apply_changes(changes)))
            .map_or(-1.0, |revision| revision as f64)
    }

    /// Test builds only (`--features test-trap`): traps the instance, as an out-of-memory abort
    /// or a bug would, so that the tests can prove the package recovers.
    #[cfg(feature = "test-trap")]
    #[wasm_bindgen(js_name = debugTrap)]
    pub fn debug_trap(&self) {
        core::arch::wasm32::unreachable()
    }
}
