// The benchmark's baseline (js-example/bench/baseline.mjs) against the package: the same table
// of calls, run on both, must give identical results and identical error codes and details, so
// that js-example/bench/bench.mjs compares implementations of the same contract.
import test from "node:test";
import assert from "node:assert/strict";
import { Hospital as Package } from "dr-schedule";
import { Hospital as Baseline } from "../../../js-example/bench/baseline.mjs";

const WEEKDAYS = [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "12:00" }, { days: ["mon", "tue", "wed", "thu", "fri"], start: "12:00", end: "17:00" }];

/** Runs `steps` on a fresh hospital of class `H`; returns one outcome per step. */
function run(H, steps, options) {
  const out = [];
  let h;
  try {
    h = new H(options);
  } catch (error) {
    return [outcome(() => { throw error; })];
  }
  for (const step of steps) {
    out.push(outcome(() => step(h, H)));
    out.push(h.revision);
  }
  return out;
}

function outcome(call) {
  try {
    return { ok: call() };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "HospitalError") return { thrown: String(error) };
    return { code: error.code, details: error.details };
  }
}

function same(name, steps, options) {
  test(name, () => {
    const expected = run(Package, steps, options);
    const actual = run(Baseline, steps, options);
    for (let i = 0; i < expected.length; i++) {
      assert.deepEqual(actual[i], expected[i], `step ${i >> 1}${i % 2 ? " (revision)" : ""}`);
    }
    assert.equal(actual.length, expected.length);
  });
}

const ada = (h) => h.addDoctor({ name: "Dr. Ada", locations: ["A", "B"], schedule: WEEKDAYS });
const book = (start, extra = {}) => (h) => h.book({ doctorId: "d1", location: "A", start, ...extra });
const snap = (h) => h.toSnapshot();

same("options", [], {});
for (const options of [{ slotMinutes: 7 }, { slotMinutes: 0 }, { slotMinutes: "15" }, { slotMinutes: 10 }, { slotMinutes: 60, defaultDurationMinutes: 30 },
  { defaultDurationMinutes: 1455 }, { timeZone: "New York" }, { timeZone: "America/New_York" }, { colour: "red" }, { slotMinutes: 1.5 }, { slotMinutes: NaN }]) {
  same(`options ${JSON.stringify(options)}`, [snap, (h) => h.book({ doctorId: "x", location: "A", start: "2019-02-01T10:00" })], options);
}

same("doctors: add, get, list, ids, validation", [
  ada,
  (h) => h.addDoctor({ id: "d2", name: "Dr. Two", locations: ["C"], schedule: [] }),
  (h) => h.addDoctor({ name: "Dr. Three", locations: ["C"], schedule: [{ days: ["sat"], start: "10:00", end: "24:00" }] }),
  (h) => h.addDoctor({ id: "d1", name: "Dup", locations: ["C"], schedule: [] }),
  (h) => h.addDoctor({ id: "bad id", name: "X", locations: ["C"], schedule: [] }),
  (h) => h.addDoctor({ name: "", locations: ["C"], schedule: [] }),
  (h) => h.addDoctor({ name: "X", locations: [], schedule: [] }),
  (h) => h.addDoctor({ name: "X", locations: ["C", "C"], schedule: [] }),
  (h) => h.addDoctor({ name: "X", locations: ["C"], schedule: [{ days: ["monday"], start: "09:00", end: "17:00" }] }),
  (h) => h.addDoctor({ name: "X", locations: ["C"], schedule: [{ days: [], start: "09:00", end: "17:00" }] }),
  (h) => h.addDoctor({ name: "X", locations: ["C"], schedule: [{ days: ["mon", "mon"], start: "09:00", end: "17:00" }] }),
  (h) => h.addDoctor({ name: "X", locations: ["C"], schedule: [{ days: ["mon"], start: "17:00", end: "09:00" }] }),
  (h) => h.addDoctor({ name: "X", locations: ["C"], schedule: [{ days: ["mon"], start: "25:00", end: "26:00" }] }),
  (h) => h.addDoctor({ name: "X", locations: ["C"], schedule: [], extra: 1 }),
  (h) => h.addDoctor({ name: "X", schedule: [] }),
  (h) => h.addDoctor({ name: 7, locations: ["C"], schedule: [] }),
  (h) => h.addDoctor(null),
  (h) => h.addDoctor({ name: "X", locations: ["C\n"], schedule: [] }),
  (h) => h.getDoctor("d2"),
  (h) => h.getDoctor("nobody"),
  (h) => h.getDoctor("x".repeat(65)),
  (h) => h.listDoctors(),
  snap,
]);

const bookingTable = [
  ada,
  (h) => h.addDoctor({ name: "Dr. Night", locations: ["N"], schedule: [{ days: ["sun"], start: "00:00", end: "24:00" }, { days: ["sat"], start: "20:00", end: "24:00" }] }),
  // 2019-02-01 is a Friday.
  book("2019-02-01T09:00"),
  book("2019-02-01T09:00", { location: "B" }), // SLOT_TAKEN across locations
  book("2019-02-01T09:15"), // touching: fine
  book("2019-02-01T08:45"), // touching the other side, but outside hours
  book("2019-02-01T11:45", { durationMinutes: 30 }), // across merged blocks 12:00
  book("2019-02-01T16:45"), // ends at closing
  book("2019-02-01T17:00"), // starts at closing
  book("2019-02-01T16:45", { durationMinutes: 30 }),
  book("2019-02-02T10:00"), // Saturday
  book("2019-02-01T10:05"), // OFF_GRID start
  book("2019-02-01T10:00", { durationMinutes: 10 }), // OFF_GRID duration
  book("2019-02-01T10:00", { durationMinutes: 0 }),
  book("2019-02-01T10:00", { location: "Z" }), // LOCATION_NOT_SERVED before OFF_GRID...
  book("2019-02-01T10:05", { location: "Z" }),
  (h) => h.book({ doctorId: "d9", location: "Z", start: "2019-02-01T10:05" }), // DOCTOR_NOT_FOUND first
  book("2019-02-01T10:00", { durationMinutes: 60, patient: "p-1", requestId: "r-1" }),
  book("2019-02-01T10:00", { durationMinutes: 60, patient: "p-1", requestId: "r-1" }), // replay
  book("2019-02-01T10:00", { durationMinutes: 60, patient: "p-2", requestId: "r-1" }), // REQUEST_ID_REUSED
  book("2019-02-01T10:30", { requestId: "r-1" }),
  book("2019-02-01T10:30", { durationMinutes: 15 }), // SLOT_TAKEN inside a long one
  book("2019-02-01T13:00", { id: "mine" }),
  book("2019-02-01T14:00", { id: "mine" }), // DUPLICATE_ID before rules
  book("2019-02-01T14:00", { id: "a4" }),
  book("2019-02-01T14:15"), // assigned id skips the taken a4
  book("2019-02-30T10:00"),
  book("2019-02-01T25:00"),
  book("2019-02-01 10:00"),
  book("2019-02-01"),
  book("0000-02-01T10:00"),
  book("2019-02-01T10:00", { patient: "" }),
  book("2019-02-01T10:00", { patient: null }),
  book("2019-02-01T10:00", { durationMinutes: -15 }),
  book("2019-02-01T10:00", { durationMinutes: 1.5 }),
  book("2019-02-01T10:00", { durationMinutes: "15" }),
  book("2019-02-01T10:00", { colour: "red" }),
  (h) => h.book({ doctorId: 1, location: "A", start: "2019-02-01T10:00" }),
  (h) => h.book({ doctorId: "d1", start: "2019-02-01T10:00" }),
  (h) => h.book({ doctorId: "d1", location: "", start: "2019-02-01T10:00" }),
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00", id: "white space" }),
  (h) => h.book("d1"),
  (h) => h.book({ doctorId: "d2", location: "N", start: "2019-02-03T23:45" }), // ends at 24:00
  (h) => h.book({ doctorId: "d2", location: "N", start: "2019-02-02T23:45", durationMinutes: 30 }), // crosses midnight
  (h) => h.book({ doctorId: "d2", location: "N", start: "9999-12-31T23:45" }), // 9999-12-31 is a Friday
  (h) => h.book({ doctorId: "d2", location: "N", start: "9999-12-26T23:45" }), // a Sunday, ends at the end of range
  (h) => h.getAppointment("a1"),
  (h) => h.getAppointment("a404"),
  (h) => h.cancel("a1", { reason: "patient called" }),
  (h) => h.cancel("a1"),
  (h) => h.cancel("a404"),
  (h) => h.cancel("a2", { reason: "" }),
  (h) => h.cancel("a2", { why: "x" }),
  book("2019-02-01T09:00"), // freed by the cancel
  (h) => h.appointments("d1"),
  (h) => h.appointments("d1", { status: "all" }),
  (h) => h.appointments("d1", { status: "cancelled" }),
  (h) => h.appointments("d1", { from: "2019-02-01T09:15", to: "2019-02-01T11:45" }),
  (h) => h.appointments("d1", { from: "2019-02-01", to: "2019-02-01", status: "all" }),
  (h) => h.appointments("d1", { from: "2019-02-02" }),
  (h) => h.appointments("d1", { to: "2019-02-01T10:00" }),
  (h) => h.appointments("d1", { from: "2019-02-02", to: "2019-02-01T10:00" }),
  (h) => h.appointments("d1", { from: "2019-02-30" }),
  (h) => h.appointments("d1", { status: "x" }),
  (h) => h.appointments("nobody"),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01T10:30", to: "2019-02-01", limit: 4 }),
  (h) => h.availableSlots("d1", { from: "2019-02-01T10:20", to: "2019-02-04T09:40", durationMinutes: 45 }),
  (h) => h.availableSlots("d1", { from: "2019-01-28", to: "2019-02-28", durationMinutes: 480, location: "B" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", limit: 0 }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", location: "Z" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", durationMinutes: 20 }),
  (h) => h.availableSlots("d1", { from: "2019-01-01", to: "2020-01-02" }),
  (h) => h.availableSlots("d1", { from: "2019-01-01", to: "2020-01-01" }).length,
  (h) => h.availableSlots("d1", { from: "2019-02-01" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01T10:00", to: "2019-02-01T10:00" }),
  (h) => h.availableSlots("d2", { from: "9999-12-30", to: "9999-12-31" }).slice(-2),
  (h) => h.availableSlots("nobody", { from: "2019-02-01", to: "2019-02-01" }),
  // Doctor changes.
  (h) => h.updateDoctor("d1", { locations: ["B"] }),
  (h) => h.updateDoctor("d1", { schedule: [{ days: ["fri"], start: "10:00", end: "17:00" }] }),
  (h) => h.updateDoctor("d1", { schedule: [{ days: ["fri"], start: "10:00", end: "17:00" }] }, { cancelAppointments: true }),
  (h) => h.updateDoctor("d1", { name: "Dr. Ada L." }),
  (h) => h.updateDoctor("d1", { nickname: "x" }),
  (h) => h.updateDoctor("d9", { name: "x" }),
  (h) => h.appointments("d1", { status: "all" }),
  (h) => h.removeDoctor("d1"),
  (h) => h.removeDoctor("d1", { cancelAppointments: true }),
  (h) => h.getAppointment("a1"),
  (h) => h.listDoctors(),
  (h) => h.removeDoctor("d1"),
  snap,
];
same("booking rules, listing, free slots, cancelling, doctor changes", bookingTable);
same("the same table with 10-minute slots", bookingTable, { slotMinutes: 10 });

same("snapshot round trip", [
  ada,
  book("2019-02-01T09:00", { patient: "p", requestId: "r" }),
  book("2019-02-01T10:00", { durationMinutes: 45 }),
  (h) => h.cancel("a1", { reason: "x" }),
  (h, H) => H.fromSnapshot(h.toSnapshot()).toSnapshot() === h.toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot()).appointments("d1", { status: "all" }),
  (h, H) => {
    const r = H.fromSnapshot(h.toSnapshot());
    return [r.revision, r.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00" }).id, r.toSnapshot()];
  },
  (h, H) => H.fromSnapshot("{"),
  (h, H) => H.fromSnapshot("[]"),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"version":2', '"version":3')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"format":"dr-schedule"', '"format":"other"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"start":"2019-02-01T10:00"', '"start":"2019-02-01T09:00"')).revision,
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"doctorId":"d1"', '"doctorId":"d7"')).revision,
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"end":"2019-02-01T10:45"', '"end":"2019-02-01T10:30"')).revision,
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"durationMinutes":45', '"durationMinutes":45,"x":1')).revision,
]);
