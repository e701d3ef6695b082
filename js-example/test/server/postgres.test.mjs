// Several server processes on one PostgreSQL database, standing in for several machines (run when
// the harness has a PostgreSQL server: scripts/test.sh starts one): exactly one success for a
// slot wanted through three processes at once; `kill -9` of any process under load loses no
// acknowledged booking; a process that was down catches up when it starts; PostgreSQL itself
// restarting under load (`pg_ctl restart -m fast`) loses nothing acknowledged, the requests of
// the outage are answered 503 STORE_UNREACHABLE, and the servers recover by themselves. And
// PostgreSQL's equivalents of robustness.test.mjs: stored data the server cannot use.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { POSTGRES_URL, assertUnavailable, client, expectError, getAll, freshSchema, nthSlot, onlyFor, request, roundTheClock, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The environment of scripts/postgres.sh for a server of a test's own on `port` (its directory
 * directly in the temporary directory: when root runs the tests, the postgres user must reach it).
 */
function ownPostgres(port) {
  return { ...process.env, DR_SCHEDULE_PG_DIR: join(tmpdir(), `dr-schedule-postgres-test-${process.pid}-${port}`), DR_SCHEDULE_PG_PORT: port };
}

const POSTGRES_SH = fileURLToPath(new URL("../../../scripts/postgres.sh", import.meta.url));

function tally(responses) {
  const counts = {};
  for (const r of responses) {
    const key = r.status === 200 || r.status === 201 ? String(r.status) : `${r.status} ${r.body?.error?.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Runs SQL on the database (schema) of `db`. */
async function sql(db, text, params) {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Every appointment of doctor "rt" (any status) as `proc` sees it, by requestId; asserts none twice. */
async function storedByRequest(proc) {
  const { items } = await getAll(client(proc.url), "/v1/doctors/rt/appointments?status=all&limit=1000");
  const byRequest = new Map();
  for (const appointment of items) {
    assert.ok(!byRequest.has(appointment.requestId), `${appointment.requestId} stored twice`);
    byRequest.set(appointment.requestId, appointment);
  }
  return byRequest;
}

/**
 * Books slot n = first, first + 1, … (requestId `req-n`) with 8 requests in flight spread over
 * `targets()` (the processes up now) until `stop()` says so. Returns { requested, acked, refused }.
 */
async function stream(targets, first, stop) {
  const requested = new Map();
  const acked = new Map();
  const refused = [];
  let next = first;
  async function worker(w) {
    while (!stop() && next < first + 20_000) {
      const n = next++;
      const body = { doctorId: "rt", location: "X", start: nthSlot(n), patient: `p${n}`, requestId: `req-${n}` };
      requested.set(body.requestId, body);
      const list = targets();
      const proc = list[(n + w) % list.length];
      try {
        const res = await client(proc.url).post("/v1/appointments", body, { timeoutMs: 10_000 });
        if (res.status === 201) acked.set(body.requestId, res.body);
        else refused.push(res);
      } catch {
        // Connection refused or reset: that process was killed.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  return { requested, acked, refused };
}

describe("three server processes on one PostgreSQL database", { timeout: 120_000, ...onlyFor("postgres") }, () => {
  test("200 concurrent requests for one slot, spread over three processes: exactly one success", async () => {
    const db = tempDb();
    const procs = await Promise.all([startProcess({ db }), startProcess({ db }), startProcess({ db })]);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(procs[i % 3].url, "POST", "/appointment", { body: { doctor_id: 1, location_id: 1 + (i % 2), date: "2019-02-01", time: "11:00" } }),
      ),
    );
    assert.deepEqual(tally(responses), { 200: 1, "409 SLOT_TAKEN": 199 });
    const winner = responses.find((r) => r.status === 200).body;
    for (const proc of procs) assert.deepEqual((await request(proc.url, "GET", "/appointments/1")).body, [winner]);
  });

  test("kill -9 of each process in turn under load loses no acknowledged booking; a process that was down catches up on start", async () => {
    const db = tempDb();
    // A low compaction threshold, so that compactions (and their pruning) happen during the load.
    const env = { DR_SCHEDULE_COMPACT_PERCENT: "1", DR_SCHEDULE_COMPACT_MIN_BYTES: "4000" };
    const procs = [await startProcess({ db, env })];
    assert.equal((await client(procs[0].url).post("/v1/doctors", roundTheClock("rt"))).status, 201);
    procs.push(await startProcess({ db, env }), await startProcess({ db, env }));
    const requested = new Map();
    const acked = new Map();
    let first = 0;
    for (const victim of [0, 1, 2]) {
      let down = null;
      let stop = false;
      const round = stream(() => procs.filter((p) => p !== down), first, () => stop);
      await sleep(250);
      procs[victim].child.kill("SIGKILL");
      down = procs[victim];
      // The load goes on through the other two.
      await sleep(250);
      stop = true;
      const done = await round;
      assert.equal((await procs[victim].exited).signal, "SIGKILL");
      for (const [k, v] of done.requested) requested.set(k, v);
      for (const [k, v] of done.acked) acked.set(k, v);
      for (const r of done.refused) assert.fail(`refused: ${r.status} ${r.text}`);
      first += done.requested.size + 5;
      // The killed process comes back and catches up on start.
      procs[victim] = await startProcess({ db, env });
    }
    assert.ok(acked.size >= 50, `${acked.size} acknowledged`);
    for (const proc of procs) {
      const stored = await storedByRequest(proc);
      for (const [requestId, appointment] of acked) assert.deepEqual(stored.get(requestId), appointment, `acknowledged ${requestId} is missing or changed`);
      for (const requestId of stored.keys()) assert.ok(requested.has(requestId), `stored ${requestId} was never requested`);
    }
    const health = await Promise.all(procs.map(async (p) => (await request(p.url, "GET", "/health")).body));
    assert.deepEqual(health[1], health[0]);
    assert.deepEqual(health[2], health[0]);
  });

  test("a process that was down while the others wrote catches up when it starts", async () => {
    const db = tempDb();
    const a = await startProcess({ db });
    const b = await startProcess({ db });
    assert.equal((await client(a.url).post("/v1/doctors", roundTheClock("rt"))).status, 201);
    await b.stop();
    for (let n = 0; n < 30; n++) assert.equal((await client(a.url).post("/v1/appointments", { doctorId: "rt", location: "X", start: nthSlot(n), requestId: `r${n}` })).status, 201);
    const again = await startProcess({ db });
    assert.deepEqual((await request(again.url, "GET", "/health")).body, (await request(a.url, "GET", "/health")).body);
    assert.equal((await storedByRequest(again)).size, 30);
  });
});

describe("PostgreSQL restarting under load", { timeout: 120_000, ...onlyFor("postgres") }, () => {
  test("nothing acknowledged is lost, the outage is 503 STORE_UNREACHABLE, the servers recover without a restart", async (t) => {
    // A PostgreSQL server of this test's own, so that restarting it disturbs no other test.
    const port = String(20000 + (process.pid % 20000));
    const pgEnv = ownPostgres(port);
    const url = execFileSync("bash", [POSTGRES_SH, "start"], { env: pgEnv, encoding: "utf8" }).trim();
    t.after(() => execFileSync("bash", [POSTGRES_SH, "stop"], { env: pgEnv, stdio: "ignore" }));
    const db = freshSchema(url);
    const procs = await Promise.all([startProcess({ db }), startProcess({ db }), startProcess({ db })]);
    assert.equal((await client(procs[0].url).post("/v1/doctors", roundTheClock("rt"))).status, 201);

    let stop = false;
    const load = stream(() => procs, 0, () => stop);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const restarted = performance.now();
    // Asynchronously: the load goes on while PostgreSQL stops and starts.
    await promisify(execFile)("bash", [POSTGRES_SH, "restart"], { env: pgEnv });
    const restartMs = performance.now() - restarted;
    // The load goes on until every process has booked again after the restart.
    const deadline = Date.now() + 30_000;
    for (let probe = 0; ; probe += 3) {
      const probes = await Promise.all(
        procs.map((p, i) => client(p.url).post("/v1/appointments", { doctorId: "rt", location: "Y", start: nthSlot(50_000 + probe + i), requestId: `probe-${probe + i}` })),
      );
      if (probes.every((r) => r.status === 201)) break;
      for (const r of probes) if (r.status !== 201) expectError(assert, r, 503, "STORE_UNREACHABLE");
      assert.ok(Date.now() < deadline, "the servers did not recover within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop = true;
    const { requested, acked, refused } = await load;
    t.diagnostic(`restart took ${restartMs.toFixed(0)} ms; ${acked.size} acknowledged, ${refused.length} answered 503 during the outage`);
    for (const r of refused) expectError(assert, r, 503, "STORE_UNREACHABLE");
    assert.ok(refused.length > 0, "some requests met the outage");

    for (const proc of procs) {
      const stored = await storedByRequest(proc);
      for (const [requestId, appointment] of acked) assert.deepEqual(stored.get(requestId), appointment, `acknowledged ${requestId} is missing or changed`);
    }
    // Retrying the refused ones with their requestIds: stored once each, whatever happened.
    const api = client(procs[1].url);
    for (const [requestId, body] of requested) {
      if (acked.has(requestId)) continue;
      const res = await api.post("/v1/appointments", body);
      assert.ok(res.status === 200 || res.status === 201, res.text);
    }
    const stored = await storedByRequest(procs[2]);
    for (const requestId of requested.keys()) assert.ok(stored.has(requestId), requestId);
  });

  test("a server started while PostgreSQL is down answers 503 STORE_UNREACHABLE, then serves once it is up", async (t) => {
    const port = String(20000 + ((process.pid + 7) % 20000));
    const pgEnv = ownPostgres(port);
    const db = freshSchema(`postgres://dr@127.0.0.1:${port}/dr`);
    const proc = await startProcess({ db });
    const health = await request(proc.url, "GET", "/health");
    expectError(assert, health, 503, "STORE_UNREACHABLE");
    assert.equal(health.headers["retry-after"], "1");
    assert.match(proc.output(), /cannot be reached/);
    execFileSync("bash", [POSTGRES_SH, "start"], { env: pgEnv, stdio: "ignore" });
    t.after(() => execFileSync("bash", [POSTGRES_SH, "stop"], { env: pgEnv, stdio: "ignore" }));
    const deadline = Date.now() + 15_000;
    let res;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res = await request(proc.url, "GET", "/health");
    } while (res.status !== 200 && Date.now() < deadline);
    assert.deepEqual(res.body, { ok: true, revision: 2, doctors: 2 });
    assert.match(proc.output(), /reachable again/);
  });
});

describe("stored data the server cannot load (PostgreSQL)", { timeout: 60_000, ...onlyFor("postgres") }, () => {
  async function populated() {
    const db = tempDb();
    const proc = await startProcess({ db });
    assert.equal((await client(proc.url).post("/v1/doctors", roundTheClock("rt"))).status, 201);
    await proc.stop();
    return db;
  }

  test("a change row that does not apply, a newer schema: 503 HOSPITAL_UNAVAILABLE naming why; fixed, it serves", async () => {
    const db = await populated();
    await sql(db, `UPDATE changes SET record = '{"op":"addDoctor","revision":3,"doctor":{"id":"rt"' WHERE revision = 3`);
    let proc = await startProcess({ db });
    assert.equal((await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "changeRefused")).details.revision, 3);
    assert.match(proc.output(), /cannot serve the hospital of PostgreSQL database .*: the change record table changes, revision 3 does not apply: INVALID_INPUT: invalid changes\[0\]\.doctor: is not valid JSON/);
    await proc.stop();
    await sql(db, "DELETE FROM changes WHERE revision >= 3");
    proc = await startProcess({ db });
    assert.deepEqual((await request(proc.url, "GET", "/health")).body, { ok: true, revision: 2, doctors: 2 });
    await proc.stop();

    await sql(db, "UPDATE dr_schedule SET schema_version = 3");
    proc = await startProcess({ db });
    await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "schemaNewer");
    assert.match(proc.output(), /schema version 3 .* is newer than this server's 2/);
  });

  test("the URL in the log has no password", async () => {
    const url = new URL(POSTGRES_URL);
    url.password = "s3cret";
    url.searchParams.set("options", "-c search_path=nopassword");
    const proc = await startProcess({ db: url.href });
    assert.doesNotMatch(proc.output(), /s3cret/);
  });
});
