// The whole API through the package as a user imports it: every method with real values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Hospital } from "dr-schedule";
import { smallHospital, thrown } from "./fixture.mjs";

test("require() and import give the same working class", () => {
  const require = createRequire(import.meta.url);
  const { Hospital: Required } = require("dr-schedule");
  assert.equal(Required, Hospital);
  assert.equal(new Required().revision, 0);
});

test("options are checked and kept in the snapshot", () => {
  const h = new Hospital({ slotMinutes: 30, defaultDurationMinutes: 60, timeZone: "Europe/Paris" });
  assert.deepEqual(JSON.parse(h.toSnapshot()).options, {
    slotMinutes: 30,
    defaultDurationMinutes: 60,
    timeZone: "Europe/Paris",
  });
  assert.deepEqual(JSON.parse(new Hospital().toSnapshot()).options, {
    slotMinutes: 15,
    defaultDurationMinutes: 15,
    timeZone: null,
  });
  assert.equal(new Hospital(undefined).revision, 0);
  assert.equal(new Hospital(null).revision, 0);
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
  assert.equal(parsed.version, 2);
  assert.equal(parsed.lastNow, null, "no call has passed a now yet");
  assert.deepEqual(parsed.appointments[0], h.getAppointment("a1"));
  assert.deepEqual(parsed.doctors[0], h.getDoctor("d1"));
});
