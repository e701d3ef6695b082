// Attacks on the hospital worker, in workerd through Miniflare (its storage kept on disk, read
// back with SQLite): reads of hospitals that were never written store nothing; a 201's Location
// answers; a body over the limit is never read whole; a path is never re-parsed as a URL;
// cross-site and untyped writes change nothing; a stored hospital the package refuses is a 503,
// not a crash and not an overwrite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { API_ROUTES } from "../../service/api.mjs";
import { openApiDocument } from "../../service/openapi.mjs";
import { checkResponse } from "../server/openapi-check.mjs";
import { OPERATOR, createHospital, hospitalWorker, withKey } from "./miniflare.mjs";

const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

function storageDir(t) {
  mkdirSync(outputDir, { recursive: true });
  const dir = mkdtempSync(join(outputDir, "worker-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ada = { name: "Dr. Ada", locations: ["A", "B"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] };

async function call(mf, method, path, body, headers = {}) {
  const init = { method, headers: await withKey(mf, path, headers) };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined || !["GET", "HEAD"].includes(method)) init.headers["content-type"] ??= "application/json";
  const response = await mf.dispatchFetch(`http://worker.test${path}`, init);
  const text = await response.text();
  const answer = { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
  checkResponse(method, path, { ...answer, text }, "worker");
  return answer;
}

/** Each Durable Object's SQLite file under `dir`, with the tables it holds. */
function objectDatabases(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".sqlite") && !file.endsWith("metadata.sqlite"))
    .map((file) => {
      const db = new Database(join(dir, file), { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name").pluck().all();
        return { file: join(dir, file), tables };
      } finally {
        db.close();
      }
    });
}

test("hospitals the operator never created: no key opens them, nothing is stored; PUT creates one, DELETE removes it", async (t) => {
  const dir = storageDir(t);
  let mf = hospitalWorker({ persistDir: dir });
  try {
    const real = await createHospital(mf, "real");
    for (let i = 0; i < 20; i++) {
      const name = `ghost-${i}`;
      const forged = `drs_${name}_kaaaaaaaaaaaaaaa_${"A".repeat(43)}`;
      assert.deepEqual((await call(mf, "GET", `/hospitals/${name}/health`, undefined, { authorization: "" })).body, { ok: true, revision: 0, doctors: 0 });
      for (const [method, path, body] of [
        ["GET", `/hospitals/${name}/v1/doctors`],
        ["GET", `/hospitals/${name}/v1/appointments/a1`],
        ["POST", `/hospitals/${name}/v1/appointments`, { doctorId: "d1", location: "A", start: "2019-02-01T10:00" }],
        ["POST", `/hospitals/${name}/v1/doctors`, ada],
        ["POST", `/hospitals/${name}/v1/keys`, { roles: ["admin"] }],
      ]) {
        for (const authorization of [undefined, `Bearer ${forged}`]) {
          const res = await call(mf, method, path, body, authorization === undefined ? { authorization: "" } : { authorization });
          assert.equal(res.status, 401, `${method} ${path}`);
          assert.equal(res.body.error.code, "UNAUTHENTICATED");
        }
        // Another hospital's key: the 404 of a hospital that does not exist, like any other name.
        const other = await call(mf, method, path, body, { authorization: `Bearer ${real}` });
        assert.equal(other.status, 404, `${method} ${path}`);
        assert.equal(other.body.error.code, "HOSPITAL_NOT_FOUND");
      }
      // The operator manages keys only of hospitals it created.
      const operator = await call(mf, "POST", `/hospitals/${name}/v1/keys`, { roles: ["admin"] }, { authorization: `Bearer ${OPERATOR}` });
      assert.equal(operator.status, 404, JSON.stringify(operator.body));
      const deleted = await call(mf, "DELETE", `/hospitals/${name}`, undefined, { authorization: `Bearer ${OPERATOR}` });
      assert.equal(deleted.status, 404);
    }
    // Only the operator creates or deletes; a name is created once.
    assert.equal((await call(mf, "PUT", "/hospitals/ghost-3", undefined, { authorization: `Bearer ${real}` })).status, 401);
    assert.equal((await call(mf, "PUT", "/hospitals/ghost-3", undefined, { authorization: "" })).status, 401);
    assert.equal((await call(mf, "PUT", "/hospitals/Ghost_3", undefined, { authorization: `Bearer ${OPERATOR}` })).status, 400);
    assert.equal((await call(mf, "GET", "/hospitals/ghost-3", undefined, { authorization: `Bearer ${OPERATOR}` })).status, 405);
  } finally {
    await mf.dispose();
  }
  const ghosts = objectDatabases(dir);
  assert.equal(ghosts.filter((db) => db.tables.length > 0).length, 1, "only the hospital that was created stored anything");

  mf = hospitalWorker({ persistDir: dir });
  try {
    const created = await call(mf, "PUT", "/hospitals/ghost-3", undefined, { authorization: `Bearer ${OPERATOR}` });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get("location"), `/hospitals/ghost-3/v1/keys/${created.body.key.id}`);
    assert.deepEqual(created.body.key.roles, ["read", "book", "admin"]);
    assert.equal(created.body.key.createdBy, "operator");
    const key = { authorization: `Bearer ${created.body.key.key}` };
    const again = await call(mf, "PUT", "/hospitals/ghost-3", undefined, { authorization: `Bearer ${OPERATOR}` });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, "HOSPITAL_EXISTS");
    assert.equal((await call(mf, "POST", "/hospitals/ghost-3/v1/doctors", ada, key)).status, 201);
    assert.equal((await call(mf, "GET", "/hospitals/ghost-3/health", undefined, key)).body.doctors, 1);
    // Deleted: its key fails, its data is gone, and the name can be created anew.
    const gone = await call(mf, "DELETE", "/hospitals/ghost-3", undefined, { authorization: `Bearer ${OPERATOR}` });
    assert.equal(gone.status, 200);
    assert.equal((await call(mf, "GET", "/hospitals/ghost-3/v1/doctors", undefined, key)).status, 401);
    assert.deepEqual((await call(mf, "GET", "/hospitals/ghost-3/health", undefined, { authorization: "" })).body, { ok: true, revision: 0, doctors: 0 });
    assert.equal((await call(mf, "PUT", "/hospitals/ghost-3", undefined, { authorization: `Bearer ${OPERATOR}` })).status, 201);
  } finally {
    await mf.dispose();
  }
});

test("keys in the Worker: roles, isolation between hospitals, revocation, the actor of each change", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    const northAdmin = await createHospital(mf, "north");
    const southAdmin = await createHospital(mf, "south");
    const as = (key) => ({ authorization: `Bearer ${key}` });
    assert.equal((await call(mf, "POST", "/hospitals/north/v1/doctors", ada, as(northAdmin))).status, 201);
    assert.equal((await call(mf, "POST", "/hospitals/south/v1/doctors", ada, as(southAdmin))).status, 201);
    const reader = (await call(mf, "POST", "/hospitals/north/v1/keys", { roles: ["read"] }, as(northAdmin))).body;
    const booker = (await call(mf, "POST", "/hospitals/north/v1/keys", { roles: ["book"] }, as(northAdmin))).body;
    // Every route of north with a key of south: 404, and nothing changes in either.
    for (const [method, path, body] of [
      ["GET", "/v1/doctors"],
      ["GET", "/v1/doctors/d1"],
      ["POST", "/v1/appointments", { doctorId: "d1", location: "A", start: "2019-02-01T10:00" }],
      ["PATCH", "/v1/doctors/d1", { name: "x" }],
      ["DELETE", "/v1/doctors/d1"],
      ["GET", "/v1/keys"],
      ["POST", "/v1/keys", { roles: ["admin"] }],
    ]) {
      const res = await call(mf, method, `/hospitals/north${path}`, body, as(southAdmin));
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, "HOSPITAL_NOT_FOUND");
    }
    assert.equal((await call(mf, "GET", "/hospitals/north/health")).body.revision, 1);
    // Roles.
    const booking = { doctorId: "d1", location: "A", start: "2019-02-01T10:00", patient: "p-1" };
    assert.equal((await call(mf, "POST", "/hospitals/north/v1/appointments", booking, as(reader.key))).status, 403);
    const booked = await call(mf, "POST", "/hospitals/north/v1/appointments", booking, as(booker.key));
    assert.equal(booked.status, 201);
    assert.equal((await call(mf, "GET", `/hospitals/north/v1/appointments/${booked.body.id}`, undefined, as(booker.key))).status, 403);
    assert.equal((await call(mf, "GET", `/hospitals/north/v1/appointments/${booked.body.id}`, undefined, as(reader.key))).status, 200);
    assert.equal((await call(mf, "POST", "/hospitals/north/v1/doctors", ada, as(booker.key))).status, 403);
    // Revoked: fails at once.
    assert.equal((await call(mf, "DELETE", `/hospitals/north/v1/keys/${booker.id}`, undefined, as(northAdmin))).status, 200);
    const revoked = await call(mf, "POST", "/hospitals/north/v1/appointments", { ...booking, start: "2019-02-01T11:00" }, as(booker.key));
    assert.equal(revoked.status, 401);
    assert.match(revoked.headers.get("www-authenticate"), /^Bearer realm="dr-schedule", error="invalid_token"$/);
  } finally {
    await mf.dispose();
  }
});

test("a 201's Location names the hospital and answers", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    const doctor = await call(mf, "POST", "/hospitals/north/v1/doctors", { ...ada, id: "dr:ada" });
    assert.equal(doctor.headers.get("location"), "/hospitals/north/v1/doctors/dr%3Aada");
    const booked = await call(mf, "POST", "/hospitals/north/v1/appointments", { doctorId: "dr:ada", location: "A", start: "2019-02-01T10:00" });
    const held = await call(mf, "POST", "/hospitals/north/v1/holds", { doctorId: "dr:ada", location: "A", start: "2019-02-01T11:00", now: "2019-01-31T09:00", ttlMinutes: 10 });
    for (const [created, body] of [[doctor, doctor.body], [booked, booked.body], [held, held.body]]) {
      assert.equal(created.status, 201);
      const location = created.headers.get("location");
      assert.match(location, /^\/hospitals\/north\/v1\//);
      assert.deepEqual((await call(mf, "GET", location)).body, body);
    }
  } finally {
    await mf.dispose();
  }
});

test("a body over the limit is never read whole: a declared 128 MB is refused before its body, a streamed one is cut", { timeout: 60_000 }, async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    const url = await mf.ready;
    // Content-Length says 128 MB and no byte of the body is sent: the 413 comes anyway.
    const started = Date.now();
    const answer = await new Promise((resolve) => {
      const socket = net.connect({ port: Number(url.port), host: url.hostname }, () => {
        socket.write(`POST /hospitals/big/v1/doctors HTTP/1.1\r\nHost: worker.test\r\nContent-Type: application/json\r\nContent-Length: ${128 * 1024 * 1024}\r\n\r\n`);
      });
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => {
        text += chunk;
        if (text.includes("}}")) socket.destroy();
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(text));
      setTimeout(() => socket.destroy(), 10_000);
    });
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /PAYLOAD_TOO_LARGE/);
    t.diagnostic(`declared 128 MB: 413 after ${Date.now() - started} ms, no body sent`);

    // 128 MB streamed without a length: the client's stream is pulled only as far as the
    // worker reads (plus the buffers between them).
    let pulled = 0;
    const total = 128 * 1024 * 1024;
    const body = new ReadableStream({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(32));
        return undefined;
      },
    });
    let outcome;
    try {
      const response = await mf.dispatchFetch("http://worker.test/hospitals/big/v1/doctors", { method: "POST", body, duplex: "half", headers: { "content-type": "application/json" } });
      outcome = `${response.status} ${(await response.json()).error.code}`;
    } catch (error) {
      // The connection is closed while the client is still sending: a reset, which is what a
      // client that sends 128 MB without waiting for an answer gets.
      outcome = `reset (${error.cause?.code ?? error.message})`;
    }
    t.diagnostic(`streamed 128 MB: ${outcome} after ${(pulled / 1024 / 1024).toFixed(1)} MB pulled`);
    assert.ok(outcome === "413 PAYLOAD_TOO_LARGE" || outcome.startsWith("reset"), outcome);
    assert.ok(pulled < 32 * 1024 * 1024, `${pulled} bytes pulled`);
    // Nothing was stored, and the hospital answers.
    assert.deepEqual((await call(mf, "GET", "/hospitals/big/health")).body, { ok: true, revision: 0, doctors: 0 });
  } finally {
    await mf.dispose();
  }
});

test("a path is never re-parsed as a URL: empty segments are refused, not served as another route", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    for (const path of ["/hospitals/x//evil.example/v1/doctors", "/hospitals/x//v1/doctors", "/hospitals/x/v1//doctors", "/hospitals/x/v1/doctors/"]) {
      for (const method of ["GET", "POST"]) {
        const res = await call(mf, method, path, method === "POST" ? ada : undefined);
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.body.error.code, "ROUTE_NOT_FOUND");
      }
    }
    assert.deepEqual((await call(mf, "GET", "/hospitals/x/v1/doctors")).body, []);
  } finally {
    await mf.dispose();
  }
});

test("cross-site requests and writes without the JSON type change nothing", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    await call(mf, "POST", "/hospitals/h/v1/doctors", ada);
    const booked = (await call(mf, "POST", "/hospitals/h/v1/appointments", { doctorId: "d1", location: "A", start: "2019-02-01T10:00" })).body;
    const cancel = `/hospitals/h/v1/appointments/${booked.id}/cancel`;
    for (const headers of [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      { origin: "https://evil.example", "content-type": "application/json" },
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
      { origin: "null", "content-type": "application/json" },
    ]) {
      const res = await mf.dispatchFetch(`http://worker.test${cancel}`, { method: "POST", headers: await withKey(mf, cancel, headers) });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal((await res.json()).error.code, "CROSS_SITE_REQUEST");
    }
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded"]) {
      const res = await mf.dispatchFetch(`http://worker.test${cancel}`, { method: "POST", headers: await withKey(mf, cancel, type === undefined ? {} : { "content-type": type }) });
      assert.equal(res.status, 415, String(type));
      assert.equal((await res.json()).error.code, "UNSUPPORTED_MEDIA_TYPE");
    }
    assert.equal((await call(mf, "GET", `/hospitals/h/v1/appointments/${booked.id}`)).body.status, "booked");
    // Its own origin (a page the deployment serves) is fine.
    const own = await mf.dispatchFetch(`http://worker.test${cancel}`, { method: "POST", headers: await withKey(mf, cancel, { origin: "http://worker.test", "sec-fetch-site": "same-origin", "content-type": "application/json" }) });
    assert.equal(own.status, 200);
  } finally {
    await mf.dispose();
  }
});

test("a stored hospital the package refuses: 503 HOSPITAL_UNAVAILABLE, and nothing is overwritten", async (t) => {
  const dir = storageDir(t);
  const vars = { COMPACT_PERCENT: "1", COMPACT_MIN_BYTES: "0" };
  let mf = hospitalWorker({ persistDir: dir, vars });
  try {
    assert.equal((await call(mf, "POST", "/hospitals/h/v1/doctors", ada)).status, 201);
  } finally {
    await mf.dispose();
  }
  const [{ file }] = objectDatabases(dir);
  const database = new Database(file);
  const text = Buffer.concat(database.prepare("SELECT bytes FROM snapshot_chunks ORDER BY seq").pluck().all()).toString("utf8");
  const newer = Buffer.from(text.replace('"version":4,', '"version":99,'));
  database.prepare("DELETE FROM snapshot_chunks").run();
  database.prepare("INSERT INTO snapshot_chunks (seq, bytes) VALUES (0, ?)").run(newer);
  database.close();

  mf = hospitalWorker({ persistDir: dir, vars });
  try {
    const health = await call(mf, "GET", "/hospitals/h/health");
    assert.equal(health.status, 503);
    assert.equal(health.body.error.code, "HOSPITAL_UNAVAILABLE");
    assert.deepEqual(health.body.error.details, { reason: "snapshotRefused", revision: 1, cause: "UNSUPPORTED_VERSION" });
    const write = await call(mf, "POST", "/hospitals/h/v1/doctors", ada);
    assert.equal(write.status, 503);
    // Other hospitals are not affected.
    assert.equal((await call(mf, "GET", "/hospitals/other/health")).status, 200);
  } finally {
    await mf.dispose();
  }
  const check = new Database(file, { readonly: true });
  assert.deepEqual(Buffer.concat(check.prepare("SELECT bytes FROM snapshot_chunks ORDER BY seq").pluck().all()), newer);
  check.close();
});

test("the Worker serves its OpenAPI document at /openapi.json, without a key", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    const res = await mf.dispatchFetch("http://worker.test/openapi.json");
    assert.equal(res.status, 200);
    const document = await res.json();
    assert.deepEqual(document, openApiDocument({ worker: true }));
    assert.ok(document.paths["/hospitals/{hospital}"].put);
    assert.equal((await mf.dispatchFetch("http://worker.test/openapi.json", { method: "POST" })).status, 405);
  } finally {
    await mf.dispose();
  }
});

test("every route of the Worker against every role, and with a key of another hospital", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    const northAdmin = await createHospital(mf, "north");
    const southAdmin = await createHospital(mf, "south");
    const as = (key) => ({ authorization: `Bearer ${key}` });
    const byRole = {};
    for (const role of ["read", "book", "admin"]) byRole[role] = (await call(mf, "POST", "/hospitals/north/v1/keys", { roles: [role] }, as(northAdmin))).body.key;
    let operations = 0;
    for (const route of API_ROUTES) {
      if (route.seed) continue;
      for (const [method, op] of Object.entries(route.methods)) {
        const path = `/hospitals/north${route.path.replace(/:([A-Za-z]+)/g, () => (route.path.startsWith("/v1/keys") ? "kzzzzzzzzzzzzzzz" : route.path.startsWith("/v1/appointments") ? "a999" : "d1"))}`;
        const body = method === "GET" ? undefined : {};
        const before = (await call(mf, "GET", "/hospitals/north/health", undefined, { authorization: "" })).body;
        // From an address of its own each time: another hospital's key counts as a failed
        // authentication, and twenty from one address would be slowed (429).
        const other = await call(mf, method, path, body, { ...as(southAdmin), "cf-connecting-ip": `203.0.113.${operations + 1}` });
        if (op.role === "public") continue;
        operations += 1;
        assert.equal(other.status, 404, `${method} ${path} with south's key`);
        assert.equal(other.body.error.code, "HOSPITAL_NOT_FOUND");
        assert.deepEqual((await call(mf, "GET", "/hospitals/north/health", undefined, { authorization: "" })).body, before, `${method} ${path} changed nothing`);
        for (const [role, key] of Object.entries(byRole)) {
          const res = await call(mf, method, path, body, as(key));
          if (op.byTime) continue;
          if (role === op.role) assert.ok(![401, 403, 429].includes(res.status) && res.body?.error?.code !== "HOSPITAL_NOT_FOUND", `${method} ${path} with ${role}: ${res.status}`);
          else {
            assert.equal(res.status, 403, `${method} ${path} with ${role}`);
            assert.equal(res.body.error.code, "FORBIDDEN");
          }
        }
      }
    }
    assert.ok(operations >= 18, `${operations} operations`);
  } finally {
    await mf.dispose();
  }
});

test("a brute force of keys against a Worker hospital ends in 429; a valid key from another address keeps working", async (t) => {
  const mf = hospitalWorker({ persistDir: storageDir(t) });
  try {
    const key = await createHospital(mf, "north");
    const statuses = [];
    for (let i = 0; i < 25; i++) {
      const guess = `drs_north_kaaaaaaaaaaaaaaa_${String(i).padStart(43, "A")}`;
      const res = await call(mf, "GET", "/hospitals/north/v1/doctors", undefined, { authorization: `Bearer ${guess}`, "cf-connecting-ip": "198.51.100.7" });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers.get("retry-after")) >= 1);
      if (i % 5 === 0) assert.equal((await call(mf, "GET", "/hospitals/north/v1/doctors", undefined, { authorization: `Bearer ${key}`, "cf-connecting-ip": "198.51.100.8" })).status, 200);
    }
    assert.deepEqual(statuses, [...Array(20).fill(401), ...Array(5).fill(429)]);
  } finally {
    await mf.dispose();
  }
});
