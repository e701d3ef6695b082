//! The `Hospital` class. Each method parses its arguments, calls one engine method and converts
//! the result; every failure is thrown as a `HospitalError`.

use super::convert::{
    from_js, hospital_from_snapshot, options_from_js, string_from_js, throw_on_err, to_js, JsResult,
};
use super::types::{
    AppointmentQueryArg, BookRequestArg, CancelOptionsArg, ChangeOptionsArg, ChangesArg,
    ConfirmOptionsArg, DoctorPatchArg, ExplainRequestArg, FindSlotsQueryArg, HoldRequestArg,
    HospitalOptionsArg, NewDoctorArg, RescheduleRequestArg, SlotQueryArg,
};
use crate::engine::{self, ChangeOptions};
use wasm_bindgen::prelude::*;

/// A hospital: doctors with locations and weekly hours, and their appointments, held in
/// memory. Persist it with `toSnapshot()` and restore it with `Hospital.fromSnapshot()`.
///
/// @example
/// ```ts
/// import { Hospital } from "dr-schedule";
/// const h = new Hospital({ slotMinutes: 15 });
/// ```
#[wasm_bindgen(js_name = Hospital)]
pub struct JsHospital {
    inner: engine::Hospital,
}

#[wasm_bindgen(js_class = Hospital)]
impl JsHospital {
    /// Creates an empty hospital. Options are checked: a bad one throws `INVALID_INPUT`
    /// rather than falling back to a default.
    ///
    /// @example
    /// ```ts
    /// const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York" });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<HospitalOptionsArg>) -> JsResult<JsHospital> {
        let options = options_from_js(options, "options")?;
        Ok(JsHospital {
            inner: throw_on_err(engine::Hospital::new(options))?,
        })
    }

    /// Adds a doctor and returns it, with its id assigned if you gave none.
    ///
    /// @example
    /// ```ts
    /// const doctor = h.addDoctor({
    ///   name: "Dr. Ada Lovelace",
    ///   locations: ["1 Main St", "9 Elm Ave"],
    ///   schedule: [{ days: ["mon", "tue", "wed"], start: "09:00", end: "17:00" }],
    /// });
    /// ```
    #[wasm_bindgen(js_name = addDoctor, unchecked_return_type = "Doctor")]
    pub fn add_doctor(&mut self, doctor: NewDoctorArg) -> JsResult {
        let doctor = from_js(doctor, "doctor")?;
        to_js(throw_on_err(self.inner.add_doctor(doctor))?)
    }

    /// The doctor with this id; throws `DOCTOR_NOT_FOUND`.
    ///
    /// @example
    /// ```ts
    /// const doctor = h.getDoctor("d1");
    /// ```
    #[wasm_bindgen(js_name = getDoctor, unchecked_return_type = "Doctor")]
    pub fn get_doctor(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> JsResult {
        let id = string_from_js(&id, "id")?;
        to_js(throw_on_err(self.inner.get_doctor(&id))?)
    }

    /// Every doctor, in the order they were added.
    ///
    /// @example
    /// ```ts
    /// const names = h.listDoctors().map((d) => d.name);
    /// ```
    #[wasm_bindgen(js_name = listDoctors, unchecked_return_type = "Doctor[]")]
    pub fn list_doctors(&self) -> JsResult {
        to_js(&self.inner.list_doctors().collect::<Vec<_>>())
    }

    /// Replaces the fields the patch names and returns the doctor. If new locations or hours
    /// would leave booked appointments outside them, throws `HAS_APPOINTMENTS` (with
    /// `details.appointmentIds`) unless `cancelAppointments: true`, which cancels exactly those.
    ///
    /// @example
    /// ```ts
    /// h.updateDoctor("d1", { schedule: [{ days: ["mon"], start: "09:00", end: "12:00" }] }, { cancelAppointments: true });
    /// ```
    #[wasm_bindgen(js_name = updateDoctor, unchecked_return_type = "Doctor")]
    pub fn update_doctor(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        patch: DoctorPatchArg,
        options: Option<ChangeOptionsArg>,
    ) -> JsResult {
        let id = string_from_js(&id, "id")?;
        let patch = from_js(patch, "patch")?;
        let options: ChangeOptions = options_from_js(options, "options")?;
        to_js(throw_on_err(self.inner.update_doctor(&id, patch, options))?)
    }

    /// Removes a doctor with their whole appointment history and returns the doctor. Throws
    /// `HAS_APPOINTMENTS` while any of their appointments is booked, unless
    /// `cancelAppointments: true`.
    ///
    /// @example
    /// ```ts
    /// const removed = h.removeDoctor("d1", { cancelAppointments: true });
    /// ```
    #[wasm_bindgen(js_name = removeDoctor, unchecked_return_type = "Doctor")]
    pub fn remove_doctor(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        options: Option<ChangeOptionsArg>,
    ) -> JsResult {
        let id = string_from_js(&id, "id")?;
        let options: ChangeOptions = options_from_js(options, "options")?;
        to_js(&throw_on_err(self.inner.remove_doctor(&id, options))?)
    }

    /// Books an appointment. The rules, checked in order before anything changes: a known
    /// `requestId` replays its appointment (`REQUEST_ID_REUSED` if the request differs), an
    /// `id` in use is `DUPLICATE_ID`; the doctor exists and serves the location; start and
    /// duration are on the slot grid (`OFF_GRID`); the interval fits one block of the doctor's
    /// hours at that location on that date, clear of time off (`OUTSIDE_HOURS`); it overlaps no
    /// booked appointment or live hold of the doctor anywhere (`SLOT_TAKEN`); with a minimum
    /// notice or horizon, `now` is required and the start must respect them (`TOO_SOON`,
    /// `BEYOND_HORIZON`); with `preventPatientOverlap`, the patient is free (`PATIENT_BUSY`).
    ///
    /// @example
    /// ```ts
    /// const appointment = h.book({ doctorId: "d1", location: "1 Main St", start: "2019-02-04T11:00", patient: "p-42" });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Appointment")]
    pub fn book(&mut self, request: BookRequestArg) -> JsResult {
        let request = from_js(request, "request")?;
        to_js(throw_on_err(self.inner.book(request))?)
    }

    /// The appointment with this id, booked, held or cancelled; throws `APPOINTMENT_NOT_FOUND`.
    ///
    /// @example
    /// ```ts
    /// const { status } = h.getAppointment("a1");
    /// ```
    #[wasm_bindgen(js_name = getAppointment, unchecked_return_type = "Appointment")]
    pub fn get_appointment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> JsResult {
        let id = string_from_js(&id, "id")?;
        to_js(throw_on_err(self.inner.get_appointment(&id))?)
    }

    /// A doctor's appointments whose start lies in `[from, to)` (default: all time), booked and
    /// held by default (`status: "active"`), sorted by start and then booking order. Holds that
    /// have lapsed by `now` (or the latest `now` the hospital was given) are left out.
    ///
    /// @example
    /// ```ts
    /// const week = h.appointments("d1", { from: "2019-02-04", to: "2019-02-10", status: "all" });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Appointment[]")]
    pub fn appointments(
        &self,
        #[wasm_bindgen(js_name = doctorId, unchecked_param_type = "string")] doctor_id: JsValue,
        options: Option<AppointmentQueryArg>,
    ) -> JsResult {
        let doctor_id = string_from_js(&doctor_id, "doctorId")?;
        let query = options_from_js(options, "options")?;
        to_js(&throw_on_err(self.inner.appointments(&doctor_id, query))?)
    }

    /// Cancels a booked or held appointment and returns it: it stays, with
    /// `status: "cancelled"`, and its time is free again. Throws `ALREADY_CANCELLED` the second
    /// time.
    ///
    /// @example
    /// ```ts
    /// h.cancel("a1", { reason: "patient called" });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Appointment")]
    pub fn cancel(
        &mut self,
        #[wasm_bindgen(js_name = appointmentId, unchecked_param_type = "string")]
        appointment_id: JsValue,
        options: Option<CancelOptionsArg>,
    ) -> JsResult {
        let appointment_id = string_from_js(&appointment_id, "appointmentId")?;
        let options = options_from_js(options, "options")?;
        to_js(throw_on_err(self.inner.cancel(&appointment_id, options))?)
    }

    /// Every slot start in `[from, to)` where an appointment of `durationMinutes` could be
    /// booked right now (at `location`, or at any of the doctor's), earliest first, at most
    /// `limit`. The window spans at most 366 days; with a minimum notice or horizon, `now` is
    /// required and narrows it.
    ///
    /// @example
    /// ```ts
    /// const free = h.availableSlots("d1", { from: "2019-02-04", to: "2019-02-04", limit: 5 });
    /// // ["2019-02-04T09:00", "2019-02-04T09:15", ...]
    /// ```
    #[wasm_bindgen(js_name = availableSlots, unchecked_return_type = "string[]")]
    pub fn available_slots(
        &self,
        #[wasm_bindgen(js_name = doctorId, unchecked_param_type = "string")] doctor_id: JsValue,
        options: SlotQueryArg,
    ) -> JsResult {
        let doctor_id = string_from_js(&doctor_id, "doctorId")?;
        let query = from_js(options, "options")?;
        to_js(&throw_on_err(
            self.inner.available_slots(&doctor_id, query),
        )?)
    }

    /// Holds a time while the patient decides: checked like `book` (with `now` required) and
    /// returned with `status: "held"` and `holdExpires = now + ttlMinutes`. It takes its time
    /// until then; after that any call passing a later `now` ignores it, and the first
    /// successful one drops it. Turn it into a booking with `confirm`.
    ///
    /// @example
    /// ```ts
    /// const held = h.hold({ doctorId: "d1", location: "1 Main St", start: "2019-02-04T11:00", now: "2019-02-01T09:00", ttlMinutes: 10 });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Appointment")]
    pub fn hold(&mut self, request: HoldRequestArg) -> JsResult {
        let request = from_js(request, "request")?;
        to_js(throw_on_err(self.inner.hold(request))?)
    }

    /// Turns a live hold into a booking and returns it. Throws `HOLD_EXPIRED` once `now` has
    /// reached `holdExpires`, `NOT_HELD` for a booked appointment, `ALREADY_CANCELLED` for a
    /// cancelled one.
    ///
    /// @example
    /// ```ts
    /// const booked = h.confirm(held.id, { now: "2019-02-01T09:05" });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Appointment")]
    pub fn confirm(
        &mut self,
        #[wasm_bindgen(js_name = appointmentId, unchecked_param_type = "string")]
        appointment_id: JsValue,
        options: ConfirmOptionsArg,
    ) -> JsResult {
        let appointment_id = string_from_js(&appointment_id, "appointmentId")?;
        let options = from_js(options, "options")?;
        to_js(throw_on_err(self.inner.confirm(&appointment_id, options))?)
    }

    /// Moves a booked or held appointment to a new start (and location, duration), atomically:
    /// the new time is checked like a booking that ignores the appointment's own current time;
    /// the id stays, and `rescheduledFrom` records where and when it was. On any failure
    /// nothing changes.
    ///
    /// @example
    /// ```ts
    /// const moved = h.reschedule("a1", { start: "2019-02-04T11:15" });
    /// // moved.rescheduledFrom: [{ location: "1 Main St", start: "2019-02-04T11:00", end: "2019-02-04T11:15" }]
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Appointment")]
    pub fn reschedule(
        &mut self,
        #[wasm_bindgen(js_name = appointmentId, unchecked_param_type = "string")]
        appointment_id: JsValue,
        request: RescheduleRequestArg,
    ) -> JsResult {
        let appointment_id = string_from_js(&appointment_id, "appointmentId")?;
        let request = from_js(request, "request")?;
        to_js(throw_on_err(
            self.inner.reschedule(&appointment_id, request),
        )?)
    }

    /// Free slots across doctors (all, or `doctorIds`), earliest first and then in the order
    /// the doctors were added, each with the doctor and a location. Bounded: `limit` 1 to 1,000
    /// over a window of at most 31 days.
    ///
    /// @example
    /// ```ts
    /// const [first] = h.findSlots({ location: "1 Main St", from: "2019-02-04", to: "2019-02-08", limit: 1 });
    /// ```
    #[wasm_bindgen(js_name = findSlots, unchecked_return_type = "FoundSlot[]")]
    pub fn find_slots(&self, query: FindSlotsQueryArg) -> JsResult {
        let query = from_js(query, "query")?;
        to_js(&throw_on_err(self.inner.find_slots(query))?)
    }

    /// Every reason this time cannot be booked, in the order of the booking rules, each as the
    /// error `book` would throw for it (`book` throws the first); `[]` when it can be booked.
    ///
    /// @example
    /// ```ts
    /// for (const problem of h.explain({ doctorId: "d1", location: "1 Main St", start: "2019-02-09T10:00" })) {
    ///   console.log(problem.code, problem.details.reason);
    /// }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "BookingProblem[]")]
    pub fn explain(&self, request: ExplainRequestArg) -> JsResult {
        let request = from_js(request, "request")?;
        to_js(&throw_on_err(self.inner.explain(request))?)
    }

    /// The whole hospital as JSON text to store as-is. Deterministic: the same state always
    /// gives the same text.
    ///
    /// @example
    /// ```ts
    /// fs.writeFileSync("hospital.json", h.toSnapshot());
    /// ```
    #[wasm_bindgen(js_name = toSnapshot)]
    pub fn to_snapshot(&self) -> JsResult<String> {
        throw_on_err(self.inner.to_snapshot())
    }

    /// Rebuilds a hospital from `toSnapshot()` text. All or nothing: throws `INVALID_SNAPSHOT`
    /// (with `details.path`) or `UNSUPPORTED_VERSION` instead of loading part of it.
    ///
    /// @example
    /// ```ts
    /// const h = Hospital.fromSnapshot(fs.readFileSync("hospital.json", "utf8"));
    /// ```
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> JsResult<JsHospital> {
        Ok(JsHospital {
            inner: hospital_from_snapshot(&json)?,
        })
    }

    /// The change records after `revision`, oldest first: one per successful mutation. Append
    /// them to your store after each mutation and write a snapshot now and then; a snapshot plus
    /// the changes after it rebuild the hospital byte for byte. Throws `CHANGES_UNAVAILABLE`
    /// when `revision` is older than the last 10,000 changes (persist a snapshot instead).
    ///
    /// @example
    /// ```ts
    /// const before = h.revision;
    /// h.book({ doctorId: "d1", location: "1 Main St", start: "2019-02-04T11:00" });
    /// for (const change of h.changesSince(before)) store.append(JSON.stringify(change));
    /// ```
    #[wasm_bindgen(js_name = changesSince, unchecked_return_type = "Change[]")]
    pub fn changes_since(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] revision: JsValue,
    ) -> JsResult {
        let revision: u64 = from_js(revision, "revision")?;
        to_js(&throw_on_err(self.inner.changes_since(revision))?)
    }

    /// Replays change records from `changesSince` of a hospital in the same state, in order,
    /// validating each like the call it records. All or nothing: throws (`REVISION_MISMATCH`
    /// when the first does not carry `revision + 1`, or the error its call gives) without
    /// changing anything. Returns the new revision.
    ///
    /// @example
    /// ```ts
    /// const h = Hospital.fromSnapshot(store.snapshot());
    /// h.applyChanges(store.changesAfter(h.revision).map((line) => JSON.parse(line)));
    /// ```
    #[wasm_bindgen(js_name = applyChanges)]
    pub fn apply_changes(&mut self, changes: ChangesArg) -> JsResult<f64> {
        let changes = from_js(changes, "changes")?;
        Ok(throw_on_err(self.inner.apply_changes(changes))? as f64)
    }

    /// How many successful mutations the hospital has seen; +1 on each. Kept in snapshots.
    ///
    /// @example
    /// ```ts
    /// const before = h.revision;
    /// ```
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> f64 {
        // Exact up to 2^53 mutations, far beyond any hospital's lifetime.
        self.inner.revision() as f64
    }

    /// Test builds only (`--features test-trap`): traps the instance, as an out-of-memory abort
    /// or a bug would, so that the tests can prove the package recovers.
    #[cfg(feature = "test-trap")]
    #[wasm_bindgen(js_name = debugTrap)]
    pub fn debug_trap(&self) {
        core::arch::wasm32::unreachable()
    }
}
