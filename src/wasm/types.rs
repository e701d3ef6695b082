//! The TypeScript types of every input and output shape, added to the generated `.d.ts`.
//! Bound methods take their object arguments as the extern types below (so optional ones stay
//! optional, `options?: AppointmentQuery | null`) and name their results with
//! `unchecked_return_type`, so the public signatures carry no `any`. `tests/typescript_types.rs`
//! checks the error-code union against the engine; `tests/js/test/shapes.test.mjs` checks the
//! fields of every output type against the objects the built package returns.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A day of the week. */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/**
 * One rule of a weekly schedule: on each of `days`, from `start` to `end` (`HH:MM`; `end` may
 * be `"24:00"`), at `locations` (all of the doctor's when absent). A doctor's hours at a
 * location on a date are the union of the rules naming that weekday and applying there;
 * touching or overlapping rules merge.
 */
export interface ScheduleRule {
  days: Weekday[];
  start: string;
  end: string;
  /** Some of the doctor's locations; the rule applies at all of them when absent. */
  locations?: string[];
}

/** A block of working time on an overridden date: `HH:MM` to `HH:MM`. */
export interface HoursBlock {
  start: string;
  end: string;
  /** Some of the doctor's locations; the block applies at all of them when absent. */
  locations?: string[];
}

/** A date whose hours replace the weekly schedule's; `hours: []` closes the day. */
export interface DateOverride {
  /** `YYYY-MM-DD`. */
  date: string;
  hours: HoursBlock[];
}

/** Time off, taken out of the doctor's hours whatever they are: `[start, end)`. */
export interface TimeOff {
  /** `YYYY-MM-DDTHH:MM`. */
  start: string;
  /** `YYYY-MM-DDTHH:MM`, after `start` (exclusive). */
  end: string;
  /** For people: "vacation", "conference". */
  reason?: string;
}

/** Options of `new Hospital(...)`. */
export interface HospitalOptions {
  /** Length of one slot in minutes; divides 1440 (5, 10, 15, 20, 30, 60…). Default 15. */
  slotMinutes?: number;
  /** Duration of a booking that names none; a multiple of `slotMinutes`. Default 15. */
  defaultDurationMinutes?: number;
  /** IANA time zone name, kept for exports (0.1 computes in local wall-clock time). */
  timeZone?: string | null;
  /**
   * Refuse bookings that start less than this many minutes after `now` (`TOO_SOON`); `0`
   * refuses only bookings in the past. Off when absent or `null`. When set, every booking call
   * and slot search needs `now`.
   */
  minNoticeMinutes?: number | null;
  /** Refuse bookings that start more than this many days after `now` (`BEYOND_HORIZON`). */
  horizonDays?: number | null;
  /** Refuse a second overlapping appointment for the same `patient` (`PATIENT_BUSY`). */
  preventPatientOverlap?: boolean;
}

/** A doctor as the hospital returns it. */
export interface Doctor {
  id: string;
  name: string;
  locations: string[];
  schedule: ScheduleRule[];
  /** Left out when there are none. */
  overrides?: DateOverride[];
  /** Left out when there is none. */
  timeOff?: TimeOff[];
}

/** The input of `addDoctor`. */
export interface NewDoctor {
  /** An id of your choosing (`A-Z a-z 0-9 _ - . :`, up to 64); assigned when absent. */
  id?: string;
  name: string;
  locations: string[];
  schedule: ScheduleRule[];
  overrides?: DateOverride[];
  timeOff?: TimeOff[];
}

/** The input of `updateDoctor`: the fields to replace. */
export interface DoctorPatch {
  name?: string;
  locations?: string[];
  schedule?: ScheduleRule[];
  overrides?: DateOverride[];
  timeOff?: TimeOff[];
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
  /**
   * Your current time, `YYYY-MM-DDTHH:MM`: required when the hospital has `minNoticeMinutes`
   * or `horizonDays`; lets a lapsed hold free its time.
   */
  now?: string;
}

/** The input of `hold`: a booking request that reserves the time for `ttlMinutes`. */
export interface HoldRequest {
  doctorId: string;
  location: string;
  start: string;
  durationMinutes?: number;
  patient?: string;
  id?: string;
  requestId?: string;
  /** Your current time (required). */
  now: string;
  /** How long the hold lasts from `now`: 1 to 10080 minutes (a week). */
  ttlMinutes: number;
}

/** The input of `reschedule`. */
export interface RescheduleRequest {
  /** The new start. */
  start: string;
  /** The new location; the current one when absent. */
  location?: string;
  /** The new length; the current one when absent. */
  durationMinutes?: number;
  /** Your current time, as for `book`. */
  now?: string;
}

/** Options of `confirm`. */
export interface ConfirmOptions {
  /** Your current time (required): a hold that has lapsed by then cannot be confirmed. */
  now: string;
}

/** The input of `explain`. */
export interface ExplainRequest {
  doctorId: string;
  location: string;
  start: string;
  durationMinutes?: number;
  /** Your current time, as for `book`. */
  now?: string;
  /** Checks the patient-overlap rule too. */
  patient?: string;
}

/** Why a time cannot be booked: the error `book` would throw for it. */
export interface BookingProblem {
  code: HospitalErrorCode;
  message: string;
  details: HospitalErrorDetails;
}

/** Options of `findSlots`. */
export interface FindSlotsQuery {
  /** Only doctors who work here, and slots here. */
  location?: string;
  /** Only these doctors (at most 1,000); all when absent. */
  doctorIds?: string[];
  /** Window start: a date or a date-time. */
  from: string;
  /** Window end, exclusive: a date (that whole day included) or a date-time; at most 31 days. */
  to: string;
  durationMinutes?: number;
  /** At most this many slots: 1 to 1,000. */
  limit: number;
  /** Your current time, as for `availableSlots`. */
  now?: string;
}

/** One free slot found by `findSlots`. */
export interface FoundSlot {
  doctorId: string;
  /** The location asked for, or the first of the doctor's where the slot fits. */
  location: string;
  start: string;
}

/** Whether an appointment takes its time: booked, held (until `holdExpires`), or cancelled. */
export type AppointmentStatus = "booked" | "held" | "cancelled";

/** Where and when an appointment was before a `reschedule`. */
export interface PreviousTime {
  location: string;
  start: string;
  end: string;
}

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
  /** When a hold lapses (`status: "held"` only). */
  holdExpires?: string;
  /** Where and when it was before each `reschedule`, oldest first; absent if never moved. */
  rescheduledFrom?: PreviousTime[];
  cancelReason?: string;
}

/** Options of `appointments`. */
export interface AppointmentQuery {
  /** Window start: a date (its midnight) or a date-time. Default: all time. */
  from?: string;
  /** Window end, exclusive: a date (that whole day included) or a date-time. */
  to?: string;
  /** Default `"active"`: booked and held. */
  status?: AppointmentStatus | "active" | "all";
  /** Your current time: holds that have lapsed by then are left out. */
  now?: string;
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
  /** Your current time: required with `minNoticeMinutes` or `horizonDays`; lapsed holds free their time. */
  now?: string;
}

/**
 * One successful mutation, as `changesSince` returns it and `applyChanges` replays it.
 * `revision` is the hospital's revision after the change. Store the records as they are.
 */
export type Change =
  | { op: "addDoctor"; revision: number; doctor: Doctor; assignedId: boolean }
  | { op: "updateDoctor"; revision: number; doctor: Doctor; cancelAppointments: boolean }
  | { op: "removeDoctor"; revision: number; id: string; cancelAppointments: boolean }
  | { op: "book"; revision: number; appointment: Appointment; assignedId: boolean; now?: string }
  | { op: "hold"; revision: number; appointment: Appointment; assignedId: boolean; now: string }
  | { op: "confirm"; revision: number; id: string; now: string }
  | {
      op: "reschedule";
      revision: number;
      id: string;
      location: string;
      start: string;
      durationMinutes: number;
      now?: string;
    }
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
  | "TOO_SOON"
  | "BEYOND_HORIZON"
  | "PATIENT_BUSY"
  | "HOLD_EXPIRED"
  | "NOT_HELD"
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
  /**
   * Which hours rule (`OUTSIDE_HOURS`): `"closedByOverride"`, `"timeOff"`, `"notServedThere"`
   * (absent: the weekly hours); `"inThePast"` (`TOO_SOON`).
   */
  reason?: "closedByOverride" | "timeOff" | "notServedThere" | "inThePast";
  /** The overridden date (`closedByOverride`). */
  date?: string;
  /** The time off in the way (`timeOff`). */
  timeOff?: TimeOff;
  /** Where the doctor works at that time (`notServedThere`). */
  locations?: string[];
  /** The earliest start allowed now (`TOO_SOON`). */
  earliestStart?: string;
  /** The latest start allowed now (`BEYOND_HORIZON`). */
  latestStart?: string;
  /** The patient concerned (`PATIENT_BUSY`). */
  patient?: string;
  /** When the hold lapsed (`HOLD_EXPIRED`). */
  holdExpires?: string;
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
    /// A `HoldRequest` object from JS.
    #[wasm_bindgen(typescript_type = "HoldRequest")]
    pub type HoldRequestArg;
    /// A `ConfirmOptions` object from JS.
    #[wasm_bindgen(typescript_type = "ConfirmOptions")]
    pub type ConfirmOptionsArg;
    /// A `RescheduleRequest` object from JS.
    #[wasm_bindgen(typescript_type = "RescheduleRequest")]
    pub type RescheduleRequestArg;
    /// A `FindSlotsQuery` object from JS.
    #[wasm_bindgen(typescript_type = "FindSlotsQuery")]
    pub type FindSlotsQueryArg;
    /// An `ExplainRequest` object from JS.
    #[wasm_bindgen(typescript_type = "ExplainRequest")]
    pub type ExplainRequestArg;
    /// An array of `Change` records from JS.
    #[wasm_bindgen(typescript_type = "Change[]")]
    pub type ChangesArg;
}
