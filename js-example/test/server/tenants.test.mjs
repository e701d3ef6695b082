// Many hospitals in one Node server (server/tenants.mjs) under /hospitals/{name}: on SQLite one
// file each in DR_SCHEDULE_DATA_DIR, on PostgreSQL one schema each in the server's database
// (these tests run on both stores); created and deleted by the operator, loaded on first use
// and evicted when idle under a budget; 1,000 hospitals of 100 appointments each served within
// it; keys that open only their own hospital; kill -9 with many loaded loses no acknowledged
// booking; two server processes on one database agree on which hospitals and keys exist.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import http from "node:http";
import { Hospital } from "dr-schedule";
import { keyMaterial } from "../../service/auth.mjs";
import { nodeDigest } from "../../server/http.mjs";
import { SqliteStore, markerPath } from "../../server/store.mjs";
import { KEY_COLUMNS, keyValues } from "../../service/storage.mjs";
import { PostgresHospitals } from "../../server/postgres-store.mjs";
import { Tenants } from "../../server/tenants.mjs";
import { OPERATOR, STORE, expectError, hospitalsPlace, nthSlot, request, roundTheClock, startInProcess, startProcess, stopAll, tempDb, tempDir, tempTenants } from "./harness.mjs";

after(stopAll);

const operator = { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" };
const as = (key) => ({ headers: { authorization: `Bearer ${key}` } });

async function firstKey(name) {
  const material = await keyMaterial(name, undefined, nodeDigest);
  const row = { id: material.id, hash: material.hash, roles: ["read", "book", "admin"], label: "first", salt: material.salt, created: "2030-01-01T00:00:00.000Z", createdBy: "operator", revoked: null, revokedBy: null, rotated: null };
  return { row, token: material.token };
}

describe(`many hospitals (${STORE === "sqlite" ? "SQLite files in a data directory" : "PostgreSQL schemas"})`, { timeout: 120_000 }, () => {
  test("1,000 hospitals of 100 appointments each, every one served, within the budget of loaded hospitals", async (t) => {
    const h = new Hospital();
    h.addDoctor(roundTheClock("rt"));
    for (let i = 0; i < 100; i++) h.book({ doctorId: "rt", location: "X", start: nthSlot(i), patient: `p${i}` });
    const snapshot = { revision: h.revision, bytes: h.toSnapshotBytes() };
    const oneHospital = h.snapshotBytes;
    h.free();
    const maxLoaded = 40;
    const budgetBytes = 25 * oneHospital;
    const tenants = tempTenants({ maxLoaded, budgetBytes });
    const keys = new Map();
    let started = performance.now();
    if (STORE === "sqlite") {
      // One database made by the store, copied: each copy gets its own key and marker without
      // the fsyncs of a thousand creations (what is measured is serving them).
      const path = (name) => tenants.hospitals.path(name);
      const template = join(tempDir(), "template.sqlite");
      SqliteStore.open(template, { seed: () => snapshot }).close();
      for (let i = 0; i < 1000; i++) {
        const name = `h${i}`;
        const { row, token } = await firstKey(name);
        copyFileSync(template, path(name));
        const db = new Database(path(name));
        db.pragma("synchronous = OFF");
        db.prepare(`INSERT INTO keys (${KEY_COLUMNS.join(", ")}) VALUES (${KEY_COLUMNS.map(() => "?").join(", ")})`).run(...keyValues(row));
        db.prepare("UPDATE key_state SET version = 1").run();
        db.close();
        mkdirSync(dirname(markerPath(path(name))), { recursive: true });
        writeFileSync(markerPath(path(name)), "{}\n");
        keys.set(name, token);
      }
    } else {
      // Each its own schema, made as the operator's create makes it (one transaction each),
      // eight at a time.
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let i = w; i < 1000; i += 8) {
            const { row, token } = await firstKey(`h${i}`);
            assert.equal(await tenants.create(`h${i}`, [row], { seed: () => snapshot }), true);
            keys.set(`h${i}`, token);
          }
        }),
      );
    }
    t.diagnostic(`1,000 hospital databases made in ${(performance.now() - started).toFixed(0)} ms`);
    const server = await startInProcess({ serverOptions: { tenants } });
    started = performance.now();
    let mostLoaded = 0;
    for (const name of Array.from({ length: 1000 }, (_, i) => `h${i}`)) {
      const key = keys.get(name);
      const res = await request(server.url, "GET", `/hospitals/${name}/v1/doctors/rt/appointments?limit=1000`, as(key));
      assert.equal(res.status, 200, `${name}: ${res.text}`);
      assert.equal(res.body.length, 100);
      mostLoaded = Math.max(mostLoaded, tenants.loadedCount);
    }
    const ms = performance.now() - started;
    t.diagnostic(`1,000 hospitals served in ${ms.toFixed(0)} ms (${(ms / 1000).toFixed(2)} ms each, a load each); at most ${mostLoaded} loaded; ${tenants.evictions} evictions`);
    // The byte budget (25 hospitals) binds before the count (40).
    assert.ok(mostLoaded <= 25, `${mostLoaded} loaded`);
    assert.ok(tenants.peakLoaded <= 26, `peak ${tenants.peakLoaded}`);
    assert.ok(tenants.evictions >= 1000 - 25);
    // A write to an evicted hospital is loaded, stored, evicted again, and still there.
    const booked = await request(server.url, "POST", "/hospitals/h0/v1/appointments", { body: { doctorId: "rt", location: "Y", start: nthSlot(500) }, ...as(keys.get("h0")) });
    assert.equal(booked.status, 201, booked.text);
    assert.equal(booked.headers.location, `/hospitals/h0/v1/appointments/${booked.body.id}`);
    for (let i = 1; i <= 30; i++) await request(server.url, "GET", `/hospitals/h${i}/health`);
    for (let i = 1; i <= 30; i++) assert.equal((await request(server.url, "GET", `/hospitals/h${i}/v1/doctors`, as(keys.get(`h${i}`)))).status, 200);
    assert.equal((await request(server.url, "GET", `/hospitals/h0/v1/appointments/${booked.body.id}`, as(keys.get("h0")))).body.start, nthSlot(500));
  });

  test("concurrent requests to more hospitals than may be loaded: each finds its hospital open, none is answered 503", async () => {
    const tenants = tempTenants({ maxLoaded: 2 });
    const keys = {};
    for (let i = 0; i < 10; i++) {
      const { row, token } = await firstKey(`c${i}`);
      assert.equal(await tenants.create(`c${i}`, [row]), true);
      keys[`c${i}`] = token;
    }
    const server = await startInProcess({ serverOptions: { tenants } });
    for (const name of Object.keys(keys)) assert.equal((await request(server.url, "POST", `/hospitals/${name}/v1/doctors`, { body: roundTheClock("rt"), ...as(keys[name]) })).status, 201);
    // A request whose body is still arriving holds its hospital open while others load.
    const body = JSON.stringify({ doctorId: "rt", location: "Y", start: nthSlot(1000) });
    const slow = new Promise((resolve, reject) => {
      const req = http.request(`${server.url}/hospitals/c0/v1/appointments`, { method: "POST", headers: { authorization: `Bearer ${keys.c0}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      });
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 1; i < 10; i++) assert.equal((await request(server.url, "GET", `/hospitals/c${i}/v1/doctors`, as(keys[`c${i}`]))).status, 200);
    const answer = await slow;
    assert.equal(answer.status, 201, answer.text);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const name = `c${i % 10}`;
        return i % 3 === 0
          ? request(server.url, "POST", `/hospitals/${name}/v1/appointments`, { body: { doctorId: "rt", location: "X", start: nthSlot(i) }, ...as(keys[name]) })
          : request(server.url, "GET", `/hospitals/${name}/v1/doctors`, as(keys[name]));
      }),
    );
    assert.deepEqual([...new Set(answers.map((a) => a.status))].sort(), [200, 201], answers.filter((a) => a.status >= 300).map((a) => a.text).slice(0, 3).join("\n"));
    assert.ok(tenants.evictions > 0, "hospitals were evicted meanwhile");
    assert.ok(tenants.loadedCount <= 2, `${tenants.loadedCount} loaded once it is over`);
    let booked = 0;
    for (const name of Object.keys(keys)) booked += (await request(server.url, "GET", `/hospitals/${name}/v1/doctors/rt/appointments?limit=1000`, as(keys[name]))).body.length;
    assert.equal(booked, 68);

  });

  test("the operator creates and deletes; keys open only their own hospital; unknown names answer like a hospital no key opens", async () => {
    const tenants = tempTenants();
    const server = await startInProcess({ serverOptions: { tenants } });
    const put = (name, headers = operator) => request(server.url, "PUT", `/hospitals/${name}`, { headers });
    const north = await put("north");
    assert.equal(north.status, 201, north.text);
    assert.deepEqual(north.body.key.roles, ["read", "book", "admin"]);
    const south = await put("south");
    expectError(assert, await put("north"), 409, "HOSPITAL_EXISTS");
    expectError(assert, await put("x", { "content-type": "application/json", authorization: `Bearer ${north.body.key.key}` }), 401, "UNAUTHENTICATED");
    expectError(assert, await put("Bad_Name"), 400, "INVALID_INPUT");
    assert.equal(await tenants.exists("north"), true);

    const northKey = north.body.key.key;
    const southKey = south.body.key.key;
    assert.equal((await request(server.url, "POST", "/hospitals/north/v1/doctors", { body: roundTheClock("rt"), ...as(northKey) })).status, 201);
    const booked = await request(server.url, "POST", "/hospitals/north/v1/appointments", { body: { doctorId: "rt", location: "X", start: nthSlot(1) }, ...as(northKey) });
    assert.equal(booked.status, 201);
    // South's key on north: 404 on every kind of route; north's data is not south's.
    for (const [method, path, body] of [["GET", "/v1/doctors"], ["GET", `/v1/appointments/${booked.body.id}`], ["POST", "/v1/appointments", { doctorId: "rt", location: "X", start: nthSlot(2) }], ["GET", "/v1/keys"]]) {
      expectError(assert, await request(server.url, method, `/hospitals/north${path}`, { body, ...as(southKey) }), 404, "HOSPITAL_NOT_FOUND");
    }
    assert.deepEqual((await request(server.url, "GET", "/hospitals/south/v1/doctors", as(southKey))).body, []);
    // A name never created: no key opens it, nothing is made.
    expectError(assert, await request(server.url, "GET", "/hospitals/ghost/v1/doctors", as(`drs_ghost_kaaaaaaaaaaaaaaa_${"A".repeat(43)}`)), 401, "UNAUTHENTICATED");
    expectError(assert, await request(server.url, "POST", "/hospitals/ghost/v1/keys", { body: { roles: ["admin"] }, headers: { authorization: `Bearer ${OPERATOR}` } }), 404, "HOSPITAL_NOT_FOUND");
    assert.deepEqual((await request(server.url, "GET", "/hospitals/ghost/health")).body, { ok: true, revision: 0, doctors: 0 });
    assert.equal(await tenants.exists("ghost"), false);

    // Deleted: the file is gone, its key fails, and the name can be made again.
    const deleted = await request(server.url, "DELETE", "/hospitals/north", { headers: operator });
    assert.equal(deleted.status, 200);
    assert.equal(await tenants.exists("north"), false);
    expectError(assert, await request(server.url, "GET", "/hospitals/north/v1/doctors", as(northKey)), 401, "UNAUTHENTICATED");
    expectError(assert, await request(server.url, "DELETE", "/hospitals/north", { headers: operator }), 404, "HOSPITAL_NOT_FOUND");
    const again = await put("north");
    assert.equal(again.status, 201, again.text);
    assert.deepEqual((await request(server.url, "GET", "/hospitals/north/v1/doctors", as(again.body.key.key))).body, []);
    // The default hospital is still served beside them.
    assert.equal((await request(server.url, "GET", "/v1/doctors")).status, 200);
  });

  test("kill -9 with many hospitals loaded loses no acknowledged booking in any of them", async () => {
    const { env } = hospitalsPlace();
    const db = tempDb();
    let proc = await startProcess({ db, env });
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const keys = {};
    for (const name of names) {
      const res = await request(proc.url, "PUT", `/hospitals/${name}`, { headers: operator });
      assert.equal(res.status, 201, res.text);
      keys[name] = res.body.key.key;
      assert.equal((await request(proc.url, "POST", `/hospitals/${name}/v1/doctors`, { body: roundTheClock("rt"), ...as(keys[name]) })).status, 201);
    }
    const acked = new Map(names.map((name) => [name, []]));
    let n = 0;
    const stream = async (name) => {
      for (;;) {
        const i = n++;
        try {
          const res = await request(proc.url, "POST", `/hospitals/${name}/v1/appointments`, { body: { doctorId: "rt", location: "X", start: nthSlot(i), requestId: `r${i}` }, ...as(keys[name]), timeoutMs: 2000 });
          if (res.status === 201) acked.get(name).push(res.body);
        } catch {
          return;
        }
      }
    };
    const streams = names.map(stream);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await proc.kill("SIGKILL");
    await Promise.all(streams);
    const total = [...acked.values()].reduce((sum, list) => sum + list.length, 0);
    assert.ok(total >= 20, `${total} acknowledged before the kill`);

    proc = await startProcess({ db, env });
    for (const name of names) {
      for (const appointment of acked.get(name)) {
        const res = await request(proc.url, "GET", `/hospitals/${name}/v1/appointments/${appointment.id}`, as(keys[name]));
        assert.equal(res.status, 200, `${name}: acknowledged ${appointment.id} is missing`);
        assert.deepEqual(res.body, appointment);
      }
    }
  });
  test("two server processes on one database: a hospital created, a key revoked or a hospital deleted through one counts in the other", async () => {
    const { env } = hospitalsPlace();
    const db = tempDb();
    const [a, b] = await Promise.all([startProcess({ db, env }), startProcess({ db, env })]);
    const put = (proc, name) => request(proc.url, "PUT", `/hospitals/${name}`, { headers: operator });
    // Made through a; b has never looked the name up: it loads it from the database.
    const east = await put(a, "east-1");
    assert.equal(east.status, 201, east.text);
    const key = east.body.key.key;
    assert.equal((await request(b.url, "POST", "/hospitals/east-1/v1/doctors", { body: roundTheClock("rt"), ...as(key) })).status, 201);
    const booked = await request(b.url, "POST", "/hospitals/east-1/v1/appointments", { body: { doctorId: "rt", location: "X", start: nthSlot(3) }, ...as(key) });
    assert.equal(booked.status, 201, booked.text);
    assert.deepEqual((await request(a.url, "GET", `/hospitals/east-1/v1/appointments/${booked.body.id}`, as(key))).body, booked.body);
    expectError(assert, await put(b, "east-1"), 409, "HOSPITAL_EXISTS");
    // Exactly one booking of one slot across both.
    const race = await Promise.all(Array.from({ length: 20 }, (_, i) => request(i % 2 ? a.url : b.url, "POST", "/hospitals/east-1/v1/appointments", { body: { doctorId: "rt", location: "X", start: nthSlot(4) }, ...as(key) })));
    assert.equal(race.filter((r) => r.status === 201).length, 1, race.map((r) => r.status).join(" "));
    // A key made in b, revoked in a: b refuses it from its next batch.
    const made = await request(b.url, "POST", "/hospitals/east-1/v1/keys", { body: { roles: ["read"] }, ...as(key) });
    assert.equal(made.status, 201, made.text);
    assert.equal((await request(b.url, "GET", "/hospitals/east-1/v1/doctors", as(made.body.key))).status, 200);
    assert.equal((await request(a.url, "DELETE", `/hospitals/east-1/v1/keys/${made.body.id}`, as(key))).status, 200);
    expectError(assert, await request(b.url, "GET", "/hospitals/east-1/v1/doctors", as(made.body.key)), 401, "UNAUTHENTICATED");

    // Deleted through a while b holds it loaded: gone in both, and made again in b, a new one
    // that the old key does not open in either.
    assert.equal((await request(a.url, "DELETE", "/hospitals/east-1", { headers: operator })).status, 200);
    for (const proc of [a, b]) expectError(assert, await request(proc.url, "GET", "/hospitals/east-1/v1/doctors", as(key)), 401, "UNAUTHENTICATED");
    expectError(assert, await request(b.url, "DELETE", "/hospitals/east-1", { headers: operator }), 404, "HOSPITAL_NOT_FOUND");
    assert.equal((await request(b.url, "GET", "/hospitals/east-1/health")).body.revision, 0);
    // Loaded in a again (as a new hospital), then deleted and made again through b.
    const again = await put(b, "east-1");
    assert.equal(again.status, 201, again.text);
    assert.equal((await request(a.url, "POST", "/hospitals/east-1/v1/doctors", { body: roundTheClock("rt"), ...as(again.body.key.key) })).status, 201);
    assert.equal((await request(b.url, "DELETE", "/hospitals/east-1", { headers: operator })).status, 200);
    const third = await put(b, "east-1");
    assert.equal(third.status, 201, third.text);
    for (const proc of [a, b]) {
      expectError(assert, await request(proc.url, "GET", "/hospitals/east-1/v1/doctors", as(again.body.key.key)), 401, "UNAUTHENTICATED");
      assert.deepEqual((await request(proc.url, "GET", "/hospitals/east-1/v1/doctors", as(third.body.key.key))).body, []);
    }
  });
  test("each hospital compacts in its own database: snapshots published there, its log pruned, and a load after eviction starts from them", async () => {
    const tenants = tempTenants({ maxLoaded: 1, compaction: { percent: 1, minBytes: 0 } });
    const server = await startInProcess({ serverOptions: { tenants } });
    const keys = {};
    for (const name of ["comp", "other"]) {
      const { row, token } = await firstKey(name);
      assert.equal(await tenants.create(name, [row]), true);
      keys[name] = token;
      assert.equal((await request(server.url, "POST", `/hospitals/${name}/v1/doctors`, { body: roundTheClock("rt"), ...as(token) })).status, 201);
    }
    const ids = [];
    for (let i = 0; i < 30; i++) {
      const res = await request(server.url, "POST", "/hospitals/comp/v1/appointments", { body: { doctorId: "rt", location: "X", start: nthSlot(i) }, ...as(keys.comp) });
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.id);
    }
    const held = await tenants.acquire("comp");
    await held.service.compacted();
    const compactions = held.service.stats.compactions;
    held.release();
    assert.ok(compactions >= 5, `${compactions} compactions`);
    const store = await tenants.hospitals.open("comp");
    try {
      const stats = await store.stats();
      assert.ok(stats.snapshotRevision >= 25, `newest snapshot at revision ${stats.snapshotRevision}`);
      assert.ok(stats.changeRows < 10, `${stats.changeRows} change rows kept`);
    } finally {
      await store.close();
    }
    // Evicted (one may be loaded), loaded again from its snapshot: every booking is there.
    assert.equal((await request(server.url, "GET", "/hospitals/other/v1/doctors", as(keys.other))).status, 200);
    assert.ok(tenants.evictions >= 1);
    const listed = await request(server.url, "GET", "/hospitals/comp/v1/doctors/rt/appointments?limit=1000", as(keys.comp));
    assert.deepEqual(listed.body.map((a) => a.id).sort(), [...ids].sort());
  });

  test("PostgreSQL that cannot be reached: a hospital is 503 STORE_UNREACHABLE, and so are the operator's create and delete", { skip: STORE === "postgres" ? false : "postgres only" }, async () => {
    const tenants = new Tenants({ hospitals: new PostgresHospitals({ url: "postgres://dr@127.0.0.1:1/dr", connectTimeoutMs: 500 }) });
    const server = await startInProcess({ serverOptions: { tenants } });
    try {
      expectError(assert, await request(server.url, "GET", "/hospitals/north/v1/doctors", as(`drs_north_kaaaaaaaaaaaaaaa_${"A".repeat(43)}`)), 503, "STORE_UNREACHABLE");
      expectError(assert, await request(server.url, "PUT", "/hospitals/north", { headers: operator }), 503, "STORE_UNREACHABLE");
      expectError(assert, await request(server.url, "DELETE", "/hospitals/north", { headers: operator }), 503, "STORE_UNREACHABLE");
    } finally {
      await server.close();
      await tenants.close();
    }
  });
});
