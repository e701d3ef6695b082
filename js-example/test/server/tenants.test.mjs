// Many hospitals in one Node server (DR_SCHEDULE_DATA_DIR, server/tenants.mjs): one SQLite file
// each under /hospitals/{name}, created and deleted by the operator, loaded on first use and
// evicted when idle under a budget; 1,000 hospitals of 100 appointments each served within it;
// keys that open only their own hospital; kill -9 with many loaded loses no acknowledged booking.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import http from "node:http";
import { Hospital } from "dr-schedule";
import { keyMaterial } from "../../service/auth.mjs";
import { nodeDigest } from "../../server/http.mjs";
import { SqliteStore, markerPath } from "../../server/store.mjs";
import { KEY_COLUMNS, keyValues } from "../../service/storage.mjs";
import { Tenants } from "../../server/tenants.mjs";
import { OPERATOR, expectError, nthSlot, onlyFor, request, roundTheClock, startInProcess, startProcess, stopAll, tempDir } from "./harness.mjs";

after(stopAll);

const operator = { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" };
const as = (key) => ({ headers: { authorization: `Bearer ${key}` } });

async function firstKey(name) {
  const material = await keyMaterial(name, undefined, nodeDigest);
  const row = { id: material.id, hash: material.hash, roles: ["read", "book", "admin"], label: "first", salt: material.salt, created: "2030-01-01T00:00:00.000Z", createdBy: "operator", revoked: null, revokedBy: null, rotated: null };
  return { row, token: material.token };
}

describe("hospitals in a data directory", { ...onlyFor("sqlite"), timeout: 120_000 }, () => {
  test("1,000 hospitals of 100 appointments each, every one served, within the budget of loaded hospitals", async (t) => {
    const dir = tempDir();
    const h = new Hospital();
    h.addDoctor(roundTheClock("rt"));
    for (let i = 0; i < 100; i++) h.book({ doctorId: "rt", location: "X", start: nthSlot(i), patient: `p${i}` });
    const snapshot = { revision: h.revision, bytes: h.toSnapshotBytes() };
    const oneHospital = h.snapshotBytes;
    h.free();
    const maxLoaded = 40;
    const budgetBytes = 25 * oneHospital;
    const tenants = new Tenants({ dir, maxLoaded, budgetBytes });
    const keys = new Map();
    let started = performance.now();
    // One database made by the store, copied: each copy gets its own key and marker without the
    // fsyncs of a thousand creations (what is measured is serving them).
    const template = join(tempDir(), "template.sqlite");
    SqliteStore.open(template, { seed: () => snapshot }).close();
    for (let i = 0; i < 1000; i++) {
      const name = `h${i}`;
      const { row, token } = await firstKey(name);
      copyFileSync(template, tenants.path(name));
      const db = new Database(tenants.path(name));
      db.pragma("synchronous = OFF");
      db.prepare(`INSERT INTO keys (${KEY_COLUMNS.join(", ")}) VALUES (${KEY_COLUMNS.map(() => "?").join(", ")})`).run(...keyValues(row));
      db.prepare("UPDATE key_state SET version = 1").run();
      db.close();
      mkdirSync(dirname(markerPath(tenants.path(name))), { recursive: true });
      writeFileSync(markerPath(tenants.path(name)), "{}\n");
      keys.set(name, token);
    }
    t.diagnostic(`1,000 hospital files made in ${(performance.now() - started).toFixed(0)} ms`);
    const server = await startInProcess({ serverOptions: { tenants } });
    started = performance.now();
    let mostLoaded = 0;
    for (const [name, key] of keys) {
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
    const dir = tempDir();
    const tenants = new Tenants({ dir, maxLoaded: 2 });
    const keys = {};
    for (let i = 0; i < 10; i++) {
      const { row, token } = await firstKey(`c${i}`);
      tenants.create(`c${i}`, [row]);
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
    const dir = tempDir();
    const tenants = new Tenants({ dir });
    const server = await startInProcess({ serverOptions: { tenants } });
    const put = (name, headers = operator) => request(server.url, "PUT", `/hospitals/${name}`, { headers });
    const north = await put("north");
    assert.equal(north.status, 201, north.text);
    assert.deepEqual(north.body.key.roles, ["read", "book", "admin"]);
    const south = await put("south");
    expectError(assert, await put("north"), 409, "HOSPITAL_EXISTS");
    expectError(assert, await put("x", { "content-type": "application/json", authorization: `Bearer ${north.body.key.key}` }), 401, "UNAUTHENTICATED");
    expectError(assert, await put("Bad_Name"), 400, "INVALID_INPUT");
    assert.ok(existsSync(tenants.path("north")));

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
    assert.ok(!existsSync(tenants.path("ghost")));

    // Deleted: the file is gone, its key fails, and the name can be made again.
    const deleted = await request(server.url, "DELETE", "/hospitals/north", { headers: operator });
    assert.equal(deleted.status, 200);
    assert.ok(!existsSync(tenants.path("north")));
    expectError(assert, await request(server.url, "GET", "/hospitals/north/v1/doctors", as(northKey)), 401, "UNAUTHENTICATED");
    expectError(assert, await request(server.url, "DELETE", "/hospitals/north", { headers: operator }), 404, "HOSPITAL_NOT_FOUND");
    const again = await put("north");
    assert.equal(again.status, 201, again.text);
    assert.deepEqual((await request(server.url, "GET", "/hospitals/north/v1/doctors", as(again.body.key.key))).body, []);
    // The default hospital is still served beside them.
    assert.equal((await request(server.url, "GET", "/v1/doctors")).status, 200);
  });

  test("kill -9 with many hospitals loaded loses no acknowledged booking in any of them", async () => {
    const dataDir = tempDir();
    const env = { DR_SCHEDULE_DATA_DIR: dataDir, DR_SCHEDULE_DB: `${tempDir()}/main.sqlite` };
    let proc = await startProcess({ db: env.DR_SCHEDULE_DB, env });
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

    proc = await startProcess({ db: env.DR_SCHEDULE_DB, env });
    for (const name of names) {
      for (const appointment of acked.get(name)) {
        const res = await request(proc.url, "GET", `/hospitals/${name}/v1/appointments/${appointment.id}`, as(keys[name]));
        assert.equal(res.status, 200, `${name}: acknowledged ${appointment.id} is missing`);
        assert.deepEqual(res.body, appointment);
      }
    }
  });
});
