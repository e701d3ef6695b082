// The calendar exports through the Worker (issue 12 §9): GET /hospitals/{name}/v1/doctors/{id}/
// calendar.ics (text/calendar) and …/fhir (application/fhir+json), the same routes and checks as
// the REST server's (../server/exports.test.mjs). A hospital the operator creates without options
// has no time zone; one created with them (the PUT's body) has, and so has a New York hospital's
// snapshot restored into the object's storage (the way an operator moves a hospital into a
// Durable Object).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { checkResponse } from "../server/openapi-check.mjs";
import { DOCTOR, SEQUENCES, checkBundle, checkCalendar, newYork } from "../exports-fixture.mjs";
import { OPERATOR, createHospital, hospitalWorker, withKey } from "./miniflare.mjs";

const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

function storageDir(t) {
  mkdirSync(outputDir, { recursive: true });
  const dir = mkdtempSync(join(outputDir, "worker-exports-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One request; `{ status, headers, body, text }`, checked against the Worker's OpenAPI document (status, Content-Type, body). */
async function call(mf, method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  init.headers = await withKey(mf, path, init.headers);
  const response = await mf.dispatchFetch(`http://worker.test${path}`, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const answer = { status: response.status, headers: Object.fromEntries(response.headers), body: parsed, text };
  checkResponse(method, path, answer, "worker");
  return answer;
}

/** The SQLite files of the Durable Objects under `dir` (Miniflare's own metadata left out). */
function objectDatabases(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".sqlite") && !file.endsWith("metadata.sqlite"))
    .map((file) => join(dir, file));
}

test("the Worker serves a restored New York hospital's calendar.ics and FHIR Bundle; a key without read gets 403", async (t) => {
  const dir = storageDir(t);
  const vars = { COMPACT_PERCENT: "1", COMPACT_MIN_BYTES: "0" };
  let mf = hospitalWorker({ persistDir: dir, vars });
  let bookKey;
  try {
    // Created by the operator, with a doctor so that its tables exist; and a key without read.
    assert.equal((await call(mf, "POST", "/hospitals/ny/v1/doctors", { body: { name: "Dr. Placeholder", locations: ["A"], schedule: [] } })).status, 201);
    const made = await call(mf, "POST", "/hospitals/ny/v1/keys", { body: { roles: ["book", "admin"], label: "checkout" } });
    assert.equal(made.status, 201);
    bookKey = made.body.key;
  } finally {
    await mf.dispose();
  }
  // The New York hospital's snapshot replaces what the object stored (keys stay).
  const [file] = objectDatabases(dir);
  const h = newYork();
  const database = new Database(file);
  database.prepare("DELETE FROM changes").run();
  database.prepare("DELETE FROM snapshot_chunks").run();
  database.prepare("INSERT INTO snapshot_chunks (seq, bytes) VALUES (0, ?)").run(Buffer.from(h.toSnapshot()));
  database.close();

  mf = hospitalWorker({ persistDir: dir, vars });
  try {
    assert.equal((await call(mf, "GET", "/hospitals/ny/v1/options")).body.timeZone, "America/New_York");
    const ics = await call(mf, "GET", `/hospitals/ny/v1/doctors/${DOCTOR}/calendar.ics?from=2025-01-01&to=2025-12-31&name=Dr.%20Night`);
    assert.equal(ics.status, 200);
    assert.equal(ics.headers["content-type"], "text/calendar; charset=utf-8");
    const events = checkCalendar(ics.text, h.appointments(DOCTOR, { from: "2025-01-01", to: "2025-12-31", status: "all" }), { name: "Dr. Night" });
    assert.deepEqual(Object.fromEntries(events.map(({ event }) => [event.uid.split("@")[0], event.sequence])), SEQUENCES);

    const fhir = await call(mf, "GET", `/hospitals/ny/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03&now=2025-10-01T00:00:00Z`);
    assert.equal(fhir.status, 200);
    assert.equal(fhir.headers["content-type"], "application/fhir+json; charset=utf-8");
    checkBundle(fhir.body, h.appointments(DOCTOR, { from: "2025-11-01", to: "2025-11-03", status: "all" }));
    assert.deepEqual(fhir.body, h.toFhirBundle({ from: "2025-11-01", to: "2025-11-03", doctorId: DOCTOR, now: "2025-10-01T00:00:00Z" }));

    // A booking made through the Worker shows in the next export, with its instant.
    const booked = await call(mf, "POST", "/hospitals/ny/v1/appointments", { body: { doctorId: DOCTOR, location: "Chicago", start: "2025-11-02T04:00", now: "2025-10-20T12:00:00Z" } });
    assert.equal(booked.status, 201);
    const after = await call(mf, "GET", `/hospitals/ny/v1/doctors/${DOCTOR}/calendar.ics?from=2025-11-01&to=2025-11-03`);
    checkCalendar(after.text, h.appointments(DOCTOR, { from: "2025-11-01", to: "2025-11-03", status: "all" }).concat([booked.body]));

    for (const path of [`/hospitals/ny/v1/doctors/${DOCTOR}/calendar.ics?from=2025-11-01&to=2025-11-03`, `/hospitals/ny/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03`]) {
      const refused = await call(mf, "GET", path, { headers: { authorization: `Bearer ${bookKey}` } });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, "FORBIDDEN");
    }
    const tooLong = await call(mf, "GET", `/hospitals/ny/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-12-03`);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.details.field, "to");
  } finally {
    await mf.dispose();
  }
});

test("a hospital the operator creates has no time zone: floating calendar.ics, and fhir is 400 naming timeZone", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    await createHospital(mf, "plain");
    assert.equal((await call(mf, "POST", "/hospitals/plain/v1/doctors", { body: { id: "d1", name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] } })).status, 201);
    const booked = await call(mf, "POST", "/hospitals/plain/v1/appointments", { body: { doctorId: "d1", location: "A", start: "2019-02-01T10:00", now: "2019-01-31T09:00" } });
    assert.equal(booked.status, 201);
    const ics = await call(mf, "GET", "/hospitals/plain/v1/doctors/d1/calendar.ics?from=2019-02-01&to=2019-02-01");
    assert.equal(ics.status, 200);
    checkCalendar(ics.text, [booked.body], { zoned: false });
    const fhir = await call(mf, "GET", "/hospitals/plain/v1/doctors/d1/fhir?from=2019-02-01&to=2019-02-01");
    assert.equal(fhir.status, 400);
    assert.equal(fhir.body.error.code, "INVALID_INPUT");
    assert.equal(fhir.body.error.details.field, "timeZone");
  } finally {
    await mf.dispose();
  }
});

test("a hospital the operator creates with options is zoned: bookings across both changes, FHIR, calendar.ics and HEAD; the zone survives a restart", async (t) => {
  const dir = storageDir(t);
  const put = (mf, name, init) => mf.dispatchFetch(`http://worker.test/hospitals/${name}`, { method: "PUT", ...init, headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json", ...init.headers } });
  let mf = hospitalWorker({ persistDir: dir });
  const calendar = `/hospitals/ny/v1/doctors/${DOCTOR}/calendar.ics?from=2025-03-01&to=2025-11-30`;
  const fhirPath = `/hospitals/ny/v1/doctors/${DOCTOR}/fhir?from=2025-11-01&to=2025-11-03&now=2025-10-01T00:00:00Z`;
  let before;
  try {
    // Options the package refuses: 400 with its code and field; nothing is created.
    for (const [body, field] of [[{ timeZone: "Mars/Olympus" }, "timeZone"], [{ locationTimeZones: { Chicago: "America/Chicago" } }, "locationTimeZones"], [[], "options"]]) {
      const refused = await put(mf, "ny", { body: JSON.stringify(body) });
      const error = (await refused.json()).error;
      assert.equal(refused.status, 400);
      assert.deepEqual([error.code, error.details.field], ["INVALID_INPUT", field]);
    }
    const malformed = await put(mf, "ny", { body: "{" });
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).error.details.field, "body");
    await createHospital(mf, "ny", { slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York", locationTimeZones: { Chicago: "America/Chicago" } });
    const again = await put(mf, "ny", { body: JSON.stringify({ timeZone: "Europe/Paris" }) });
    assert.equal(again.status, 409);
    await again.body?.cancel();
    assert.deepEqual((await call(mf, "GET", "/hospitals/ny/v1/options")).body.locationTimeZones, { Chicago: "America/Chicago" });

    const doctor = { id: DOCTOR, name: "Dr. Night", locations: ["Main St", "Chicago"], schedule: [{ days: ["sun"], start: "00:00", end: "06:00" }] };
    assert.equal((await call(mf, "POST", "/hospitals/ny/v1/doctors", { body: doctor })).status, 201);
    const booked = [];
    for (const body of [
      { location: "Main St", start: "2025-03-09T01:30", durationMinutes: 60, now: "2025-03-01T09:00" },
      { location: "Main St", start: "2025-11-02T01:30:00-04:00", now: "2025-10-01T12:00:00Z" },
      { location: "Main St", start: "2025-11-02T01:30:00-05:00", now: "2025-10-01T12:00:00Z" },
      { location: "Chicago", start: "2025-11-02T03:00", now: "2025-10-01T12:00:00Z" },
    ]) {
      const res = await call(mf, "POST", "/hospitals/ny/v1/appointments", { body: { doctorId: DOCTOR, ...body } });
      assert.equal(res.status, 201, res.text);
      booked.push(res.body);
    }
    assert.deepEqual(booked.map((a) => a.startUtc), ["2025-03-09T06:30:00Z", "2025-11-02T05:30:00Z", "2025-11-02T06:30:00Z", "2025-11-02T09:00:00Z"]);
    const ics = await call(mf, "GET", calendar);
    assert.equal(ics.status, 200);
    checkCalendar(ics.text, booked);
    const fhir = await call(mf, "GET", fhirPath);
    assert.equal(fhir.status, 200, fhir.text);
    assert.equal(fhir.headers["content-type"], "application/fhir+json; charset=utf-8");
    checkBundle(fhir.body, booked.slice(1));

    // HEAD, as a calendar app asks: GET's status and headers, no body.
    const head = await mf.dispatchFetch(`http://worker.test${calendar}`, { method: "HEAD", headers: await withKey(mf, calendar) });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    for (const name of ["content-type", "cache-control", "x-content-type-options"]) assert.equal(head.headers.get(name), ics.headers[name], name);
    assert.equal(Number(head.headers.get("content-length")), new TextEncoder().encode(ics.text).length);
    before = { ics: ics.text, fhir: fhir.body };
  } finally {
    await mf.dispose();
  }

  mf = hospitalWorker({ persistDir: dir });
  try {
    assert.equal((await call(mf, "GET", "/hospitals/ny/v1/options")).body.timeZone, "America/New_York");
    assert.equal((await call(mf, "GET", calendar)).text, before.ics);
    assert.deepEqual((await call(mf, "GET", fhirPath)).body, before.fhir);
    const skipped = await call(mf, "POST", "/hospitals/ny/v1/appointments", { body: { doctorId: DOCTOR, location: "Main St", start: "2025-03-09T02:30" } });
    assert.equal(skipped.status, 422);
    assert.equal(skipped.body.error.code, "NONEXISTENT_TIME");
  } finally {
    await mf.dispose();
  }
});
