// The benchmark's baseline (js-example/bench/baseline.mjs) against the package: the same table
// of calls, run on both, must give identical results and identical error codes and details, so
// that js-example/bench/bench.mjs compares implementations of the same contract. Snapshots are
// compared as data (both write format 4; the bench checks that their text is the same).
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
    // A hospital a step returns (from fromSnapshot) is compared by its snapshot.
    out.push(outcome(() => {
      const result = step(h, H);
      return result instanceof H ? { snapshot: result.toSnapshot() } : result;
    }));
    out.push(h.revision);
  }
  return out;
}

/**
 * A snapshot, of either layout, as data both implementations can be compared by: the package
 * and the baseline write format 4 (appointments as rows, a size budget among the options).
 */
function snapshotData(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (value?.format !== "dr-schedule") return text;
  const { maxSnapshotBytes, ...options } = value.options ?? {};
  const appointment = (a) => {
    if (!Array.isArray(a)) return a;
    const [id, doctorId, location, start, durationMinutes, status, patient, extras = {}] = a;
    const { requested, ...rest } = extras;
    const end = new Date(Date.parse(`${start}Z`) + durationMinutes * 60_000).toISOString().slice(0, 16);
    return { id, doctorId, location, start, end, durationMinutes, ...(patient === null ? {} : { patient }), ...(rest.requestId ? { requestId: rest.requestId } : {}), status, ...rest };
  };
  return { snapshot: { revision: value.revision, options, doctors: value.doctors, appointments: value.appointments.map(appointment), nextIds: value.nextIds, lastNow: value.lastNow } };
}

/** An outcome with every snapshot in it as data (snapshotData). */
function comparable(value) {
  if (typeof value === "string") return snapshotData(value);
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

/**
 * `text` (a snapshot of either format) with `change` made to it as data, appointments as
 * objects, written back in its own format: the same edit means the same thing to both.
 */
function editSnapshot(text, change) {
  const value = JSON.parse(text);
  if (value.version < 3) {
    change(value);
    return JSON.stringify(value);
  }
  const data = snapshotData(text).snapshot;
  const object = { format: value.format, version: value.version, ...data, appointments: data.appointments };
  change(object);
  const { doctors, appointments, ...header } = object;
  const rows = appointments.map(({ id, doctorId, location, start, end, durationMinutes, patient, status, ...extras }) =>
    [id, doctorId, location, start, durationMinutes, status, patient ?? null, ...(Object.keys(extras).length > 0 ? [extras] : [])],
  );
  const head = JSON.stringify({ format: header.format, version: header.version, revision: header.revision, options: { ...header.options, maxSnapshotBytes: value.options.maxSnapshotBytes }, nextIds: header.nextIds, lastNow: header.lastNow });
  return [`${head.slice(0, -1)},"doctors":[`, ...doctors.map((d, i) => `${i ? "," : ""}${JSON.stringify(d)}`), '],"appointments":[', ...rows.map((r, i) => `${i ? "," : ""}${JSON.stringify(r)}`), "]}"].join("\n");
}

function outcome(call) {
  try {
    return { ok: comparable(call()) };
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
  // The same edits, each as data in the implementation's own format (editSnapshot). Format 3 has
  // no `end` to disagree with the duration: that case is format 2's (hostile.test.mjs).
  (h, H) => H.fromSnapshot(editSnapshot(h.toSnapshot(), (s) => (s.version += 1))),
  (h, H) => H.fromSnapshot(editSnapshot(h.toSnapshot(), (s) => (s.format = "other"))),
  (h, H) => H.fromSnapshot(editSnapshot(h.toSnapshot(), (s) => Object.assign(s.appointments[1], { start: "2019-02-01T09:00", end: "2019-02-01T09:45" }))).revision,
  (h, H) => H.fromSnapshot(editSnapshot(h.toSnapshot(), (s) => (s.appointments[0].doctorId = "d7"))).revision,
  (h, H) => H.fromSnapshot(editSnapshot(h.toSnapshot(), (s) => (s.appointments[1].x = 1))).revision,
], undefined);

// ----- holds, confirm, the hospital clock (issue 11's rows: hold, confirm) -----

const hold = (start, now, ttlMinutes, extra = {}) => (h) => h.hold({ doctorId: "d1", location: "A", start, now, ttlMinutes, ...extra });
const confirm = (id, now) => (h) => h.confirm(id, { now });
const holdTable = [
  ada,
  hold("2019-02-01T10:00", "2019-01-31T09:00", 10), // a1 held until 09:10; the clock is 09:00
  hold("2019-02-01T10:00", "2019-01-31T09:01", 10), // SLOT_TAKEN: a live hold takes its time
  book("2019-02-01T10:00"), // no now: the clock (09:00) says it is live
  book("2019-02-01T10:00", { now: "2019-01-31T09:09" }),
  // Input: every field, in the package's order of checks.
  hold("2019-02-01T11:00", "2019-01-31T09:00", 0),
  hold("2019-02-01T11:00", "2019-01-31T09:00", 10081),
  hold("2019-02-01T11:00", "2019-01-31T09:00", -1),
  hold("2019-02-01T11:00", "2019-01-31T09:00", 1.5),
  hold("2019-02-01T11:00", "2019-01-31T09:00", "10"),
  hold("2019-02-01T11:00", "2019-01-31T09:00", null),
  hold("2019-02-01T11:00", "2019-01-31T09:00", undefined),
  hold("2019-02-01T11:00", undefined, 10),
  hold("2019-02-01T11:00", null, 10),
  hold("2019-02-01T11:00", "2019-01-31", 10),
  hold("2019-02-01T11:00", "2019-01-31T24:00", 10),
  hold("2019-02-01T11:00", "2019-01-31T09:00", 10, { colour: "red" }),
  hold("2019-02-01T11:00", "2019-01-31T09:00", 10, { location: "" }),
  hold("2019-02-01T11:00", "2019-01-31T09:00", 0, { location: "" }), // the text before the ttl
  hold("2019-02-01T11:00", "2019-01-31T09:00", 0, { doctorId: "d9" }), // the ttl before the doctor
  hold("2019-02-01T11:05", "2019-01-31T09:00", 10), // OFF_GRID
  hold("2019-02-01T11:00", "2019-01-31T09:00", 10, { location: "Z" }),
  hold("2019-02-01T08:00", "2019-01-31T09:00", 10), // OUTSIDE_HOURS
  hold("2019-02-01T11:00", "2019-01-31T09:00", 10, { doctorId: "d9" }),
  hold("2019-02-01T11:00", "2019-01-30T09:00", 10), // lapses (the 30th, 09:10) before the clock: ttlMinutes
  hold("2019-02-01T11:00", "2019-01-31T08:00", 60), // lapses exactly at the clock: ttlMinutes
  hold("2019-02-01T11:00", "2019-01-31T08:00", 120), // now before the clock, lapses after it: fine, a2
  (h) => h.toSnapshot(), // lastNow stays 09:00
  // confirm
  confirm("a1", "2019-01-31T09:05"),
  confirm("a1", "2019-01-31T09:06"), // NOT_HELD
  confirm("a404", "2019-01-31T09:06"),
  (h) => h.confirm("a2"),
  (h) => h.confirm("a2", null),
  (h) => h.confirm("a2", {}),
  (h) => h.confirm("a2", { now: "2019-01-31T09:06", x: 1 }),
  (h) => h.confirm("a2", { now: "2019-02-30T09:06" }),
  (h) => h.confirm(2, { now: "2019-01-31T09:06" }),
  (h) => h.confirm("a".repeat(65), { now: "2019-01-31T09:06" }),
  (h) => h.confirm("\ud800", { now: "2019-01-31T09:06" }),
  hold("2019-02-01T11:30", "2019-01-31T09:05", 10, { patient: "p-1", requestId: "r-h", id: "h-1" }), // live until 09:15
  hold("2019-02-01T11:30", "2019-01-31T09:06", 10, { patient: "p-1", requestId: "r-h", id: "h-1" }), // replay: the same hold
  hold("2019-02-01T11:30", "2019-01-31T09:06", 10, { patient: "p-2", requestId: "r-h" }), // REQUEST_ID_REUSED
  hold("2019-02-01T12:00", "2019-01-31T09:06", 10, { id: "h-1" }), // DUPLICATE_ID
  hold("2019-02-01T11:45", "2019-01-31T09:06", 5, { id: "h-2" }), // live until 09:11
  confirm("h-1", "2019-01-31T09:15"), // HOLD_EXPIRED at holdExpires
  confirm("h-1", "2019-01-31T09:20"),
  (h) => h.getAppointment("h-1"), // lapsed, not dropped: nothing has moved the clock past it
  (h) => h.appointments("d1"),
  (h) => h.appointments("d1", { now: "2019-01-31T09:12" }), // h-2 lapsed by then
  (h) => h.appointments("d1", { status: "held" }),
  (h) => h.appointments("d1", { status: "held", now: "2019-01-31T09:12" }),
  (h) => h.appointments("d1", { status: "booked", now: "2019-01-31T09:12" }),
  (h) => h.appointments("d1", { status: "all", now: "2019-01-31T09:15" }),
  (h) => h.appointments("d1", { status: "active", now: "2019-01-31T09:15" }),
  (h) => h.appointments("d1", { status: "held", now: "2019-01-31" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01T10:45", to: "2019-02-01T12:15" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01T10:45", to: "2019-02-01T12:15", now: "2019-01-31T09:11" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01T10:45", to: "2019-02-01T12:15", now: "2019-01-31T09:15" }),
  (h) => h.findSlots({ from: "2019-02-01T10:45", to: "2019-02-01T12:15", limit: 10, now: "2019-01-31T09:15" }),
  (h) => h.findSlots({ from: "2019-02-01T10:45", to: "2019-02-01T12:15", limit: 10 }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: "2019-01-31T25:00" }),
  // A failed call with a later now moves nothing.
  book("2019-02-01T10:00", { now: "2019-01-31T09:30" }), // SLOT_TAKEN by the booked a1
  (h) => h.toSnapshot(),
  (h) => h.getAppointment("h-2"),
  // The lapsed holds' time, id and request id are free for a call with a later now; that call
  // drops them (and moves the clock).
  book("2019-02-01T11:30", { now: "2019-01-31T09:16", requestId: "r-h", id: "h-1" }),
  (h) => h.getAppointment("h-1"),
  (h) => h.getAppointment("h-2"),
  (h) => h.appointments("d1", { status: "all" }),
  (h) => h.toSnapshot(),
  hold("2019-02-01T11:45", "2019-01-31T09:00", 15), // lapses (09:15) before the clock (09:16)
  hold("2019-02-01T11:45", "2019-01-31T09:00", 17), // 09:17: fine, the clock stays 09:16
  (h) => h.cancel("a3"), // a live hold
  hold("2019-02-01T11:45", "2019-01-31T09:20", 60, { id: "h-3" }),
  // A hold blocks updateDoctor / removeDoctor like a booking; cancelling takes it.
  (h) => h.updateDoctor("d1", { schedule: [{ days: ["fri"], start: "09:00", end: "11:45" }] }),
  (h) => h.removeDoctor("d1"),
  (h) => h.updateDoctor("d1", { schedule: [{ days: ["fri"], start: "09:00", end: "11:45" }] }, { cancelAppointments: true }),
  (h) => h.appointments("d1", { status: "all" }),
  hold("2019-02-01T10:30", "2019-01-31T09:20", 30, { id: "h-4" }),
  (h) => h.cancel("h-4", { reason: "changed mind" }),
  confirm("h-4", "2019-01-31T09:21"), // ALREADY_CANCELLED
  hold("2019-02-01T10:30", "2019-01-31T09:21", 10080), // a week: fine
  (h) => h.removeDoctor("d1", { cancelAppointments: true }),
  (h) => h.toSnapshot(),
];
same("hold, confirm and the hospital clock", holdTable, undefined);
same("the same table with 10-minute slots", holdTable, { slotMinutes: 10 });

same("holds at the end of the range", [
  (h) => h.addDoctor({ name: "Dr. Night", locations: ["N"], schedule: [{ days: ["fri"], start: "00:00", end: "24:00" }] }),
  // 9999-12-31 is a Friday.
  (h) => h.hold({ doctorId: "d1", location: "N", start: "9999-12-31T23:00", now: "9999-12-31T23:50", ttlMinutes: 10 }), // lapses at 10000-01-01
  (h) => h.hold({ doctorId: "d1", location: "N", start: "9999-12-31T23:00", now: "9999-12-31T23:50", ttlMinutes: 9 }),
  (h) => h.hold({ doctorId: "d1", location: "N", start: "9999-12-31T23:45", now: "9999-12-31T23:50", ttlMinutes: 9 }),
  (h) => h.findSlots({ from: "9999-12-31T22:00", to: "9999-12-31", limit: 100 }),
  (h) => h.availableSlots("d1", { from: "9999-12-31T22:00", to: "9999-12-31" }),
  (h) => h.toSnapshot(),
]);

// ----- reschedule (issue 11's row) -----

const move = (id, request) => (h) => h.reschedule(id, request);
const rescheduleTable = [
  ada,
  (h) => h.addDoctor({ name: "Dr. Grace", locations: ["B"], schedule: WEEKDAYS }),
  book("2019-02-01T10:00", { durationMinutes: 30, patient: "p-1", requestId: "r-1" }), // a1
  book("2019-02-01T11:00"), // a2
  move("a1", { start: "2019-02-01T10:15", location: "B" }), // overlaps only itself
  move("a1", { start: "2019-02-01T10:15", location: "B" }), // where it is: unchanged, same revision
  move("a1", { start: "2019-02-01T10:15", location: "B", durationMinutes: 30 }),
  move("a1", { start: "2019-02-01T10:45" }), // SLOT_TAKEN by a2 (10:45-11:15)
  move("a1", { start: "2019-02-01T10:30" }), // ends at a2's start: fine
  move("a1", { start: "2019-02-01T10:30", durationMinutes: 15 }),
  move("a1", { start: "2019-02-01T10:30", location: "A" }), // only the location changes: a move
  (h) => h.getAppointment("a1"),
  book("2019-02-01T10:00", { durationMinutes: 30, patient: "p-1", requestId: "r-1" }), // REQUEST_ID_REUSED: it moved
  book("2019-02-01T10:30", { patient: "p-1", requestId: "r-1" }), // the same request as it is now: replay
  // Every check, in order.
  move("a1", { start: "2019-02-01T10:35" }),
  move("a1", { start: "2019-02-01T10:30", durationMinutes: 20 }),
  move("a1", { start: "2019-02-01T10:30", durationMinutes: 0 }),
  move("a1", { start: "2019-02-01T10:35", location: "Z" }), // LOCATION_NOT_SERVED first
  move("a1", { start: "2019-02-01T08:00" }),
  move("a1", { start: "2019-02-01T16:45", durationMinutes: 30 }),
  move("a1", { start: "2019-02-02T10:00" }),
  move("a1", { start: "2019-02-01T10:00", location: "" }),
  move("a1", { start: "2019-02-01T10:00", location: "x".repeat(201) }),
  move("a1", { start: "2019-02-30T10:00" }),
  move("a1", { start: "2019-02-01T10:00", colour: "red" }),
  move("a1", { location: "A" }),
  move("a1", { start: "2019-02-01T10:00", durationMinutes: -15 }),
  move("a1", { start: "2019-02-01T10:00", now: "yesterday" }),
  move("a1", { start: "2019-02-01T10:00", now: null, location: null, durationMinutes: null }),
  move("a1"),
  move("a1", "2019-02-01T10:00"),
  move("a404", { start: "2019-02-01T10:00" }),
  move("a404", { start: "2019-02-01T10:00", location: "" }), // the location's text first
  (h) => h.reschedule(1, { start: "2019-02-01T10:00" }),
  (h) => h.reschedule("x".repeat(65), { start: "2019-02-01T10:00" }),
  (h) => h.cancel("a2"),
  move("a2", { start: "2019-02-01T12:00" }), // ALREADY_CANCELLED
  move("a1", { start: "2019-02-01T11:00" }), // a2's time is free now
  // Holds move as holds; a lapsed one cannot move, and a lapsed one in the way does not count.
  (h) => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", now: "2019-01-31T09:00", ttlMinutes: 30 }), // a3
  move("a3", { start: "2019-02-01T13:30", now: "2019-01-31T09:10" }),
  move("a3", { start: "2019-02-01T14:00", now: "2019-01-31T09:30" }), // HOLD_EXPIRED
  move("a1", { start: "2019-02-01T13:30", now: "2019-01-31T09:20" }), // SLOT_TAKEN by the live hold
  move("a1", { start: "2019-02-01T13:30", now: "2019-01-31T09:30" }), // lapsed: fine, and dropped
  (h) => h.getAppointment("a3"),
  (h) => h.appointments("d1", { status: "all" }),
  move("a1", { start: "2019-02-01T13:45", now: "2019-01-31T09:00" }), // an earlier now: the clock stays
  (h) => h.toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot()).toSnapshot() === h.toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot()).getAppointment("a1"),
  // At most 100 moves are recorded.
  (h) => {
    for (let i = 0; ; i++) {
      try {
        h.reschedule("a1", { start: i % 2 ? "2019-02-01T15:00" : "2019-02-01T15:15" });
      } catch (error) {
        return [i, error.code, error.details, h.getAppointment("a1").rescheduledFrom.length];
      }
    }
  },
  move("a1", { start: "2019-02-01T16:00" }),
  (h) => h.reschedule("a1", { start: h.getAppointment("a1").start }).rescheduledFrom.length, // where it is: still fine
  (h) => h.cancel("a1"),
  (h) => h.toSnapshot(),
];
same("reschedule", rescheduleTable, undefined);
same("the same table with 5-minute slots", rescheduleTable, { slotMinutes: 5 });

// ----- findSlots (issue 11's row) -----

const find = (query) => (h) => h.findSlots(query);
const findTable = [
  ada, // d1: A, B
  (h) => h.addDoctor({ name: "Dr. Grace", locations: ["B"], schedule: WEEKDAYS }), // d2
  (h) => h.addDoctor({ name: "Dr. Early", locations: ["C", "B"], schedule: [{ days: ["fri"], start: "08:00", end: "10:00" }] }), // d3
  (h) => h.addDoctor({ id: "z0", name: "Dr. Z", locations: ["A"], schedule: [{ days: ["sat", "sun"], start: "10:00", end: "11:00" }] }),
  book("2019-02-01T09:00"),
  (h) => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T09:15", durationMinutes: 30 }),
  (h) => h.book({ doctorId: "d3", location: "C", start: "2019-02-01T08:30" }),
  find({ location: "B", from: "2019-02-01", to: "2019-02-07", limit: 8 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 12 }),
  find({ from: "2019-02-01T09:20", to: "2019-02-01T10:05", limit: 1000 }),
  find({ from: "2019-02-01T09:20", to: "2019-02-01T10:05", limit: 1000, durationMinutes: 30 }),
  (h) => h.findSlots({ from: "2019-02-01", to: "2019-02-28", limit: 1000 }).length,
  find({ from: "2019-02-01", to: "2019-03-03", limit: 1000, durationMinutes: 480 }), // 31 days
  find({ from: "2019-02-02", to: "2019-02-04", limit: 5 }), // the weekend: z0 only
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: ["d3", "d2", "d3"] }), // order added, once each
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: ["z0", "d2"], location: "B" }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: [] }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, location: "Nowhere" }),
  find({ from: "2019-02-01", to: "2019-02-01T09:00", limit: 6 }),
  find({ from: "2019-02-01T10:00", to: "2019-02-01T10:00", limit: 6 }),
  // Every check, in order.
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: ["d2", "nobody", "d404"] }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: ["d2", "x".repeat(65)] }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: ["d2", 3] }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: "d2" }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: null }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: Array(1000).fill("d2") }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: Array(1001).fill("d2") }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 0, doctorIds: Array(1001).fill("d2") }), // doctorIds before limit
  find({ from: "2019-02-01", to: "2019-02-07", limit: 0 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 1001 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: -1 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 2.5 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: null }),
  find({ from: "2019-02-01", to: "2019-02-07" }),
  find({ from: "2019-02-01", to: "2019-03-04", limit: 5 }), // 32 days
  find({ from: "2019-02-01", to: "2019-03-04", limit: 0 }), // limit before the window
  find({ from: "2019-02-07", to: "2019-02-01", limit: 5 }),
  find({ from: "2019-02-30", to: "2019-03-01", limit: 5 }),
  find({ from: "2019-02-01", limit: 5 }),
  find({ to: "2019-02-01", limit: 5 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, durationMinutes: 20 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, durationMinutes: 20, doctorIds: ["d404"] }), // the doctor before the grid
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, durationMinutes: 0 }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, location: "" }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, location: "" , doctorIds: [7] }), // read errors first
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, colour: "red" }),
  find({ from: "2019-02-01", to: "2019-02-07", limit: 5, now: "2019-02-01" }),
  (h) => h.findSlots(),
  (h) => h.findSlots([]),
  // A doctor removed and added again comes last among equal starts.
  (h) => h.removeDoctor("d2", { cancelAppointments: true }),
  (h) => h.addDoctor({ id: "d2", name: "Dr. Grace", locations: ["B"], schedule: WEEKDAYS }),
  find({ location: "B", from: "2019-02-01", to: "2019-02-07", limit: 6, doctorIds: ["d2", "d1"] }),
  // The last day of the range: no slot ends after 9999-12-31T23:59.
  (h) => h.addDoctor({ name: "Dr. Night", locations: ["N"], schedule: [{ days: ["fri"], start: "22:00", end: "24:00" }] }),
  (h) => h.findSlots({ from: "9999-12-31", to: "9999-12-31", limit: 1000 }).slice(-3),
  (h) => h.findSlots({ from: "9999-12-31", to: "9999-12-31", limit: 1000, durationMinutes: 60 }).slice(-3),
  (h) => h.availableSlots("d4", { from: "9999-12-31", to: "9999-12-31" }).slice(-3),
];
same("findSlots", findTable);
same("the same table with 30-minute slots", findTable, { slotMinutes: 30 });
same("the same table with 10-minute slots, 20-minute default", findTable, { slotMinutes: 10 });

// ----- minimum notice, horizon, patient overlap -----

const RULES = { minNoticeMinutes: 120, horizonDays: 30, preventPatientOverlap: true };
const rulesTable = [
  (h) => h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] }),
  (h) => h.addDoctor({ name: "Dr. Grace", locations: ["B"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: "2019-02-01T13:00" }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: "2019-02-01T13:07" }), // the earliest start rounds up to the grid
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01" }), // INVALID_INPUT now
  (h) => h.availableSlots("d1", { from: "2019-03-01", to: "2019-03-08", now: "2019-02-01T13:07" }), // the horizon rounds down: 13:00
  (h) => h.findSlots({ from: "2019-03-01", to: "2019-03-08", limit: 50, now: "2019-02-01T13:07" }),
  (h) => h.findSlots({ from: "2019-02-01", to: "2019-02-02", limit: 50, now: "2019-02-01T16:00" }), // the notice empties the window
  (h) => h.findSlots({ from: "2019-02-01", to: "2019-02-02", limit: 50 }),
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00", patient: "p-7", now: "2019-02-01T13:00" }), // a1
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T12:00", now: "2019-02-01T13:00" }), // TOO_SOON, in the past
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T14:00", now: "2019-02-01T13:00" }), // TOO_SOON
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00", now: "2019-02-01T13:01" }), // rule 4 before rule 5? no: SLOT_TAKEN
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-03-08T10:00", now: "2019-02-01T13:00" }), // BEYOND_HORIZON
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-03-03T13:00", now: "2019-02-01T13:00" }), // a Sunday: hours first
  (h) => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T15:00", patient: "p-7", now: "2019-02-01T13:00" }), // PATIENT_BUSY
  (h) => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T15:15", patient: "p-7", now: "2019-02-01T13:00" }),
  (h) => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T15:00", patient: "p-7" }), // INVALID_INPUT now
  (h) => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T15:00", patient: "p-8", now: "2019-02-01T13:00", durationMinutes: 30 }), // SLOT_TAKEN by p-7's a2
  (h) => h.hold({ doctorId: "d2", location: "B", start: "2019-02-01T16:00", patient: "p-7", now: "2019-02-01T13:00", ttlMinutes: 10 }), // a3
  (h) => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T16:00", patient: "p-7", now: "2019-02-01T13:05", ttlMinutes: 10 }), // PATIENT_BUSY: the live hold
  (h) => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T16:00", patient: "p-7", now: "2019-02-01T13:10", ttlMinutes: 10 }), // lapsed: fine, a4; a3 dropped
  (h) => h.reschedule("a1", { start: "2019-02-01T15:15" }), // INVALID_INPUT now
  (h) => h.reschedule("a1", { start: "2019-02-01T15:15", now: "2019-02-01T13:10" }), // PATIENT_BUSY by a2 (d2, 15:15)
  // `now` may be earlier than the clock: rule 5 uses the call's now, holds lapse by the clock.
  (h) => h.reschedule("a1", { start: "2019-02-01T15:00", durationMinutes: 30, now: "2019-02-01T11:00" }), // PATIENT_BUSY again, not itself
  (h) => h.reschedule("a1", { start: "2019-02-01T14:45", now: "2019-02-01T11:00" }),
  (h) => h.reschedule("a1", { start: "2019-02-01T14:45", now: "2019-02-01T14:00" }), // where it is: no rule is checked
  (h) => h.reschedule("a1", { start: "2019-02-01T14:30", now: "2019-02-01T14:00" }), // TOO_SOON
  (h) => h.reschedule("a1", { start: "2019-03-08T09:00", now: "2019-02-01T14:00" }), // BEYOND_HORIZON
  (h) => h.confirm("a4", { now: "2019-02-01T13:15" }),
  (h) => h.cancel("a2"),
  (h) => h.reschedule("a1", { start: "2019-02-01T15:15", now: "2019-02-01T11:00" }), // p-7 is free then now
  (h) => h.appointments("d2", { status: "all" }),
  (h) => h.toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot()).toSnapshot() === h.toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot()).book({ doctorId: "d2", location: "B", start: "2019-02-01T15:15", patient: "p-7", now: "2019-02-01T13:00" }),
  // A snapshot whose appointments break the patient rule.
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"patient":"p-7","status":"cancelled"', '"patient":"p-7","status":"booked"')),
];
same("minimum notice, horizon and patient overlap", rulesTable, RULES);
same("the same table with 10-minute slots", rulesTable, { ...RULES, slotMinutes: 10 });
same("notice 0: only the past", [
  (h) => h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] }),
  (h) => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: "2019-02-01T16:07", limit: 3 }),
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T16:00", now: "2019-02-01T16:07" }),
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T16:15", now: "2019-02-01T16:07" }),
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T16:30", patient: "p", now: "2019-02-01T16:07" }),
  (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T16:45", patient: "p" }), // INVALID_INPUT now
  (h) => h.toSnapshot(),
], { minNoticeMinutes: 0 });
for (const options of [{ minNoticeMinutes: 527040 }, { minNoticeMinutes: 527041 }, { horizonDays: 0 }, { horizonDays: 3660 }, { horizonDays: 3661 },
  { preventPatientOverlap: "yes" }, { preventPatientOverlap: null, minNoticeMinutes: null, horizonDays: null }, { preventPatientOverlap: false }, { minNoticeMinutes: -5 }]) {
  same(`options ${JSON.stringify(options)}`, [snap, (h) => h.book({ doctorId: "x", location: "A", start: "2019-02-01T10:00" })], options);
}

// ----- snapshots with holds, moves and the clock -----

same("snapshots: holds, rescheduledFrom, lastNow", [
  ada,
  book("2019-02-01T09:00", { patient: "p", requestId: "r" }), // a1
  (h) => h.reschedule("a1", { start: "2019-02-01T09:30", location: "B" }),
  hold("2019-02-01T10:00", "2019-01-31T09:00", 60, { requestId: "r-h" }), // a2, until 10:00
  hold("2019-02-01T11:00", "2019-01-31T09:30", 60), // a3, until 10:30
  (h) => h.cancel("a3", { reason: "no" }),
  snap,
  (h, H) => H.fromSnapshot(h.toSnapshot()).toSnapshot() === h.toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot()).appointments("d1", { status: "all" }),
  (h, H) => {
    const r = H.fromSnapshot(h.toSnapshot());
    return [r.revision, r.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T10:00" }).id, r.toSnapshot()];
  },
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"lastNow":"2019-01-31T09:30"', '"lastNow":"2019-01-31T10:00"')), // a2 lapsed by then
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"lastNow":"2019-01-31T09:30"', '"lastNow":null')).toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace(',"lastNow":"2019-01-31T09:30"', "")),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"lastNow":"2019-01-31T09:30"', '"lastNow":"soon"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"lastNow":"2019-01-31T09:30"', '"lastNow":7')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"version":2', '"version":1')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"version":2', '"version":1').replace(',"lastNow":"2019-01-31T09:30"', "")),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace(',"holdExpires":"2019-01-31T10:00"', "")),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"status":"held","holdExpires":"2019-01-31T10:00"', '"status":"booked","holdExpires":"2019-01-31T10:00"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"holdExpires":"2019-01-31T10:00"', '"holdExpires":null')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"holdExpires":"2019-01-31T10:00"', '"holdExpires":"2019-01-31"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"status":"held"', '"status":"pending"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"rescheduledFrom":[{"location":"A"', '"rescheduledFrom":[{"location":""')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"end":"2019-02-01T09:15"}]', '"end":"2019-02-01T09:00"}]')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"end":"2019-02-01T09:15"}]', '"end":"2019-02-01T09:15","x":1}]')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"end":"2019-02-01T09:15"}]', '"end":"2019-02-01T09:15"},7]')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace(/"rescheduledFrom":\[[^\]]*\]/, '"rescheduledFrom":null')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace(/"rescheduledFrom":\[[^\]]*\]/, '"rescheduledFrom":[]')).toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace(/"rescheduledFrom":\[[^\]]*\]/, `"rescheduledFrom":[${Array(101).fill('{"location":"A","start":"2019-02-01T09:00","end":"2019-02-01T09:15"}')}]`)),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"cancelReason":"no"', '"cancelReason":null')).toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"requestId":"r-h"', '"requestId":"r"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"start":"2019-02-01T10:00","end":"2019-02-01T10:15"', '"start":"2019-02-01T09:30","end":"2019-02-01T09:45"')), // the hold overlaps a1
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"durationMinutes":15,"requestId":"r-h"', '"durationMinutes":10,"requestId":"r-h"')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"timeZone":null', '"timeZone":null,"minNoticeMinutes":60,"horizonDays":10,"preventPatientOverlap":true')).toSnapshot(),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"timeZone":null', '"timeZone":null,"preventPatientOverlap":null')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"timeZone":null', '"timeZone":null,"horizonDays":0')),
  (h, H) => H.fromSnapshot(h.toSnapshot().replace('"timeZone":null', '"timeZone":null,"minNoticeMinutes":null,"horizonDays":null,"preventPatientOverlap":false')).toSnapshot(),
  // The first call that moves the clock past a2's expiry drops it, from snapshots too.
  book("2019-02-01T16:00", { now: "2019-01-31T10:00" }),
  snap,
], undefined);

// ----- random sequences: every call above, mixed, with a clock that moves -----

/** mulberry32: a fixed-seed PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random calls (same seed, same calls) on a small, busy hospital. */
function randomSteps(seed, count) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const time = (day, minute) => `2019-02-0${day}T${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
  const start = () => time(4 + Math.floor(random() * 3), 8 * 60 + 15 * Math.floor(random() * 40)); // Mon-Wed, 08:00-17:45
  let clock = 0; // minutes after 2019-02-01T00:00 (a Friday): mostly forwards, sometimes back
  const now = () => {
    clock += Math.floor(random() * 40) - 8;
    const minute = Math.max(0, clock);
    return time(1 + Math.floor(minute / 1440), minute % 1440);
  };
  let made = 1; // about how many appointment ids have been assigned
  const id = () => (random() < 0.05 ? "h1" : `a${1 + Math.floor(random() * made)}`);
  const LOCATIONS = { d1: ["A", "B"], d2: ["B"], d3: ["C", "A"] };
  const steps = [
    (h) => h.addDoctor({ name: "Dr. A", locations: ["A", "B"], schedule: WEEKDAYS }),
    (h) => h.addDoctor({ name: "Dr. B", locations: ["B"], schedule: [{ days: ["mon", "tue", "wed"], start: "10:00", end: "16:00" }] }),
    (h) => h.addDoctor({ name: "Dr. C", locations: ["C", "A"], schedule: [{ days: ["mon", "wed"], start: "08:00", end: "18:00" }] }),
  ];
  for (let i = 0; i < count; i++) {
    const doctorId = pick(["d1", "d2", "d3"]);
    const location = random() < 0.1 ? pick(["A", "B", "C"]) : pick(LOCATIONS[doctorId]);
    const maybeNow = () => (random() < 0.2 ? undefined : now());
    const durationMinutes = pick([undefined, 15, 30, 45]);
    const patient = pick([undefined, "p1", "p2", "p3"]);
    const r = random();
    const call =
      r < 0.2 ? { op: "book", request: { doctorId, location, start: start(), durationMinutes, patient, now: maybeNow() } }
      : r < 0.4 ? { op: "hold", request: { doctorId, location, start: start(), durationMinutes, patient, now: now(), ttlMinutes: pick([5, 10, 30, 90]), id: pick([undefined, undefined, "h1"]) } }
      : r < 0.5 ? { op: "confirm", id: id(), now: now() }
      : r < 0.62 ? { op: "reschedule", id: id(), request: { start: start(), location: pick([undefined, location]), durationMinutes, now: maybeNow() } }
      : r < 0.7 ? { op: "cancel", id: id() }
      : r < 0.78 ? { op: "appointments", doctorId, options: { status: pick([undefined, "held", "booked", "all"]), now: maybeNow() } }
      : r < 0.86 ? { op: "availableSlots", doctorId, options: { from: "2019-02-04", to: "2019-02-06", location: pick([undefined, location]), durationMinutes, now: maybeNow() } }
      : r < 0.96 ? { op: "findSlots", query: { from: pick(["2019-02-04", "2019-02-05T12:00"]), to: "2019-02-06", limit: pick([1, 7, 50, 1000]), location: pick([undefined, location]), doctorIds: pick([undefined, ["d3", "d1"]]), durationMinutes, now: maybeNow() } }
      : { op: "snapshot" };
    if (call.op === "book" || call.op === "hold") made += 0.4; // about the share that succeeds
    steps.push((h, H) => {
      switch (call.op) {
        case "book": return h.book(call.request);
        case "hold": return h.hold(call.request);
        case "confirm": return h.confirm(call.id, { now: call.now });
        case "reschedule": return h.reschedule(call.id, call.request);
        case "cancel": return h.cancel(call.id);
        case "appointments": return h.appointments(call.doctorId, call.options);
        case "availableSlots": return h.availableSlots(call.doctorId, call.options);
        case "findSlots": return h.findSlots(call.query);
        default: return [h.toSnapshot(), H.fromSnapshot(h.toSnapshot()).toSnapshot()];
      }
    });
  }
  steps.push(snap);
  return steps;
}
for (const seed of [1, 2, 3]) same(`random calls, seed ${seed}`, randomSteps(seed, 700), undefined);
same("random calls with time rules", randomSteps(4, 700), { minNoticeMinutes: 30, horizonDays: 4, preventPatientOverlap: true });
