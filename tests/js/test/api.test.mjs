// The whole API through the package as a user imports it: every method with real values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Hospital, HospitalError } from "dr-schedule";
import { rowAppointment, smallHospital, thrown } from "./fixture.mjs";

test("require() and import give the same working class, and the same HospitalError", () => {
  const require = createRequire(import.meta.url);
  const { Hospital: Required, HospitalError: RequiredError } = require("dr-schedule");
  assert.equal(Required, Hospital);
  assert.equal(RequiredError, HospitalError);
  assert.equal(new Required().revision, 0);
});

test("options are checked and kept in the snapshot; hospital.options reads them back", () => {
  const h = new Hospital({ slotMinutes: 30, defaultDurationMinutes: 60, timeZone: "Europe/Paris" });
  const options = { slotMinutes: 30, defaultDurationMinutes: 60, timeZone: "Europe/Paris", maxSnapshotBytes: 128 * 1024 * 1024 };
  assert.deepEqual(JSON.parse(h.toSnapshot()).options, options);
  assert.deepEqual(h.options, options);
  const defaults = { slotMinutes: 15, defaultDurationMinutes: 15, timeZone: null, maxSnapshotBytes: 128 * 1024 * 1024 };
  assert.deepEqual(JSON.parse(new Hospital().toSnapshot()).options, defaults);
  assert.deepEqual(new Hospital().options, defaults);
  // The time rules are there when set.
  const timed = new Hospital({ minNoticeMinutes: 0, horizonDays: 30, preventPatientOverlap: true, maxSnapshotBytes: 1 << 20 });
  assert.deepEqual(timed.options, { ...defaults, minNoticeMinutes: 0, horizonDays: 30, preventPatientOverlap: true, maxSnapshotBytes: 1 << 20 });
  assert.equal(new Hospital(undefined).revision, 0);
  assert.equal(new Hospital(null).revision, 0);
});

test("counts without listing: doctorCount, appointmentCount, snapshotBytes", () => {
  const empty = new Hospital();
  assert.deepEqual([empty.doctorCount, empty.appointmentCount], [0, 0]);
  const h = smallHospital();
  assert.equal(h.doctorCount, 1);
  // Every status counts: a1 booked, a2 cancelled.
  assert.equal(h.appointmentCount, 2);
  // snapshotBytes bounds the snapshot's length (its counters counted at their longest).
  const length = new TextEncoder().encode(h.toSnapshot()).length;
  assert.ok(h.snapshotBytes >= length && h.snapshotBytes < length + 200, `${h.snapshotBytes} for ${length}`);
  const before = h.snapshotBytes;
  h.updateAppointment("a1", { notes: "x".repeat(100) });
  assert.ok(h.snapshotBytes >= before + 100);
  h.removeDoctor("d1", { cancelAppointments: true });
  assert.deepEqual([h.doctorCount, h.appointmentCount], [0, 0]);
  assert.ok(h.snapshotBytes < before);
});

test("doctors: add, get, list in insertion order, update, remove", () => {
  const h = new Hospital();
  const schedule = [{ days: ["mon", "tue"], start: "09:00", end: "17:00" }];
  const ada = h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule });
  assert.deepEqual(ada, { id: "d1", name: "Dr. Ada", locations: ["A"], schedule });
  h.addDoctor({ id: "zed", name: "Dr. Zed", locations: ["B"], schedule: [] });
  h.addDoctor({ name: "Dr. Bo", locations: ["C"], schedule: [] });
  assert.deepEqual(h.listDoctors().map((d) => d.id), ["d1", "zed", "d2"]);
  assert.deepEqual(h.getDoctor("zed").locations, ["B"]);
  const renamed = h.updateDoctor("zed", { name: "Dr. Zed Jr." });
  assert.equal(renamed.name, "Dr. Zed Jr.");
  assert.deepEqual(renamed.locations, ["B"]);
  assert.deepEqual(h.removeDoctor("zed"), renamed);
  assert.equal(thrown(() => h.getDoctor("zed")).code, "DOCTOR_NOT_FOUND");
  assert.equal(h.revision, 5);
});

test("book, get, list, cancel, and the slots they free", () => {
  const h = smallHospital();
  const a1 = h.getAppointment("a1");
  assert.deepEqual(a1, {
    id: "a1",
    doctorId: "d1",
    location: "A",
    start: "2019-02-01T11:00",
    end: "2019-02-01T11:15",
    durationMinutes: 15,
    patient: "p1",
    requestId: "r1",
    status: "booked",
  });
  assert.equal(Object.getPrototypeOf(a1), Object.prototype);
  const long = h.book({ doctorId: "d1", location: "B", start: "2019-02-01T11:15", durationMinutes: 45, id: "visit-1" });
  assert.equal(long.end, "2019-02-01T12:00");
  assert.deepEqual(h.appointments("d1").map((a) => a.id), ["a1", "visit-1"]);
  assert.deepEqual(h.appointments("d1", { status: "cancelled" }).map((a) => a.id), ["a2"]);
  assert.deepEqual(h.appointments("d1", { status: "all" }).map((a) => a.id), ["a1", "visit-1", "a2"]);
  assert.deepEqual(h.appointments("d1", { from: "2019-02-01T11:15", to: "2019-02-01T12:00" }).map((a) => a.id), ["visit-1"]);
  assert.deepEqual(h.appointments("d1", { from: "2019-02-02" }), []);
  assert.deepEqual(h.availableSlots("d1", { from: "2019-02-01T10:30", to: "2019-02-01T12:30" }), [
    "2019-02-01T10:30",
    "2019-02-01T10:45",
    "2019-02-01T12:00",
    "2019-02-01T12:15",
  ]);
  assert.deepEqual(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", durationMinutes: 60, location: "B", limit: 2 }), [
    "2019-02-01T09:00",
    "2019-02-01T09:15",
  ]);
  const cancelled = h.cancel("visit-1", { reason: "moved" });
  assert.equal(cancelled.status, "cancelled");
  assert.equal(cancelled.cancelReason, "moved");
  assert.ok(h.availableSlots("d1", { from: "2019-02-01T11:15", to: "2019-02-01T11:30" }).includes("2019-02-01T11:15"));
});

test("a retried request returns the first appointment without booking again", () => {
  const h = smallHospital();
  const revision = h.revision;
  const again = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", requestId: "r1", patient: "p1" });
  assert.equal(again.id, "a1");
  assert.equal(h.revision, revision);
});

test("updateDoctor and removeDoctor with cancelAppointments cancel exactly what is in the way", () => {
  const h = smallHospital();
  h.book({ doctorId: "d1", location: "B", start: "2019-02-01T15:00" });
  const error = thrown(() => h.updateDoctor("d1", { locations: ["A"] }));
  assert.equal(error.code, "HAS_APPOINTMENTS");
  assert.deepEqual(error.details.appointmentIds, ["a3"]);
  h.updateDoctor("d1", { locations: ["A"] }, { cancelAppointments: true });
  assert.equal(h.getAppointment("a3").status, "cancelled");
  assert.equal(h.getAppointment("a1").status, "booked");
  h.removeDoctor("d1", { cancelAppointments: true });
  assert.equal(thrown(() => h.getAppointment("a1")).code, "APPOINTMENT_NOT_FOUND");
});

test("snapshots round-trip byte for byte and keep the revision", () => {
  const h = smallHospital();
  const snapshot = h.toSnapshot();
  const restored = Hospital.fromSnapshot(snapshot);
  assert.equal(restored.toSnapshot(), snapshot);
  assert.equal(restored.revision, h.revision);
  assert.equal(restored.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00" }).id, "a3");
  const parsed = JSON.parse(snapshot);
  assert.equal(parsed.format, "dr-schedule");
  assert.equal(parsed.version, 4);
  assert.equal(parsed.lastNow, null, "no call has passed a now yet");
  // Appointments are rows: [id, doctorId, location, start, durationMinutes, status, patient, extras?].
  assert.deepEqual(parsed.appointments[0], ["a1", "d1", "A", "2019-02-01T11:00", 15, "booked", "p1", { requestId: "r1" }]);
  assert.deepEqual(rowAppointment(parsed.appointments[0]), h.getAppointment("a1"));
  assert.deepEqual(parsed.doctors[0], h.getDoctor("d1"));
  // One record per line: the header, each doctor, each appointment.
  assert.deepEqual(snapshot.split("\n").map((line) => line.slice(0, 12)), [
    '{"format":"d',
    '{"id":"d1","',
    '],"appointme',
    '["a1","d1","',
    ',["a2","d1",',
    "]}",
  ]);
});

test("toSnapshotBytes() is the UTF-8 of toSnapshot(); fromSnapshot takes either", () => {
  const h = smallHospital();
  h.addDoctor({ name: "Dr. Zoë 😀", locations: ["Café"], schedule: [] });
  const bytes = h.toSnapshotBytes();
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
  assert.deepEqual(bytes, new TextEncoder().encode(h.toSnapshot()));
  // A copy of its own: the hospital's later changes do not show in it.
  const copy = bytes.slice();
  h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00" });
  assert.deepEqual(bytes, copy);
  const fromBytes = Hospital.fromSnapshot(bytes);
  const fromText = Hospital.fromSnapshot(new TextDecoder().decode(bytes));
  assert.equal(fromBytes.toSnapshot(), fromText.toSnapshot());
  assert.equal(fromBytes.getDoctor("d2").name, "Dr. Zoë 😀");
  assert.equal(fromBytes.revision, h.revision - 1);
});

test("free() and using: a freed hospital refuses every call; freeing twice is harmless", () => {
  const h = smallHospital();
  h.free();
  h.free();
  for (const call of [() => h.revision, () => h.listDoctors(), () => h.toSnapshot(), () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00" })]) {
    const error = thrown(call);
    assert.ok(error instanceof HospitalError);
    assert.equal(error.code, "INVALID_INPUT");
    assert.deepEqual(error.details, { field: "this" });
  }
  // What `using h = …` calls at the end of its block (Node 20 has Symbol.dispose but not the
  // syntax: Deno, Bun and TypeScript's output run a real `using` in runtimes/ and types.test.mjs).
  assert.equal(typeof Symbol.dispose, "symbol");
  assert.equal(Hospital.prototype[Symbol.dispose], Hospital.prototype.free);
  const disposed = smallHospital();
  disposed[Symbol.dispose]();
  assert.deepEqual(thrown(() => disposed.revision).details, { field: "this" });
});

test("actor: recorded in the change records of the changes made while it is set", () => {
  const h = smallHospital();
  assert.equal(h.actor, null);
  h.actor = "key_7f3a";
  assert.equal(h.actor, "key_7f3a");
  h.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00" });
  h.actor = null;
  h.cancel("a3");
  const [booked, cancelled] = h.changesSince(4);
  assert.equal(booked.actor, "key_7f3a");
  assert.equal(Object.hasOwn(cancelled, "actor"), false);
  // Not part of the hospital: not in its snapshot, and the revision did not move.
  assert.equal(h.revision, 6);
  assert.ok(!h.toSnapshot().includes("key_7f3a"));
  // A replay keeps the actor of each record.
  const replica = new Hospital();
  replica.applyChanges(h.changesSince(0));
  assert.deepEqual(replica.changesSince(0), h.changesSince(0));
  assert.equal(replica.actor, null);
});
