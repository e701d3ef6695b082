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
import { hospitalWorker } from "./miniflare.mjs";

const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

function storageDir(t) {
  mkdirSync(outputDir, { recursive: true });
  const dir = mkdtempSync(join(outputDir, "worker-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ada = { name: "Dr. Ada", locations: ["A", "B"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] };

async function call(mf, method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined || !["GET", "HEAD"].includes(method)) init.headers["content-type"] ??= "application/json";
  const response = await mf.dispatchFetch(`http://worker.test${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
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

test("reading hospitals that were never written stores nothing; the first write creates the tables", async (t) => {
  const dir = storageDir(t);
  let mf = hospitalWorker({ persistDir: dir });
  try {
    for (let i = 0; i < 20; i++) {
      const name = `ghost-${i}`;
      assert.deepEqual((await call(mf, "GET", `/hospitals/${name}/health`)).body, { ok: true, revision: 0, doctors: 0 });
      assert.deepEqual((await call(mf, "GET", `/hospitals/${name}/v1/doctors`)).body, []);
      assert.equal((await call(mf, "GET", `/hospitals/${name}/v1/appointments/a1`)).status, 404);
      assert.equal((await call(mf, "GET", `/hospitals/${name}/v1/doctors/d1/slots?from=2019-02-01&to=2019-02-01`)).status, 404);
      assert.equal((await call(mf, "GET", `/hospitals/${name}/v1/slots?from=2019-02-01&to=2019-02-01&limit=1`)).status, 200);
      // A write the engine refuses stores nothing either.
      assert.equal((await call(mf, "POST", `/hospitals/${name}/v1/appointments`, { doctorId: "d1", location: "A", start: "2019-02-01T10:00" })).status, 404);
    }
  } finally {
    await mf.dispose();
  }
  const ghosts = objectDatabases(dir);
  assert.equal(ghosts.length, 20);
  for (const { file, tables } of ghosts) assert.deepEqual(tables, [], file);

  mf = hospitalWorker({ persistDir: dir });
  try {
    assert.equal((await call(mf, "POST", "/hospitals/ghost-3/v1/doctors", ada)).status, 201);
  } finally {
    await mf.dispose();
  }
  const after = objectDatabases(dir);
  assert.deepEqual(after.filter((db) => db.tables.length > 0).map((db) => db.tables), [["changes", "snapshot_chunks"]]);
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
      const res = await mf.dispatchFetch(`http://worker.test${cancel}`, { method: "POST", headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal((await res.json()).error.code, "CROSS_SITE_REQUEST");
    }
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded"]) {
      const res = await mf.dispatchFetch(`http://worker.test${cancel}`, { method: "POST", headers: type === undefined ? {} : { "content-type": type } });
      assert.equal(res.status, 415, String(type));
      assert.equal((await res.json()).error.code, "UNSUPPORTED_MEDIA_TYPE");
    }
    assert.equal((await call(mf, "GET", `/hospitals/h/v1/appointments/${booked.id}`)).body.status, "booked");
    // Its own origin (a page the deployment serves) is fine.
    const own = await mf.dispatchFetch(`http://worker.test${cancel}`, { method: "POST", headers: { origin: "http://worker.test", "sec-fetch-site": "same-origin", "content-type": "application/json" } });
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
