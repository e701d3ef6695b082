// The public types of the dr-schedule package: the `Hospital` class every entry exports, the
// `HospitalError` it throws, and every input and output shape. Written by hand beside the class
// (js/dr_schedule.js); the package's tests compile them with TypeScript 5 and 7 and compare them
// with what the package returns, refuses and throws.

// `Symbol.dispose`, for `free()` under `using`, whatever `lib` the consumer compiles with: the
// runtimes the package supports all have it (ES2015 libs declare `Symbol` already, ES5 ones do
// not; TypeScript's own esnext.disposable declares `dispose` the same way). A reference to that
// lib instead would not compile with TypeScript 5's default target, ES5.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
  var Symbol: SymbolConstructor;
}

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
  /**
   * The hospital's IANA time zone ("America/New_York"). Wall-clock inputs are read there,
   * durations, notice, horizon and hold expiry are real elapsed time, and appointments also
   * carry `startUtc`/`endUtc`. A name the runtime does not know is `INVALID_INPUT`. Without
   * one, the hospital keeps floating wall-clock times (no daylight saving).
   */
  timeZone?: string | null;
  /** Locations with a zone of their own: `{ "Chicago clinic": "America/Chicago" }` (needs `timeZone`). */
  locationTimeZones?: { [location: string]: string } | null;
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
  /**
   * The most bytes the hospital's snapshot may take (16 KiB to 256 MiB; default 128 MiB): a
   * change that would grow it further is refused with `HOSPITAL_FULL`. Kept in snapshots.
   */
  maxSnapshotBytes?: number;
}

/** The options of a hospital as `hospital.options` returns them: defaults filled in. */
export interface HospitalOptionsRead {
  slotMinutes: number;
  defaultDurationMinutes: number;
  timeZone: string | null;
  /** Present when some location has a zone of its own. */
  locationTimeZones?: { [location: string]: string };
  /** Present when the notice rule is on. */
  minNoticeMinutes?: number;
  /** Present when the horizon rule is on. */
  horizonDays?: number;
  /** Present (and `true`) when the patient-overlap rule is on. */
  preventPatientOverlap?: boolean;
  maxSnapshotBytes: number;
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
  /** Cancel the booked appointments and live holds in the way instead of failing with `HAS_APPOINTMENTS`. */
  cancelAppointments?: boolean;
}

/** A JSON value, as `metadata` holds them. */
/**
 * A date-time input: a wall clock (`2025-03-09T09:00`), or, in a hospital with a `timeZone`, an
 * instant: RFC 3339 with `Z` or an offset (`2025-11-02T01:30:00-04:00`), or a `Date`.
 */
export type DateTimeInput = string | Date;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The input of `book`. */
export interface BookRequest {
  doctorId: string;
  /** One of the doctor's locations (exact match). */
  location: string;
  /** Hospital-local wall-clock start, `YYYY-MM-DDTHH:MM`, on the slot grid. */
  start: DateTimeInput;
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
  now?: DateTimeInput;
  /** Notes for people (up to 2,000 bytes; line breaks allowed). */
  notes?: string;
  /** A small JSON object of your own (up to 4 KiB, 4 levels, 64 keys or items each). */
  metadata?: { [key: string]: JsonValue };
}

/** The input of `hold`: a booking request that reserves the time for `ttlMinutes`. */
export interface HoldRequest {
  doctorId: string;
  location: string;
  start: DateTimeInput;
  durationMinutes?: number;
  patient?: string;
  id?: string;
  requestId?: string;
  /** Your current time (required). */
  now: DateTimeInput;
  /** How long the hold lasts from `now`: 1 to 10080 minutes (a week). */
  ttlMinutes: number;
  notes?: string;
  metadata?: { [key: string]: JsonValue };
}

/** The input of `reschedule`. */
export interface RescheduleRequest {
  /** The new start. */
  start: DateTimeInput;
  /** The new location; the current one when absent. */
  location?: string;
  /** The new length; the current one when absent. */
  durationMinutes?: number;
  /** Your current time, as for `book`. */
  now?: DateTimeInput;
  /** New notes; the current ones when absent. */
  notes?: string;
  /** New metadata; the current metadata when absent. */
  metadata?: { [key: string]: JsonValue };
}

/** The input of `updateAppointment`: each field given replaces the appointment's; `null` clears it. */
export interface AppointmentPatch {
  patient?: string | null;
  notes?: string | null;
  metadata?: { [key: string]: JsonValue } | null;
}

/** Options of `confirm`. */
export interface ConfirmOptions {
  /** Your current time (required): a hold that has lapsed by then cannot be confirmed. */
  now: DateTimeInput;
}

/** The input of `explain`. */
export interface ExplainRequest {
  doctorId: string;
  location: string;
  start: DateTimeInput;
  durationMinutes?: number;
  /** Your current time, as for `book`. */
  now?: DateTimeInput;
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
  /**
   * The wall clock there; in a hospital with a time zone, with its offset where that wall
   * clock happens twice (`2025-11-02T01:30:00-04:00`).
   */
  start: string;
  /** The start as an instant in UTC (`2025-11-02T05:30:00Z`), in a hospital with a time zone. */
  startUtc?: string;
}

/**
 * Where an appointment stands: booked or held (until `holdExpires`) take their time; cancelled
 * and expired (a hold that lapsed) are history.
 */
export type AppointmentStatus = "booked" | "held" | "cancelled" | "expired";

/** Where and when an appointment was before a `reschedule`. */
export interface PreviousTime {
  location: string;
  start: string;
  end: string;
}

/** An appointment; cancelling keeps it with `status: "cancelled"`, a lapsed hold with `"expired"`. */
export interface Appointment {
  id: string;
  doctorId: string;
  location: string;
  /** `YYYY-MM-DDTHH:MM`, the wall clock at the location. */
  start: string;
  /** The wall clock `durationMinutes` of real time after `start`, exclusive. */
  end: string;
  /** The start as an instant in UTC (`2025-03-09T14:00:00Z`), in a hospital with a time zone. */
  startUtc?: string;
  /** The end as an instant in UTC, in a hospital with a time zone. */
  endUtc?: string;
  durationMinutes: number;
  patient?: string;
  requestId?: string;
  status: AppointmentStatus;
  /** When a hold lapses (or, expired, lapsed). */
  holdExpires?: string;
  /** Where and when it was before each `reschedule`, oldest first; absent if never moved. */
  rescheduledFrom?: PreviousTime[];
  cancelReason?: string;
  notes?: string;
  metadata?: { [key: string]: JsonValue };
  /** The `now` of the call that created it, if it passed one (an instant in UTC in a hospital with a time zone). */
  createdAt?: string;
  /** The `now` of the latest call that changed it and passed one. */
  updatedAt?: string;
}

/** Options of `appointments`. */
export interface AppointmentQuery {
  /** Window start: a date (its midnight) or a date-time. Default: all time. */
  from?: DateTimeInput;
  /** Window end, exclusive: a date (that whole day included) or a date-time. */
  to?: DateTimeInput;
  /** Default `"active"`: booked and live holds. */
  status?: AppointmentStatus | "active" | "all";
  /** Your current time: holds that have lapsed by then are left out. */
  now?: DateTimeInput;
  /** At most this many (a page; 1 to 100,000). */
  limit?: number;
  /** Only those after this appointment in the listing's order: the id of the last one of the previous page. */
  after?: string;
}

/** The input of `findAppointments`: at least one of `patient`, `location`, `doctorId`. */
export interface FindAppointmentsQuery {
  patient?: string;
  location?: string;
  doctorId?: string;
  from?: string;
  to?: string;
  status?: AppointmentStatus | "active" | "all";
  now?: string;
  limit?: number;
  after?: string;
}

/** The input of `workingHours`. */
export interface WorkingHoursQuery {
  /** The first date, `YYYY-MM-DD`. */
  from: string;
  /** The last date, included (at most 366 days after `from`). */
  to: string;
  /** Only this location. */
  location?: string;
}

/** One open block of a doctor's hours, as `workingHours` returns them. */
export interface WorkingBlock {
  /** `YYYY-MM-DD`. */
  date: string;
  location: string;
  /** `YYYY-MM-DDTHH:MM`. */
  start: string;
  /** `YYYY-MM-DDTHH:MM`, exclusive. */
  end: string;
  /** The start as an instant in UTC, in a hospital with a time zone. */
  startUtc?: string;
  /** The end as an instant in UTC (a block across a change of the clocks has its real length). */
  endUtc?: string;
}

/** Options of `toICalendar`. */
export interface ICalendarOptions {
  /** Window start: a date (its midnight), a date-time or an instant. */
  from: DateTimeInput;
  /** Window end, exclusive: a date (that whole day included), a date-time or an instant. */
  to: DateTimeInput;
  /** The domain of the UIDs (`a17@clinic.example`); default `"dr-schedule"`. */
  domain?: string;
  /** The calendar's name (`X-WR-CALNAME`). */
  name?: string;
}

/** Options of `toFhirBundle`. */
export interface FhirBundleOptions {
  from: DateTimeInput;
  to: DateTimeInput;
  /** Only this doctor; every doctor when absent. */
  doctorId?: string;
  /** Your current time, for the free slots (needed with a minimum notice or a horizon). */
  now?: DateTimeInput;
}

/** A FHIR R4 resource as `toFhirBundle` writes it (Schedule, Slot or Appointment). */
export type FhirResource = { resourceType: "Schedule" | "Slot" | "Appointment"; id: string; [field: string]: JsonValue };

/** A FHIR R4 Bundle of type "collection". */
export type FhirBundle = { resourceType: "Bundle"; type: "collection"; entry: { resource: FhirResource }[] };

/** Options of `cancel`. */
export interface CancelOptions {
  /** Kept on the appointment as `cancelReason`. */
  reason?: string;
  /** Your current time: the appointment's `updatedAt` (it moves no clock). */
  now?: DateTimeInput;
}

/** Options of `availableSlots`. */
export interface SlotQuery {
  /** Window start: a date or a date-time. */
  from: DateTimeInput;
  /** Window end, exclusive: a date (that whole day included) or a date-time. */
  to: DateTimeInput;
  /** Default `defaultDurationMinutes`. */
  durationMinutes?: number;
  /** Only check this location (one of the doctor's). */
  location?: string;
  /** At most this many slots, earliest first. */
  limit?: number;
  /** Your current time: required with `minNoticeMinutes` or `horizonDays`; lapsed holds free their time. */
  now?: DateTimeInput;
}

/** Options of `Hospital.fromSnapshot`. */
export interface LoadOptions {
  /** Load a snapshot larger than the `maxSnapshotBytes` it states (and keep this higher limit). */
  maxSnapshotBytes?: number;
  /**
   * Read a snapshot of floating wall-clock times (any version, or one of a hospital without a
   * zone) in this IANA zone: the hospital has it from then on (a time the zone skips or repeats
   * is refused, `INVALID_SNAPSHOT`). A snapshot with a zone of its own must name the same one.
   */
  timeZone?: string;
}

/**
 * One successful mutation, as `changesSince` returns it and `applyChanges` replays it.
 * `revision` is the hospital's revision after the change; `actor`, who made it (when set with
 * `hospital.actor`). Store the records as they are.
 */
export type Change = { revision: number; actor?: string } & (
  | { op: "addDoctor"; doctor: Doctor; assignedId: boolean }
  | { op: "updateDoctor"; doctor: Doctor; cancelAppointments: boolean }
  | { op: "removeDoctor"; id: string; cancelAppointments: boolean }
  | { op: "book"; appointment: Appointment; assignedId: boolean; now?: string }
  | { op: "hold"; appointment: Appointment; assignedId: boolean; now: string }
  | { op: "confirm"; id: string; now: string }
  | {
      op: "reschedule";
      id: string;
      location: string;
      start: string;
      durationMinutes: number;
      now?: string;
      notes?: string;
      metadata?: { [key: string]: JsonValue };
    }
  | { op: "cancel"; id: string; reason?: string }
  | {
      op: "updateAppointment";
      id: string;
      patient?: string | null;
      notes?: string | null;
      metadata?: { [key: string]: JsonValue } | null;
    }
);

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
  | "HOSPITAL_FULL"
  | "NONEXISTENT_TIME"
  | "AMBIGUOUS_TIME"
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
  /** The booked appointment in the way (`SLOT_TAKEN`, `PATIENT_BUSY`). */
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
  /**
   * The doctor's open blocks on the start's date, at every location, as `workingHours` gives
   * them (`OUTSIDE_HOURS`; empty when the doctor does not work that day).
   */
  hours?: WorkingBlock[];
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
  /** What is full (`HOSPITAL_FULL`). */
  limitOf?: "snapshotBytes" | "doctors" | "appointments" | "revision";
  /** How much of it the hospital has (`HOSPITAL_FULL`): bytes, doctors, appointments, the revision. */
  current?: number;
  /** How much the refused change would have added (`HOSPITAL_FULL`, `snapshotBytes`). */
  requested?: number;
  /** The most it may have (`HOSPITAL_FULL`). */
  limit?: number;
  /** The zone a wall-clock time was read in (`NONEXISTENT_TIME`, `AMBIGUOUS_TIME`). */
  timeZone?: string;
  /** The valid starts on either side of the skipped ones, each with its offset (`NONEXISTENT_TIME`). */
  nearestStarts?: string[];
  /** Both instants of a repeated wall clock, earlier first, each with its offset (`AMBIGUOUS_TIME`). */
  starts?: string[];
}

/**
 * What every method throws on failure: a real `Error` (`error instanceof HospitalError`) with a
 * stable `code` to branch on and `details` to act on.
 *
 * @example
 * ```ts
 * try {
 *   h.book({ doctorId: "d1", location: "1 Main St", start: "2019-02-01T11:00" });
 * } catch (error) {
 *   if (error instanceof HospitalError && error.code === "SLOT_TAKEN") console.log(error.details.conflictingAppointmentId);
 * }
 * ```
 */
export class HospitalError extends Error {
  constructor(code: HospitalErrorCode, message: string, details?: HospitalErrorDetails, options?: { cause?: unknown });
  readonly name: "HospitalError";
  readonly code: HospitalErrorCode;
  readonly details: HospitalErrorDetails;
}

/**
 * A hospital: doctors with locations and weekly hours, and their appointments, held in memory.
 * Persist it with `toSnapshot()` (or `toSnapshotBytes()`) and `changesSince()`; restore it with
 * `Hospital.fromSnapshot()`. Free it with `free()` (or `using`) when done; one that is garbage
 * collected is freed too.
 *
 * @example
 * ```ts
 * import { Hospital } from "dr-schedule";
 * const h = new Hospital({ slotMinutes: 15 });
 * ```
 */
export class Hospital {
  /**
   * Creates an empty hospital. Options are checked: a bad one throws `INVALID_INPUT` rather than
   * falling back to a default.
   *
   * @example
   * ```ts
   * const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York" });
   * ```
   */
  constructor(options?: HospitalOptions | null);

  /**
   * Rebuilds a hospital from `toSnapshot()` text or `toSnapshotBytes()` bytes (any format
   * version this build reads). All or nothing: throws `INVALID_SNAPSHOT` (with
   * `details.path`), `UNSUPPORTED_VERSION` or `HOSPITAL_FULL` instead of loading part of it.
   *
   * @example
   * ```ts
   * const h = Hospital.fromSnapshot(fs.readFileSync("hospital.json"));
   * ```
   */
  static fromSnapshot(snapshot: string | Uint8Array, options?: LoadOptions | null): Hospital;

  /**
   * How many successful mutations the hospital has seen; +1 on each. Kept in snapshots.
   *
   * @example
   * ```ts
   * const before = h.revision;
   * ```
   */
  readonly revision: number;

  /**
   * How many doctors the hospital has, without listing them.
   *
   * @example
   * ```ts
   * console.log(`${h.doctorCount} doctors`);
   * ```
   */
  readonly doctorCount: number;

  /**
   * How many appointments the hospital keeps, of every status, without listing them.
   *
   * @example
   * ```ts
   * console.log(`${h.appointmentCount} appointments`);
   * ```
   */
  readonly appointmentCount: number;

  /**
   * How large the hospital's snapshot is, at most, in bytes: what `maxSnapshotBytes` limits.
   *
   * @example
   * ```ts
   * const full = h.snapshotBytes / h.options.maxSnapshotBytes;
   * ```
   */
  readonly snapshotBytes: number;

  /**
   * The hospital's options, every one of them.
   *
   * @example
   * ```ts
   * const { timeZone, slotMinutes } = h.options;
   * ```
   */
  readonly options: HospitalOptionsRead;

  /**
   * Who is making the changes that follow (an API key's id, a user name): recorded as `actor` in
   * their change records; `null` for nobody.
   *
   * @example
   * ```ts
   * h.actor = "key_7f3a";
   * ```
   */
  actor: string | null;

  /**
   * Adds a doctor and returns it, with its id assigned if you gave none.
   *
   * @example
   * ```ts
   * const doctor = h.addDoctor({
   *   name: "Dr. Ada Lovelace",
   *   locations: ["1 Main St", "9 Elm Ave"],
   *   schedule: [{ days: ["mon", "tue", "wed"], start: "09:00", end: "17:00" }],
   * });
   * ```
   */
  addDoctor(doctor: NewDoctor): Doctor;

  /**
   * The doctor with this id; throws `DOCTOR_NOT_FOUND`.
   *
   * @example
   * ```ts
   * const doctor = h.getDoctor("d1");
   * ```
   */
  getDoctor(id: string): Doctor;

  /**
   * Every doctor, in the order they were added.
   *
   * @example
   * ```ts
   * const names = h.listDoctors().map((d) => d.name);
   * ```
   */
  listDoctors(): Doctor[];

  /**
   * Replaces the fields the patch names and returns the doctor. If new locations or hours would
   * leave booked appointments or live holds outside them, throws `HAS_APPOINTMENTS` (with
   * `details.appointmentIds`) unless `cancelAppointments: true`, which cancels exactly those.
   *
   * @example
   * ```ts
   * h.updateDoctor("d1", { schedule: [{ days: ["mon"], start: "09:00", end: "12:00" }] }, { cancelAppointments: true });
   * ```
   */
  updateDoctor(id: string, patch: DoctorPatch, options?: ChangeOptions | null): Doctor;

  /**
   * Removes a doctor with their whole appointment history and returns the doctor. Throws
   * `HAS_APPOINTMENTS` while any of their appointments is booked or held, unless
   * `cancelAppointments: true`.
   *
   * @example
   * ```ts
   * const removed = h.removeDoctor("d1", { cancelAppointments: true });
   * ```
   */
  removeDoctor(id: string, options?: ChangeOptions | null): Doctor;

  /**
   * Books an appointment under the booking rules, checked in order before anything changes (the
   * README's "Booking rules").
   *
   * @example
   * ```ts
   * const appointment = h.book({ doctorId: "d1", location: "1 Main St", start: "2019-02-04T11:00", patient: "p-42" });
   * ```
   */
  book(request: BookRequest): Appointment;

  /**
   * Holds a time while the patient decides: checked like `book` (with `now` required) and
   * returned with `status: "held"` and `holdExpires = now + ttlMinutes`.
   *
   * @example
   * ```ts
   * const held = h.hold({ doctorId: "d1", location: "1 Main St", start: "2019-02-04T11:00", now: "2019-02-01T09:00", ttlMinutes: 10 });
   * ```
   */
  hold(request: HoldRequest): Appointment;

  /**
   * Turns a live hold into a booking. Throws `HOLD_EXPIRED` once it has lapsed, `NOT_HELD` for a
   * booked appointment, `ALREADY_CANCELLED` for a cancelled one.
   *
   * @example
   * ```ts
   * const booked = h.confirm(held.id, { now: "2019-02-01T09:05" });
   * ```
   */
  confirm(appointmentId: string, options: ConfirmOptions): Appointment;

  /**
   * Moves a booked or held appointment to a new start (and location, duration), atomically.
   *
   * @example
   * ```ts
   * const moved = h.reschedule("a1", { start: "2019-02-04T11:15" });
   * ```
   */
  reschedule(appointmentId: string, request: RescheduleRequest): Appointment;

  /**
   * Cancels a booked or held appointment and returns it: it stays, with `status: "cancelled"`.
   *
   * @example
   * ```ts
   * h.cancel("a1", { reason: "patient called" });
   * ```
   */
  cancel(appointmentId: string, options?: CancelOptions | null): Appointment;

  /**
   * Changes an appointment's patient, notes or metadata, whatever its status; `null` clears one.
   *
   * @example
   * ```ts
   * h.updateAppointment("a1", { notes: "bring the x-rays", metadata: { visit: "follow-up" } });
   * ```
   */
  updateAppointment(appointmentId: string, patch: AppointmentPatch): Appointment;

  /**
   * The appointment with this id, whatever its status; throws `APPOINTMENT_NOT_FOUND`.
   *
   * @example
   * ```ts
   * const { status } = h.getAppointment("a1");
   * ```
   */
  getAppointment(id: string): Appointment;

  /**
   * A doctor's appointments whose start lies in `[from, to)`, active ones by default, by start
   * and then booking order; a page of them with `limit` and `after`.
   *
   * @example
   * ```ts
   * const week = h.appointments("d1", { from: "2019-02-04", to: "2019-02-10", status: "all" });
   * ```
   */
  appointments(doctorId: string, options?: AppointmentQuery | null): Appointment[];

  /**
   * Appointments across doctors: a patient's, those at a location, or a doctor's, by start and
   * then booking order; a page of them with `limit` and `after`.
   *
   * @example
   * ```ts
   * const [next] = h.findAppointments({ patient: "p-42", from: "2019-02-01", limit: 1 });
   * ```
   */
  findAppointments(query: FindAppointmentsQuery): Appointment[];

  /**
   * Every slot start in `[from, to)` where an appointment of `durationMinutes` could be booked
   * right now, earliest first, at most `limit`.
   *
   * @example
   * ```ts
   * const free = h.availableSlots("d1", { from: "2019-02-04", to: "2019-02-04", limit: 5 });
   * ```
   */
  availableSlots(doctorId: string, options: SlotQuery): string[];

  /**
   * Free slots across doctors, earliest first and then in the order the doctors were added.
   *
   * @example
   * ```ts
   * const [first] = h.findSlots({ location: "1 Main St", from: "2019-02-04", to: "2019-02-08", limit: 1 });
   * ```
   */
  findSlots(query: FindSlotsQuery): FoundSlot[];

  /**
   * Every reason this time cannot be booked, in the order of the booking rules; `[]` when it can be.
   *
   * @example
   * ```ts
   * for (const problem of h.explain({ doctorId: "d1", location: "1 Main St", start: "2019-02-09T10:00" })) console.log(problem.code);
   * ```
   */
  explain(request: ExplainRequest): BookingProblem[];

  /**
   * When a doctor works on the dates `from` to `to`: the open blocks per date and location, after
   * weekly rules, overrides and time off.
   *
   * @example
   * ```ts
   * const blocks = h.workingHours("d1", { from: "2019-02-04", to: "2019-02-08" });
   * ```
   */
  workingHours(doctorId: string, query: WorkingHoursQuery): WorkingBlock[];

  /**
   * The doctor's appointments over [from, to), of every status, as iCalendar (RFC 5545) text a
   * calendar app can read or subscribe to: one VEVENT each with a stable `UID` (`id@domain`), a
   * `SEQUENCE` one higher after each reschedule and after the cancellation, `STATUS` CONFIRMED
   * (booked), TENTATIVE (held) or CANCELLED (cancelled, or a hold that lapsed), `DTSTART`/`DTEND`
   * in UTC (floating local times in a hospital without a `timeZone`), `DTSTAMP` from `updatedAt`,
   * `LOCATION`, the notes as `DESCRIPTION`; text escaped, lines folded at 75 octets, CRLF.
   *
   * @example
   * ```ts
   * const ics = h.toICalendar("d1", { from: "2025-11-01", to: "2025-11-30", domain: "clinic.example" });
   * // Serve it as text/calendar.
   * ```
   */
  toICalendar(doctorId: string, options: ICalendarOptions): string;

  /**
   * A FHIR R4 Bundle (type "collection") over [from, to), of every doctor or of `doctorId`: a
   * Schedule per doctor and location, a Slot per free slot (`"free"`) and per booked or held
   * appointment (`"busy"`, `"busy-tentative"`), and an Appointment per appointment, its status
   * mapped booked → `"booked"`, held → `"pending"`, cancelled and expired → `"cancelled"`. Times
   * are instants in UTC: a hospital without a `timeZone` throws `INVALID_INPUT` (`timeZone`).
   *
   * @example
   * ```ts
   * const bundle = h.toFhirBundle({ from: "2025-11-02", to: "2025-11-02", now: new Date() });
   * // Serve JSON.stringify(bundle) as application/fhir+json.
   * ```
   */
  toFhirBundle(options: FhirBundleOptions): FhirBundle;

  /**
   * The whole hospital as JSON text to store as it is. Deterministic.
   *
   * @example
   * ```ts
   * fs.writeFileSync("hospital.json", h.toSnapshot());
   * ```
   */
  toSnapshot(): string;

  /**
   * The whole hospital as the UTF-8 bytes of the same JSON text.
   *
   * @example
   * ```ts
   * fs.writeFileSync("hospital.json", h.toSnapshotBytes());
   * ```
   */
  toSnapshotBytes(): Uint8Array;

  /**
   * The change records after `revision`, oldest first: one per successful mutation. Throws
   * `CHANGES_UNAVAILABLE` when `revision` is older than the records kept.
   *
   * @example
   * ```ts
   * for (const change of h.changesSince(before)) store.append(JSON.stringify(change));
   * ```
   */
  changesSince(revision: number): Change[];

  /**
   * Replays change records of a hospital in the same state, in order, each validated like the
   * call it records. All or nothing. Returns the new revision. `changes` may also be the JSON
   * text of an array of records, as a store keeps them: the engine reads the text itself, with
   * no objects built on the way (the faster way to catch up from a change table).
   *
   * @example
   * ```ts
   * h.applyChanges(records);
   * h.applyChanges(`[${rows.map((row) => row.record).join(",")}]`);
   * ```
   */
  applyChanges(changes: Change[] | string): number;

  /**
   * Frees the hospital's memory now (a hospital garbage collected without it is freed too).
   *
   * @example
   * ```ts
   * h.free();
   * ```
   */
  free(): void;

  /**
   * Frees the hospital at the end of a `using` block.
   *
   * @example
   * ```ts
   * { using h = Hospital.fromSnapshot(text); console.log(h.revision); }
   * ```
   */
  [Symbol.dispose](): void;
}
