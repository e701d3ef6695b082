// Hospitals with a time zone, made through the server (issue 12): the operator's
// `PUT /hospitals/{name}` with the hospital's options as its body, on the Node server of many
// hospitals (SQLite files, or PostgreSQL schemas in the PostgreSQL run); booking across both 2025
// changes of the clocks in New York, the FHIR Bundle and calendar.ics of it (HEAD too, as a
// calendar app asks), options the package refuses (400 with its code and field), and the zone
// kept across a restart of the server.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DOCTOR, checkBundle, checkCalendar } from "../exports-fixture.mjs";
import { OPERATOR, STORE, expectError, hospitalsPlace, request, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

const operator = { authorization: `Bearer ${OPERATOR}` };
const as = (key) => ({ headers: { authorization: `Bearer ${key}` } });
const NEW_YORK = { slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York", locationTimeZones: { Chicago: "America/Chicago" } };
const CALENDAR = `/v1/doctors/${DOCTOR}/calendar.ics?from=2025-03-01&to=2025-11-30`;
const FHIR = `/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03&now=2025-10-01T00:00:00Z`;

describe(`a zoned hospital created over REST (${STORE})`, { timeout: 60_000 }, () => {
  test("PUT with options: booked across both changes of the clocks, served as FHIR and calendar.ics (HEAD too), and the zone survives a restart", async () => {
    const { env } = hospitalsPlace();
    const db = tempDb();
    let proc = await startProcess({ db, env });
    const created = await request(proc.url, "PUT", "/hospitals/ny", { body: NEW_YORK, headers: operator });
    assert.equal(created.status, 201, created.text);
    const key = created.body.key.key;
    const get = (url, path) => request(url, "GET", `/hospitals/ny${path}`, as(key));
    const options = (await get(proc.url, "/v1/options")).body;
    assert.deepEqual([options.timeZone, options.locationTimeZones, options.defaultDurationMinutes], ["America/New_York", { Chicago: "America/Chicago" }, 30]);

    const doctor = { id: DOCTOR, name: "Dr. Night", locations: ["Main St", "Chicago"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] };
    assert.equal((await request(proc.url, "POST", "/hospitals/ny/v1/doctors", { body: doctor, ...as(key) })).status, 201);
    const book = async (body) => {
      const res = await request(proc.url, "POST", "/hospitals/ny/v1/appointments", { body: { doctorId: DOCTOR, ...body }, ...as(key) });
      assert.equal(res.status, 201, res.text);
      return res.body;
    };
    // 01:30 EST for 60 real minutes ends at 03:30 EDT; the repeated 01:30 of November, twice.
    const spring = await book({ location: "Main St", start: "2025-03-09T01:30", durationMinutes: 60, now: "2025-03-01T09:00" });
    assert.deepEqual([spring.startUtc, spring.endUtc], ["2025-03-09T06:30:00Z", "2025-03-09T07:30:00Z"]);
    const first = await book({ location: "Main St", start: "2025-11-02T01:30:00-04:00", now: "2025-10-01T12:00:00Z" });
    const second = await book({ location: "Main St", start: "2025-11-02T01:30:00-05:00", now: "2025-10-01T12:00:00Z" });
    const chicago = await book({ location: "Chicago", start: "2025-11-02T03:00", now: "2025-10-01T12:00:00Z" });
    assert.deepEqual([first.startUtc, second.startUtc, chicago.startUtc], ["2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z", "2025-11-02T09:00:00Z"]);
    const ambiguous = await request(proc.url, "POST", "/hospitals/ny/v1/appointments", { body: { doctorId: DOCTOR, location: "Main St", start: "2025-11-02T01:00" }, ...as(key) });
    expectError(assert, ambiguous, 422, "AMBIGUOUS_TIME");

    const all = (await get(proc.url, `/v1/doctors/${DOCTOR}/appointments?from=2025-03-01&to=2025-11-30&status=all`)).body;
    assert.equal(all.length, 4);
    const calendar = await get(proc.url, CALENDAR);
    assert.equal(calendar.status, 200);
    assert.equal(calendar.headers["content-type"], "text/calendar; charset=utf-8");
    checkCalendar(calendar.text, all);
    const fhir = await get(proc.url, FHIR);
    assert.equal(fhir.status, 200, fhir.text);
    assert.equal(fhir.headers["content-type"], "application/fhir+json; charset=utf-8");
    checkBundle(fhir.body, all.filter((a) => a.start.startsWith("2025-11")));

    // HEAD: what GET answers, without the body.
    const head = await request(proc.url, "HEAD", `/hospitals/ny${CALENDAR}`, as(key));
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    for (const name of ["content-type", "content-length", "cache-control", "x-content-type-options"]) assert.equal(head.headers[name], calendar.headers[name], name);
    assert.equal(Number(head.headers["content-length"]), Buffer.byteLength(calendar.text));

    await proc.stop();
    proc = await startProcess({ db, env });
    assert.equal((await get(proc.url, "/v1/options")).body.timeZone, "America/New_York");
    assert.deepEqual((await get(proc.url, `/v1/appointments/${second.id}`)).body, second);
    assert.deepEqual((await get(proc.url, FHIR)).body, fhir.body);
    assert.equal((await get(proc.url, CALENDAR)).text, calendar.text);
    // After the restart the zone still decides: the skipped hour is refused.
    const skipped = await request(proc.url, "POST", "/hospitals/ny/v1/appointments", { body: { doctorId: DOCTOR, location: "Main St", start: "2025-03-09T02:30" }, ...as(key) });
    expectError(assert, skipped, 422, "NONEXISTENT_TIME");
  });

  test("options the package refuses are 400 with its code and the option's name, and create nothing; no body is a hospital without a zone", async () => {
    const { env } = hospitalsPlace();
    const proc = await startProcess({ db: tempDb(), env });
    const put = (name, options) => request(proc.url, "PUT", `/hospitals/${name}`, { ...options, headers: { ...operator, ...options.headers } });
    for (const [body, field] of [
      [{ timeZone: "Mars/Olympus" }, "timeZone"],
      [{ timeZone: "America/New_Yrok" }, "timeZone"],
      [{ timeZone: 5 }, "timeZone"],
      [{ timezone: "America/New_York" }, "timezone"],
      [{ locationTimeZones: { Chicago: "America/Chicago" } }, "locationTimeZones"],
      [{ timeZone: "UTC", locationTimeZones: { Chicago: "Nope/Nowhere" } }, "locationTimeZones.Chicago"],
      [{ slotMinutes: 7 }, "slotMinutes"],
      [[], "options"],
      ["America/New_York", "options"],
    ]) {
      const error = expectError(assert, await put("bad", { body }), 400, "INVALID_INPUT");
      assert.equal(error.details.field, field, JSON.stringify(body));
    }
    assert.equal(expectError(assert, await put("bad", { raw: "{\"timeZone\":", headers: { "content-type": "application/json" } }), 400, "INVALID_INPUT").details.field, "body");
    expectError(assert, await put("bad", { raw: "timeZone=UTC", headers: { "content-type": "text/plain" } }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(assert, await put("bad", { raw: JSON.stringify({ timeZone: "UTC", pad: "x".repeat(70_000) }), headers: { "content-type": "application/json" } }), 413, "PAYLOAD_TOO_LARGE");
    // None of them made the hospital: the name is free, and without a body it has no zone.
    const plain = await put("bad", {});
    assert.equal(plain.status, 201, plain.text);
    const options = await request(proc.url, "GET", "/hospitals/bad/v1/options", as(plain.body.key.key));
    assert.equal(options.body.timeZone, null);
    // The options of an existing hospital are not changed by a second PUT.
    expectError(assert, await put("bad", { body: { timeZone: "Europe/Paris" } }), 409, "HOSPITAL_EXISTS");
    // Empty options are the defaults.
    const empty = await put("empty", { body: {} });
    assert.equal(empty.status, 201, empty.text);
    assert.equal((await request(proc.url, "GET", "/hospitals/empty/v1/options", as(empty.body.key.key))).body.slotMinutes, 15);
  });
});
