// What the front desk asks every day, through the package as a user imports it: notes and
// metadata on appointments, changing them (updateAppointment), finding appointments across
// doctors by patient, location or doctor (findAppointments), a doctor's working hours on dates
// (workingHours), lapsed holds kept as expired history, and the size budget (maxSnapshotBytes,
// HOSPITAL_FULL) for every kind of change that grows a hospital. All of it persists through
// snapshots and change records.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital, HospitalError } from "dr-schedule";
import { ROW, assertJavaScriptWords, thrown } from "./fixture.mjs";

const FRIDAYS = [{ days: ["fri"], start: "09:00", end: "17:00" }];
const NOW = "2019-01-31T09:00";

/** Calls `fn`, which must throw `code`, and checks that nothing changed; returns the error. */
function refused(h, fn, code, details = undefined) {
  const snapshot = h.toSnapshot();
  const revision = h.revision;
  const error = thrown(fn);
  assert.ok(error instanceof HospitalError, String(error));
  assert.equal(error.code, code, error.message);
  assertJavaScriptWords(error.message, code);
  if (details !== undefined) assert.deepEqual(error.details, details);
  assert.equal(h.toSnapshot(), snapshot, "a failed call changed the snapshot");
  assert.equal(h.revision, revision, "a failed call changed the revision");
  return error;
}

/** A snapshot and the change records both rebuild `h` byte for byte. */
function assertPersists(h, options = {}) {
  const replayed = new Hospital(options);
  replayed.applyChanges(JSON.parse(JSON.stringify(h.changesSince(0))));
  assert.equal(replayed.toSnapshot(), h.toSnapshot());
  assert.equal(Hospital.fromSnapshot(h.toSnapshot()).toSnapshot(), h.toSnapshot());
  assert.equal(Hospital.fromSnapshot(h.toSnapshotBytes()).toSnapshot(), h.toSnapshot());
}

/** Two doctors at "North" and "South", Fridays 09:00-17:00. */
function clinic(options = undefined) {
  const h = new Hospital(options);
  h.addDoctor({ id: "ada", name: "Dr. Ada", locations: ["North", "South"], schedule: FRIDAYS });
  h.addDoctor({ id: "bo", name: "Dr. Bo", locations: ["South"], schedule: FRIDAYS });
  return h;
}

describe("notes and metadata", () => {
  test("set by book, hold and reschedule; returned, listed, kept in snapshots and change records", () => {
    const h = clinic();
    const booked = h.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", notes: "first visit\nbring the x-rays", metadata: { visit: "new", phone: "+1 555 0100", tags: ["a", 1] } });
    assert.equal(booked.notes, "first visit\nbring the x-rays");
    assert.deepEqual(booked.metadata, { visit: "new", phone: "+1 555 0100", tags: ["a", 1] });
    const held = h.hold({ doctorId: "bo", location: "South", start: "2019-02-01T09:00", now: NOW, ttlMinutes: 30, notes: "web checkout", metadata: { cart: "c-1" } });
    assert.deepEqual([held.notes, held.metadata], ["web checkout", { cart: "c-1" }]);
    // Moving without notes or metadata keeps them; naming them replaces them.
    assert.deepEqual(h.reschedule(booked.id, { start: "2019-02-01T09:30" }).metadata, booked.metadata);
    const moved = h.reschedule(booked.id, { start: "2019-02-01T10:00", notes: "moved", metadata: { visit: "moved" } });
    assert.deepEqual([moved.notes, moved.metadata], ["moved", { visit: "moved" }]);
    assert.deepEqual(h.appointments("ada")[0], moved);
    const [row] = JSON.parse(h.toSnapshot()).appointments;
    assert.equal(row[ROW.extras].notes, "moved");
    assert.deepEqual(row[ROW.extras].metadata, { visit: "moved" });
    const records = h.changesSince(0);
    assert.deepEqual(records[2].appointment.metadata, booked.metadata);
    assert.deepEqual(records[4], { op: "reschedule", revision: 5, id: booked.id, location: "North", start: "2019-02-01T09:30", durationMinutes: 15 });
    assert.deepEqual(records[5], { op: "reschedule", revision: 6, id: booked.id, location: "North", start: "2019-02-01T10:00", durationMinutes: 15, notes: "moved", metadata: { visit: "moved" } });
    assertPersists(h);
  });

  test("metadata keeps its keys in order, and the same object always gives the same snapshot", () => {
    const a = clinic();
    const b = clinic();
    a.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", metadata: { z: 1, a: { y: [1, 2], b: null } } });
    b.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", metadata: JSON.parse('{"z":1,"a":{"y":[1,2],"b":null}}') });
    assert.equal(a.toSnapshot(), b.toSnapshot());
    assert.equal(JSON.stringify(a.getAppointment("a1").metadata), '{"z":1,"a":{"y":[1,2],"b":null}}');
  });
});

describe("updateAppointment", () => {
  test("each field given replaces the appointment's, null clears it, whatever its status", () => {
    const h = clinic();
    const a = h.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", patient: "p-1" });
    const updated = h.updateAppointment(a.id, { notes: "call back", metadata: { visit: "follow-up" } });
    assert.deepEqual(updated, { ...a, notes: "call back", metadata: { visit: "follow-up" } });
    assert.equal(h.revision, 4);
    assert.deepEqual(h.updateAppointment(a.id, { patient: "p-2" }), { ...updated, patient: "p-2" });
    const cleared = h.updateAppointment(a.id, { patient: null, notes: null, metadata: null });
    const { patient, ...withoutPatient } = a;
    assert.equal(patient, "p-1");
    assert.deepEqual(cleared, withoutPatient);
    // A cancelled appointment's notes can still change: history carries the why.
    h.cancel(a.id, { reason: "ill" });
    assert.equal(h.updateAppointment(a.id, { notes: "called on Monday" }).notes, "called on Monday");
    assert.equal(h.getAppointment(a.id).status, "cancelled");
    assert.deepEqual(h.changesSince(4).map((c) => c.op), ["updateAppointment", "updateAppointment", "cancel", "updateAppointment"]);
    assert.deepEqual(h.changesSince(5)[0], { op: "updateAppointment", revision: 6, id: a.id, patient: null, notes: null, metadata: null });
    assertPersists(h);
  });

  test("a patch that changes nothing is no mutation; {} is one too", () => {
    const h = clinic();
    const a = h.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", notes: "n" });
    const revision = h.revision;
    assert.deepEqual(h.updateAppointment(a.id, { notes: "n" }), a);
    assert.deepEqual(h.updateAppointment(a.id, {}), a);
    assert.deepEqual(h.updateAppointment(a.id, { metadata: null }), a);
    assert.equal(h.revision, revision);
  });

  test("with preventPatientOverlap, a new patient of a booked appointment must be free then", () => {
    const h = clinic({ preventPatientOverlap: true });
    h.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", patient: "p-1" });
    const other = h.book({ doctorId: "bo", location: "South", start: "2019-02-01T09:00", patient: "p-2" });
    refused(h, () => h.updateAppointment(other.id, { patient: "p-1" }), "PATIENT_BUSY", { conflictingAppointmentId: "a1", patient: "p-1" });
    // Once cancelled, it holds no time: any patient.
    h.cancel(other.id);
    assert.equal(h.updateAppointment(other.id, { patient: "p-1" }).patient, "p-1");
  });
});

describe("findAppointments", () => {
  /** p-1 at both doctors and both locations; p-2 once; one cancelled, one held. */
  function busy() {
    const h = clinic();
    h.book({ doctorId: "ada", location: "North", start: "2019-02-08T09:00", patient: "p-1" }); // a1
    h.book({ doctorId: "bo", location: "South", start: "2019-02-01T10:00", patient: "p-1" }); // a2
    h.book({ doctorId: "ada", location: "South", start: "2019-02-01T10:00", patient: "p-2" }); // a3
    h.book({ doctorId: "ada", location: "North", start: "2019-02-01T09:00", patient: "p-1" }); // a4
    h.cancel(h.book({ doctorId: "bo", location: "South", start: "2019-02-15T09:00", patient: "p-1" }).id); // a5
    h.hold({ doctorId: "bo", location: "South", start: "2019-02-22T09:00", patient: "p-1", now: NOW, ttlMinutes: 10 }); // a6
    return h;
  }
  const ids = (list) => list.map((a) => a.id);

  test("by patient, location or doctor, across doctors, by start then booking order", () => {
    const h = busy();
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1" })), ["a4", "a2", "a1", "a6"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", status: "all" })), ["a4", "a2", "a1", "a5", "a6"]);
    assert.deepEqual(ids(h.findAppointments({ location: "South" })), ["a2", "a3", "a6"]);
    assert.deepEqual(ids(h.findAppointments({ doctorId: "ada" })), ["a4", "a3", "a1"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", location: "North" })), ["a4", "a1"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", doctorId: "bo", status: "all" })), ["a2", "a5", "a6"]);
    assert.deepEqual(ids(h.findAppointments({ location: "South", doctorId: "ada" })), ["a3"]);
    assert.deepEqual(h.findAppointments({ patient: "p-1" })[0], h.getAppointment("a4"));
  });

  test("windows, statuses and a now, as appointments() takes them", () => {
    const h = busy();
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", from: "2019-02-01T10:00", to: "2019-02-08" })), ["a2", "a1"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", to: "2019-02-01T10:00" })), ["a4"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", status: "cancelled" })), ["a5"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", status: "held" })), ["a6"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", status: "held", now: "2019-01-31T09:10" })), []);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", status: "expired", now: "2019-01-31T09:10" })), ["a6"]);
    assert.deepEqual(ids(h.findAppointments({ patient: "p-1", status: "booked" })), ["a4", "a2", "a1"]);
  });

  test("pages: limit, then after the last one seen; each appointment exactly once", () => {
    const h = clinic();
    const fridays = ["2019-02-01", "2019-02-08", "2019-02-15", "2019-02-22", "2019-03-01"];
    for (let i = 0; i < 40; i += 1) {
      const start = `${fridays[Math.floor(i / 8)]}T${String(9 + (i % 8)).padStart(2, "0")}:00`;
      h.book({ doctorId: i % 2 ? "ada" : "bo", location: "South", start, patient: "p-1" });
    }
    const all = ids(h.findAppointments({ patient: "p-1" }));
    assert.equal(all.length, 40);
    const seen = [];
    for (let after; ; ) {
      const page = h.findAppointments({ patient: "p-1", limit: 7, ...(after ? { after } : {}) });
      seen.push(...ids(page));
      if (page.length < 7) break;
      after = page.at(-1).id;
    }
    assert.deepEqual(seen, all);
    const pages = [];
    for (let after; ; ) {
      const page = h.appointments("ada", { limit: 6, ...(after ? { after } : {}) });
      pages.push(...ids(page));
      if (page.length < 6) break;
      after = page.at(-1).id;
    }
    assert.deepEqual(pages, ids(h.appointments("ada")));
    refused(h, () => h.findAppointments({ patient: "p-1", after: "a404" }), "INVALID_INPUT", { field: "after" });
  });

  test("a location no doctor has finds nothing; a query needs a patient, a location or a doctor", () => {
    const h = busy();
    assert.deepEqual(h.findAppointments({ location: "Nowhere" }), []);
    assert.deepEqual(h.findAppointments({ patient: "p-9" }), []);
    refused(h, () => h.findAppointments({ from: "2019-02-01" }), "INVALID_INPUT", { field: "patient" });
    refused(h, () => h.findAppointments({ doctorId: "nobody" }), "DOCTOR_NOT_FOUND", { doctorId: "nobody" });
  });
});

describe("workingHours", () => {
  test("the open blocks per date and location, after weekly rules, overrides and time off", () => {
    const h = new Hospital();
    h.addDoctor({
      name: "Dr. Ada",
      locations: ["North", "South"],
      schedule: [
        { days: ["mon"], start: "09:00", end: "12:00" },
        { days: ["mon"], start: "12:00", end: "17:00", locations: ["South"] },
      ],
      overrides: [{ date: "2019-02-11", hours: [{ start: "14:00", end: "16:00", locations: ["North"] }] }, { date: "2019-02-18", hours: [] }],
      timeOff: [{ start: "2019-02-04T10:00", end: "2019-02-04T10:30", reason: "meeting" }],
    });
    const block = (date, location, start, end) => ({ date, location, start: `${date}T${start}`, end: `${date}T${end}` });
    // 2019-02-04 is a Monday.
    assert.deepEqual(h.workingHours("d1", { from: "2019-02-04", to: "2019-02-05" }), [
      block("2019-02-04", "North", "09:00", "10:00"),
      block("2019-02-04", "South", "09:00", "10:00"),
      block("2019-02-04", "North", "10:30", "12:00"),
      block("2019-02-04", "South", "10:30", "17:00"),
    ]);
    assert.deepEqual(h.workingHours("d1", { from: "2019-02-11", to: "2019-02-11" }), [block("2019-02-11", "North", "14:00", "16:00")]);
    assert.deepEqual(h.workingHours("d1", { from: "2019-02-18", to: "2019-02-18" }), []);
    assert.deepEqual(h.workingHours("d1", { from: "2019-02-04", to: "2019-02-04", location: "South" }), [
      block("2019-02-04", "South", "09:00", "10:00"),
      block("2019-02-04", "South", "10:30", "17:00"),
    ]);
    // As the booking rules see them: a booking fits inside a block, and only there.
    for (const { location, start } of h.workingHours("d1", { from: "2019-02-04", to: "2019-02-25" })) {
      assert.deepEqual(h.explain({ doctorId: "d1", location, start }), [], `${location} ${start}`);
    }
    assert.equal(h.explain({ doctorId: "d1", location: "North", start: "2019-02-04T12:00" })[0].code, "OUTSIDE_HOURS");
  });

  test("explain's and book's OUTSIDE_HOURS name the doctor's blocks that date, as workingHours gives them", () => {
    const h = new Hospital();
    h.addDoctor({
      name: "Dr. Ada",
      locations: ["North", "South"],
      schedule: [{ days: ["mon"], start: "09:00", end: "12:00", locations: ["North"] }, { days: ["mon"], start: "13:00", end: "17:00" }],
      timeOff: [{ start: "2019-02-04T14:00", end: "2019-02-04T15:00", reason: "meeting" }],
    });
    const day = h.workingHours("d1", { from: "2019-02-04", to: "2019-02-04" });
    assert.equal(day.length, 5);
    const cases = [
      ["North", "2019-02-04T12:00", undefined],
      ["South", "2019-02-04T10:00", "notServedThere"],
      ["North", "2019-02-04T14:00", "timeOff"],
    ];
    for (const [location, start, reason] of cases) {
      const [problem] = h.explain({ doctorId: "d1", location, start });
      assert.equal(problem.code, "OUTSIDE_HOURS", `${location} ${start}`);
      assert.equal(problem.details.reason, reason);
      assert.deepEqual(problem.details.hours, day, `${location} ${start}`);
      const error = refused(h, () => h.book({ doctorId: "d1", location, start }), "OUTSIDE_HOURS");
      assert.deepEqual(error.details.hours, day);
    }
    // A day off: the doctor's hours that date are none.
    const [sunday] = h.explain({ doctorId: "d1", location: "North", start: "2019-02-03T10:00" });
    assert.deepEqual(sunday.details, { doctorId: "d1", hours: [] });
  });

  test("bounded: from to to, both included, at most 366 dates; an unknown location or doctor is refused", () => {
    const h = clinic();
    assert.equal(h.workingHours("ada", { from: "2019-01-01", to: "2020-01-01" }).length, 2 * 52);
    refused(h, () => h.workingHours("ada", { from: "2019-01-01", to: "2020-01-02" }), "INVALID_INPUT", { field: "to" });
    refused(h, () => h.workingHours("ada", { from: "2019-02-02", to: "2019-02-01" }), "INVALID_INPUT", { field: "to" });
    refused(h, () => h.workingHours("ada", { from: "2019-02-01", to: "2019-02-01", location: "East" }), "LOCATION_NOT_SERVED", { doctorId: "ada", location: "East" });
    refused(h, () => h.workingHours("nobody", { from: "2019-02-01", to: "2019-02-01" }), "DOCTOR_NOT_FOUND", { doctorId: "nobody" });
  });
});

describe("the size budget: maxSnapshotBytes and HOSPITAL_FULL", () => {
  /** A hospital with a 16 KiB budget, about 12 KiB full. */
  function nearlyFull() {
    const h = new Hospital({ maxSnapshotBytes: 16 * 1024 });
    h.addDoctor({ id: "ada", name: "Dr. Ada", locations: ["North"], schedule: FRIDAYS });
    for (let i = 0; h.snapshotBytes < 12 * 1024; i += 1) {
      h.book({ doctorId: "ada", location: "North", start: `2019-02-01T${String(9 + Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}`, notes: "n".repeat(1000) });
    }
    return h;
  }
  const long = (n) => "x".repeat(n);
  const GROWING = [
    ["addDoctor", (h) => h.addDoctor({ name: long(200), locations: Array.from({ length: 30 }, (_, i) => `${i} ${long(190)}`), schedule: [] })],
    ["updateDoctor: locations", (h) => h.updateDoctor("ada", { locations: ["North", ...Array.from({ length: 30 }, (_, i) => `${i} ${long(190)}`)] })],
    ["updateDoctor: overrides", (h) => h.updateDoctor("ada", { overrides: Array.from({ length: 200 }, (_, i) => ({ date: `2020-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + Math.floor(i / 12)).padStart(2, "0")}`, hours: [] })) })],
    ["updateDoctor: time off", (h) => h.updateDoctor("ada", { timeOff: Array.from({ length: 20 }, (_, i) => ({ start: `2020-01-${String(i + 1).padStart(2, "0")}T09:00`, end: `2020-01-${String(i + 1).padStart(2, "0")}T10:00`, reason: long(400) })) })],
    ["book", (h) => h.book({ doctorId: "ada", location: "North", start: "2019-02-08T09:00", notes: long(2000), metadata: { a: long(2000) } })],
    ["hold", (h) => h.hold({ doctorId: "ada", location: "North", start: "2019-02-08T09:00", now: NOW, ttlMinutes: 10, notes: long(2000), metadata: { a: long(2000) } })],
    ["updateAppointment: notes", (h) => h.updateAppointment("a1", { notes: long(2000), metadata: { a: long(4000) } })],
    ["updateAppointment: metadata", (h) => h.updateAppointment("a2", { metadata: { a: long(4000) } })],
    ["reschedule with notes", (h) => h.reschedule("a1", { start: "2019-02-08T09:00", notes: long(2000), metadata: { a: long(4000) } })],
    ["cancel with a reason, many times", (h) => { for (let i = 1; i <= 20; i += 1) h.cancel(`a${i}`, { reason: long(500) }); }],
  ];
  for (const [what, grow] of GROWING) {
    test(`${what}: refused past the limit with HOSPITAL_FULL, and nothing changes`, () => {
      const h = nearlyFull();
      const snapshot = h.toSnapshot();
      const bytes = h.snapshotBytes;
      const error = thrown(() => grow(h));
      assert.ok(error instanceof HospitalError, String(error));
      assert.equal(error.code, "HOSPITAL_FULL", error.message);
      assert.equal(error.details.limitOf, "snapshotBytes");
      assert.equal(error.details.limit, 16 * 1024);
      assert.ok(error.details.current + error.details.requested > error.details.limit, JSON.stringify(error.details));
      assert.match(error.message, /maxSnapshotBytes/);
      // A batch of cancels stops at the one that does not fit; everything before it stays: each
      // cancel is its own call. Any other refusal changes nothing at all.
      if (!what.startsWith("cancel")) {
        assert.equal(h.toSnapshot(), snapshot);
        assert.equal(h.snapshotBytes, bytes);
      }
      assert.ok(h.snapshotBytes <= 16 * 1024);
      assert.ok(new TextEncoder().encode(h.toSnapshot()).length <= 16 * 1024);
    });
  }
  test("what does not grow it always works: removing, cancelling without a reason, clearing notes", () => {
    const h = nearlyFull();
    const before = h.snapshotBytes;
    h.updateAppointment("a1", { notes: null });
    h.cancel("a2");
    assert.ok(h.snapshotBytes < before);
    h.removeDoctor("ada", { cancelAppointments: true });
    assert.equal(h.appointmentCount, 0);
    // With the room back, it grows again.
    h.addDoctor({ name: "Dr. Bo", locations: ["South"], schedule: FRIDAYS });
  });
  test("the budget is an option kept in snapshots, and change records replay under it, all or nothing", () => {
    const h = nearlyFull();
    assert.equal(JSON.parse(h.toSnapshot()).options.maxSnapshotBytes, 16 * 1024);
    assertPersists(h, { maxSnapshotBytes: 16 * 1024 });
    // Records of a roomier hospital that grew past 16 KiB do not replay into a 16 KiB one.
    const roomy = Hospital.fromSnapshot(h.toSnapshot(), { maxSnapshotBytes: 64 * 1024 });
    const from = roomy.revision;
    roomy.book({ doctorId: "ada", location: "North", start: "2019-02-08T09:00", notes: long(2000), metadata: { a: long(2000) } });
    roomy.book({ doctorId: "ada", location: "North", start: "2019-02-08T10:00", notes: long(2000), metadata: { a: long(2000) } });
    refused(h, () => h.applyChanges(roomy.changesSince(from)), "HOSPITAL_FULL");
  });
});
