// Snapshots of hospitals with time zones (format version 4): the golden fixture, written once by
// `v4History` below with the package, must keep loading byte for byte; the older fixtures still
// load (scheduling.test.mjs, "snapshots").
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { goldenSnapshot } from "./fixture.mjs";

/**
 * The history of tests/fixtures/snapshot-v4.json: a New York hospital with a Chicago clinic,
 * appointments on both 2025 changes of the clocks (the repeated 01:30 twice, each with its
 * offset), a reschedule across zones' repeated hours, a hold, a cancellation, and `now` as a
 * wall clock, an instant and a Date. Never rewrite the fixture once released.
 */
export function v4History() {
  const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York", locationTimeZones: { "Chicago clinic": "America/Chicago" }, minNoticeMinutes: 0 });
  h.addDoctor({ id: "night", name: "Dr. Night", locations: ["Main St", "Chicago clinic"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }], timeOff: [{ start: "2025-03-16T00:00", end: "2025-03-16T06:00", reason: "conference" }] });
  h.book({ doctorId: "night", location: "Main St", start: "2025-03-09T01:30", durationMinutes: 60, patient: "p-1", now: "2025-03-01T09:00" });
  h.book({ doctorId: "night", location: "Main St", start: "2025-11-02T01:30:00-04:00", requestId: "r-1", now: new Date(Date.UTC(2025, 9, 1, 12)) });
  h.book({ doctorId: "night", location: "Main St", start: "2025-11-02T01:30:00-05:00", patient: "p-2", now: "2025-10-01T12:05:00Z" });
  const moved = h.book({ doctorId: "night", location: "Chicago clinic", start: "2025-11-02T01:00:00-05:00", notes: "first visit", now: "2025-10-02T08:00" });
  h.reschedule(moved.id, { start: "2025-11-02T01:00:00-06:00", now: "2025-10-03T08:00" });
  h.hold({ doctorId: "night", location: "Main St", start: "2025-11-02T03:00", now: "2025-10-04T10:00", ttlMinutes: 30 });
  h.cancel(h.book({ doctorId: "night", location: "Main St", start: "2025-11-02T04:00", now: "2025-10-04T10:05" }).id, { reason: "ill", now: "2025-10-04T10:10" });
  return h;
}

test("the version 4 golden fixture loads byte for byte, and is what its history writes", () => {
  const fixture = goldenSnapshot(4).replace(/\n$/, "");
  const h = Hospital.fromSnapshot(fixture);
  assert.equal(h.toSnapshot(), fixture);
  assert.equal(Hospital.fromSnapshot(new TextEncoder().encode(fixture)).toSnapshot(), fixture);
  assert.equal(v4History().toSnapshot(), fixture);
  assert.deepEqual(h.options.locationTimeZones, { "Chicago clinic": "America/Chicago" });
  const [a1, a2, a3, a4] = ["a1", "a2", "a3", "a4"].map((id) => h.getAppointment(id));
  assert.deepEqual([a1.start, a1.end, a1.startUtc, a1.endUtc], ["2025-03-09T01:30", "2025-03-09T03:30", "2025-03-09T06:30:00Z", "2025-03-09T07:30:00Z"]);
  assert.deepEqual([a2.startUtc, a3.startUtc], ["2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z"]);
  assert.equal(a4.startUtc, "2025-11-02T07:00:00Z");
  assert.deepEqual([a4.createdAt, a4.updatedAt], ["2025-10-02T12:00:00Z", "2025-10-03T12:00:00Z"]);
  assert.equal(h.getAppointment("a5").holdExpires, "2025-10-04T14:30:00Z");
});

test("a zoned snapshot's repeated times keep their offsets: the second 01:30 is still free after a load", () => {
  const h = Hospital.fromSnapshot(goldenSnapshot(4));
  // 30-minute slots: 01:30-02:00 is booked both times (a2 at -04:00, a3 at -05:00).
  const free = h.availableSlots("night", { from: "2025-11-02T01:00", to: "2025-11-02T02:00", now: "2025-10-05T00:00:00Z" });
  assert.deepEqual(free, ["2025-11-02T01:00:00-04:00", "2025-11-02T01:00:00-05:00"]);
});

test("fromSnapshot(s, { timeZone }) reads an older snapshot's floating times in a zone; a zoned one must name its own", () => {
  const v3 = goldenSnapshot(3);
  const floating = Hospital.fromSnapshot(v3);
  assert.equal(floating.options.timeZone, null);
  const berlin = Hospital.fromSnapshot(v3, { timeZone: "Europe/Berlin" });
  assert.equal(berlin.options.timeZone, "Europe/Berlin");
  const [first] = floating.findAppointments({ location: floating.listDoctors()[0].locations[0], status: "all", limit: 1 });
  const same = berlin.getAppointment(first.id);
  assert.equal(same.start, first.start, "the wall clock is kept");
  assert.equal(typeof same.startUtc, "string");
  assert.equal(Hospital.fromSnapshot(berlin.toSnapshot()).toSnapshot(), berlin.toSnapshot());
  assert.throws(() => Hospital.fromSnapshot(goldenSnapshot(4), { timeZone: "Europe/Paris" }), { code: "INVALID_SNAPSHOT", details: { path: "options.timeZone" } });
  assert.equal(Hospital.fromSnapshot(goldenSnapshot(4), { timeZone: "America/New_York" }).toSnapshot(), goldenSnapshot(4).replace(/\n$/, ""));
  assert.throws(() => Hospital.fromSnapshot(v3, { timeZone: "Mars/Olympus" }), { code: "INVALID_INPUT" });
});
