// The calendar exports through the REST server (issue 12 §9): GET /v1/doctors/{id}/calendar.ics
// (text/calendar, what a calendar app subscribes to) and GET /v1/doctors/{id}/fhir
// (application/fhir+json), both with the `read` role. Every answer is also checked against the
// OpenAPI document by the harness (the .ics as text, the Bundle as JSON, each with its
// Content-Type); here the .ics is parsed back with ical.js and the Bundle validated with the
// `fhir` package's R4 validator.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { DOCTOR, SEQUENCES, checkBundle, checkCalendar, newYork } from "../exports-fixture.mjs";
import { client, expectError, makeKey, request, startInProcess, stopAll } from "./harness.mjs";

after(stopAll);

describe("the calendar exports of a New York hospital, served over HTTP", () => {
  let server;
  let api;
  const h = newYork();
  before(async () => {
    server = await startInProcess({ storeOptions: { seed: newYork } });
    api = client(server.url);
  });

  test("calendar.ics: text/calendar that ical.js reads back, every appointment of the window with its UID, SEQUENCE and times across both changes", async () => {
    const res = await api.get(`/v1/doctors/${DOCTOR}/calendar.ics?from=2025-01-01&to=2025-12-31&name=Dr.%20Night%20on%20call`);
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "text/calendar; charset=utf-8");
    assert.equal(res.headers["cache-control"], "no-store");
    const appointments = h.appointments(DOCTOR, { from: "2025-01-01", to: "2025-12-31", status: "all" });
    assert.equal(appointments.length, 4);
    const events = checkCalendar(res.text, appointments, { name: "Dr. Night on call" });
    assert.deepEqual(Object.fromEntries(events.map(({ event }) => [event.uid.split("@")[0], event.sequence])), SEQUENCES);
    // 01:30 EST for 60 real minutes: to 03:30 EDT, an hour apart.
    const spring = events.find(({ event }) => event.uid === "spring@dr-schedule").event;
    assert.equal(spring.endDate.subtractDate(spring.startDate).toSeconds(), 3600);
    // The window is the doctor's: only the fall appointments in November.
    const november = await api.get(`/v1/doctors/${DOCTOR}/calendar.ics?from=2025-11-01T00:00:00-04:00&to=2025-11-03`);
    assert.equal(november.status, 200);
    checkCalendar(november.text, h.appointments(DOCTOR, { from: "2025-11-01T00:00:00-04:00", to: "2025-11-03", status: "all" }));
  });

  test("fhir: an application/fhir+json Bundle the R4 validator accepts, free and busy Slots and every Appointment", async () => {
    const res = await api.get(`/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03&now=2025-10-01T00:00:00Z`);
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/fhir+json; charset=utf-8");
    const appointments = h.appointments(DOCTOR, { from: "2025-11-01", to: "2025-11-03", status: "all" });
    const byType = checkBundle(res.body, appointments);
    assert.deepEqual(res.body, h.toFhirBundle({ from: "2025-11-01", to: "2025-11-03", doctorId: DOCTOR, now: "2025-10-01T00:00:00Z" }));
    assert.ok(byType.Slot.some((s) => s.status === "free") && byType.Slot.some((s) => s.status === "busy"), "free and busy slots");
  });

  test("a key without read gets 403 on both; a missing or too long window, an unknown doctor: 400 and 404", async () => {
    for (const roles of [["book"], ["admin"], ["book", "admin"]]) {
      const key = await makeKey(server.url, roles, roles.join("+"));
      for (const path of [`/v1/doctors/${DOCTOR}/calendar.ics?from=2025-11-01&to=2025-11-03`, `/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03`]) {
        const res = await request(server.url, "GET", path, { headers: { authorization: `Bearer ${key}` } });
        expectError(assert, res, 403, "FORBIDDEN");
        assert.equal(res.body.error.details.role, "read");
      }
    }
    const reader = await makeKey(server.url, ["read"], "calendar app");
    const subscribed = await request(server.url, "GET", `/v1/doctors/${DOCTOR}/calendar.ics?from=2025-11-01&to=2025-11-03`, { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(subscribed.status, 200);
    assert.equal(expectError(assert, await api.get(`/v1/doctors/${DOCTOR}/calendar.ics?from=2025-11-01`), 400, "INVALID_INPUT").details.field, "to");
    assert.equal(expectError(assert, await api.get(`/v1/doctors/${DOCTOR}/fhir?to=2025-11-01`), 400, "INVALID_INPUT").details.field, "from");
    assert.equal(expectError(assert, await api.get(`/v1/doctors/${DOCTOR}/calendar.ics?from=2025-01-01&to=2026-01-03`), 400, "INVALID_INPUT").details.field, "to");
    assert.equal(expectError(assert, await api.get(`/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-12-03`), 400, "INVALID_INPUT").details.field, "to");
    assert.equal(expectError(assert, await api.get(`/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03&limit=5`), 400, "INVALID_INPUT").details.field, "limit");
    expectError(assert, await api.get(`/v1/doctors/nobody/calendar.ics?from=2025-11-01&to=2025-11-03`), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.get(`/v1/doctors/nobody/fhir?from=2025-11-01&to=2025-11-03`), 404, "DOCTOR_NOT_FOUND");
  });
});

describe("the calendar exports of a hospital without a time zone", () => {
  test("calendar.ics in floating local times; fhir is 400 INVALID_INPUT naming timeZone (FHIR times are instants)", async () => {
    const seed = () => {
      const h = new Hospital();
      h.addDoctor({ id: "d1", name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
      h.book({ id: "a1", doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00" });
      return h;
    };
    const server = await startInProcess({ storeOptions: { seed } });
    const api = client(server.url);
    const ics = await api.get("/v1/doctors/d1/calendar.ics?from=2019-02-01&to=2019-02-01");
    assert.equal(ics.status, 200);
    checkCalendar(ics.text, seed().appointments("d1", { from: "2019-02-01", to: "2019-02-01", status: "all" }), { zoned: false });
    const fhir = expectError(assert, await api.get("/v1/doctors/d1/fhir?from=2019-02-01&to=2019-02-01"), 400, "INVALID_INPUT");
    assert.equal(fhir.details.field, "timeZone");
  });
});
