// The front desk of issue 16 over HTTP, written once for the REST server and the Worker: notes
// and metadata on book, hold and reschedule, PATCH /v1/appointments/{id} (updateAppointment),
// GET /v1/appointments (findAppointments), GET /v1/doctors/{id}/hours (workingHours) and a
// lapsed hold. Every answer is compared with what the package's JS API gives on a hospital of
// its own that makes the same calls (`replica`): the API must be the JS API one to one.
//
// `call(method, path, body)` sends one request to an empty hospital (paths without the
// `/hospitals/{name}` prefix, which the caller adds) and resolves { status, body, headers }.
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";

const okafor = {
  id: "okafor",
  name: "Dr. Okafor",
  locations: ["Downtown", "Uptown"],
  schedule: [
    { days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00", locations: ["Downtown"] },
    { days: ["sat"], start: "10:00", end: "14:00", locations: ["Uptown"] },
  ],
  overrides: [{ date: "2030-01-09", hours: [{ start: "12:00", end: "15:00" }] }],
  timeOff: [{ start: "2030-01-08T09:00", end: "2030-01-08T12:00", reason: "conference" }],
};
const lee = { id: "lee", name: "Dr. Lee", locations: ["Downtown"], schedule: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "12:00" }] };

/** The package's error as the API answers it: `{ status, code, details }` of the replica's throw. */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return { code: error.code, details: error.details };
  }
  assert.fail("the replica did not throw");
}

export async function frontDesk(call) {
  const replica = new Hospital();
  /** `call`, then the same call on the replica (`js`): equal bodies on success, equal codes on failure. */
  const same = async (status, method, path, body, js) => {
    const res = await call(method, path, body);
    if (status < 400) {
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body, js(replica), `${method} ${path}`);
    } else {
      const expected = thrown(() => js(replica));
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, expected.code, `${method} ${path}`);
      assert.deepEqual(res.body.error.details, expected.details, `${method} ${path}`);
    }
    return res;
  };

  await same(201, "POST", "/v1/doctors", okafor, (h) => h.addDoctor(okafor));
  await same(201, "POST", "/v1/doctors", lee, (h) => h.addDoctor(lee));

  // Notes and metadata on book, hold and reschedule.
  const first = { doctorId: "okafor", location: "Downtown", start: "2030-01-07T09:00", patient: "p-1", notes: "bring the x-rays\nand the letter", metadata: { visit: "follow-up", insurance: { id: "X-1", covered: true } } };
  const booked = await same(201, "POST", "/v1/appointments", first, (h) => h.book(first));
  assert.equal(booked.body.notes, first.notes);
  assert.deepEqual(booked.body.metadata, first.metadata);
  const second = { doctorId: "lee", location: "Downtown", start: "2030-01-07T08:00", patient: "p-1", notes: "first visit" };
  await same(201, "POST", "/v1/appointments", second, (h) => h.book(second));
  const third = { doctorId: "okafor", location: "Downtown", start: "2030-01-10T10:00", patient: "p-2" };
  await same(201, "POST", "/v1/appointments", third, (h) => h.book(third));
  const held = { doctorId: "okafor", location: "Uptown", start: "2030-01-12T10:00", patient: "p-3", now: "2030-01-05T08:00", ttlMinutes: 30, notes: "web checkout", metadata: { cart: "c-9" } };
  await same(201, "POST", "/v1/holds", held, (h) => h.hold(held));
  const move = { start: "2030-01-07T10:00", notes: "moved at the patient's request", metadata: { visit: "follow-up", moved: 1 } };
  await same(200, "POST", "/v1/appointments/a1/reschedule", move, (h) => h.reschedule("a1", move));
  const badMeta = { ...second, start: "2030-01-07T09:00", metadata: { a: { b: { c: { d: { e: 1 } } } } } };
  await same(400, "POST", "/v1/appointments", badMeta, (h) => h.book(badMeta));

  // PATCH: each field given replaces, null clears; the errors of updateAppointment.
  const patch = { patient: "p-9", notes: null, metadata: { visit: "first" } };
  await same(200, "PATCH", "/v1/appointments/a2", patch, (h) => h.updateAppointment("a2", patch));
  await same(200, "PATCH", "/v1/appointments/a1", { metadata: null }, (h) => h.updateAppointment("a1", { metadata: null }));
  const tooLong = { notes: "n".repeat(2001) };
  await same(400, "PATCH", "/v1/appointments/a1", tooLong, (h) => h.updateAppointment("a1", tooLong));
  await same(404, "PATCH", "/v1/appointments/a404", { notes: "x" }, (h) => h.updateAppointment("a404", { notes: "x" }));
  const notObject = await call("PATCH", "/v1/appointments/a1", ["notes"]);
  assert.equal(notObject.status, 400);
  assert.equal(notObject.body.error.code, "INVALID_INPUT");
  await same(200, "GET", "/v1/appointments/a1", undefined, (h) => h.getAppointment("a1"));

  // findAppointments: by patient, by location, by doctor, with a window and a status.
  for (const [query, js] of [
    ["patient=p-1", { patient: "p-1" }],
    ["patient=p-9&status=all", { patient: "p-9", status: "all" }],
    ["location=Downtown", { location: "Downtown" }],
    ["location=Downtown&from=2030-01-07T09:30&to=2030-01-08", { location: "Downtown", from: "2030-01-07T09:30", to: "2030-01-08" }],
    ["location=Uptown&status=held", { location: "Uptown", status: "held" }],
    ["doctorId=okafor&status=all", { doctorId: "okafor", status: "all" }],
    ["patient=p-1&location=Downtown&doctorId=lee", { patient: "p-1", location: "Downtown", doctorId: "lee" }],
    ["patient=nobody", { patient: "nobody" }],
  ]) {
    await same(200, "GET", `/v1/appointments?${query}`, undefined, (h) => h.findAppointments(js));
  }
  await same(400, "GET", "/v1/appointments", undefined, (h) => h.findAppointments({}));
  await same(400, "GET", "/v1/appointments?patient=p-1&status=gone", undefined, (h) => h.findAppointments({ patient: "p-1", status: "gone" }));
  const unknown = await call("GET", "/v1/appointments?patient=p-1&colour=red");
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.details.field, "colour");

  // workingHours: weekly rules per location, the override and the time off applied.
  for (const [query, js] of [
    ["from=2030-01-07&to=2030-01-13", { from: "2030-01-07", to: "2030-01-13" }],
    ["from=2030-01-07&to=2030-01-13&location=Uptown", { from: "2030-01-07", to: "2030-01-13", location: "Uptown" }],
    ["from=2030-01-08&to=2030-01-09", { from: "2030-01-08", to: "2030-01-09" }],
  ]) {
    await same(200, "GET", `/v1/doctors/okafor/hours?${query}`, undefined, (h) => h.workingHours("okafor", js));
  }
  const hours = await call("GET", "/v1/doctors/okafor/hours?from=2030-01-08&to=2030-01-09");
  // The time off takes the morning of the 8th; the override gives the 9th 12:00-15:00 (at each
  // of the doctor's locations: an override has no location of its own).
  assert.deepEqual(
    hours.body.filter((b) => b.location === "Downtown"),
    [
      { date: "2030-01-08", location: "Downtown", start: "2030-01-08T12:00", end: "2030-01-08T17:00" },
      { date: "2030-01-09", location: "Downtown", start: "2030-01-09T12:00", end: "2030-01-09T15:00" },
    ],
  );
  await same(400, "GET", "/v1/doctors/okafor/hours?from=2030-01-01&to=2031-06-01", undefined, (h) => h.workingHours("okafor", { from: "2030-01-01", to: "2031-06-01" }));
  await same(400, "GET", "/v1/doctors/okafor/hours?from=2030-01-07", undefined, (h) => h.workingHours("okafor", { from: "2030-01-07" }));
  await same(404, "GET", "/v1/doctors/nobody/hours?from=2030-01-07&to=2030-01-07", undefined, (h) => h.workingHours("nobody", { from: "2030-01-07", to: "2030-01-07" }));

  // A lapsed hold: a later call moves the hospital's clock past it; it stays, `expired`, and
  // confirming it is HOLD_EXPIRED.
  const later = { doctorId: "lee", location: "Downtown", start: "2030-01-11T08:00", now: "2030-01-05T09:00" };
  await same(201, "POST", "/v1/appointments", later, (h) => h.book(later));
  const lapsed = await same(200, "GET", "/v1/appointments/a4", undefined, (h) => h.getAppointment("a4"));
  assert.equal(lapsed.body.status, "expired");
  await same(409, "POST", "/v1/appointments/a4/confirm", { now: "2030-01-05T09:01" }, (h) => h.confirm("a4", { now: "2030-01-05T09:01" }));
  await same(200, "GET", "/v1/appointments?location=Uptown&status=expired", undefined, (h) => h.findAppointments({ location: "Uptown", status: "expired" }));
  replica.free();
}
