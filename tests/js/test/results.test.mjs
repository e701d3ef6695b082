// The exact objects the package returns, field by field, for a hospital without a time zone and
// one with zones (New York, and a clinic in Copenhagen): appointments with every optional part
// (a patient, a request id, notes, metadata, a hold's expiry, timestamps, a rescheduling trace
// across the change of the clocks and between zones, a cancellation), lists of them, doctors with
// every field, and the errors of `addDoctor`. tests/fixtures/results.json holds what the package
// returned when every rescheduling trace and every doctor still crossed the boundary as JSON text
// (commit 73d19aa): results now built from numbers, or in JavaScript, must stay equal to those,
// deep and strict (same keys, same order of keys, same values).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Hospital } from "dr-schedule";

const expected = JSON.parse(readFileSync(new URL("../../fixtures/results.json", import.meta.url), "utf8"));

/**
 * The history both hospitals go through, as [label, what the call returned or threw].
 */
function history(zoned) {
  const out = [];
  const call = (label, fn) => {
    try {
      out.push([label, fn()]);
    } catch (error) {
      out.push([label, { threw: { name: error.name, code: error.code, message: error.message, details: error.details } }]);
    }
  };
  const h = new Hospital({ slotMinutes: 15, ...(zoned ? { timeZone: "America/New_York", locationTimeZones: { "Ærø klinik": "Europe/Copenhagen" } } : {}) });
  const week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  call("addDoctor, an id assigned", () => h.addDoctor({ name: "Dr. Ada", locations: ["Main", "Ærø klinik"], schedule: [{ days: week, start: "00:00", end: "23:45" }] }));
  call("addDoctor, every field", () =>
    h.addDoctor({
      id: "grace.1",
      name: "Dr. Grace Hopper — ünïcode",
      locations: ["Main"],
      schedule: [{ days: ["mon", "wed"], start: "09:00", end: "12:00", locations: ["Main"] }, { days: ["fri"], start: "13:00", end: "17:00" }],
      overrides: [{ date: "2025-03-12", hours: [{ start: "10:00", end: "11:00" }] }, { date: "2025-03-14", hours: [] }],
      timeOff: [{ start: "2025-03-17T09:00", end: "2025-03-17T10:00", reason: "conference" }, { start: "2025-03-19T09:00", end: "2025-03-19T09:30" }],
    }),
  );
  call("addDoctor, keys in another order, empty optional lists", () =>
    h.addDoctor({ schedule: [{ end: "17:00", start: "09:00", days: ["tue"] }], timeOff: [], locations: ["Main"], overrides: [], name: "Dr. Order" }),
  );
  call("addDoctor, instants in time off, a rule's locations null", () =>
    h.addDoctor({ name: "Dr. Instant", locations: ["Main"], schedule: [{ days: ["tue"], start: "09:00", end: "17:00", locations: null }], timeOff: [{ start: "2025-03-17T09:00:00.000z", end: "2025-03-17T11:00:30+01:00", reason: undefined }] }),
  );
  call("addDoctor, a getter read once", () => {
    let reads = 0;
    const doctor = h.addDoctor({ get name() { reads += 1; return "Dr. Getter"; }, locations: ["Main"], schedule: [] });
    return { doctor, reads };
  });
  call("addDoctor, a duplicate id", () => h.addDoctor({ id: "grace.1", name: "x", locations: ["Main"], schedule: [] }));
  call("addDoctor, a bad schedule", () => h.addDoctor({ name: "x", locations: ["Main"], schedule: [{ days: ["mon"], start: "10:00", end: "09:00" }] }));
  call("addDoctor, an unknown field", () => h.addDoctor({ name: "x", locations: ["Main"], schedule: [], colour: "red" }));
  call("book, every field", () =>
    h.book({ doctorId: "d1", location: "Main", start: "2025-03-07T09:00", patient: "Zoë", requestId: "r1", notes: "first visit — ünïcode notes", metadata: { tags: ["x", 1, true, null], nested: { a: 1.5 } }, now: "2025-03-01T08:00" }),
  );
  call("book, plain", () => h.book({ doctorId: "d1", location: "Main", start: "2025-03-07T10:00" }));
  call("book, a named id", () => h.book({ id: "visit.1", doctorId: "d1", location: "Ærø klinik", start: "2025-03-07T11:00", durationMinutes: 30, patient: "p-2" }));
  call("reschedule, across the change of the clocks and to another location", () => h.reschedule("a2", { start: "2025-03-10T09:00", location: "Ærø klinik", now: "2025-03-02T08:00" }));
  call("reschedule, again, longer", () => h.reschedule("a2", { start: "2025-03-11T10:00", location: "Main", durationMinutes: 45 }));
  call("reschedule, with notes and metadata", () => h.reschedule("a1", { start: "2025-03-07T12:00", notes: "moved", metadata: { why: "asked" }, now: "2025-03-02T09:00" }));
  call("reschedule, a named id", () => h.reschedule("visit.1", { start: "2025-03-08T11:00" }));
  call("hold", () => h.hold({ doctorId: "d1", location: "Main", start: "2025-03-20T09:00", patient: "p-3", now: "2025-03-03T08:00", ttlMinutes: 30 }));
  call("reschedule a hold", () => h.reschedule("a3", { start: "2025-03-20T09:30", now: "2025-03-03T08:05" }));
  call("confirm", () => h.confirm("a3", { now: "2025-03-03T08:10" }));
  call("hold, to lapse", () => h.hold({ doctorId: "d1", location: "Main", start: "2025-03-21T09:00", now: "2025-03-03T08:00", ttlMinutes: 15 }));
  call("cancel", () => h.cancel("a1", { reason: "ill", now: "2025-03-04T08:00" }));
  call("book, the clock past the hold", () => h.book({ doctorId: "d1", location: "Main", start: "2025-03-22T09:00", now: "2025-03-05T08:00" }));
  call("updateAppointment", () => h.updateAppointment("a2", { patient: "p-9", notes: null, metadata: { k: [1, 2] } }));
  for (const id of ["a1", "a2", "visit.1", "a3", "a4"]) call(`getAppointment ${id}`, () => h.getAppointment(id));
  call("appointments, all", () => h.appointments("d1", { status: "all" }));
  call("appointments, paged", () => h.appointments("d1", { status: "all", limit: 2, after: "a2" }));
  call("findAppointments", () => h.findAppointments({ doctorId: "d1", status: "all" }));
  call("getDoctor", () => h.getDoctor("grace.1"));
  call("listDoctors", () => h.listDoctors());
  call("updateDoctor", () => h.updateDoctor("grace.1", { name: "Dr. G", timeOff: [] }));
  call("removeDoctor", () => h.removeDoctor("grace.1"));
  call("addDoctor, the id reused", () => h.addDoctor({ name: "Dr. New", locations: ["Main"], schedule: [{ days: ["mon"], start: "09:00", end: "17:00" }] }));
  call("revision", () => h.revision);
  return out;
}

for (const kind of ["floating", "zoned"]) {
  test(`every result of a ${kind} hospital is the object the JSON path gave, keys in the same order`, () => {
    const got = history(kind === "zoned");
    assert.deepEqual(got.map(([label]) => label), expected[kind].map(([label]) => label));
    for (const [i, [label, value]] of got.entries()) {
      const [, want] = expected[kind][i];
      assert.deepEqual(value, want, label);
      // deepEqual ignores the order of keys; the JSON text does not.
      assert.equal(JSON.stringify(value), JSON.stringify(want), label);
    }
  });
}
