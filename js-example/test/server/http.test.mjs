// The HTTP adapter: body limit (413), media type (415), malformed JSON and UTF-8 (400), unknown
// routes (404), wrong methods (405 with Allow), /health, a busy database (503), and the entry
// point main.mjs (log line, default database file, clean shutdown, bad settings).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { MAIN, STORE, client, dbEnv, expectError, onlyFor, request, startInProcess, startProcess, stopAll, tempDb, tempDir, track } from "./harness.mjs";

const LIMIT = 1024;
let server;
let api;
before(async () => {
  server = await startInProcess({ serverOptions: { bodyLimit: LIMIT } });
  api = client(server.url);
});
after(stopAll);

const booking = { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" };

async function revision() {
  return (await api.get("/health")).body.revision;
}

/** Sends a chunked body of `total` bytes in 256-byte chunks, without Content-Length. */
function chunkedPost(path, total) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: server.port, path, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${server.key}` } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text), text }));
      },
    );
    req.on("error", reject);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += 256;
        if (!req.write(" ".repeat(256))) return req.once("drain", pump);
      }
      return req.end();
    };
    pump();
  });
}

describe("request bodies", () => {
  test("GET /health: ok, revision, doctors", async () => {
    const res = await api.get("/health");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true, revision: 2, doctors: 2 });
    assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
  });

  test("a body over the limit is 413 PAYLOAD_TOO_LARGE, by Content-Length or while streaming", async () => {
    const big = { ...booking, patient: "x".repeat(LIMIT) };
    const error = expectError(assert, await api.post("/v1/appointments", big), 413, "PAYLOAD_TOO_LARGE");
    assert.equal(error.details.limit, LIMIT);
    const streamed = await chunkedPost("/v1/appointments", 64 * LIMIT);
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.error.code, "PAYLOAD_TOO_LARGE");
    // Even on an unknown route, the declared size is refused first.
    expectError(assert, await request(server.url, "POST", "/nowhere", { raw: "x".repeat(LIMIT + 1), headers: { "content-type": "application/json" } }), 413, "PAYLOAD_TOO_LARGE");
    assert.equal(await revision(), 2);
  });

  test("the default limit is 64 KiB", async () => {
    const other = await startInProcess();
    const near = await request(other.url, "POST", "/v1/appointments", { body: { ...booking, patient: "x".repeat(60 * 1024) } });
    expectError(assert, near, 400, "INVALID_INPUT"); // reaches the engine: patient too long
    const over = await request(other.url, "POST", "/v1/appointments", { body: { ...booking, patient: "x".repeat(64 * 1024) } });
    expectError(assert, over, 413, "PAYLOAD_TOO_LARGE");
    await other.close();
  });

  test("a body that is not JSON by its Content-Type is 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const json = JSON.stringify(booking);
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "multipart/form-data"]) {
      const headers = type === undefined ? {} : { "content-type": type };
      const res = await request(server.url, "POST", "/v1/appointments", { raw: json, headers });
      const error = expectError(assert, res, 415, "UNSUPPORTED_MEDIA_TYPE");
      assert.equal(error.details.contentType, type ?? null);
    }
    assert.equal(await revision(), 2);
    for (const type of ["application/json; charset=UTF-8", "Application/JSON", "application/merge-patch+json"]) {
      const res = await request(server.url, "GET", "/v1/doctors", { raw: "{}", headers: { "content-type": type } });
      assert.equal(res.status, 200, `${type}: ${res.text}`);
    }
  });

  test("malformed JSON or UTF-8 is 400 INVALID_INPUT (field body) and never reaches the engine", async () => {
    for (const raw of ['{"doctorId": "1",', "{'a': 1}", "undefined", "NaN", "{}{}", Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])]) {
      const res = await request(server.url, "POST", "/v1/appointments", { raw, headers: { "content-type": "application/json" } });
      const error = expectError(assert, res, 400, "INVALID_INPUT");
      assert.equal(error.details.field, "body");
    }
    assert.equal(await revision(), 2);
  });

  test("hostile but well-formed JSON is refused by the engine with INVALID_INPUT, and the server keeps working", async () => {
    const deep = "[".repeat(500) + "]".repeat(500);
    for (const raw of [
      deep,
      `{"doctorId": "1", "location": "1 Main St", "start": "2019-02-01T11:00", "patient": "\\ud800"}`,
      `{"__proto__": {"doctorId": "1"}, "location": "1 Main St", "start": "2019-02-01T11:00"}`,
      "null",
      "1e999",
    ]) {
      const res = await request(server.url, "POST", "/v1/appointments", { raw, headers: { "content-type": "application/json" } });
      expectError(assert, res, 400, "INVALID_INPUT");
    }
    assert.equal(await revision(), 2);
    assert.equal((await api.post("/v1/appointments", booking)).status, 201);
  });
});

describe("routes", () => {
  test("unknown routes are 404 ROUTE_NOT_FOUND", async () => {
    for (const path of ["/", "/nope", "/v1", "/v1/doctors/", "/v1/doctors/1/", "/v2/doctors", "/v1/doctors/1/slots/extra", "//appointment"]) {
      const error = expectError(assert, await api.get(path), 404, "ROUTE_NOT_FOUND");
      assert.equal(error.details.path, path);
    }
  });

  test("a known route with the wrong method is 405 with Allow", async () => {
    for (const [method, path, allow] of [
      ["PUT", "/v1/doctors", "GET, HEAD, POST"],
      ["DELETE", "/v1/appointments/a1", "GET, HEAD, PATCH"],
      ["GET", "/appointment", "POST, DELETE"],
      ["POST", "/appointments", "DELETE"],
      ["GET", "/v1/appointments/a1/cancel", "POST"],
      ["POST", "/health", "GET, HEAD"],
      ["HEAD", "/v1/appointments/a1/cancel", "POST"],
      ["OPTIONS", "/doctor/1", "GET, HEAD, PUT, DELETE"],
    ]) {
      const res = await request(server.url, method, path);
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.allow, allow);
      if (method !== "HEAD") assert.equal(res.body.error.code, "METHOD_NOT_ALLOWED");
    }
  });

  test("HEAD on every GET route answers as GET does, with the same status and headers, without the body", async () => {
    const paths = [
      "/health",
      "/openapi.json",
      "/v1/doctors?limit=1",
      "/v1/doctors/1",
      "/v1/doctors/1/calendar.ics?from=2019-02-01&to=2019-02-28",
      "/v1/doctors/1/slots?from=2019-02-01&to=2019-02-01&limit=2",
      "/v1/options",
      "/doctors",
      "/appointments/1",
      "/v1/doctors/nobody",
      "/v1/doctors/1/calendar.ics?from=2019-02-01",
    ];
    for (const path of [...paths, ...paths.map((p) => `${p}#no-key`)]) {
      const [target, noKey] = path.split("#");
      const options = noKey === undefined ? {} : { auth: false };
      const get = await request(server.url, "GET", target, options);
      const head = await request(server.url, "HEAD", target, options);
      assert.equal(head.status, get.status, `HEAD ${path}`);
      assert.equal(head.text, "", `HEAD ${path} has no body`);
      const { date: _getDate, ...getHeaders } = get.headers;
      const { date: _headDate, ...headHeaders } = head.headers;
      assert.deepEqual(headHeaders, getHeaders, `HEAD ${path}`);
      assert.equal(Number(head.headers["content-length"]), Buffer.byteLength(get.text), `HEAD ${path}`);
    }
  });

  test("a malformed percent-encoding in a path id is 400 INVALID_INPUT (field path)", async () => {
    const error = expectError(assert, await api.get("/v1/doctors/%E0%A4%A"), 400, "INVALID_INPUT");
    assert.equal(error.details.field, "path");
  });
});

describe("the database", () => {
  test("while another connection holds the write lock: writes get 503 STORE_BUSY (nothing changed), reads still work", async () => {
    const busy = await startInProcess({ storeOptions: STORE === "sqlite" ? { busyTimeoutMs: 50 } : { lockTimeoutMs: 50 } });
    // SQLite: another connection's BEGIN IMMEDIATE; PostgreSQL: another session holding the
    // hospital's row lock.
    let other;
    if (STORE === "sqlite") {
      const database = new Database(busy.db);
      database.exec("BEGIN IMMEDIATE");
      other = {
        exec: async (sql) => database.exec(sql),
        close: async () => database.close(),
      };
    } else {
      const session = new pg.Client({ connectionString: busy.db });
      await session.connect();
      await session.query("BEGIN; SELECT 1 FROM dr_schedule WHERE id = 1 FOR UPDATE");
      other = { exec: (sql) => session.query(sql), close: () => session.end() };
    }
    try {
      const res = await request(busy.url, "POST", "/v1/appointments", { body: booking });
      expectError(assert, res, 503, "STORE_BUSY");
      assert.equal(res.headers["retry-after"], "1");
      const read = await request(busy.url, "GET", "/health");
      assert.deepEqual(read.body, { ok: true, revision: 2, doctors: 2 });
    } finally {
      await other.exec("ROLLBACK");
      await other.close();
    }
    assert.equal((await request(busy.url, "POST", "/v1/appointments", { body: booking })).status, 201);
    await busy.close();
  });
});

describe("main.mjs", { timeout: 30_000 }, () => {
  test("logs one line, serves, and stops cleanly on SIGTERM and SIGINT", async () => {
    const db = tempDb();
    for (const signal of ["SIGTERM", "SIGINT"]) {
      const proc = await startProcess({ db });
      const database = STORE === "sqlite" ? ".*test\\.sqlite" : "PostgreSQL database \\w+ on 127\\.0\\.0\\.1:\\d+, schema \\w+";
      assert.match(proc.output(), new RegExp(`^\\[dr-schedule\\] listening on http://127\\.0\\.0\\.1:\\d+ \\(database ${database}, revision \\d+, 2 doctors\\)\\n$`));
      assert.equal((await request(proc.url, "GET", "/health")).status, 200);
      const { code } = await proc.kill(signal);
      assert.equal(code, 0, proc.output());
    }
  });

  test("without DR_SCHEDULE_DB it creates dr-schedule.sqlite in the working directory, seeded, and an operator credential beside it", onlyFor("sqlite"), async () => {
    const cwd = tempDir();
    const env = { ...process.env, PORT: "0" };
    delete env.DR_SCHEDULE_DB;
    delete env.DR_SCHEDULE_OPERATOR_KEY;
    let log = "";
    const child = track(spawn(process.execPath, [MAIN], { cwd, env, stdio: ["ignore", "pipe", "inherit"] }));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const port = await new Promise((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
          log = out;
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once("exit", () => reject(new Error(out)));
      });
      assert.ok(existsSync(join(cwd, "dr-schedule.sqlite")));
      // The operator credential: a file readable by its owner only, named in the log, never printed.
      const file = join(cwd, "dr-schedule-operator.key");
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const operator = readFileSync(file, "utf8").trim();
      assert.match(operator, /^dro_[A-Za-z0-9_-]{43}$/);
      assert.match(log, /a new operator credential is in .*dr-schedule-operator\.key/);
      assert.ok(!log.includes(operator), "the credential is not logged");
      const url = `http://127.0.0.1:${port}`;
      const booking = { body: { doctor_id: 1, location_id: 1, date: "2019-02-01", time: "11:00" } };
      expectError(assert, await request(url, "POST", "/appointment", booking), 401, "UNAUTHENTICATED");
      const made = await request(url, "POST", "/v1/keys", { body: { roles: ["book"] }, headers: { authorization: `Bearer ${operator}` } });
      assert.equal(made.status, 201, made.text);
      const res = await request(url, "POST", "/appointment", { ...booking, headers: { authorization: `Bearer ${made.body.key}` } });
      assert.equal(res.status, 200, res.text);
    } finally {
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
  });

  test("a bad setting is refused with a message and exit code 1", async () => {
    const bad = [
      { PORT: "http" },
      { PORT: "70000" },
      { DR_SCHEDULE_COMPACT_PERCENT: "0" },
      { DR_SCHEDULE_COMPACT_MIN_BYTES: "-1" },
      { DR_SCHEDULE_DATABASE_URL: "mysql://localhost/x" },
      { DR_SCHEDULE_SCHEMA_PREFIX: "Bad-Prefix" },
      ...(STORE === "sqlite" ? [{ DR_SCHEDULE_DB: "/nonexistent-dir/x.sqlite" }] : []),
      // On PostgreSQL the hospitals are schemas: a data directory beside it is a mistake.
      ...(STORE === "postgres" ? [{ DR_SCHEDULE_DATA_DIR: "/tmp/dr-schedule-hospitals" }] : []),
    ];
    for (const env of bad) {
      const child = track(spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: "0", ...dbEnv(tempDb()), ...env }, stdio: ["ignore", "pipe", "pipe"] }));
      let err = "";
      child.stderr.on("data", (chunk) => (err += chunk));
      const code = await new Promise((resolve) => child.once("exit", resolve));
      assert.equal(code, 1, JSON.stringify(env));
      assert.match(err, /^\[dr-schedule\] /);
    }
  });
});
