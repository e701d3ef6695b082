// Uses every method of the package with the types it declares; `tsc --strict` must accept it.
// (types.test.mjs checks that every method of the class is called here.)
import {
  Hospital,
  type Appointment,
  type AppointmentQuery,
  type AppointmentStatus,
  type BookingProblem,
  type BookRequest,
  type Change,
  type ConfirmOptions,
  type DateOverride,
  type Doctor,
  type DoctorPatch,
  type ExplainRequest,
  type FindSlotsQuery,
  type FoundSlot,
  type HoldRequest,
  type HospitalError,
  type HospitalErrorCode,
  type HospitalOptions,
  type HoursBlock,
  type NewDoctor,
  type PreviousTime,
  type RescheduleRequest,
  type ScheduleRule,
  type SlotQuery,
  type TimeOff,
} from "dr-schedule";

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
const changes: Change[] = h.changesSince(0);
const ops: Change["op"][] = changes.map((c) => c.op);
for (const change of changes) {
  if (change.op === "hold") {
    const heldAt: string = change.now;
    seenNow(heldAt);
  } else if (change.op === "reschedule") {
    const to: string = change.start;
    seenNow(to);
  }
}
const replayed: number = plain.applyChanges(changes);
const removed: Doctor = h.removeDoctor(doctor.id, { cancelAppointments: true });

function seenNow(text: string): void {
  seen.push(text);
}

export const seen: unknown[] = [];
try {
  timed.cancel("a404");
} catch (e) {
  const error = e as HospitalError;
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
  if (code === "TOO_SOON" || code === "BEYOND_HORIZON" || code === "PATIENT_BUSY" || code === "HOLD_EXPIRED" || code === "NOT_HELD") {
    seen.push(code);
  }
  seen.push(code, ids, field, name, earliest, latest, busy, lapsed, where, off);
}

export const used = [
  plain, same, all, dayOff, away, status, listed, held, active, everything, expires, trace, reason, slots,
  firstFree, problemCodes, outsideReason, revision, ops, replayed, removed,
];
