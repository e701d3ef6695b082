// Real-world scheduling through the package as a user imports it: date overrides, time off, hours
// per location, reschedule, holds, findSlots, now / notice / horizon, patient overlap, explain, and
// how all of them persist (snapshots, change records).
//
// Dates: 2019-02-01 is a Friday, 2019-02-04 a Monday, 2019-02-07 a Thursday.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { ROW, assertJavaScriptWords, goldenSnapshot, rowAppointment, snapshotText, thrown } from "./fixture.mjs";

const FRIDAYS = [{ days: ["fri"], start: "09:00", end: "17:00" }];
const WEEKDAYS = [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }];

/** Asserts that `fn` throws a HospitalError with `code` and (a subset of) `details`, changing nothing. */
function refused(h, fn, code, details = {}) {
  const snapshot = h.toSnapshot();
  const revision = h.revision;
  const error = thrown(fn);
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.equal(error.name, "HospitalError");
  assert.equal(error.code, code, error.message);
  assertJavaScriptWords(error.message, code);
  for (const [key, value] of Object.entries(details)) assert.deepEqual(error.details[key], value, `details.${key}: ${error.message}`);
  assert.equal(h.toSnapshot(), snapshot, "a failed call changed the snapshot");
  assert.equal(h.revision, revision, "a failed call changed the revision");
  return error;
}

/** The hospital rebuilt from its change records must be byte-identical to it. */
function assertReplays(h, options = {}) {
  const records = JSON.parse(JSON.stringify(h.changesSince(0)));
  const replayed = new Hospital(options);
  assert.equal(replayed.applyChanges(records), h.revision);
  assert.equal(replayed.toSnapshot(), h.toSnapshot());
  assert.equal(Hospital.fromSnapshot(h.toSnapshot()).toSnapshot(), h.toSnapshot());
}

const starts = (appointments) => appointments.map((a) => `${a.id} ${a.start} ${a.status}`);

describe("date overrides", () => {
  const make = () => {
    const h = new Hospital();
    h.addDoctor({
      name: "Dr. Ada",
      locations: ["A"],
      schedule: FRIDAYS,
      overrides: [
        { date: "2019-02-01", hours: [{ start: "13:00", end: "15:00" }] }, // replaces the Friday
        { date: "2019-02-08", hours: [] }, // closes it
        { date: "2019-02-09", hours: [{ start: "10:00", end: "11:00" }] }, // opens a Saturday
      ],
    });
    return h;
  };

  test("an override replaces the day's hours; the weekly hours apply on other days", () => {
    const h = make();
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", durationMinutes: 60 }), [
      "2019-02-01T13:00",
      "2019-02-01T13:15",
      "2019-02-01T13:30",
      "2019-02-01T13:45",
      "2019-02-01T14:00",
    ]);
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-09", to: "2019-02-09" }), [
      "2019-02-09T10:00",
      "2019-02-09T10:15",
      "2019-02-09T10:30",
      "2019-02-09T10:45",
    ]);
    assert.equal(h.availableSlots("d1", { from: "2019-02-15", to: "2019-02-15" }).length, 32);
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T14:45" }).end, "2019-02-01T15:00");
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-09T10:00" }).status, "booked");
    const error = refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }), "OUTSIDE_HOURS", {
      reason: "closedByOverride",
      date: "2019-02-01",
    });
    assert.match(error.message, /override/);
  });

  test("an empty override closes the day", () => {
    const h = make();
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-08", to: "2019-02-08" }), []);
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-08T10:00" }), "OUTSIDE_HOURS", {
      doctorId: "d1",
      reason: "closedByOverride",
      date: "2019-02-08",
    });
  });

  test("the doctor keeps overrides as given, and leaves them out when there are none", () => {
    const h = make();
    assert.deepEqual(h.getDoctor("d1").overrides.map((o) => o.date), ["2019-02-01", "2019-02-08", "2019-02-09"]);
    assert.deepEqual(h.getDoctor("d1").overrides[1], { date: "2019-02-08", hours: [] });
    const plain = h.addDoctor({ name: "Dr. Plain", locations: ["A"], schedule: FRIDAYS, overrides: [], timeOff: [] });
    assert.equal(Object.hasOwn(plain, "overrides"), false);
    assert.equal(Object.hasOwn(plain, "timeOff"), false);
    assert.equal(JSON.parse(h.toSnapshot()).doctors[1].overrides, undefined);
  });

  test("a plain outside-hours refusal has no reason, and names the doctor's hours that date", () => {
    const h = make();
    const error = refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-15T17:00" }), "OUTSIDE_HOURS");
    assert.deepEqual(error.details, { doctorId: "d1", hours: h.workingHours("d1", { from: "2019-02-15", to: "2019-02-15" }) });
  });
});

describe("time off", () => {
  const make = () => {
    const h = new Hospital();
    h.addDoctor({
      name: "Dr. Ada",
      locations: ["A"],
      schedule: WEEKDAYS,
      timeOff: [
        { start: "2019-02-05T12:00", end: "2019-02-08T10:00", reason: "conference" }, // Tuesday noon to Friday 10:00
        { start: "2019-02-11T13:00", end: "2019-02-11T17:00" }, // a Monday afternoon
      ],
    });
    return h;
  };

  test("is subtracted from the hours, across days and for an afternoon, and shows in availableSlots", () => {
    const h = make();
    const tuesday = h.availableSlots("d1", { from: "2019-02-05", to: "2019-02-05", durationMinutes: 60 });
    assert.equal(tuesday.at(-1), "2019-02-05T11:00");
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-06", to: "2019-02-07" }), []);
    assert.equal(h.availableSlots("d1", { from: "2019-02-08", to: "2019-02-08" })[0], "2019-02-08T10:00");
    const monday = h.availableSlots("d1", { from: "2019-02-11", to: "2019-02-11" });
    assert.equal(monday.length, 16);
    assert.equal(monday.at(-1), "2019-02-11T12:45");
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-11T12:45" }).end, "2019-02-11T13:00");
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-08T10:00" }).status, "booked");
  });

  test("a booking that touches it is OUTSIDE_HOURS with reason timeOff and the time off itself", () => {
    const h = make();
    const error = refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-05T11:45", durationMinutes: 30 }), "OUTSIDE_HOURS", {
      doctorId: "d1",
      reason: "timeOff",
      timeOff: { start: "2019-02-05T12:00", end: "2019-02-08T10:00", reason: "conference" },
    });
    assert.match(error.message, /conference/);
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-11T16:45" }), "OUTSIDE_HOURS", {
      reason: "timeOff",
      timeOff: { start: "2019-02-11T13:00", end: "2019-02-11T17:00" },
    });
  });

  test("the doctor keeps it as given", () => {
    assert.deepEqual(make().getDoctor("d1").timeOff, [
      { start: "2019-02-05T12:00", end: "2019-02-08T10:00", reason: "conference" },
      { start: "2019-02-11T13:00", end: "2019-02-11T17:00" },
    ]);
  });
});

describe("updateDoctor with overrides or time off that would orphan appointments", () => {
  const make = () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: FRIDAYS });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T09:00" });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T15:00" });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-08T10:00" });
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-15T10:00", now: "2019-01-31T09:00", ttlMinutes: 60 });
    return h;
  };

  test("an override: HAS_APPOINTMENTS naming exactly those outside the new hours, nothing changed", () => {
    const h = make();
    const patch = { overrides: [{ date: "2019-02-01", hours: [{ start: "09:00", end: "12:00" }] }] };
    refused(h, () => h.updateDoctor("d1", patch), "HAS_APPOINTMENTS", { doctorId: "d1", appointmentIds: ["a2"] });
    const doctor = h.updateDoctor("d1", patch, { cancelAppointments: true });
    assert.deepEqual(doctor.overrides, patch.overrides);
    assert.deepEqual(starts(h.appointments("d1", { status: "all" })), [
      "a1 2019-02-01T09:00 booked",
      "a2 2019-02-01T15:00 cancelled",
      "a3 2019-02-08T10:00 booked",
      "a4 2019-02-15T10:00 held",
    ]);
    assert.equal(h.getAppointment("a2").cancelReason, "doctor updated");
  });

  test("time off: booked appointments and live holds in it are in the way", () => {
    const h = make();
    const patch = { timeOff: [{ start: "2019-02-08T00:00", end: "2019-02-16T00:00", reason: "vacation" }] };
    refused(h, () => h.updateDoctor("d1", patch), "HAS_APPOINTMENTS", { appointmentIds: ["a3", "a4"] });
    h.updateDoctor("d1", patch, { cancelAppointments: true });
    assert.deepEqual(starts(h.appointments("d1")), ["a1 2019-02-01T09:00 booked", "a2 2019-02-01T15:00 booked"]);
    assert.equal(h.getAppointment("a4").status, "cancelled");
    assert.equal(h.getAppointment("a4").holdExpires, undefined);
  });

  test("clearing overrides and time off works and removes them from the doctor", () => {
    const h = make();
    h.updateDoctor("d1", { overrides: [{ date: "2019-02-22", hours: [] }], timeOff: [{ start: "2019-03-01T09:00", end: "2019-03-01T10:00" }] });
    const cleared = h.updateDoctor("d1", { overrides: [], timeOff: [] });
    assert.equal(cleared.overrides, undefined);
    assert.equal(cleared.timeOff, undefined);
  });
});

describe("hours per location", () => {
  const make = () => {
    const h = new Hospital();
    h.addDoctor({
      name: "Dr. Ada",
      locations: ["North", "South"],
      schedule: [
        { days: ["mon"], start: "09:00", end: "12:00", locations: ["North"] },
        { days: ["thu"], start: "09:00", end: "17:00", locations: ["South"] },
        { days: ["fri"], start: "09:00", end: "17:00" }, // both
      ],
    });
    return h;
  };

  test("a booking at a site the rule does not name is OUTSIDE_HOURS, notServedThere, with where the doctor is", () => {
    const h = make();
    assert.equal(h.book({ doctorId: "d1", location: "North", start: "2019-02-04T09:00" }).location, "North");
    assert.equal(h.book({ doctorId: "d1", location: "South", start: "2019-02-07T09:00" }).location, "South");
    const error = refused(h, () => h.book({ doctorId: "d1", location: "South", start: "2019-02-04T10:00" }), "OUTSIDE_HOURS", {
      doctorId: "d1",
      location: "South",
      reason: "notServedThere",
      locations: ["North"],
    });
    assert.match(error.message, /North/);
    refused(h, () => h.book({ doctorId: "d1", location: "North", start: "2019-02-07T10:00" }), "OUTSIDE_HOURS", {
      reason: "notServedThere",
      locations: ["South"],
    });
  });

  test("a rule without locations applies at all of them; slots per location differ", () => {
    const h = make();
    assert.equal(h.availableSlots("d1", { from: "2019-02-04", to: "2019-02-04", location: "North" }).length, 12);
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-04", to: "2019-02-04", location: "South" }), []);
    assert.equal(h.availableSlots("d1", { from: "2019-02-04", to: "2019-02-04" }).length, 12);
    assert.equal(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", location: "South" }).length, 32);
  });

  test("one appointment anywhere blocks every location", () => {
    const h = make();
    const first = h.book({ doctorId: "d1", location: "North", start: "2019-02-01T10:00" });
    refused(h, () => h.book({ doctorId: "d1", location: "South", start: "2019-02-01T10:00" }), "SLOT_TAKEN", {
      conflictingAppointmentId: first.id,
    });
    assert.ok(!h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", location: "South" }).includes("2019-02-01T10:00"));
  });

  test("override blocks may name locations too", () => {
    const h = make();
    h.updateDoctor("d1", { overrides: [{ date: "2019-02-01", hours: [{ start: "13:00", end: "14:00", locations: ["South"] }] }] });
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", location: "North" }), []);
    assert.equal(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", location: "South" }).length, 4);
    refused(h, () => h.book({ doctorId: "d1", location: "North", start: "2019-02-01T13:00" }), "OUTSIDE_HOURS", {
      reason: "notServedThere",
      locations: ["South"],
    });
  });

  test("a rule naming a location the doctor does not have is INVALID_INPUT", () => {
    const h = make();
    const error = refused(
      h,
      () => h.updateDoctor("d1", { schedule: [{ days: ["mon"], start: "09:00", end: "12:00", locations: ["East"] }] }),
      "INVALID_INPUT",
    );
    assert.match(error.details.field, /^schedule\[0\]\.locations/);
  });

  test("dropping a location a rule names orphans its appointments like any location change", () => {
    const h = make();
    h.book({ doctorId: "d1", location: "South", start: "2019-02-07T09:00" });
    refused(h, () => h.updateDoctor("d1", { schedule: [{ days: ["thu"], start: "09:00", end: "17:00", locations: ["North"] }] }), "HAS_APPOINTMENTS", {
      appointmentIds: ["a1"],
    });
  });
});

describe("reschedule", () => {
  const make = () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Ada", locations: ["A", "B"], schedule: FRIDAYS });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: 30, patient: "p1", requestId: "r1" });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00" });
    return h;
  };

  test("moves atomically, keeps the id and the patient, and records where it was", () => {
    const h = make();
    const revision = h.revision;
    const moved = h.reschedule("a1", { start: "2019-02-01T14:00", location: "B", durationMinutes: 45 });
    assert.deepEqual(moved, {
      id: "a1",
      doctorId: "d1",
      location: "B",
      start: "2019-02-01T14:00",
      end: "2019-02-01T14:45",
      durationMinutes: 45,
      patient: "p1",
      requestId: "r1",
      status: "booked",
      rescheduledFrom: [{ location: "A", start: "2019-02-01T10:00", end: "2019-02-01T10:30" }],
    });
    assert.equal(h.revision, revision + 1);
    assert.deepEqual(h.getAppointment("a1"), moved);
    // The old time is free, the new one taken.
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }).status, "booked");
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T14:30" }), "SLOT_TAKEN", { conflictingAppointmentId: "a1" });
    // Moved again: the trace grows, oldest first.
    const again = h.reschedule("a1", { start: "2019-02-08T09:00" });
    assert.deepEqual(again.rescheduledFrom, [
      { location: "A", start: "2019-02-01T10:00", end: "2019-02-01T10:30" },
      { location: "B", start: "2019-02-01T14:00", end: "2019-02-01T14:45" },
    ]);
    assert.equal(again.location, "B");
    assert.equal(again.durationMinutes, 45);
  });

  test("ignores its own current time: moving 15 minutes into itself works", () => {
    const h = make();
    const moved = h.reschedule("a1", { start: "2019-02-01T10:15" });
    assert.equal(moved.end, "2019-02-01T10:45");
    // ...but not into the next appointment.
    refused(h, () => h.reschedule("a1", { start: "2019-02-01T10:45" }), "SLOT_TAKEN", { conflictingAppointmentId: "a2" });
  });

  test("a failure changes nothing, whatever the rule", () => {
    const h = make();
    refused(h, () => h.reschedule("a1", { start: "2019-02-01T16:45" }), "OUTSIDE_HOURS");
    refused(h, () => h.reschedule("a1", { start: "2019-02-01T10:05" }), "OFF_GRID");
    refused(h, () => h.reschedule("a1", { start: "2019-02-01T14:00", location: "Z" }), "LOCATION_NOT_SERVED");
    refused(h, () => h.reschedule("a404", { start: "2019-02-01T14:00" }), "APPOINTMENT_NOT_FOUND");
    refused(h, () => h.reschedule("a1", { start: "2019-02-01T14:00", when: "now" }), "INVALID_INPUT", { field: "when" });
    h.cancel("a2");
    refused(h, () => h.reschedule("a2", { start: "2019-02-01T14:00" }), "ALREADY_CANCELLED", { appointmentId: "a2" });
  });

  test("to where it already is: a no-op that returns it without a new revision", () => {
    const h = make();
    const before = h.toSnapshot();
    const revision = h.revision;
    const same = h.reschedule("a1", { start: "2019-02-01T10:00", location: "A", durationMinutes: 30 });
    assert.equal(same.rescheduledFrom, undefined);
    assert.equal(h.revision, revision);
    assert.equal(h.toSnapshot(), before);
    assert.deepEqual(h.changesSince(revision), []);
  });

  test("a hold can be moved and stays a hold", () => {
    const h = make();
    const held = h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T13:00", now: "2019-01-31T09:00", ttlMinutes: 30 });
    const moved = h.reschedule(held.id, { start: "2019-02-01T13:30", now: "2019-01-31T09:05" });
    assert.equal(moved.status, "held");
    assert.equal(moved.holdExpires, "2019-01-31T09:30");
  });
});

describe("holds", () => {
  const NOW = "2019-01-31T09:00";
  const make = () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: FRIDAYS });
    return h;
  };
  const hold = (h, extra = {}) =>
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: NOW, ttlMinutes: 10, patient: "p1", ...extra });

  test("hold returns a held appointment that blocks the slot; confirm books it", () => {
    const h = make();
    const held = hold(h);
    assert.equal(held.status, "held");
    assert.equal(held.holdExpires, "2019-01-31T09:10");
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }), "SLOT_TAKEN", { conflictingAppointmentId: held.id });
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:09" }), "SLOT_TAKEN");
    assert.ok(!h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01" }).includes("2019-02-01T10:00"));
    const booked = h.confirm(held.id, { now: "2019-01-31T09:09" });
    assert.equal(booked.status, "booked");
    assert.equal(booked.holdExpires, undefined);
    assert.equal(booked.updatedAt, "2019-01-31T09:09", "confirm's now");
    assert.deepEqual({ ...booked, status: "held", holdExpires: "2019-01-31T09:10", updatedAt: held.updatedAt }, held);
    // Long after the hold would have lapsed, the booking stays.
    assert.equal(h.appointments("d1", { now: "2019-12-31T00:00" }).length, 1);
  });

  test("confirm after the ttl is HOLD_EXPIRED; on a booked one NOT_HELD; on a cancelled one ALREADY_CANCELLED", () => {
    const h = make();
    const held = hold(h);
    refused(h, () => h.confirm(held.id, { now: "2019-01-31T09:10" }), "HOLD_EXPIRED", { appointmentId: held.id, holdExpires: "2019-01-31T09:10" });
    const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00" });
    refused(h, () => h.confirm(booked.id, { now: NOW }), "NOT_HELD", { appointmentId: booked.id });
    h.cancel(booked.id);
    refused(h, () => h.confirm(booked.id, { now: NOW }), "ALREADY_CANCELLED");
    refused(h, () => h.confirm("a404", { now: NOW }), "APPOINTMENT_NOT_FOUND");
  });

  test("a lapsed hold frees its slot for a call passing a later now, and that call marks it expired", () => {
    const h = make();
    const held = hold(h);
    const later = "2019-01-31T09:10";
    assert.ok(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: later }).includes("2019-02-01T10:00"));
    assert.deepEqual(h.findSlots({ from: "2019-02-01T10:00", to: "2019-02-01T10:15", limit: 1, now: later }), [
      { doctorId: "d1", location: "A", start: "2019-02-01T10:00" },
    ]);
    assert.deepEqual(h.explain({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: later }), []);
    // Reads with a later now do not move the hospital's clock: the hold is still held.
    assert.deepEqual(JSON.parse(h.toSnapshot()).appointments.map((row) => row[5]), ["held"]);
    assert.equal(JSON.parse(h.toSnapshot()).lastNow, NOW);
    assert.equal(h.getAppointment(held.id).status, "held");
    const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: later });
    assert.equal(booked.status, "booked");
    const snapshot = JSON.parse(h.toSnapshot());
    assert.equal(snapshot.lastNow, later);
    // The lapsed hold stays, as history: expired, with when it lapsed.
    assert.deepEqual(
      snapshot.appointments.map((row) => `${row[0]} ${row[5]}`),
      [`${held.id} expired`, `${booked.id} booked`],
    );
    assert.deepEqual(h.getAppointment(held.id), { ...held, status: "expired" });
    assert.notEqual(booked.id, held.id);
  });

  test("listings leave out holds that have lapsed by the now given; status filters held and active", () => {
    const h = make();
    const held = hold(h);
    const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00" });
    const cancelled = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T12:00" });
    h.cancel(cancelled.id);
    const ids = (query) => h.appointments("d1", query).map((a) => a.id);
    assert.deepEqual(ids(), [held.id, booked.id]);
    assert.deepEqual(ids({ status: "active" }), [held.id, booked.id]);
    assert.deepEqual(ids({ status: "held" }), [held.id]);
    assert.deepEqual(ids({ status: "booked" }), [booked.id]);
    assert.deepEqual(ids({ status: "cancelled" }), [cancelled.id]);
    assert.deepEqual(ids({ status: "all" }), [held.id, booked.id, cancelled.id]);
    assert.deepEqual(ids({ now: "2019-01-31T09:09" }), [held.id, booked.id]);
    assert.deepEqual(ids({ now: "2019-01-31T09:10" }), [booked.id]);
    assert.deepEqual(ids({ status: "held", now: "2019-01-31T09:10" }), []);
    // Lapsed by the now given, it counts as expired (it is history, not gone).
    assert.deepEqual(ids({ status: "expired" }), []);
    assert.deepEqual(ids({ status: "expired", now: "2019-01-31T09:10" }), [held.id]);
    assert.deepEqual(ids({ status: "all", now: "2019-01-31T09:10" }), [held.id, booked.id, cancelled.id]);
  });

  test("a lapsed hold is expired once any successful call moves the clock past it, and stays as history", () => {
    const h = make();
    const lapsed = hold(h);
    const other = h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T14:00", now: NOW, ttlMinutes: 60 });
    // A failed call passing a later now moves nothing.
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T17:00", now: "2019-01-31T09:30" }), "OUTSIDE_HOURS");
    assert.deepEqual(JSON.parse(h.toSnapshot()).appointments.map((row) => row[5]), ["held", "held"]);
    // A successful one (here a confirm of the other hold) does.
    h.confirm(other.id, { now: "2019-01-31T09:30" });
    const snapshot = JSON.parse(h.toSnapshot());
    assert.deepEqual(
      snapshot.appointments.map((row) => `${row[0]} ${row[5]}`),
      [`${lapsed.id} expired`, `${other.id} booked`],
    );
    assert.equal(snapshot.lastNow, "2019-01-31T09:30");
    // History, like a cancelled appointment: listed as expired, never in the way, never revived.
    assert.deepEqual(h.appointments("d1", { status: "expired" }).map((a) => a.id), [lapsed.id]);
    assert.deepEqual(h.appointments("d1").map((a) => a.id), [other.id]);
    const expired = { appointmentId: lapsed.id, holdExpires: "2019-01-31T09:10" };
    refused(h, () => h.confirm(lapsed.id, { now: "2019-01-31T09:30" }), "HOLD_EXPIRED", expired);
    refused(h, () => h.confirm(lapsed.id, { now: NOW }), "HOLD_EXPIRED", expired);
    refused(h, () => h.cancel(lapsed.id), "HOLD_EXPIRED", expired);
    refused(h, () => h.reschedule(lapsed.id, { start: "2019-02-01T15:00" }), "HOLD_EXPIRED", expired);
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }).status, "booked");
    assertReplays(h);
  });

  test("a hold is cancelled like a booking; a cancelled hold keeps no expiry", () => {
    const h = make();
    const held = hold(h);
    const cancelled = h.cancel(held.id, { reason: "patient left" });
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.holdExpires, undefined);
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }).status, "booked");
  });

  test("hold needs now and a ttl of 1 to 10080 minutes, and follows every booking rule", () => {
    const h = make();
    refused(h, () => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", ttlMinutes: 10 }), "INVALID_INPUT", { field: "now" });
    refused(h, () => hold(h, { ttlMinutes: 0 }), "INVALID_INPUT", { field: "ttlMinutes" });
    refused(h, () => hold(h, { ttlMinutes: 10081 }), "INVALID_INPUT", { field: "ttlMinutes" });
    assert.equal(hold(h, { ttlMinutes: 10080 }).holdExpires, "2019-02-07T09:00");
    refused(h, () => hold(h, { start: "2019-02-01T17:00" }), "OUTSIDE_HOURS");
    refused(h, () => hold(h), "SLOT_TAKEN");
  });
});

describe("findSlots", () => {
  const make = () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. One", locations: ["A", "B"], schedule: FRIDAYS });
    h.addDoctor({ name: "Dr. Two", locations: ["B"], schedule: [{ days: ["fri"], start: "08:00", end: "10:00" }] });
    h.addDoctor({ name: "Dr. Three", locations: ["C"], schedule: [{ days: ["fri", "mon"], start: "09:00", end: "17:00" }] });
    return h;
  };
  const show = (slots) => slots.map((s) => `${s.start} ${s.doctorId} ${s.location}`);

  test("across doctors, earliest first, doctors in the order they were added on ties", () => {
    const h = make();
    assert.deepEqual(show(h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 7 })), [
      "2019-02-01T08:00 d2 B",
      "2019-02-01T08:15 d2 B",
      "2019-02-01T08:30 d2 B",
      "2019-02-01T08:45 d2 B",
      "2019-02-01T09:00 d1 A",
      "2019-02-01T09:00 d2 B",
      "2019-02-01T09:00 d3 C",
    ]);
  });

  test("filters by location and by doctorIds (in hospital order, each once); limit caps the count", () => {
    const h = make();
    assert.deepEqual(show(h.findSlots({ location: "B", from: "2019-02-01T09:00", to: "2019-02-01", limit: 3 })), [
      "2019-02-01T09:00 d1 B",
      "2019-02-01T09:00 d2 B",
      "2019-02-01T09:15 d1 B",
    ]);
    assert.deepEqual(show(h.findSlots({ doctorIds: ["d3", "d1", "d3"], from: "2019-02-01T09:00", to: "2019-02-01", limit: 3 })), [
      "2019-02-01T09:00 d1 A",
      "2019-02-01T09:00 d3 C",
      "2019-02-01T09:15 d1 A",
    ]);
    assert.deepEqual(h.findSlots({ location: "Nowhere", from: "2019-02-01", to: "2019-02-01", limit: 3 }), []);
    assert.equal(h.findSlots({ from: "2019-02-01", to: "2019-02-07", limit: 1000 }).length, 32 + 8 + 32 + 32);
    assert.deepEqual(show(h.findSlots({ location: "C", from: "2019-02-02", to: "2019-02-28", limit: 1 })), ["2019-02-04T09:00 d3 C"]);
  });

  test("skips booked and held times, time off, closed days and the wrong site", () => {
    const h = make();
    h.book({ doctorId: "d2", location: "B", start: "2019-02-01T08:00", durationMinutes: 30 });
    h.hold({ doctorId: "d2", location: "B", start: "2019-02-01T08:30", now: "2019-01-31T09:00", ttlMinutes: 60 });
    h.updateDoctor("d1", {
      schedule: [{ days: ["fri"], start: "09:00", end: "17:00", locations: ["B"] }],
      timeOff: [{ start: "2019-02-01T09:00", end: "2019-02-01T09:30" }],
    });
    h.updateDoctor("d3", { overrides: [{ date: "2019-02-01", hours: [] }] });
    assert.deepEqual(show(h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 5 })), [
      "2019-02-01T08:45 d2 B",
      "2019-02-01T09:00 d2 B",
      "2019-02-01T09:15 d2 B",
      "2019-02-01T09:30 d1 B",
      "2019-02-01T09:30 d2 B",
    ]);
    assert.deepEqual(h.findSlots({ location: "A", from: "2019-02-01", to: "2019-02-01", limit: 5 }), []);
  });

  test("durationMinutes: a slot needs the whole interval free", () => {
    const h = make();
    assert.deepEqual(show(h.findSlots({ doctorIds: ["d2"], from: "2019-02-01", to: "2019-02-01", durationMinutes: 120, limit: 5 })), [
      "2019-02-01T08:00 d2 B",
    ]);
  });

  test("bounded: a window of at most 31 days, limit 1 to 1000, at most 1000 doctorIds", () => {
    const h = make();
    assert.equal(h.findSlots({ from: "2019-02-01", to: "2019-03-03", limit: 1 }).length, 1);
    refused(h, () => h.findSlots({ from: "2019-02-01", to: "2019-03-04", limit: 1 }), "INVALID_INPUT", { field: "to" });
    refused(h, () => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 0 }), "INVALID_INPUT", { field: "limit" });
    refused(h, () => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 1001 }), "INVALID_INPUT", { field: "limit" });
    assert.equal(h.findSlots({ from: "2019-02-01", to: "2019-02-07", limit: 1000 }).length, 104);
    refused(h, () => h.findSlots({ from: "2019-02-01", to: "2019-02-01" }), "INVALID_INPUT", { field: "limit" });
    const many = Array.from({ length: 1001 }, (_, i) => `d${i}`);
    refused(h, () => h.findSlots({ doctorIds: many, from: "2019-02-01", to: "2019-02-01", limit: 1 }), "INVALID_INPUT", { field: "doctorIds" });
    refused(h, () => h.findSlots({ doctorIds: ["d9"], from: "2019-02-01", to: "2019-02-01", limit: 1 }), "DOCTOR_NOT_FOUND", { doctorId: "d9" });
    refused(h, () => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 1, durationMinutes: 20 }), "OFF_GRID");
  });
});

describe("now, minimum notice and horizon", () => {
  const make = (options) => {
    const h = new Hospital(options);
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: WEEKDAYS });
    return h;
  };

  test("off by default: now is optional and the past is bookable", () => {
    const h = make();
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2000-02-01T10:00" }).status, "booked");
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2000-02-01T11:00", now: "2019-01-01T00:00" }).status, "booked");
  });

  test("with notice or horizon set, every booking call and search needs now", () => {
    for (const options of [{ minNoticeMinutes: 0 }, { horizonDays: 30 }]) {
      const h = make(options);
      const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T16:00", now: "2019-02-01T09:00" });
      const calls = [
        () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }),
        () => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", ttlMinutes: 5 }),
        () => h.reschedule(booked.id, { start: "2019-02-01T10:00" }),
        () => h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01" }),
        () => h.findSlots({ from: "2019-02-01", to: "2019-02-01", limit: 1 }),
        () => h.explain({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" }),
      ];
      for (const call of calls) {
        const error = refused(h, call, "INVALID_INPUT", { field: "now" });
        assert.match(error.message, /now/);
      }
    }
  });

  test("minNoticeMinutes 0 refuses the past: TOO_SOON with reason inThePast", () => {
    const h = make({ minNoticeMinutes: 0 });
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-02-01T10:15" }), "TOO_SOON", {
      reason: "inThePast",
      earliestStart: "2019-02-01T10:15",
    });
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:15", now: "2019-02-01T10:15" }).status, "booked");
  });

  test("a notice: TOO_SOON with the earliest start allowed (no reason when not in the past)", () => {
    const h = make({ minNoticeMinutes: 120 });
    const error = refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:45", now: "2019-02-01T09:00" }), "TOO_SOON");
    assert.deepEqual(error.details, { earliestStart: "2019-02-01T11:00" });
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", now: "2019-02-01T09:00" }).status, "booked");
    // The earliest start (15:50) is off the grid: the first slot offered is the next grid time.
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now: "2019-02-01T13:50" }), [
      "2019-02-01T16:00",
      "2019-02-01T16:15",
      "2019-02-01T16:30",
      "2019-02-01T16:45",
    ]);
  });

  test("a horizon: BEYOND_HORIZON with the latest start allowed", () => {
    const h = make({ horizonDays: 7 });
    refused(h, () => h.book({ doctorId: "d1", location: "A", start: "2019-02-08T09:15", now: "2019-02-01T09:00" }), "BEYOND_HORIZON", {
      latestStart: "2019-02-08T09:00",
    });
    assert.equal(h.book({ doctorId: "d1", location: "A", start: "2019-02-08T09:00", now: "2019-02-01T09:00" }).status, "booked");
  });

  test("availableSlots and findSlots are narrowed to [now + notice, now + horizon]", () => {
    const h = make({ minNoticeMinutes: 60, horizonDays: 3 });
    const now = "2019-02-01T15:20";
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-01", to: "2019-02-01", now }), ["2019-02-01T16:30", "2019-02-01T16:45"]);
    const monday = h.availableSlots("d1", { from: "2019-02-04", to: "2019-02-04", now });
    assert.equal(monday[0], "2019-02-04T09:00");
    assert.equal(monday.at(-1), "2019-02-04T15:15");
    assert.deepEqual(h.availableSlots("d1", { from: "2019-02-05", to: "2019-02-05", now }), []);
    const found = h.findSlots({ from: "2019-02-01", to: "2019-02-28", limit: 1000, now });
    assert.equal(found[0].start, "2019-02-01T16:30");
    assert.equal(found.at(-1).start, "2019-02-04T15:15");
  });

  test("hold and reschedule follow the notice too", () => {
    const h = make({ minNoticeMinutes: 60 });
    const now = "2019-02-01T09:00";
    refused(h, () => h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T09:45", now, ttlMinutes: 5 }), "TOO_SOON");
    const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T12:00", now });
    refused(h, () => h.reschedule(booked.id, { start: "2019-02-01T09:30", now }), "TOO_SOON", { earliestStart: "2019-02-01T10:00" });
    assert.equal(h.reschedule(booked.id, { start: "2019-02-01T10:00", now }).start, "2019-02-01T10:00");
  });
});

describe("preventPatientOverlap", () => {
  const make = (preventPatientOverlap) => {
    const h = new Hospital({ preventPatientOverlap });
    h.addDoctor({ name: "Dr. One", locations: ["A"], schedule: FRIDAYS });
    h.addDoctor({ name: "Dr. Two", locations: ["B"], schedule: FRIDAYS });
    h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", durationMinutes: 30, patient: "p1" });
    return h;
  };

  test("on: a second overlapping appointment for the patient, with any doctor, is PATIENT_BUSY", () => {
    const h = make(true);
    const error = refused(h, () => h.book({ doctorId: "d2", location: "B", start: "2019-02-01T10:15", patient: "p1" }), "PATIENT_BUSY", {
      patient: "p1",
      conflictingAppointmentId: "a1",
    });
    assert.match(error.message, /p1/);
    refused(h, () => h.hold({ doctorId: "d2", location: "B", start: "2019-02-01T10:00", patient: "p1", now: "2019-01-31T09:00", ttlMinutes: 5 }), "PATIENT_BUSY");
    // Touching is not overlapping; other patients and bookings without a patient are free.
    assert.equal(h.book({ doctorId: "d2", location: "B", start: "2019-02-01T10:30", patient: "p1" }).status, "booked");
    assert.equal(h.book({ doctorId: "d2", location: "B", start: "2019-02-01T10:00", patient: "p2" }).status, "booked");
    assert.equal(h.book({ doctorId: "d2", location: "B", start: "2019-02-01T10:15" }).status, "booked");
  });

  test("on: reschedule checks the patient too, ignoring the appointment itself; cancelling frees the patient", () => {
    const h = make(true);
    const other = h.book({ doctorId: "d2", location: "B", start: "2019-02-01T11:00", patient: "p1" });
    refused(h, () => h.reschedule(other.id, { start: "2019-02-01T10:00" }), "PATIENT_BUSY", { conflictingAppointmentId: "a1" });
    assert.equal(h.reschedule("a1", { start: "2019-02-01T10:15" }).start, "2019-02-01T10:15");
    h.cancel("a1");
    assert.equal(h.reschedule(other.id, { start: "2019-02-01T10:00" }).start, "2019-02-01T10:00");
  });

  test("off (the default): the same patient may be booked twice at once", () => {
    const h = make(false);
    assert.equal(h.book({ doctorId: "d2", location: "B", start: "2019-02-01T10:15", patient: "p1" }).status, "booked");
    assert.equal(new Hospital().toSnapshot().includes("preventPatientOverlap"), false);
  });
});

describe("explain", () => {
  const make = () => {
    const h = new Hospital({ minNoticeMinutes: 60, horizonDays: 30, preventPatientOverlap: true });
    h.addDoctor({
      name: "Dr. One",
      locations: ["North", "South"],
      schedule: [{ days: ["fri"], start: "09:00", end: "17:00", locations: ["North"] }],
      timeOff: [{ start: "2019-02-01T12:00", end: "2019-02-01T13:00", reason: "lunch" }],
    });
    h.addDoctor({ name: "Dr. Two", locations: ["South"], schedule: FRIDAYS });
    h.book({ doctorId: "d1", location: "North", start: "2019-02-01T11:45", durationMinutes: 15, patient: "p1", now: "2019-01-31T09:00" });
    h.book({ doctorId: "d2", location: "South", start: "2019-02-01T11:30", durationMinutes: 60, patient: "p2", now: "2019-01-31T09:00" });
    return h;
  };

  test("a bookable time: []", () => {
    const h = make();
    const request = { doctorId: "d1", location: "North", start: "2019-02-01T10:00", now: "2019-01-31T09:00", patient: "p3" };
    assert.deepEqual(h.explain(request), []);
    assert.equal(h.book(request).status, "booked");
  });

  test("every reason at once, in rule order, each as the error book throws; book throws the first", () => {
    const h = make();
    const request = { doctorId: "d1", location: "South", start: "2019-02-01T11:40", durationMinutes: 30, now: "2019-02-01T11:00", patient: "p2" };
    const problems = h.explain(request);
    assert.deepEqual(
      problems.map((p) => `${p.code} ${p.details.reason ?? p.details.field ?? p.details.conflictingAppointmentId ?? ""}`),
      [
        "OFF_GRID start",
        "OUTSIDE_HOURS notServedThere",
        "OUTSIDE_HOURS timeOff",
        "SLOT_TAKEN a1",
        "TOO_SOON ",
        "PATIENT_BUSY a2",
      ],
    );
    const { hours, ...rest } = problems[1].details;
    assert.deepEqual(rest, { doctorId: "d1", location: "South", reason: "notServedThere", locations: ["North"] });
    assert.deepEqual(hours, h.workingHours("d1", { from: "2019-02-01", to: "2019-02-01" }));
    assert.deepEqual(problems[2].details.timeOff, { start: "2019-02-01T12:00", end: "2019-02-01T13:00", reason: "lunch" });
    assert.deepEqual(problems[4].details, { earliestStart: "2019-02-01T12:00" });
    for (const problem of problems) {
      assert.deepEqual(Object.keys(problem), ["code", "message", "details"]);
      assert.equal(typeof problem.message, "string");
    }
    // book reports exactly the first of them, and explain changed nothing.
    const error = refused(h, () => h.book(request), problems[0].code);
    assert.deepEqual({ code: error.code, message: error.message, details: error.details }, problems[0]);
  });

  test("agrees with book on each rule alone", () => {
    const h = make();
    const base = { doctorId: "d1", location: "North", start: "2019-02-01T10:00", now: "2019-01-31T09:00" };
    for (const request of [
      { ...base, location: "West" },
      { ...base, start: "2019-02-01T10:05" },
      { ...base, start: "2019-02-01T08:00" },
      { ...base, start: "2019-02-01T12:30" },
      { ...base, start: "2019-02-01T11:45" },
      { ...base, now: "2019-02-01T09:30" },
      { ...base, start: "2019-03-08T10:00" },
      { ...base, start: "2019-02-01T11:30", patient: "p2" },
    ]) {
      const problems = h.explain(request);
      assert.equal(problems.length, 1, JSON.stringify([request, problems]));
      const error = refused(h, () => h.book(request), problems[0].code);
      assert.deepEqual({ code: error.code, message: error.message, details: error.details }, problems[0]);
    }
  });

  test("closed by override, beyond the horizon, unknown doctor", () => {
    const h = make();
    h.updateDoctor("d2", { overrides: [{ date: "2019-03-08", hours: [] }] });
    assert.deepEqual(
      h.explain({ doctorId: "d2", location: "South", start: "2019-03-08T10:00", now: "2019-01-31T09:00" }).map((p) => [p.code, p.details.reason, p.details.date, p.details.latestStart]),
      [
        ["OUTSIDE_HOURS", "closedByOverride", "2019-03-08", undefined],
        ["BEYOND_HORIZON", undefined, undefined, "2019-03-02T09:00"],
      ],
    );
    refused(h, () => h.explain({ doctorId: "d9", location: "South", start: "2019-02-01T10:00", now: "2019-01-31T09:00" }), "DOCTOR_NOT_FOUND");
  });
});

describe("persistence of everything above", () => {
  test("change records of every new op, replayed with applyChanges, rebuild a byte-identical snapshot", () => {
    const options = { minNoticeMinutes: 0, horizonDays: 365, preventPatientOverlap: true };
    const h = new Hospital(options);
    h.addDoctor({
      name: "Dr. Ada",
      locations: ["A", "B"],
      schedule: [{ days: ["fri"], start: "09:00", end: "17:00", locations: ["A"] }, { days: ["thu"], start: "09:00", end: "12:00" }],
      overrides: [{ date: "2019-02-08", hours: [{ start: "10:00", end: "12:00", locations: ["B"] }] }],
      timeOff: [{ start: "2019-02-15T09:00", end: "2019-02-15T12:00", reason: "training" }],
    });
    const now = "2019-01-31T09:00";
    const a = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", patient: "p1", now, requestId: "r1" });
    const held = h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T11:00", patient: "p2", now, ttlMinutes: 15 });
    h.confirm(held.id, { now: "2019-01-31T09:10" });
    h.reschedule(a.id, { start: "2019-02-08T10:00", location: "B", durationMinutes: 30, now: "2019-01-31T09:11" });
    h.reschedule(held.id, { start: "2019-02-07T09:00", now: "2019-01-31T09:11" });
    const lapsing = h.hold({ doctorId: "d1", location: "A", start: "2019-02-22T09:00", now: "2019-01-31T09:12", ttlMinutes: 5, id: "hold-1" });
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-22T10:00", now: "2019-01-31T09:12", ttlMinutes: 60 });
    // This booking passes a now after hold-1 lapsed: it expires it, in the recorded call.
    h.book({ doctorId: "d1", location: "A", start: "2019-02-22T09:00", now: "2019-01-31T09:30" });
    h.updateDoctor("d1", { timeOff: [{ start: "2019-02-07T00:00", end: "2019-02-08T00:00" }] }, { cancelAppointments: true });
    h.cancel(a.id, { reason: "patient called" });
    assert.deepEqual(h.getAppointment(lapsing.id), { ...lapsing, status: "expired" });

    const records = h.changesSince(0);
    assert.deepEqual(
      records.map((c) => c.op),
      ["addDoctor", "book", "hold", "confirm", "reschedule", "reschedule", "hold", "hold", "book", "updateDoctor", "cancel"],
    );
    assert.deepEqual(records[2].now, now);
    assert.deepEqual(records[3], { op: "confirm", revision: 4, id: held.id, now: "2019-01-31T09:10" });
    assert.deepEqual(records[4], { op: "reschedule", revision: 5, id: a.id, location: "B", start: "2019-02-08T10:00", durationMinutes: 30, now: "2019-01-31T09:11" });
    assert.equal(records[1].now, now);
    assert.equal(h.changesSince(0).find((c) => c.op === "addDoctor").doctor.overrides.length, 1);
    assertReplays(h, options);

    // From a snapshot in the middle, too.
    const middle = new Hospital(options);
    middle.applyChanges(JSON.parse(JSON.stringify(records.slice(0, 7))));
    const restored = Hospital.fromSnapshot(middle.toSnapshot());
    restored.applyChanges(JSON.parse(JSON.stringify(h.changesSince(7))));
    assert.equal(restored.toSnapshot(), h.toSnapshot());
  });

  test("a replayed record that no longer holds is refused, all or nothing", () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: FRIDAYS });
    const held = h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00", ttlMinutes: 5 });
    const records = JSON.parse(JSON.stringify(h.changesSince(0)));
    const forged = [...records, { op: "confirm", revision: 3, id: held.id, now: "2019-01-31T09:05" }];
    const target = new Hospital();
    refused(target, () => target.applyChanges(forged), "HOLD_EXPIRED");
    assert.equal(target.revision, 0);
  });

  test("snapshots: version 4 with lastNow; holds, traces, overrides and options round-trip", () => {
    const h = new Hospital({ minNoticeMinutes: 30, horizonDays: 60, preventPatientOverlap: true });
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: FRIDAYS, overrides: [{ date: "2019-02-08", hours: [] }], timeOff: [{ start: "2019-02-15T09:00", end: "2019-02-15T10:00" }] });
    const booked = h.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00" });
    h.reschedule(booked.id, { start: "2019-02-01T11:00", now: "2019-01-31T09:00" });
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T12:00", now: "2019-01-31T09:00", ttlMinutes: 30 });
    const text = h.toSnapshot();
    const snapshot = JSON.parse(text);
    assert.equal(snapshot.version, 4);
    assert.equal(snapshot.lastNow, "2019-01-31T09:00");
    assert.deepEqual(snapshot.options, { slotMinutes: 15, defaultDurationMinutes: 15, timeZone: null, minNoticeMinutes: 30, horizonDays: 60, preventPatientOverlap: true, maxSnapshotBytes: 128 * 1024 * 1024 });
    assert.deepEqual(snapshot.appointments.map((row) => row[ROW.status]), ["booked", "held"]);
    const restored = Hospital.fromSnapshot(text);
    assert.equal(restored.toSnapshot(), text);
    // The restored hospital keeps its rules and its clock.
    refused(restored, () => restored.book({ doctorId: "d1", location: "A", start: "2019-02-01T12:00", now: "2019-01-31T09:29" }), "SLOT_TAKEN");
    refused(restored, () => restored.book({ doctorId: "d1", location: "A", start: "2019-02-01T13:00" }), "INVALID_INPUT", { field: "now" });
    // A hold that lapsed by lastNow should have been expired: such a snapshot is refused.
    const stale = { ...snapshot, lastNow: "2019-01-31T09:30" };
    refused(restored, () => Hospital.fromSnapshot(snapshotText(stale)), "INVALID_SNAPSHOT", { path: "appointments[1].holdExpires" });
    // Version 2 requires its lastNow (null when no call passed a now).
    const v2 = JSON.parse(goldenSnapshot(2));
    delete v2.lastNow;
    refused(restored, () => Hospital.fromSnapshot(JSON.stringify(v2)), "INVALID_SNAPSHOT", { path: "lastNow" });
  });

  test("a version 3 snapshot without its lastNow is refused, as version 2 is", () => {
    const h = new Hospital();
    h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: FRIDAYS });
    h.hold({ doctorId: "d1", location: "A", start: "2019-02-01T12:00", now: "2019-01-31T09:00", ttlMinutes: 30 });
    const missing = JSON.parse(h.toSnapshot());
    delete missing.lastNow;
    refused(h, () => Hospital.fromSnapshot(snapshotText(missing)), "INVALID_SNAPSHOT", { path: "lastNow" });
  });

  test("a version 1 snapshot (the golden fixture) still loads, and is written back as version 4", () => {
    const v1 = goldenSnapshot(1);
    assert.equal(JSON.parse(v1).version, 1);
    const h = Hospital.fromSnapshot(v1);
    const parsed = JSON.parse(v1);
    assert.equal(h.revision, parsed.revision);
    assert.deepEqual(h.listDoctors(), parsed.doctors);
    const written = JSON.parse(h.toSnapshot());
    assert.equal(written.version, 4);
    assert.equal(written.lastNow, null);
    assert.deepEqual(written.appointments.map(rowAppointment), parsed.appointments);
    assert.equal(Hospital.fromSnapshot(h.toSnapshot()).toSnapshot(), h.toSnapshot());
    // Version 1 has no lastNow.
    const withNow = { ...parsed, lastNow: null };
    refused(h, () => Hospital.fromSnapshot(JSON.stringify(withNow)), "INVALID_SNAPSHOT", { path: "lastNow" });
  });

  test("the version 2 golden fixture still loads, and is written back as version 4 with the same appointments", () => {
    const v2 = goldenSnapshot(2);
    const parsed = JSON.parse(v2);
    const h = Hospital.fromSnapshot(v2);
    assert.equal(h.revision, parsed.revision);
    assert.deepEqual(h.listDoctors(), parsed.doctors);
    const written = JSON.parse(h.toSnapshot());
    assert.equal(written.version, 4);
    assert.equal(written.lastNow, parsed.lastNow);
    // Its times were floating wall-clock times (the timeZone was only kept): they stay so, in a
    // hospital without a zone, rather than be read anew in Europe/Berlin.
    assert.deepEqual(written.options, { maxSnapshotBytes: 128 * 1024 * 1024, ...parsed.options, timeZone: null });
    assert.deepEqual(written.appointments.map(rowAppointment), parsed.appointments);
    for (const appointment of parsed.appointments) assert.deepEqual(h.getAppointment(appointment.id), appointment);
    assert.equal(Hospital.fromSnapshot(h.toSnapshot()).toSnapshot(), h.toSnapshot());
    assert.equal(Hospital.fromSnapshot(h.toSnapshotBytes()).toSnapshot(), h.toSnapshot());
    assert.equal(Hospital.fromSnapshot(new TextEncoder().encode(v2)).toSnapshot(), h.toSnapshot());
  });
});
