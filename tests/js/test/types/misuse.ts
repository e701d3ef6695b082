// Each line below misuses the API; `tsc --strict` must reject every one of them
// (tests/js/test/types.test.mjs checks the count and the lines).
import { Hospital, HospitalError } from "dr-schedule";

const h = new Hospital();
h.book({ doctorID: "d1", location: "A", start: "2019-02-01T11:00" }); // misuse: wrong field name
h.addDoctor({ name: "Dr. Ada", locations: "A", schedule: [] }); // misuse: locations is an array
h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["monday"], start: "09:00", end: "17:00" }] }); // misuse: not a Weekday
h.appointments("d1", { status: "open" }); // misuse: not a status
h.availableSlots("d1", { from: "2019-02-01" }); // misuse: `to` is required
const n: number = h.getAppointment("a1").start; // misuse: start is a string
new Hospital({ slotMinute: 15 }); // misuse: wrong option name
export { n };
h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", ttlMinutes: 10 }); // misuse: hold needs now
h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", now: "2019-02-01T09:00" }); // misuse: hold needs ttlMinutes
h.confirm("a1"); // misuse: confirm needs { now }
h.reschedule("a1", { begin: "2019-02-01T12:00" }); // misuse: wrong field name
h.reschedule("a1", { start: "2019-02-01T12:00", durationMinutes: "30" }); // misuse: durationMinutes is a number
h.appointments("d1", { status: "pending" }); // misuse: not a status
h.findSlots({ from: "2019-02-01", to: "2019-02-08" }); // misuse: limit is required
h.findSlots({ from: "2019-02-01", to: "2019-02-08", limit: 5, doctorIds: "d1" }); // misuse: doctorIds is an array
h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [], overrides: [{ date: "2019-02-01" }] }); // misuse: an override needs hours
h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [], timeOff: [{ from: "2019-02-01T00:00", to: "2019-02-02T00:00" }] }); // misuse: timeOff is start/end
new Hospital({ minNoticeMinutes: "60" }); // misuse: a number of minutes
const p: string = h.findSlots({ from: "2019-02-01", to: "2019-02-08", limit: 1 })[0]; // misuse: a FoundSlot, not a start
const s: "booked" | "cancelled" = h.getAppointment("a1").status; // misuse: it may be "held"
export { p, s };
h.updateAppointment("a1", { status: "booked" }); // misuse: not a field of the patch
h.updateAppointment("a1", { metadata: "x" }); // misuse: metadata is an object
h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", metadata: { when: new Date() } }); // misuse: a Date is no JSON value
h.findAppointments({ patient: "p", status: "gone" }); // misuse: not a status
h.findAppointments({ patient: "p", limit: "10" }); // misuse: limit is a number
h.workingHours("d1", { from: "2019-02-01" }); // misuse: `to` is required
Hospital.fromSnapshot(new ArrayBuffer(8)); // misuse: text or a Uint8Array
Hospital.fromSnapshot("{}", { maxSnapshotBytes: "1MB" }); // misuse: a number of bytes
h.revision = 3; // misuse: read-only
h.actor = 7; // misuse: a string or null
const e: HospitalError = new HospitalError("NOPE", "x"); // misuse: not a code
const c: "SLOT_TAKEN" = new HospitalError("INVALID_INPUT", "x").code; // misuse: the code is a union
export { e, c };
