// Every error code through the package as a user imports it: a real HospitalError (an Error
// the package exports, so that `instanceof` works) with the code and details, a message in
// JavaScript's words, a failed call changes nothing (the snapshot and revision before and after
// are identical), and the object keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Hospital, HospitalError } from "dr-schedule";
import { NOW, assertJavaScriptWords, packageFile, smallHospital, thrown, timedHospital } from "./fixture.mjs";

const v5 = JSON.stringify({ format: "dr-schedule", version: 5 });

/** smallHospital() with a 16 KiB budget: room for a few doctors. */
function smallBudget() {
  const h = new Hospital({ maxSnapshotBytes: 16 * 1024 });
  h.addDoctor({ name: "Dr. Ada", locations: ["A", "B"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
  h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", requestId: "r1", patient: "p1" });
  h.book({ doctorId: "d1", location: "B", start: "2019-02-01T12:00" });
  h.cancel("a2");
  return h;
}
/** A doctor of about 20 KB: 100 locations of 200 bytes. */
const bigDoctor = () => ({ name: "Dr. Big", locations: Array.from({ length: 100 }, (_, i) => `${i}`.padStart(200, "L")), schedule: [] });

/**
 * One failing call per code, with the details it must carry, on `smallHospital()` unless a
 * third item names another hospital.
 */
const cases = {
  INVALID_INPUT: [(h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-30T10:00" }), { field: "start" }],
  DOCTOR_NOT_FOUND: [(h) => h.book({ doctorId: "d9", location: "A", start: "2019-02-01T10:00" }), { doctorId: "d9" }],
  APPOINTMENT_NOT_FOUND: [(h) => h.cancel("a404"), { appointmentId: "a404" }],
  DUPLICATE_ID: [(h) => h.addDoctor({ id: "d1", name: "Dr. B", locations: ["A"], schedule: [] }), { id: "d1" }],
  LOCATION_NOT_SERVED: [
    (h) => h.book({ doctorId: "d1", location: "C", start: "2019-02-01T10:00" }),
    { doctorId: "d1", location: "C" },
  ],
  OFF_GRID: [(h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:05" }), { field: "start", slotMinutes: 15 }],
  OUTSIDE_HOURS: [
    (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T17:00" }),
    {
      doctorId: "d1",
      // The doctor's open blocks that date, as workingHours gives them.
      hours: ["A", "B"].map((location) => ({ date: "2019-02-01", location, start: "2019-02-01T09:00", end: "2019-02-01T17:00" })),
    },
  ],
  SLOT_TAKEN: [
    (h) => h.book({ doctorId: "d1", location: "B", start: "2019-02-01T10:45", durationMinutes: 30 }),
    { conflictingAppointmentId: "a1" },
  ],
  ALREADY_CANCELLED: [(h) => h.cancel("a2"), { appointmentId: "a2" }],
  REQUEST_ID_REUSED: [
    (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", requestId: "r1", patient: "p1" }),
    { requestId: "r1", appointmentId: "a1" },
  ],
  HAS_APPOINTMENTS: [(h) => h.removeDoctor("d1"), { doctorId: "d1", appointmentIds: ["a1"] }],
  INVALID_SNAPSHOT: [() => Hospital.fromSnapshot("{"), { path: "" }],
  UNSUPPORTED_VERSION: [() => Hospital.fromSnapshot(v5), { version: 5, supportedVersion: 4 }],
  CHANGES_UNAVAILABLE: [(h) => Hospital.fromSnapshot(h.toSnapshot()).changesSince(1), { revision: 1, oldestRevision: 4 }],
  REVISION_MISMATCH: [
    (h) => h.applyChanges([{ op: "cancel", revision: 9, id: "a1" }]),
    { revision: 9, expectedRevision: 5 },
  ],
  TOO_SOON: [
    (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-02-01T09:30" }),
    { earliestStart: "2019-02-01T10:30" },
    timedHospital,
  ],
  BEYOND_HORIZON: [
    (h) => h.book({ doctorId: "d1", location: "A", start: "2019-03-15T10:00", now: NOW }),
    { latestStart: "2019-03-02T09:00" },
    timedHospital,
  ],
  PATIENT_BUSY: [
    (h) => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T11:00", patient: "p1", now: NOW }),
    { patient: "p1", conflictingAppointmentId: "a1" },
    timedHospital,
  ],
  HOLD_EXPIRED: [(h) => h.confirm("a2", { now: "2019-01-31T09:10" }), { appointmentId: "a2", holdExpires: "2019-01-31T09:10" }, timedHospital],
  NOT_HELD: [(h) => h.confirm("a1", { now: NOW }), { appointmentId: "a1" }],
  HOSPITAL_FULL: [
    (h) => h.addDoctor(bigDoctor()),
    // The budget, how full the hospital is, and what the refused change would have added: as much
    // as the same change adds where it fits.
    (h) => {
      const roomy = Hospital.fromSnapshot(h.toSnapshot(), { maxSnapshotBytes: 1 << 20 });
      const before = roomy.snapshotBytes;
      roomy.addDoctor(bigDoctor());
      return { limitOf: "snapshotBytes", current: h.snapshotBytes, requested: roomy.snapshotBytes - before, limit: 16 * 1024 };
    },
    smallBudget,
  ],
  NONEXISTENT_TIME: [
    (h) => h.book({ doctorId: "d1", location: "A", start: "2025-03-09T02:30" }),
    { field: "start", timeZone: "America/New_York", nearestStarts: ["2025-03-09T01:45:00-05:00", "2025-03-09T03:00:00-04:00"] },
    newYorkHospital,
  ],
  AMBIGUOUS_TIME: [
    (h) => h.book({ doctorId: "d1", location: "A", start: "2025-11-02T01:30" }),
    { field: "start", timeZone: "America/New_York", starts: ["2025-11-02T01:30:00-04:00", "2025-11-02T01:30:00-05:00"] },
    newYorkHospital,
  ],
};

/** A hospital in New York whose doctor works Sunday nights, when the clocks change (and Fridays). */
function newYorkHospital() {
  const h = new Hospital({ timeZone: "America/New_York" });
  h.addDoctor({ name: "Dr. Night", locations: ["A"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }, { days: ["fri"], start: "09:00", end: "17:00" }] });
  return h;
}

/** Codes tested elsewhere: INSTANCE_FAILED needs a build that can trap (trap.test.mjs). */
const testedElsewhere = ["INSTANCE_FAILED"];

test("the cases cover exactly the codes of the TypeScript union", () => {
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  const union = /export type HospitalErrorCode =([^;]*);/.exec(dts)[1];
  const codes = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(codes.sort(), [...Object.keys(cases), ...testedElsewhere].sort());
});

test("the union lists exactly the engine's codes, and INSTANCE_FAILED, which the JS layer throws", () => {
  // The engine's codes, as crates/engine/src/error.rs spells them (ErrorCode::as_str), are the
  // union's, beside the one the package adds.
  const engine = readFileSync(new URL("../../../crates/engine/src/error.rs", import.meta.url), "utf8");
  const engineCodes = [...engine.matchAll(/ErrorCode::\w+ => "([A-Z_]+)"/g)].map((m) => m[1]);
  assert.ok(engineCodes.length >= 21, engineCodes.join(", "));
  const dts = readFileSync(packageFile("dr_schedule.d.ts"), "utf8");
  const union = [...(/export type HospitalErrorCode =([^;]*);/.exec(dts)[1]).matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(union, [...engineCodes, "INSTANCE_FAILED"]);
  assert.match(readFileSync(packageFile("errors.js"), "utf8"), /"INSTANCE_FAILED"/);
});

for (const [code, [call, details, make = smallHospital]] of Object.entries(cases)) {
  test(`${code}: a HospitalError with details, and nothing changes`, () => {
    const h = make();
    const before = h.toSnapshot();
    const revision = h.revision;
    const expected = typeof details === "function" ? details(h) : details;
    const error = thrown(() => call(h));
    assert.ok(error instanceof HospitalError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "HospitalError");
    assert.equal(error.code, code);
    assert.equal(typeof error.message, "string");
    assert.ok(error.message.length > 0);
    assertJavaScriptWords(error.message, code);
    assert.deepEqual(error.details, expected);
    assert.equal(h.toSnapshot(), before);
    assert.equal(h.revision, revision);
    // The object keeps working.
    const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00", now: NOW });
    assert.equal(booked.status, "booked");
    assert.equal(h.revision, revision + 1);
  });
}

test("bad input of every kind is INVALID_INPUT naming the field, and the object keeps working", () => {
  const h = smallHospital();
  const before = h.toSnapshot();
  const calls = [
    [() => new Hospital({ slotMinutes: 7 }), "slotMinutes"],
    [() => new Hospital({ slotMinutes: "15" }), "slotMinutes"],
    [() => new Hospital({ tick: 1 }), "tick"],
    [() => h.addDoctor({ name: "", locations: ["A"], schedule: [] }), "name"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [{ days: ["monday"], start: "09:00", end: "10:00" }] }), "schedule[0].days[0]"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [{ days: ["mon"], start: "09:00", end: "25:00" }] }), "schedule[0].end"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [], extra: true }), "extra"],
    [() => h.addDoctor("Dr. X"), "doctor"],
    [() => h.addDoctor(), "doctor"],
    [() => h.getDoctor(42), "id"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: 15.5 }), "durationMinutes"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: NaN }), "durationMinutes"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: -15 }), "durationMinutes"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01 10:00" }), "start"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", patient: () => "p" }), "patient"],
    [() => h.book(JSON.parse('{"doctorId":"d1","location":"A","start":"2019-02-01T10:00","__proto__":{}}')), "__proto__"],
    [() => h.appointments("d1", { from: "yesterday" }), "from"],
    [() => h.appointments("d1", { status: "gone" }), "status"],
    [() => h.availableSlots("d1", { from: "2019-02-01" }), "to"],
    [() => h.availableSlots("d1", { from: "2019-01-01", to: "2020-12-31" }), "to"],
    [() => h.cancel("a1", { reason: "x".repeat(501) }), "reason"],
    [() => Hospital.fromSnapshot({}), "snapshot"],
    [() => Hospital.fromSnapshot("{}", { maxSnapshotBytes: "1MB" }), "maxSnapshotBytes"],
    [() => new Hospital({ maxSnapshotBytes: 1024 }), "maxSnapshotBytes"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", notes: 7 }), "notes"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", metadata: [1] }), "metadata"],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", metadata: { n: NaN } }), "metadata.n"],
    [() => h.updateAppointment("a1", { status: "booked" }), "status"],
    [() => h.updateAppointment("a1"), "patch"],
    [() => h.findAppointments({ from: "2019-02-01" }), "patient"],
    [() => h.findAppointments({ patient: "p1", limit: 0 }), "limit"],
    [() => h.findAppointments({ patient: "p1", after: "a404" }), "after"],
    [() => h.findAppointments(), "query"],
    [() => h.appointments("d1", { limit: 100_001 }), "limit"],
    [() => h.workingHours("d1", { from: "2019-02-01" }), "to"],
    [() => h.workingHours("d1", { from: "2019-02-01", to: "2020-02-03" }), "to"],
    [() => h.workingHours("d1"), "query"],
    [() => new Hospital({ minNoticeMinutes: -1 }), "minNoticeMinutes"],
    [() => new Hospital({ horizonDays: 0 }), "horizonDays"],
    [() => new Hospital({ preventPatientOverlap: "yes" }), "preventPatientOverlap"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [], overrides: [{ date: "2019-02-30", hours: [] }] }), "overrides[0].date"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [], timeOff: [{ start: "2019-02-01T12:00", end: "2019-02-01T11:00" }] }), "timeOff[0].end"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [{ days: ["mon"], start: "09:00", end: "10:00", locations: ["Z"] }] }), "schedule[0].locations[0]"],
    [() => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", ttlMinutes: 10 }), "now"],
    [() => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", now: "2019-02-01T09:00", ttlMinutes: 0 }), "ttlMinutes"],
    [() => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", now: "2019-02-01T09:00", ttlMinutes: 10081 }), "ttlMinutes"],
    [() => h.confirm("a1", {}), "now"],
    [() => h.reschedule("a1", { begin: "2019-02-01T13:00" }), "begin"],
    [() => h.findSlots({ from: "2019-02-01", to: "2019-03-04", limit: 10 }), "to"],
    [() => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 0 }), "limit"],
    [() => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 1001 }), "limit"],
    [() => h.findSlots({ from: "2019-02-01", to: "2019-02-01" }), "limit"],
    [() => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 1, doctorIds: Array.from({ length: 1001 }, (_, i) => `d${i}`) }), "doctorIds"],
    [() => h.explain({ doctorId: "d1", location: "A" }), "start"],
  ];
  for (const [call, field] of calls) {
    const error = thrown(call);
    assert.equal(error.code, "INVALID_INPUT", `${call}: ${error.message}`);
    assert.equal(error.details.field, field, `${call}: ${error.message}`);
    assert.ok(error.message.includes(field), error.message);
    assertJavaScriptWords(error.message, String(call));
  }
  assert.equal(h.toSnapshot(), before);
  assert.equal(h.getAppointment("a1").status, "booked");
});

test("objects passed in are not mutated", () => {
  const h = new Hospital();
  const doctor = { name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] };
  const request = { doctorId: "d1", location: "A", start: "2019-02-01T10:00" };
  const copies = [JSON.stringify(doctor), JSON.stringify(request)];
  h.addDoctor(doctor);
  h.book(request);
  assert.deepEqual([JSON.stringify(doctor), JSON.stringify(request)], copies);
});

test("HospitalError is a class the package exports: instanceof, name, code, details, cause", () => {
  const error = thrown(() => new Hospital().getAppointment("a1"));
  assert.ok(error instanceof HospitalError);
  assert.equal(Object.getPrototypeOf(error), HospitalError.prototype);
  assert.equal(Object.getPrototypeOf(HospitalError.prototype), Error.prototype);
  assert.equal(error.constructor, HospitalError);
  assert.ok(typeof error.stack === "string" && error.stack.length > 0);
  // Every way the package fails is this class: the engine's errors, the JS layer's own
  // (arguments, a freed Hospital) and the instance's failure (trap.test.mjs).
  for (const fail of [() => new Hospital({ slotMinutes: "15" }), () => Hospital.fromSnapshot(42), () => new Hospital().book(), () => {
    const h = new Hospital();
    h.free();
    h.revision;
  }]) {
    assert.ok(thrown(fail) instanceof HospitalError);
  }
  // A host can make one, to fail the same way.
  const own = new HospitalError("SLOT_TAKEN", "taken", { conflictingAppointmentId: "a1" }, { cause: error });
  assert.deepEqual([own.name, own.code, own.message, own.details, own.cause], ["HospitalError", "SLOT_TAKEN", "taken", { conflictingAppointmentId: "a1" }, error]);
  assert.deepEqual(new HospitalError("INTERNAL", "x").details, {});
  // Something else named HospitalError is not one.
  assert.ok(!(Object.assign(new Error("x"), { name: "HospitalError", code: "SLOT_TAKEN" }) instanceof HospitalError));
});

test("messages say what JavaScript value is wanted, in JavaScript's words", () => {
  const h = smallHospital();
  const cases = [
    // [call, field, what the message must say]
    // A Date is an instant: a hospital without a timeZone has wall-clock times only.
    [() => h.book({ doctorId: "d1", location: "A", start: new Date(Date.UTC(2019, 1, 1, 10)) }), "start", /2019-02-01T10:00:00Z is an instant, and this hospital has no timeZone/],
    [() => h.reschedule("a1", { start: new Date(0) }), "start", /is an instant, and this hospital has no timeZone/],
    [() => h.book({ doctorId: "d1", location: "A", start: new Date(NaN) }), "start", /an invalid Date/],
    [() => h.book({ doctorId: "d1", location: "A", start: 7 }), "start", /a string like 2025-03-09T09:00.*or a Date, not the number 7/],
    [() => h.confirm("a1"), "options", /\{ now \}/],
    [() => h.confirm("a1", null), "options", /\{ now \}/],
    [() => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", now: NOW }), "ttlMinutes", /missing/],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: 1.5 }), "durationMinutes", /a whole number/],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: "15" }), "durationMinutes", /a whole number.*not the string "15"/],
    [() => new Hospital({ slotMinutes: 15.5 }), "slotMinutes", /a whole number/],
    [() => new Hospital({ horizonDays: -1 }), "horizonDays", /a whole number/],
    [() => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 2.5 }), "limit", /a whole number/],
    [() => h.addDoctor({ name: "X", locations: "A", schedule: [] }), "locations", /an array/],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: {} }), "schedule", /an array/],
    [() => h.appointments("d1", { status: "gone" }), "status", /one of "active", "booked", "held", "cancelled", "expired", "all"/],
    [() => h.findAppointments({ patient: "p1", status: "open" }), "status", /one of "active", "booked", "held", "cancelled", "expired", "all"/],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [{ days: ["monday"], start: "09:00", end: "10:00" }] }), "schedule[0].days[0]", /one of "mon", "tue"/],
    [() => h.addDoctor({ name: 7, locations: ["A"], schedule: [] }), "name", /a string, not the number 7/],
    [() => h.addDoctor(), "doctor", /\{ name, locations, schedule \}/],
    [() => h.getDoctor(), "id", /a string, not undefined/],
    [() => h.getDoctor(new String("d1")), "id", /a string, not a String object/],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: new Number(15) }), "durationMinutes", /not a Number object/],
    [() => h.book({ doctorId: "d1", location: "A" }), "start", /missing/],
    [() => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", extra: 1 }), "extra", /unknown field "extra"; expected one of "doctorId"/],
    [() => h.updateAppointment("a1", { notes: 7 }), "notes", /a string/],
    [() => h.changesSince(-1), "revision", /a whole number/],
    [() => Hospital.fromSnapshot(new ArrayBuffer(8)), "snapshot", /text of toSnapshot\(\) or the bytes of toSnapshotBytes\(\)/],
  ];
  for (const [call, field, wanted] of cases) {
    const error = thrown(call);
    assert.ok(error instanceof HospitalError, String(call));
    assert.equal(error.code, "INVALID_INPUT", `${call}: ${error.message}`);
    assert.equal(error.details.field, field, `${call}: ${error.message}`);
    assert.match(error.message, wanted, String(call));
    assertJavaScriptWords(error.message, String(call));
  }
});

test("an enum given a value of another type says which strings it takes", () => {
  const h = smallHospital();
  for (const [call, field] of [
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [{ days: ["mon", 42], start: "09:00", end: "10:00" }] }), "schedule[0].days[1]"],
    [() => h.addDoctor({ name: "X", locations: ["A"], schedule: [{ days: ["mon", {}], start: "09:00", end: "10:00" }] }), "schedule[0].days[1]"],
    [() => h.findAppointments({ patient: "p1", status: 1 }), "status"],
    [() => h.applyChanges([{ op: 7, revision: 5 }]), "changes[0].op"],
  ]) {
    const error = thrown(call);
    assert.equal(error.details.field, field);
    assert.match(error.message, /one of "/, error.message);
    assert.doesNotMatch(error.message, /expected an object/, error.message);
  }
});
