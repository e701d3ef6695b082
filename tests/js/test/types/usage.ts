// Uses every method of the package with the types it declares; `tsc --strict` must accept it.
// (types.test.mjs checks that every method of the class is called here.)
import {
  Hospital,
  HospitalError,
  type Appointment,
  type AppointmentPatch,
  type AppointmentQuery,
  type AppointmentStatus,
  type BookingProblem,
  type BookRequest,
  type FhirBundle,
  type FhirBundleOptions,
  type FhirResource,
  type ICalendarOptions,
  type Change,
  type ConfirmOptions,
  type DateOverride,
  type Doctor,
  type DoctorPatch,
  type ExplainRequest,
  type FindAppointmentsQuery,
  type FindSlotsQuery,
  type FoundSlot,
  type HoldRequest,
  type HospitalErrorCode,
  type HospitalErrorDetails,
  type HospitalOptions,
  type HospitalOptionsRead,
  type HoursBlock,
  type JsonValue,
  type LoadOptions,
  type NewDoctor,
  type PreviousTime,
  type RescheduleRequest,
  type ScheduleRule,
  type SlotQuery,
  type TimeOff,
  type WorkingBlock,
  type WorkingHoursQuery,
} from "dr-schedule";

export const seen: unknown[] = [];

const schedule: ScheduleRule[] = [
  { days: ["mon", "fri"], start: "09:00", end: "24:00" },
  { days: ["thu"], start: "09:00", end: "12:00", locations: ["A"] },
];
const block: HoursBlock = { start: "10:00", end: "12:00", locations: ["A"] };
const overrides: DateOverride[] = [
  { date: "2019-02-04", hours: [block] },
  { date: "2019-02-11", hours: [] },
];
const timeOff: TimeOff[] = [{ start: "2019-02-18T00:00", end: "2019-02-23T00:00", reason: "vacation" }, { start: "2019-03-01T13:00", end: "2019-03-01T17:00" }];
const input: NewDoctor = { name: "Dr. Ada", locations: ["A"], schedule, overrides, timeOff };

const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York" });
const options: HospitalOptions = { minNoticeMinutes: 0, horizonDays: 90, preventPatientOverlap: true };
const timed = new Hospital(options);
const plain = new Hospital();
const doctor: Doctor = h.addDoctor(input);
const same: Doctor = h.getDoctor(doctor.id);
const all: Doctor[] = h.listDoctors();
const dayOff: DateOverride[] | undefined = same.overrides;
const away: TimeOff[] | undefined = same.timeOff;
h.updateDoctor(doctor.id, { name: "Dr. Ada L." });
h.updateDoctor(doctor.id, { locations: ["A", "B"] }, { cancelAppointments: true });
const patch: DoctorPatch = { overrides: [], timeOff: [] };
h.updateDoctor(doctor.id, patch);

const now = "2019-01-31T09:00";
const request: BookRequest = { doctorId: doctor.id, location: "A", start: "2019-02-01T11:00", patient: "p", requestId: "r", now };
const booked: Appointment = h.book(request);
const status: AppointmentStatus = h.getAppointment(booked.id).status;
const query: AppointmentQuery = { from: "2019-02-01", to: "2019-02-07", status: "all", now };
const listed: Appointment[] = h.appointments(doctor.id, query);
const held: Appointment[] = h.appointments(doctor.id, { status: "held" });
const active: Appointment[] = h.appointments(doctor.id, { status: "active" });
const everything: Appointment[] = h.appointments(doctor.id);

const holdRequest: HoldRequest = { doctorId: doctor.id, location: "B", start: "2019-02-01T12:00", now, ttlMinutes: 10 };
const hold: Appointment = h.hold(holdRequest);
const expires: string | undefined = hold.holdExpires;
const confirmOptions: ConfirmOptions = { now: "2019-01-31T09:05" };
const confirmed: Appointment = h.confirm(hold.id, confirmOptions);
const move: RescheduleRequest = { start: "2019-02-01T14:00", location: "A", durationMinutes: 45, now };
const moved: Appointment = h.reschedule(confirmed.id, move);
const trace: PreviousTime[] | undefined = moved.rescheduledFrom;

const cancelled: Appointment = h.cancel(booked.id, { reason: "moved" });
const reason: string | undefined = cancelled.cancelReason;
const slotQuery: SlotQuery = { from: "2019-02-01", to: "2019-02-01", durationMinutes: 30, location: "A", limit: 3, now };
const slots: string[] = h.availableSlots(doctor.id, slotQuery);
const find: FindSlotsQuery = { location: "A", doctorIds: [doctor.id], from: "2019-02-01", to: "2019-02-08", durationMinutes: 30, limit: 5, now };
const found: FoundSlot[] = h.findSlots(find);
const firstFree: string | undefined = found[0]?.start;
const why: ExplainRequest = { doctorId: doctor.id, location: "A", start: "2019-02-02T10:00", durationMinutes: 15, now, patient: "p" };
const problems: BookingProblem[] = h.explain(why);
const problemCodes: HospitalErrorCode[] = problems.map((p) => p.code);
const outsideReason: string | undefined = problems[0]?.details.reason;

const snapshot: string = h.toSnapshot();
const restored: Hospital = Hospital.fromSnapshot(snapshot);
const revision: number = restored.revision;
const bytes: Uint8Array = h.toSnapshotBytes();
const loadOptions: LoadOptions = { maxSnapshotBytes: 256 * 1024 * 1024 };
const fromBytes: Hospital = Hospital.fromSnapshot(bytes, loadOptions);
const sizes: number[] = [fromBytes.doctorCount, fromBytes.appointmentCount, fromBytes.snapshotBytes];
const read: HospitalOptionsRead = fromBytes.options;
const zone: string | null = read.timeZone;
const budget: number = read.maxSnapshotBytes;
fromBytes.actor = "key_7f3a";
fromBytes.actor = null;
const actor: string | null = fromBytes.actor;
fromBytes.free();
restored[Symbol.dispose]();

const metadata: { [key: string]: JsonValue } = { visit: "follow-up", tags: ["x", 1, true, null], nested: { a: [{ b: 2 }] } };
const noted: Appointment = h.book({ doctorId: doctor.id, location: "A", start: "2019-02-01T15:00", notes: "bring the x-rays", metadata });
const notes: string | undefined = noted.notes;
const meta: { [key: string]: JsonValue } | undefined = noted.metadata;
const appointmentPatch: AppointmentPatch = { patient: null, notes: "line 1\nline 2", metadata: null };
const updated: Appointment = h.updateAppointment(noted.id, appointmentPatch);
h.updateAppointment(noted.id, { metadata: { visit: "new" } });
h.hold({ ...holdRequest, start: "2019-02-01T16:00", notes: "web", metadata: { source: "web" } });
h.reschedule(noted.id, { start: "2019-02-01T15:15", notes: "moved", metadata: { moved: true } });
const findQuery: FindAppointmentsQuery = { patient: "p", location: "A", doctorId: doctor.id, from: "2019-02-01", to: "2019-03-01", status: "expired", now, limit: 10, after: noted.id };
const byPatient: Appointment[] = h.findAppointments(findQuery);
const atA: Appointment[] = h.findAppointments({ location: "A" });
const hoursQuery: WorkingHoursQuery = { from: "2019-02-01", to: "2019-02-07", location: "A" };
const blocks: WorkingBlock[] = h.workingHours(doctor.id, hoursQuery);
const firstBlock: string | undefined = blocks[0]?.start;
const icsOptions: ICalendarOptions = { from: "2019-02-01", to: new Date(Date.UTC(2019, 2, 1)), domain: "clinic.example", name: "Dr. Ada" };
const ics: string = h.toICalendar(doctor.id, icsOptions);
const fhirOptions: FhirBundleOptions = { from: "2019-02-01", to: "2019-02-07", doctorId: doctor.id, now };
const zoned = new Hospital({ timeZone: "America/New_York", locationTimeZones: { B: "America/Chicago" } });
const bundle: FhirBundle = zoned.toFhirBundle(fhirOptions);
const resources: FhirResource[] = bundle.entry.map((e) => e.resource);
const expiredStatus: AppointmentStatus = "expired";
const changes: Change[] = h.changesSince(0);
const ops: Change["op"][] = changes.map((c) => c.op);
for (const change of changes) {
  if (change.op === "hold") {
    const heldAt: string = change.now;
    seenNow(heldAt);
  } else if (change.op === "reschedule") {
    const to: string = change.start;
    const movedNotes: string | undefined = change.notes;
    seenNow(to);
    seen.push(movedNotes);
  } else if (change.op === "updateAppointment") {
    const cleared: string | null | undefined = change.patient;
    seen.push(cleared);
  }
  const by: string | undefined = change.actor;
  seen.push(by);
}
const replayed: number = plain.applyChanges(changes);
const replayedText: number = plain.applyChanges(`[${changes.map((change) => JSON.stringify(change)).join(",")}]`);
const removed: Doctor = h.removeDoctor(doctor.id, { cancelAppointments: true });

function seenNow(text: string): void {
  seen.push(text);
}

try {
  timed.cancel("a404");
} catch (e) {
  if (!(e instanceof HospitalError)) throw e;
  const error: HospitalError = e;
  const code: HospitalErrorCode = error.code;
  const ids: string[] | undefined = error.details.appointmentIds;
  const field: string | undefined = error.details.field;
  const name: "HospitalError" = error.name;
  const earliest: string | undefined = error.details.earliestStart;
  const latest: string | undefined = error.details.latestStart;
  const busy: string | undefined = error.details.patient;
  const lapsed: string | undefined = error.details.holdExpires;
  const where: string[] | undefined = error.details.locations;
  const off: TimeOff | undefined = error.details.timeOff;
  const details: HospitalErrorDetails = error.details;
  const full: "snapshotBytes" | "doctors" | "appointments" | "revision" | undefined = details.limitOf;
  const room: number | undefined = details.limit === undefined || details.current === undefined ? undefined : details.limit - details.current;
  const cause: unknown = error.cause;
  const message: string = error.message;
  seen.push(full, room, cause, message);
  if (code === "HOSPITAL_FULL") seen.push(details.requested);
  if (code === "TOO_SOON" || code === "BEYOND_HORIZON" || code === "PATIENT_BUSY" || code === "HOLD_EXPIRED" || code === "NOT_HELD") {
    seen.push(code);
  }
  seen.push(code, ids, field, name, earliest, latest, busy, lapsed, where, off);
}

// A host can throw the package's error itself.
const own: HospitalError = new HospitalError("SLOT_TAKEN", "taken", { conflictingAppointmentId: "a1" }, { cause: new Error("x") });

export const used = [
  plain, same, all, dayOff, away, status, listed, held, active, everything, expires, trace, reason, slots,
  firstFree, problemCodes, outsideReason, revision, ops, replayed, replayedText, removed, sizes, zone, budget, actor, notes, meta,
  updated, byPatient, atA, firstBlock, expiredStatus, own, ics, resources,
];
