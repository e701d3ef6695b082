// The hospital worker of js-example/worker in workerd (Cloudflare's runtime, through Miniflare):
// one Durable Object per hospital, persisted in its SQLite storage. (The package itself in
// workerd is tested in tests/js/test/runtimes/workerd.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { checkResponse } from "../server/openapi-check.mjs";
import { hospitalWorker, withKey } from "./miniflare.mjs";

const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

/** A new, empty directory for Durable Object storage under test-output/, removed after the test. */
function storageDir(t) {
  mkdirSync(outputDir, { recursive: true });
  const dir = mkdtempSync(join(outputDir, "worker-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ada = { name: "Dr. Ada", locations: ["A", "B"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] };

/** Sends one request to the worker; returns `{ status, body }` with the body parsed. */
async function call(mf, method, path, body) {
  const init = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  init.headers = await withKey(mf, path, init.headers ?? {});
  const response = await mf.dispatchFetch(`http://worker.test${path}`, init);
  const text = await response.text();
  const answer = { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  checkResponse(method, path, { ...answer, text }, "worker");
  return answer;
}

/** Everything a hospital holds, as the API shows it. */
async function state(mf, hospital) {
  const doctors = (await call(mf, "GET", `/hospitals/${hospital}/v1/doctors`)).body;
  const appointments = [];
  for (const doctor of doctors) {
    appointments.push(...(await call(mf, "GET", `/hospitals/${hospital}/v1/doctors/${doctor.id}/appointments?status=all`)).body);
  }
  const health = (await call(mf, "GET", `/hospitals/${hospital}/health`)).body;
  return { health, doctors, appointments };
}

test("two hospitals stay isolated", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    assert.equal((await call(mf, "POST", "/hospitals/north/v1/doctors", ada)).status, 201);
    const booked = await call(mf, "POST", "/hospitals/north/v1/appointments", { doctorId: "d1", location: "A", start: "2019-02-01T10:00" });
    assert.equal(booked.status, 201);
    assert.equal(booked.body.id, "a1");

    // South has nothing of north's: no doctor d1, an empty list, its own revision.
    assert.deepEqual(await call(mf, "GET", "/hospitals/south/v1/doctors"), { status: 200, body: [] });
    const missing = await call(mf, "POST", "/hospitals/south/v1/appointments", { doctorId: "d1", location: "A", start: "2019-02-01T10:00" });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, "DOCTOR_NOT_FOUND");
    // The same slot in south is free: a doctor of its own books it as its own a1.
    assert.equal((await call(mf, "POST", "/hospitals/south/v1/doctors", ada)).status, 201);
    const southBooked = await call(mf, "POST", "/hospitals/south/v1/appointments", { doctorId: "d1", location: "A", start: "2019-02-01T10:00" });
    assert.equal(southBooked.status, 201);
    assert.equal(southBooked.body.id, "a1");
    assert.equal((await call(mf, "POST", "/hospitals/south/v1/appointments/a1/cancel", {})).status, 200);

    // North did not see south's cancellation.
    assert.equal((await call(mf, "GET", "/hospitals/north/v1/appointments/a1")).body.status, "booked");
    assert.deepEqual((await call(mf, "GET", "/hospitals/north/health")).body, { ok: true, revision: 2, doctors: 1 });
    assert.deepEqual((await call(mf, "GET", "/hospitals/south/health")).body, { ok: true, revision: 3, doctors: 1 });
  } finally {
    await mf.dispose();
  }
});

test("the worker answers like the REST server: statuses, error bodies, routes", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    assert.equal((await call(mf, "GET", "/nowhere")).body.error.code, "ROUTE_NOT_FOUND");
    const badName = await call(mf, "GET", "/hospitals/no%20spaces/v1/doctors");
    assert.equal(badName.status, 400);
    assert.deepEqual(badName.body.error.details, { field: "hospital" });
    // The seed API is the Node server's; the worker serves v1 only.
    assert.equal((await call(mf, "GET", "/hospitals/h/doctors")).status, 404);
    assert.equal((await call(mf, "PUT", "/hospitals/h/v1/doctors")).status, 405);
    const limits = await call(mf, "GET", "/hospitals/h/v1/doctors/d1/slots?limit=1e3&from=2019-02-01&to=2019-02-01");
    assert.equal(limits.status, 400);
    assert.deepEqual(limits.body.error.details, { field: "limit" });

    const text = await mf.dispatchFetch("http://worker.test/hospitals/h/v1/doctors", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } });
    assert.equal(text.status, 415);
    const key = await withKey(mf, "/hospitals/h/");
    const malformed = await mf.dispatchFetch("http://worker.test/hospitals/h/v1/doctors", { method: "POST", body: "{", headers: { "content-type": "application/json", ...key } });
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).error.details.field, "body");
    const huge = await mf.dispatchFetch("http://worker.test/hospitals/h/v1/doctors", {
      method: "POST",
      body: JSON.stringify({ name: "x".repeat(70_000) }),
      headers: { "content-type": "application/json", ...key },
    });
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).error.code, "PAYLOAD_TOO_LARGE");

    const created = await mf.dispatchFetch("http://worker.test/hospitals/h/v1/doctors", {
      method: "POST",
      body: JSON.stringify({ ...ada, id: "ada" }),
      headers: { "content-type": "application/json", ...key },
    });
    assert.equal(created.status, 201);
    // The Location names the hospital too: the path that answers with the doctor.
    assert.equal(created.headers.get("location"), "/hospitals/h/v1/doctors/ada");
    assert.equal((await call(mf, "GET", created.headers.get("location"))).body.id, "ada");
    const outside = await call(mf, "POST", "/hospitals/h/v1/appointments", { doctorId: "ada", location: "A", start: "2019-02-01T17:00" });
    assert.equal(outside.status, 422);
    assert.equal(outside.body.error.code, "OUTSIDE_HOURS");
    // Nothing failed was stored: the revision counts the one doctor.
    assert.equal((await call(mf, "GET", "/hospitals/h/health")).body.revision, 1);
  } finally {
    await mf.dispose();
  }
});

test("state survives disposing and recreating Miniflare: snapshot chunks plus change records", async (t) => {
  const persistDir = storageDir(t);
  // A snapshot once the change records after the last one pass 600 bytes (and 1 % of it), cut
  // into 200-byte chunks, so that a restart reads both a chunked snapshot and the change
  // records after it.
  const vars = { COMPACT_PERCENT: "1", COMPACT_MIN_BYTES: "600", SNAPSHOT_CHUNK_BYTES: "200" };
  let mf = hospitalWorker({ persistDir, vars });
  let before;
  try {
    await call(mf, "POST", "/hospitals/north/v1/doctors", ada);
    await call(mf, "POST", "/hospitals/north/v1/doctors", { ...ada, name: "Dr. Grace" });
    for (const start of ["09:00", "09:15", "09:30", "09:45"]) {
      assert.equal((await call(mf, "POST", "/hospitals/north/v1/appointments", { doctorId: "d1", location: "A", start: `2019-02-01T${start}`, patient: "p-ü-😀" })).status, 201);
    }
    await call(mf, "POST", "/hospitals/north/v1/appointments/a2/cancel", { reason: "moved" });
    await call(mf, "PATCH", "/hospitals/north/v1/doctors/d2", { name: "Dr. Grace Hopper" });
    await call(mf, "POST", "/hospitals/south/v1/doctors", ada);
    before = { north: await state(mf, "north"), south: await state(mf, "south") };
    assert.equal(before.north.health.revision, 8);
  } finally {
    await mf.dispose();
  }

  // What the objects stored: north made 8 changes, whose records (each naming its key as the
  // actor) passed 600 bytes at revisions 3 and 8 (two doctors and a booking, then five changes
  // more), so snapshots there, the last in several chunks; the snapshot at 8 dropped the rows
  // up to the previous snapshot (3) and kept those after it (the service's one pruning rule),
  // none of which a start replays. South made 1, a change row and no snapshot.
  // (Miniflare keeps each object's SQLite database as a file, beside its own metadata.sqlite.)
  const databases = readdirSync(persistDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".sqlite") && !file.endsWith("metadata.sqlite"));
  assert.equal(databases.length, 2, databases.join(", "));
  const stored = databases
    .map((file) => {
      const db = new Database(join(persistDir, file), { readonly: true });
      try {
        return {
          chunks: db.prepare("SELECT count(*) AS n FROM snapshot_chunks").get().n,
          changes: db.prepare("SELECT group_concat(revision) AS r FROM changes").get().r,
        };
      } finally {
        db.close();
      }
    })
    .sort((a, b) => b.chunks - a.chunks);
  assert.ok(stored[0].chunks > 2, JSON.stringify(stored));
  assert.equal(stored[0].changes, "4,5,6,7,8");
  assert.deepEqual(stored[1], { chunks: 0, changes: "1" });

  mf = hospitalWorker({ persistDir, vars });
  try {
    assert.deepEqual({ north: await state(mf, "north"), south: await state(mf, "south") }, before);
    // The rules still hold against the restored bookings, and new ids continue.
    const taken = await call(mf, "POST", "/hospitals/north/v1/appointments", { doctorId: "d1", location: "B", start: "2019-02-01T09:30" });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.details.conflictingAppointmentId, "a3");
    const next = await call(mf, "POST", "/hospitals/north/v1/appointments", { doctorId: "d1", location: "B", start: "2019-02-01T10:00" });
    assert.equal(next.body.id, "a5");
    assert.equal((await call(mf, "GET", "/hospitals/north/health")).body.revision, 9);
  } finally {
    await mf.dispose();
  }
  // And a third start replays the change record written after the last snapshot.
  mf = hospitalWorker({ persistDir, vars });
  try {
    assert.equal((await call(mf, "GET", "/hospitals/north/v1/appointments/a5")).body.start, "2019-02-01T10:00");
  } finally {
    await mf.dispose();
  }
});

test("concurrent bookings of one slot: exactly one succeeds", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    await call(mf, "POST", "/hospitals/busy/v1/doctors", ada);
    const attempts = 20;
    const results = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        call(mf, "POST", "/hospitals/busy/v1/appointments", { doctorId: "d1", location: i % 2 ? "A" : "B", start: "2019-02-01T11:00", patient: `p-${i}` }),
      ),
    );
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status === 409);
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.equal(lost.length, attempts - 1);
    for (const r of lost) {
      assert.equal(r.body.error.code, "SLOT_TAKEN");
      assert.equal(r.body.error.details.conflictingAppointmentId, won[0].body.id);
    }
    const booked = (await call(mf, "GET", "/hospitals/busy/v1/doctors/d1/appointments")).body;
    assert.deepEqual(booked.map((a) => a.id), [won[0].body.id]);
    assert.equal((await call(mf, "GET", "/hospitals/busy/health")).body.revision, 2);
  } finally {
    await mf.dispose();
  }
});

test("lists are pages in the Worker too: the Link of each page names the hospital, and the walk sees each appointment once", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    await call(mf, "POST", "/hospitals/pages/v1/doctors", { ...ada, id: "ada", schedule: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "24:00" }] });
    const starts = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2019, 1, 1) + i * 15 * 60_000).toISOString().slice(0, 16));
    const made = await Promise.all(starts.map((start, i) => call(mf, "POST", "/hospitals/pages/v1/appointments", { doctorId: "ada", location: "A", start, patient: `p${i % 3}` })));
    assert.ok(made.every((res) => res.status === 201));
    const headers = await withKey(mf, "/hospitals/pages/");
    for (const [first, expected, pages] of [
      ["/hospitals/pages/v1/doctors/ada/appointments?limit=50", 300, 6],
      ["/hospitals/pages/v1/appointments?patient=p1&limit=30", 100, 4],
    ]) {
      const seen = [];
      let count = 0;
      for (let next = first; next !== null; count++) {
        const response = await mf.dispatchFetch(`http://worker.test${next}`, { headers });
        assert.equal(response.status, 200);
        seen.push(...(await response.json()));
        const link = response.headers.get("link");
        next = link === null ? null : /^<([^>]+)>; rel="next"$/.exec(link)[1];
        if (next !== null) assert.ok(next.startsWith("/hospitals/pages/v1/"), next);
      }
      assert.equal(count, pages, first);
      assert.equal(seen.length, expected);
      assert.equal(new Set(seen.map((a) => a.id)).size, expected);
    }
  } finally {
    await mf.dispose();
  }
});
