//! The TypeScript types of every input and output shape, added to the generated `.d.ts`.
//! Bound methods take their object arguments as the extern types below (so optional ones stay
//! optional, `options?: AppointmentQuery | null`) and name their results with
//! `unchecked_return_type`, so the public signatures carry no `any`. `tests/typescript_types.rs` checks the error-code union against the engine.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A day of the week. */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/**
 * One rule of a weekly schedule: on each of `days`, from `start` to `end` (`HH:MM`; `end` may
 * be `"24:00"`). A doctor's hours on a date are the union of the rules naming that weekday;
 * touching or overlapping rules merge.
 */
export interface ScheduleRule {
  days: Weekday[];
  start: string;
  end: string;
}

/** Options of `new Hospital(...)`. */
export interface HospitalOptions {
  /** Length of one slot in minutes; divides 1440 (5, 10, 15, 20, 30, 60…). Default 15. */
  slotMinutes?: number;
  /** Duration of a booking that names none; a multiple of `slotMinutes`. Default 15. */
  defaultDurationMinutes?: number;
  /** IANA time zone name, kept for exports (0.1 computes in local wall-clock time). */
  timeZone?: string | null;
}

/** A doctor as the hospital returns it. */
export interface Doctor {
  id: string;
  name: string;
  locations: string[];
  schedule: ScheduleRule[];
}

/** The input of `addDoctor`. */
export interface NewDoctor {
  /** An id of your choosing (`A-Z a-z 0-9 _ - . :`, up to 64); assigned when absent. */
  id?: string;
  name: string;
  locations: string[];
  schedule: ScheduleRule[];
}

/** The input of `updateDoctor`: the fields to replace. */
export interface DoctorPatch {
  name?: string;
  locations?: string[];
  schedule?: ScheduleRule[];
}

/** Options of `updateDoctor` and `removeDoctor`. */
export interface ChangeOptions {
  /** Cancel the booked appointments in the way instead of failing with `HAS_APPOINTMENTS`. */
  cancelAppointments?: boolean;
}

/** The input of `book`. */
export interface BookRequest {
  doctorId: string;
  /** One of the doctor's locations (exact match). */
  location: string;
  /** Hospital-local wall-clock start, `YYYY-MM-DDTHH:MM`, on the slot grid. */
  start: string;
  /** A positive multiple of `slotMinutes`; default `defaultDurationMinutes`. */
  durationMinutes?: number;
  /** Your reference to the patient. */
  patient?: string;
  /** An id of your choosing; assigned when absent. */
  id?: string;
  /** Idempotency key: the same request again returns the same appointment. */
  requestId?: string;
}

/** Whether an appointment holds its time. */
export type AppointmentStatus = "booked" | "cancelled";

/** An appointment; cancelling keeps it with `status: "cancelled"`. */
export interface Appointment {
  id: string;
  doctorId: string;
  location: string;
  /** `YYYY-MM-DDTHH:MM`, hospital-local wall clock. */
  start: string;
  /** `start + durationMinutes`, exclusive. */
  end: string;
  durationMinutes: number;
  patient?: string;
  requestId?: string;
  status: AppointmentStatus;
  cancelReason?: string;
}

/** Options of `appointments`. */
export interface AppointmentQuery {
  /** Window start: a date (its midnight) or a date-time. Default: all time. */
  from?: string;
  /** Window end, exclusive: a date (that whole day included) or a date-time. */
  to?: string;
  /** Default `"booked"`. */
  status?: AppointmentStatus | "all";
}

/** Options of `cancel`. */
export interface CancelOptions {
  /** Kept on the appointment as `cancelReason`. */
  reason?: string;
}

/** Options of `availableSlots`. */
export interface SlotQuery {
  /** Window start: a date or a date-time. */
  from: string;
  /** Window end, exclusive: a date (that whole day included) or a date-time. */
  to: string;
  /** Default `defaultDurationMinutes`. */
  durationMinutes?: number;
  /** Only check this location (one of the doctor's). */
  location?: string;
  /** At most this many slots, earliest first. */
  limit?: number;
}

/**
 * One successful mutation, as `changesSince` returns it and `applyChanges` replays it.
 * `revision` is the hospital's revision after the change. Store the records as they are.
 */
export type Change =
  | { op: "addDoctor"; revision: number; doctor: Doctor; assignedId: boolean }
  | { op: "updateDoctor"; revision: number; doctor: Doctor; cancelAppointments: boolean }
  | { op: "removeDoctor"; revision: number; id: string; cancelAppointments: boolean }
  | { op: "book"; revision: number; appointment: Appointment; assignedId: boolean }
  | { op: "cancel"; revision: number; id: string; reason?: string };

/** The stable code of every error the hospital throws. */
export type HospitalErrorCode =
  | "INVALID_INPUT"
  | "DOCTOR_NOT_FOUND"
  | "APPOINTMENT_NOT_FOUND"
  | "DUPLICATE_ID"
  | "LOCATION_NOT_SERVED"
  | "OFF_GRID"
  | "OUTSIDE_HOURS"
  | "SLOT_TAKEN"
  | "ALREADY_CANCELLED"
  | "REQUEST_ID_REUSED"
  | "HAS_APPOINTMENTS"
  | "INVALID_SNAPSHOT"
  | "UNSUPPORTED_VERSION"
  | "CHANGES_UNAVAILABLE"
  | "REVISION_MISMATCH"
  | "INSTANCE_FAILED";

/** What a caller needs to act on an error; only the fields that apply are set. */
export interface HospitalErrorDetails {
  /** The input field at fault, as a path: `"start"`, `"schedule[1].end"`. */
  field?: string;
  doctorId?: string;
  appointmentId?: string;
  /** The id already in use (`DUPLICATE_ID`). */
  id?: string;
  location?: string;
  /** The booked appointment in the way (`SLOT_TAKEN`). */
  conflictingAppointmentId?: string;
  /** The booked appointments in the way, by start (`HAS_APPOINTMENTS`). */
  appointmentIds?: string[];
  requestId?: string;
  slotMinutes?: number;
  /** Where in a snapshot the first problem is (`INVALID_SNAPSHOT`). */
  path?: string;
  version?: number;
  supportedVersion?: number;
  /** The revision asked for or carried (`CHANGES_UNAVAILABLE`, `REVISION_MISMATCH`). */
  revision?: number;
  /** The oldest revision `changesSince` still answers for (`CHANGES_UNAVAILABLE`). */
  oldestRevision?: number;
  /** The revision the next change must carry (`REVISION_MISMATCH`). */
  expectedRevision?: number;
}

/** What every method throws on failure: a real `Error` with a stable `code`. */
export interface HospitalError extends Error {
  name: "HospitalError";
  code: HospitalErrorCode;
  details: HospitalErrorDetails;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `HospitalOptions` object from JS, read by `convert::from_js`.
    #[wasm_bindgen(typescript_type = "HospitalOptions")]
    pub type HospitalOptionsArg;
    /// A `NewDoctor` object from JS.
    #[wasm_bindgen(typescript_type = "NewDoctor")]
    pub type NewDoctorArg;
    /// A `DoctorPatch` object from JS.
    #[wasm_bindgen(typescript_type = "DoctorPatch")]
    pub type DoctorPatchArg;
    /// A `ChangeOptions` object from JS.
    #[wasm_bindgen(typescript_type = "ChangeOptions")]
    pub type ChangeOptionsArg;
    /// A `BookRequest` object from JS.
    #[wasm_bindgen(typescript_type = "BookRequest")]
    pub type BookRequestArg;
    /// An `AppointmentQuery` object from JS.
    #[wasm_bindgen(typescript_type = "AppointmentQuery")]
    pub type AppointmentQueryArg;
    /// A `CancelOptions` object from JS.
    #[wasm_bindgen(typescript_type = "CancelOptions")]
    pub type CancelOptionsArg;
    /// A `SlotQuery` object from JS.
    #[wasm_bindgen(typescript_type = "SlotQuery")]
    pub type SlotQueryArg;
    /// An array of `Change` records from JS.
    #[wasm_bindgen(typescript_type = "Change[]")]
    pub type ChangesArg;
}
