// The v1 API: the package's JS API one to one over HTTP, every endpoint and every error code →
// status mapping.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hospital } from "dr-schedule";
import { STATUS_BY_CODE, handle, statusFor } from "../../service/api.mjs";
import { client, expectError, startInProcess, stopAll } from "./harness.mjs";

let api;
before(async () => {
  api = client((await startInProcess()).url);
});
after(stopAll);

const fridays = [{ days: ["fri"], start: "09:00", end: "17:00" }];
const newDoctor = { id: "ada", name: "Dr. Ada", locations: ["A", "B"], schedule: fridays };

describe("doctors", () => {
  test("POST /v1/doctors: 201 with the doctor and its Location; GET lists and gets it", async () => {
    const res = await api.post("/v1/doctors", newDoctor);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body, newDoctor);
    assert.equal(res.headers.location, "/v1/doctors/ada");
    assert.deepEqual((await api.get("/v1/doctors/ada")).body, newDoctor);
    const list = await api.get("/v1/doctors");
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((d) => d.id),
      ["1", "2", "ada"],
    );
  });

  test("ids are assigned when absent; path ids are percent-decoded", async () => {
    const res = await api.post("/v1/doctors", { name: "Dr. Assigned", locations: ["C"], schedule: fridays });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^d\d+$/);
    const odd = await api.post("/v1/doctors", { id: "dr:x.y", name: "Dr. Colon", locations: ["C"], schedule: fridays });
    assert.equal(odd.status, 201);
    assert.equal(odd.headers.location, "/v1/doctors/dr%3Ax.y");
    assert.equal((await api.get("/v1/doctors/dr%3Ax.y")).body.name, "Dr. Colon");
    assert.equal((await api.delete("/v1/doctors/dr%3Ax.y")).status, 200);
    assert.equal((await api.delete(`/v1/doctors/${res.body.id}`)).status, 200);
  });

  test("doctor errors: 409 DUPLICATE_ID, 400 INVALID_INPUT with the field, 404 DOCTOR_NOT_FOUND", async () => {
    const duplicate = expectError(assert, await api.post("/v1/doctors", newDoctor), 409, "DUPLICATE_ID");
    assert.equal(duplicate.details.id, "ada");
    const bad = expectError(assert, await api.post("/v1/doctors", { ...newDoctor, id: undefined, schedule: [{ days: ["friday"], start: "09:00", end: "17:00" }] }), 400, "INVALID_INPUT");
    assert.equal(bad.details.field, "schedule[0].days[0]");
    const unknownField = expectError(assert, await api.post("/v1/doctors", { ...newDoctor, id: "z", phone: "555" }), 400, "INVALID_INPUT");
    assert.equal(unknownField.details.field, "phone");
    expectError(assert, await api.post("/v1/doctors"), 400, "INVALID_INPUT");
    expectError(assert, await api.post("/v1/doctors", [newDoctor]), 400, "INVALID_INPUT");
    const missing = expectError(assert, await api.get("/v1/doctors/nobody"), 404, "DOCTOR_NOT_FOUND");
    assert.equal(missing.details.doctorId, "nobody");
    expectError(assert, await api.patch("/v1/doctors/nobody", { name: "x" }), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.delete("/v1/doctors/nobody"), 404, "DOCTOR_NOT_FOUND");
  });

  test("PATCH /v1/doctors/:id updates; orphaning bookings is 409 HAS_APPOINTMENTS unless ?cancelAppointments=true", async () => {
    const renamed = await api.patch("/v1/doctors/ada", { name: "Dr. Ada Lovelace" });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "Dr. Ada Lovelace");
    const booked = (await api.post("/v1/appointments", { doctorId: "ada", location: "B", start: "2019-02-01T09:00" })).body;
    const blocked = expectError(assert, await api.patch("/v1/doctors/ada", { locations: ["A"] }), 409, "HAS_APPOINTMENTS");
    assert.deepEqual(blocked.details.appointmentIds, [booked.id]);
    const badFlag = expectError(assert, await api.patch("/v1/doctors/ada?cancelAppointments=1", { locations: ["A"] }), 400, "INVALID_INPUT");
    assert.equal(badFlag.details.field, "cancelAppointments");
    const unknownParam = expectError(assert, await api.patch("/v1/doctors/ada?force=true", { locations: ["A"] }), 400, "INVALID_INPUT");
    assert.equal(unknownParam.details.field, "force");
    const updated = await api.patch("/v1/doctors/ada?cancelAppointments=true", { locations: ["A"] });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.body.locations, ["A"]);
    const cancelled = (await api.get(`/v1/appointments/${booked.id}`)).body;
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.cancelReason, "doctor updated");
    expectError(assert, await api.patch("/v1/doctors/ada", { locations: [] }), 400, "INVALID_INPUT");
    assert.equal((await api.patch("/v1/doctors/ada?cancelAppointments=false", { locations: ["A", "B"] })).status, 200);
  });

  test("DELETE /v1/doctors/:id refuses while booked (409), removes with ?cancelAppointments=true", async () => {
    await api.post("/v1/doctors", { ...newDoctor, id: "leaving" });
    const booked = (await api.post("/v1/appointments", { doctorId: "leaving", location: "A", start: "2019-02-01T10:00" })).body;
    const blocked = expectError(assert, await api.delete("/v1/doctors/leaving"), 409, "HAS_APPOINTMENTS");
    assert.deepEqual(blocked.details.appointmentIds, [booked.id]);
    const removed = await api.delete("/v1/doctors/leaving?cancelAppointments=true");
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.body.id, "leaving");
    expectError(assert, await api.get("/v1/doctors/leaving"), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.get(`/v1/appointments/${booked.id}`), 404, "APPOINTMENT_NOT_FOUND");
  });
});

describe("appointments", () => {
  const request = { doctorId: "ada", location: "A", start: "2019-02-01T11:00", durationMinutes: 30, patient: "p-1", requestId: "req-1" };
  let booked;

  test("POST /v1/appointments books: 201, the appointment and its Location", async () => {
    const res = await api.post("/v1/appointments", request);
    assert.equal(res.status, 201, res.text);
    booked = res.body;
    assert.deepEqual(booked, { ...request, id: booked.id, end: "2019-02-01T11:30", status: "booked" });
    assert.equal(res.headers.location, `/v1/appointments/${booked.id}`);
    assert.deepEqual((await api.get(`/v1/appointments/${booked.id}`)).body, booked);
  });

  test("the same requestId again returns the same appointment with 200; a different request with it is 409 REQUEST_ID_REUSED", async () => {
    const again = await api.post("/v1/appointments", request);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, booked);
    const reused = expectError(assert, await api.post("/v1/appointments", { ...request, start: "2019-02-01T13:00" }), 409, "REQUEST_ID_REUSED");
    assert.deepEqual(reused.details, { requestId: "req-1", appointmentId: booked.id });
  });

  test("every booking rule maps to its status", async () => {
    const base = { doctorId: "ada", location: "A", start: "2019-02-01T14:00" };
    const cases = [
      [{ ...base, id: booked.id }, 409, "DUPLICATE_ID"],
      [{ ...base, doctorId: "nobody" }, 404, "DOCTOR_NOT_FOUND"],
      [{ ...base, location: "Z" }, 422, "LOCATION_NOT_SERVED"],
      [{ ...base, start: "2019-02-01T14:05" }, 400, "OFF_GRID"],
      [{ ...base, durationMinutes: 20 }, 400, "OFF_GRID"],
      [{ ...base, start: "2019-02-01T17:00" }, 422, "OUTSIDE_HOURS"],
      [{ ...base, start: "2019-02-01T11:15", location: "B" }, 409, "SLOT_TAKEN"],
      [{ ...base, start: "2019-02-30T10:00" }, 400, "INVALID_INPUT"],
      [{ ...base, durationMinutes: "15" }, 400, "INVALID_INPUT"],
      [{ ...base, extra: true }, 400, "INVALID_INPUT"],
    ];
    for (const [body, status, code] of cases) {
      const error = expectError(assert, await api.post("/v1/appointments", body), status, code);
      if (code === "SLOT_TAKEN") assert.equal(error.details.conflictingAppointmentId, booked.id);
      if (code === "INVALID_INPUT") assert.equal(typeof error.details.field, "string");
    }
    expectError(assert, await api.post("/v1/appointments"), 400, "INVALID_INPUT");
  });

  test("GET /v1/appointments/:id: unknown is 404 APPOINTMENT_NOT_FOUND", async () => {
    const error = expectError(assert, await api.get("/v1/appointments/a999"), 404, "APPOINTMENT_NOT_FOUND");
    assert.equal(error.details.appointmentId, "a999");
  });

  test("POST /v1/appointments/:id/cancel {reason}: 200; again 409 ALREADY_CANCELLED; unknown 404; no body is fine", async () => {
    const res = await api.post(`/v1/appointments/${booked.id}/cancel`, { reason: "patient called" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, "cancelled");
    assert.equal(res.body.cancelReason, "patient called");
    expectError(assert, await api.post(`/v1/appointments/${booked.id}/cancel`), 409, "ALREADY_CANCELLED");
    expectError(assert, await api.post("/v1/appointments/a999/cancel", {}), 404, "APPOINTMENT_NOT_FOUND");
    const tooLong = expectError(assert, await api.post(`/v1/appointments/${booked.id}/cancel`, { reason: "x".repeat(501) }), 400, "INVALID_INPUT");
    assert.equal(tooLong.details.field, "reason");
    const other = (await api.post("/v1/appointments", { doctorId: "ada", location: "A", start: "2019-02-01T15:00" })).body;
    const bare = await api.post(`/v1/appointments/${other.id}/cancel`);
    assert.equal(bare.status, 200);
    assert.equal(bare.body.cancelReason, undefined);
  });

  test("GET /v1/doctors/:id/appointments?from&to&status filters like the JS API", async () => {
    await api.post("/v1/appointments", { doctorId: "ada", location: "A", start: "2019-02-08T09:00" });
    await api.post("/v1/appointments", { doctorId: "ada", location: "B", start: "2019-02-15T09:00" });
    const starts = async (query) => {
      const res = await api.get(`/v1/doctors/ada/appointments${query}`);
      assert.equal(res.status, 200, res.text);
      return res.body.map((a) => `${a.start} ${a.status}`);
    };
    assert.deepEqual(await starts(""), ["2019-02-08T09:00 booked", "2019-02-15T09:00 booked"]);
    assert.deepEqual(await starts("?from=2019-02-09"), ["2019-02-15T09:00 booked"]);
    assert.deepEqual(await starts("?to=2019-02-08"), ["2019-02-08T09:00 booked"]);
    assert.deepEqual(await starts("?from=2019-02-01&to=2019-02-01&status=cancelled"), [
      "2019-02-01T09:00 cancelled", // by the PATCH with cancelAppointments above
      "2019-02-01T11:00 cancelled",
      "2019-02-01T15:00 cancelled",
    ]);
    assert.equal((await starts("?status=all")).length, 5);
    const badStatus = expectError(assert, await api.get("/v1/doctors/ada/appointments?status=gone"), 400, "INVALID_INPUT");
    assert.equal(badStatus.details.field, "status");
    const badFrom = expectError(assert, await api.get("/v1/doctors/ada/appointments?from=yesterday"), 400, "INVALID_INPUT");
    assert.equal(badFrom.details.field, "from");
    const unknown = expectError(assert, await api.get("/v1/doctors/ada/appointments?durationMinutes=15"), 400, "INVALID_INPUT");
    assert.equal(unknown.details.field, "durationMinutes");
    for (const limit of ["0", "1001", "-1", "abc"]) {
      const bad = expectError(assert, await api.get(`/v1/doctors/ada/appointments?limit=${limit}`), 400, "INVALID_INPUT");
      assert.equal(bad.details.field, "limit", limit);
    }
    const twice = expectError(assert, await api.get("/v1/doctors/ada/appointments?status=all&status=booked"), 400, "INVALID_INPUT");
    assert.equal(twice.details.field, "status");
    expectError(assert, await api.get("/v1/doctors/nobody/appointments"), 404, "DOCTOR_NOT_FOUND");
  });

  test("GET /v1/doctors/:id/slots?from&to&durationMinutes&location&limit matches availableSlots", async () => {
    const res = await api.get("/v1/doctors/ada/slots?from=2019-02-08T08:00&to=2019-02-08&durationMinutes=30&location=B&limit=3");
    assert.equal(res.status, 200, res.text);
    // The same call on a hospital built the same way.
    const h = new Hospital();
    h.addDoctor({ ...newDoctor, name: "Dr. Ada Lovelace" });
    h.book({ doctorId: "ada", location: "A", start: "2019-02-08T09:00" });
    assert.deepEqual(res.body, h.availableSlots("ada", { from: "2019-02-08T08:00", to: "2019-02-08", durationMinutes: 30, location: "B", limit: 3 }));
    assert.deepEqual(res.body, ["2019-02-08T09:15", "2019-02-08T09:30", "2019-02-08T09:45"]);
    const all = await api.get("/v1/doctors/ada/slots?from=2019-02-08&to=2019-02-08");
    assert.equal(all.body.length, 31);
  });

  test("slot query numbers are validated before the engine sees them", async () => {
    for (const [query, field] of [
      ["limit=abc", "limit"],
      ["limit=", "limit"],
      ["limit=1e3", "limit"],
      ["limit=-1", "limit"],
      ["limit=3.5", "limit"],
      ["limit=0x10", "limit"],
      ["durationMinutes=NaN", "durationMinutes"],
      ["durationMinutes=%2015", "durationMinutes"],
      ["durationMinutes=99999999999", "durationMinutes"],
      ["durationMinutes=15&durationMinutes=30", "durationMinutes"],
      ["page=2", "page"],
    ]) {
      const error = expectError(assert, await api.get(`/v1/doctors/ada/slots?from=2019-02-08&to=2019-02-08&${query}`), 400, "INVALID_INPUT");
      assert.equal(error.details.field, field, query);
    }
    expectError(assert, await api.get("/v1/doctors/ada/slots?from=2019-02-08&to=2019-02-08&durationMinutes=20"), 400, "OFF_GRID");
    expectError(assert, await api.get("/v1/doctors/ada/slots?from=2019-02-08&to=2019-02-08&location=Z"), 422, "LOCATION_NOT_SERVED");
    const noFrom = expectError(assert, await api.get("/v1/doctors/ada/slots?to=2019-02-08"), 400, "INVALID_INPUT");
    assert.equal(noFrom.details.field, "from");
    expectError(assert, await api.get("/v1/doctors/nobody/slots?from=2019-02-08&to=2019-02-08"), 404, "DOCTOR_NOT_FOUND");
  });
});

describe("scheduling: holds, confirm, reschedule, findSlots, explain", () => {
  // Doctor "sched" works Fridays 09:00-17:00 at North and South, and Mondays 09:00-12:00 at North only.
  const doctor = {
    id: "sched",
    name: "Dr. Sched",
    locations: ["North", "South"],
    schedule: [
      { days: ["fri"], start: "09:00", end: "17:00" },
      { days: ["mon"], start: "09:00", end: "12:00", locations: ["North"] },
    ],
    timeOff: [{ start: "2019-02-08T12:00", end: "2019-02-08T13:00", reason: "lunch" }],
  };
  const now = "2019-01-31T09:00";
  const hold = { doctorId: "sched", location: "North", start: "2019-02-08T09:00", now, ttlMinutes: 10, requestId: "hold-1" };
  let held;

  test("the doctor, with its time off, is created as the JS API creates it", async () => {
    const res = await api.post("/v1/doctors", doctor);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body, doctor);
  });

  test("POST /v1/holds: 201 with the held appointment and its Location; the same requestId again is 200", async () => {
    const res = await api.post("/v1/holds", hold);
    assert.equal(res.status, 201, res.text);
    held = res.body;
    assert.equal(held.status, "held");
    assert.equal(held.holdExpires, "2019-01-31T09:10");
    assert.equal(res.headers.location, `/v1/appointments/${held.id}`);
    const again = await api.post("/v1/holds", hold);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, held);
    const taken = expectError(assert, await api.post("/v1/appointments", { doctorId: "sched", location: "South", start: "2019-02-08T09:00" }), 409, "SLOT_TAKEN");
    assert.equal(taken.details.conflictingAppointmentId, held.id);
    const listed = await api.get("/v1/doctors/sched/appointments?status=held");
    assert.deepEqual(listed.body, [held]);
    assert.deepEqual((await api.get("/v1/doctors/sched/appointments?status=held&now=2019-01-31T09:10")).body, []);
    const noNow = expectError(assert, await api.post("/v1/holds", { ...hold, now: undefined, requestId: undefined }), 400, "INVALID_INPUT");
    assert.equal(noNow.details.field, "now");
    expectError(assert, await api.post("/v1/holds?ttl=5", hold), 400, "INVALID_INPUT");
  });

  test("POST /v1/appointments/:id/confirm {now}: 200 booked; again 409 NOT_HELD; lapsed 409 HOLD_EXPIRED", async () => {
    const res = await api.post(`/v1/appointments/${held.id}/confirm`, { now: "2019-01-31T09:05" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, "booked");
    assert.equal(res.body.holdExpires, undefined);
    expectError(assert, await api.post(`/v1/appointments/${held.id}/confirm`, { now: "2019-01-31T09:05" }), 409, "NOT_HELD");
    const other = (await api.post("/v1/holds", { ...hold, start: "2019-02-08T10:00", requestId: undefined, now: "2019-01-31T09:05" })).body;
    const lapsed = expectError(assert, await api.post(`/v1/appointments/${other.id}/confirm`, { now: "2019-01-31T09:15" }), 409, "HOLD_EXPIRED");
    assert.deepEqual(lapsed.details, { appointmentId: other.id, holdExpires: "2019-01-31T09:15" });
    // Still readable until a successful call moves the hospital's clock past it: not 410.
    assert.equal((await api.get(`/v1/appointments/${other.id}`)).status, 200);
    const noBody = expectError(assert, await api.post(`/v1/appointments/${other.id}/confirm`), 400, "INVALID_INPUT");
    assert.equal(noBody.details.field, "body");
    const noNow = expectError(assert, await api.post(`/v1/appointments/${other.id}/confirm`, {}), 400, "INVALID_INPUT");
    assert.equal(noNow.details.field, "now");
    expectError(assert, await api.post("/v1/appointments/a999/confirm", { now }), 404, "APPOINTMENT_NOT_FOUND");
  });

  test("POST /v1/appointments/:id/reschedule: 200 moved with its trace; every refusal maps to its status", async () => {
    const res = await api.post(`/v1/appointments/${held.id}/reschedule`, { start: "2019-02-08T09:15", location: "South", now: "2019-01-31T09:20" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, held.id);
    assert.equal(res.body.start, "2019-02-08T09:15");
    assert.deepEqual(res.body.rescheduledFrom, [{ location: "North", start: "2019-02-08T09:00", end: "2019-02-08T09:15" }]);
    const busy = (await api.post("/v1/appointments", { doctorId: "sched", location: "North", start: "2019-02-08T11:00" })).body;
    const taken = expectError(assert, await api.post(`/v1/appointments/${held.id}/reschedule`, { start: "2019-02-08T11:00" }), 409, "SLOT_TAKEN");
    assert.equal(taken.details.conflictingAppointmentId, busy.id);
    const site = expectError(assert, await api.post(`/v1/appointments/${held.id}/reschedule`, { start: "2019-02-11T09:00", location: "South" }), 422, "OUTSIDE_HOURS");
    assert.deepEqual(site.details, {
      doctorId: "sched",
      location: "South",
      reason: "notServedThere",
      locations: ["North"],
      hours: [{ date: "2019-02-11", location: "North", start: "2019-02-11T09:00", end: "2019-02-11T12:00" }],
    });
    const off = expectError(assert, await api.post(`/v1/appointments/${held.id}/reschedule`, { start: "2019-02-08T12:00" }), 422, "OUTSIDE_HOURS");
    assert.equal(off.details.reason, "timeOff");
    expectError(assert, await api.post(`/v1/appointments/${held.id}/reschedule`, { start: "2019-02-08T12:05" }), 400, "OFF_GRID");
    const field = expectError(assert, await api.post(`/v1/appointments/${held.id}/reschedule`, { when: "2019-02-08T13:00" }), 400, "INVALID_INPUT");
    assert.equal(field.details.field, "when");
    expectError(assert, await api.post("/v1/appointments/a999/reschedule", { start: "2019-02-08T13:00" }), 404, "APPOINTMENT_NOT_FOUND");
    assert.equal((await api.get(`/v1/appointments/${held.id}`)).body.start, "2019-02-08T09:15");
  });

  test("GET /v1/slots?from&to&location&doctorIds&durationMinutes&limit&now matches findSlots", async () => {
    const res = await api.get("/v1/slots?from=2019-02-08T09:00&to=2019-02-08&doctorIds=sched,ada&durationMinutes=30&limit=3");
    assert.equal(res.status, 200, res.text);
    const h = new Hospital();
    h.addDoctor({ ...newDoctor, name: "Dr. Ada Lovelace" });
    h.addDoctor(doctor);
    h.book({ doctorId: "ada", location: "A", start: "2019-02-08T09:00" });
    h.book({ doctorId: "sched", location: "South", start: "2019-02-08T09:15" });
    assert.deepEqual(res.body, h.findSlots({ from: "2019-02-08T09:00", to: "2019-02-08", doctorIds: ["sched", "ada"], durationMinutes: 30, limit: 3 }));
    assert.deepEqual(res.body, [
      { doctorId: "ada", location: "A", start: "2019-02-08T09:15" },
      // On a tie, the doctor added first.
      { doctorId: "ada", location: "A", start: "2019-02-08T09:30" },
      { doctorId: "sched", location: "North", start: "2019-02-08T09:30" },
    ]);
    const south = await api.get("/v1/slots?from=2019-02-11&to=2019-02-11&location=North&limit=2");
    assert.deepEqual(south.body, [
      { doctorId: "sched", location: "North", start: "2019-02-11T09:00" },
      { doctorId: "sched", location: "North", start: "2019-02-11T09:15" },
    ]);
    for (const [query, field] of [
      ["from=2019-02-01&to=2019-02-01", "limit"],
      ["from=2019-02-01&to=2019-02-01&limit=0", "limit"],
      ["from=2019-02-01&to=2019-02-01&limit=1001", "limit"],
      ["from=2019-02-01&to=2019-02-01&limit=1e3", "limit"],
      ["from=2019-02-01&to=2019-03-04&limit=1", "to"],
      ["from=2019-02-01&to=2019-02-01&limit=1&limit=2", "limit"],
      ["from=2019-02-01&to=2019-02-01&limit=1&page=2", "page"],
    ]) {
      const error = expectError(assert, await api.get(`/v1/slots?${query}`), 400, "INVALID_INPUT");
      assert.equal(error.details.field, field, query);
    }
    expectError(assert, await api.get("/v1/slots?from=2019-02-01&to=2019-02-01&limit=1&doctorIds=nobody"), 404, "DOCTOR_NOT_FOUND");
    // An empty item names no doctor, as in the JS API.
    const empty = expectError(assert, await api.get("/v1/slots?from=2019-02-01&to=2019-02-01&limit=1&doctorIds=sched,"), 404, "DOCTOR_NOT_FOUND");
    assert.equal(empty.details.doctorId, "");
    expectError(assert, await api.post("/v1/slots", {}), 405, "METHOD_NOT_ALLOWED");
  });

  test("GET /v1/doctors/:id/explain?location&start&durationMinutes&now&patient: [] or every problem", async () => {
    const free = await api.get("/v1/doctors/sched/explain?location=North&start=2019-02-08T14:00");
    assert.equal(free.status, 200, free.text);
    assert.deepEqual(free.body, []);
    const res = await api.get("/v1/doctors/sched/explain?location=South&start=2019-02-11T11:00&durationMinutes=20");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.map((p) => `${p.code} ${p.details.reason ?? p.details.field}`),
      ["OFF_GRID durationMinutes", "OUTSIDE_HOURS notServedThere"],
    );
    const h = new Hospital();
    h.addDoctor(doctor);
    assert.deepEqual(res.body, h.explain({ doctorId: "sched", location: "South", start: "2019-02-11T11:00", durationMinutes: 20 }));
    const missing = expectError(assert, await api.get("/v1/doctors/sched/explain?location=North"), 400, "INVALID_INPUT");
    assert.equal(missing.details.field, "start");
    expectError(assert, await api.get("/v1/doctors/sched/explain?location=North&start=2019-02-08T14:00&x=1"), 400, "INVALID_INPUT");
    expectError(assert, await api.get("/v1/doctors/nobody/explain?location=North&start=2019-02-08T14:00"), 404, "DOCTOR_NOT_FOUND");
  });

  test("the seed API lists and cancels bookings only, never holds", async () => {
    const hospital = new Hospital();
    hospital.addDoctor({ id: "1", name: "Dr. One", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
    hospital.hold({ doctorId: "1", location: "A", start: "2019-02-01T11:00", now, ttlMinutes: 60 });
    assert.deepEqual(handle(hospital, { method: "GET", path: "/appointments/1" }).body, []);
    const cancel = handle(hospital, { method: "DELETE", path: "/appointment", body: { doctor_id: 1, date: "2019-02-01", time: "11:00" } });
    assert.equal(cancel.status, 404);
    assert.equal(cancel.body.error.code, "APPOINTMENT_NOT_FOUND");
  });
});

describe("a hospital with notice, horizon and patient overlap, served over HTTP", () => {
  let timed;
  before(async () => {
    const seed = () => {
      const h = new Hospital({ minNoticeMinutes: 60, horizonDays: 30, preventPatientOverlap: true });
      h.addDoctor({ id: "1", name: "Dr. One", locations: ["A"], schedule: fridays });
      h.addDoctor({ id: "2", name: "Dr. Two", locations: ["B"], schedule: fridays });
      return h;
    };
    timed = client((await startInProcess({ storeOptions: { seed } })).url);
  });
  const now = "2019-01-31T09:00";
  const booking = { doctorId: "1", location: "A", start: "2019-02-01T10:00", patient: "p1", now };

  test("TOO_SOON and BEYOND_HORIZON are 422, PATIENT_BUSY 409, a missing now 400", async () => {
    assert.equal((await timed.post("/v1/appointments", booking)).status, 201);
    const soon = expectError(assert, await timed.post("/v1/appointments", { ...booking, start: "2019-02-01T11:00", now: "2019-02-01T10:30" }), 422, "TOO_SOON");
    assert.deepEqual(soon.details, { earliestStart: "2019-02-01T11:30" });
    const past = expectError(assert, await timed.post("/v1/appointments", { ...booking, start: "2019-02-01T10:15", now: "2019-02-01T10:30" }), 422, "TOO_SOON");
    assert.equal(past.details.reason, "inThePast");
    const far = expectError(assert, await timed.post("/v1/appointments", { ...booking, start: "2019-03-08T10:00" }), 422, "BEYOND_HORIZON");
    assert.deepEqual(far.details, { latestStart: "2019-03-02T09:00" });
    const busy = expectError(assert, await timed.post("/v1/appointments", { ...booking, doctorId: "2", location: "B" }), 409, "PATIENT_BUSY");
    assert.equal(busy.details.patient, "p1");
    for (const path of ["/v1/doctors/1/slots?from=2019-02-01&to=2019-02-01", "/v1/slots?from=2019-02-01&to=2019-02-01&limit=1", "/v1/doctors/1/explain?location=A&start=2019-02-01T11:00"]) {
      const error = expectError(assert, await timed.get(path), 400, "INVALID_INPUT");
      assert.equal(error.details.field, "now", path);
    }
    expectError(assert, await timed.post("/v1/appointments", { ...booking, now: undefined, start: "2019-02-01T14:00" }), 400, "INVALID_INPUT");
  });

  test("now narrows the slots; explain lists the time rules", async () => {
    const slots = await timed.get("/v1/doctors/1/slots?from=2019-02-01&to=2019-02-01&now=2019-02-01T15:20");
    assert.deepEqual(slots.body, ["2019-02-01T16:30", "2019-02-01T16:45"]);
    const found = await timed.get("/v1/slots?from=2019-02-01&to=2019-02-01&limit=3&now=2019-02-01T15:20");
    assert.deepEqual(found.body.map((s) => `${s.doctorId} ${s.start}`), ["1 2019-02-01T16:30", "2 2019-02-01T16:30", "1 2019-02-01T16:45"]);
    const why = await timed.get("/v1/doctors/2/explain?location=B&start=2019-02-01T10:00&now=2019-02-01T09:30&patient=p1");
    assert.deepEqual(why.body.map((p) => p.code), ["TOO_SOON", "PATIENT_BUSY"]);
  });
});

describe("the code → status table", () => {
  test("every HospitalErrorCode of the package has an explicit status", () => {
    const require = createRequire(import.meta.url);
    const types = readFileSync(join(dirname(require.resolve("dr-schedule")), "dr_schedule.d.ts"), "utf8");
    const union = /export type HospitalErrorCode =([^;]*);/.exec(types)[1];
    const codes = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
    assert.ok(codes.length >= 16, union);
    for (const code of codes) assert.ok(Object.hasOwn(STATUS_BY_CODE, code), `${code} has no status`);
  });

  test("the documented mapping", () => {
    const expected = {
      400: ["INVALID_INPUT", "OFF_GRID", "BAD_REQUEST", "INVALID_HOST"],
      401: ["UNAUTHENTICATED"],
      403: ["CROSS_SITE_REQUEST", "FORBIDDEN"],
      404: ["DOCTOR_NOT_FOUND", "APPOINTMENT_NOT_FOUND", "ROUTE_NOT_FOUND", "KEY_NOT_FOUND", "HOSPITAL_NOT_FOUND"],
      405: ["METHOD_NOT_ALLOWED"],
      408: ["REQUEST_TIMEOUT"],
      409: ["DUPLICATE_ID", "SLOT_TAKEN", "PATIENT_BUSY", "ALREADY_CANCELLED", "REQUEST_ID_REUSED", "HAS_APPOINTMENTS", "NOT_HELD", "HOLD_EXPIRED", "KEY_REVOKED", "HOSPITAL_EXISTS", "TOO_MANY_KEYS"],
      413: ["PAYLOAD_TOO_LARGE"],
      415: ["UNSUPPORTED_MEDIA_TYPE"],
      422: ["LOCATION_NOT_SERVED", "OUTSIDE_HOURS", "TOO_SOON", "BEYOND_HORIZON", "NONEXISTENT_TIME", "AMBIGUOUS_TIME"],
      429: ["RATE_LIMITED"],
      500: ["INVALID_SNAPSHOT", "UNSUPPORTED_VERSION", "CHANGES_UNAVAILABLE", "REVISION_MISMATCH", "INSTANCE_FAILED", "INTERNAL"],
      503: ["STORE_BUSY", "STORE_UNAVAILABLE", "STORE_UNREACHABLE", "HOSPITAL_UNAVAILABLE", "TOO_MANY_CONNECTIONS"],
      507: ["HOSPITAL_FULL"],
    };
    const actual = {};
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) (actual[status] ??= []).push(code);
    for (const list of [...Object.values(expected), ...Object.values(actual)]) list.sort();
    assert.deepEqual(actual, expected);
    assert.equal(statusFor("SOME_FUTURE_CODE"), 500);
  });

  test("a HospitalError the engine raises for a snapshot code is answered, not thrown, with 500", () => {
    const failing = new Proxy(new Hospital(), {
      get(target, name) {
        if (name === "listDoctors") {
          return () => {
            const error = new Error("boom");
            error.name = "HospitalError";
            error.code = "INSTANCE_FAILED";
            error.details = {};
            throw error;
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const res = handle(failing, { method: "GET", path: "/v1/doctors" });
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, "INSTANCE_FAILED");
    // Anything that is not a HospitalError is rethrown for the transport to handle.
    const broken = { listDoctors: () => { throw new TypeError("bug"); } };
    assert.throws(() => handle(broken, { method: "GET", path: "/doctors" }), TypeError);
  });
});
