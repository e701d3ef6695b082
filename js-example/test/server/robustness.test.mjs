// Stored data the server cannot use, in real server processes on real SQLite files: it still
// starts and listens, answers 503 with a code on every hospital route, says why on /health and
// in its log, and serves again after the data is fixed and it restarts. A database deleted or
// replaced under a running server: nothing more is acknowledged; on restart a missing database
// is refused unless the operator asks for a new one. (SQLite's files only; postgres.test.mjs has
// PostgreSQL's equivalents.)
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { markerPath } from "../../server/store.mjs";
import { assertUnavailable, client, expectError, onlyFor, outputMatching, request, roundTheClock, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

/** A database with the demo hospital and doctor "rt" (revision 3), written by a server process. */
async function populated() {
  const db = tempDb();
  const proc = await startProcess({ db });
  assert.equal((await client(proc.url).post("/v1/doctors", roundTheClock("rt"))).status, 201);
  await proc.stop();
  return db;
}

/** The newest snapshot's text, and a function that stores a replacement for it (in one chunk). */
function snapshotText(d) {
  const { revision } = d.prepare("SELECT revision FROM snapshot ORDER BY revision DESC LIMIT 1").get();
  const text = Buffer.concat(d.prepare("SELECT data FROM snapshot_chunks WHERE revision = ? ORDER BY seq").pluck().all(revision)).toString("utf8");
  const replace = (newText) => {
    const bytes = Buffer.from(newText);
    d.prepare("DELETE FROM snapshot_chunks WHERE revision = ?").run(revision);
    d.prepare("INSERT INTO snapshot_chunks (revision, seq, data) VALUES (?, 0, ?)").run(revision, bytes);
    d.prepare("UPDATE snapshot SET bytes = ?, chunks = 1 WHERE revision = ?").run(bytes.length, revision);
  };
  return { text, replace };
}

function edit(db, fn) {
  const database = new Database(db);
  try {
    fn(database);
  } finally {
    database.close();
  }
}

describe("stored data the server cannot load", { timeout: 60_000, ...onlyFor("sqlite") }, () => {
  test("a snapshot of a newer format version: listens, 503 HOSPITAL_UNAVAILABLE, says why; fixed, it serves after a restart", async () => {
    const db = await populated();
    edit(db, (d) => {
      const { text, replace } = snapshotText(d);
      replace(text.replace('"version":4,', '"version":99,'));
    });
    const proc = await startProcess({ db });
    const error = await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "snapshotRefused");
    assert.equal(error.details.cause, "UNSUPPORTED_VERSION");
    assert.equal(error.details.revision, 2);
    const log = proc.output();
    assert.match(log, /cannot serve the hospital of SQLite file .*test\.sqlite: the snapshot \(table snapshot, revision 2\) is refused: UNSUPPORTED_VERSION/);
    assert.match(log, /written by a newer dr-schedule.*restore the database from a backup/);
    assert.match(log, /listening on http:\/\/127\.0\.0\.1:\d+ \(database .*, hospital UNAVAILABLE \(snapshotRefused\)/);
    await proc.stop();

    edit(db, (d) => {
      const { text, replace } = snapshotText(d);
      replace(text.replace('"version":99,', '"version":4,'));
    });
    const fixed = await startProcess({ db });
    assert.deepEqual((await request(fixed.url, "GET", "/health")).body, { ok: true, revision: 3, doctors: 3 });
  });

  test("a change row that does not apply: 503 naming the row; after removing it as the log says, it serves", async () => {
    const db = await populated();
    edit(db, (d) => d.prepare(`UPDATE changes SET record = '{"op":"addDoctor","revision":3,"doctor":{"id":"rt"' WHERE revision = 3`).run());
    const proc = await startProcess({ db });
    const error = await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "changeRefused");
    assert.equal(error.details.revision, 3);
    assert.match(proc.output(), /the change record table changes, revision 3 does not apply: INVALID_INPUT: invalid changes\[0\]\.doctor: is not valid JSON/);
    assert.match(proc.output(), /DELETE FROM changes WHERE revision >= 3/);
    await proc.stop();

    edit(db, (d) => d.prepare("DELETE FROM changes WHERE revision >= 3").run());
    const fixed = await startProcess({ db });
    assert.deepEqual((await request(fixed.url, "GET", "/health")).body, { ok: true, revision: 2, doctors: 2 });
  });

  test("a change the engine refuses (a booking of an unknown doctor), a newer schema, a file that is not SQLite: 503, never a crash loop", async () => {
    const db = await populated();
    const booking = { op: "book", revision: 4, appointment: { id: "a1", doctorId: "nobody", location: "X", start: "2030-01-01T00:00", end: "2030-01-01T00:15", durationMinutes: 15, status: "booked" }, assignedId: true };
    edit(db, (d) => d.prepare("INSERT INTO changes (revision, record) VALUES (4, ?)").run(JSON.stringify(booking)));
    let proc = await startProcess({ db });
    assert.equal((await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "changeRefused")).details.revision, 4);
    await proc.stop();

    const newer = await populated();
    edit(newer, (d) => d.pragma("user_version = 4"));
    proc = await startProcess({ db: newer });
    await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "schemaNewer");
    assert.match(proc.output(), /schema version 4 .* is newer than this server's 3/);
    await proc.stop();

    const garbage = await populated();
    for (const suffix of ["-wal", "-shm"]) rmSync(garbage + suffix, { force: true });
    edit(garbage, () => {});
    const { writeFileSync } = await import("node:fs");
    writeFileSync(garbage, "this is not a database, but a text file of some length ".repeat(100));
    proc = await startProcess({ db: garbage });
    await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "databaseCorrupt");
  });
});

describe("a vanished database", { timeout: 60_000, ...onlyFor("sqlite") }, () => {
  test("deleted under a running server: the next booking is 503 STORE_UNAVAILABLE and not acknowledged", async () => {
    const db = tempDb();
    const proc = await startProcess({ db });
    const api = client(proc.url);
    const first = await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00", requestId: "r1" });
    assert.equal(first.status, 201);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });

    const second = await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T12:00", requestId: "r2" });
    expectError(assert, second, 503, "STORE_UNAVAILABLE");
    // Nothing is served from memory as if it were stored: reads and /health say so too.
    expectError(assert, await api.get("/v1/doctors/1/appointments"), 503, "STORE_UNAVAILABLE");
    expectError(assert, await api.get("/health"), 503, "STORE_UNAVAILABLE");
    expectError(assert, await api.post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T13:00" }), 503, "STORE_UNAVAILABLE");
    assert.ok(!existsSync(db), "no new database file was created");
    const log = await outputMatching(proc, /was deleted while/);
    assert.match(log, /the database file .*test\.sqlite was deleted while the server was running/);
    assert.equal(log.match(/was deleted while/g).length, 1, "said once, not once per request");
    await proc.stop();
  });

  test("on restart a missing database is refused unless DR_SCHEDULE_NEW_DATABASE=1; then a new, empty one", async () => {
    const db = tempDb();
    let proc = await startProcess({ db });
    assert.equal((await client(proc.url).post("/v1/appointments", { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" })).status, 201);
    await proc.stop();
    assert.ok(existsSync(markerPath(db)), "the marker beside the database records that it was created");
    for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });

    proc = await startProcess({ db });
    await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "databaseMissing");
    assert.match(proc.output(), /is missing or empty, but .*\.dr-schedule\/test\.sqlite\.initialized records that it was created/);
    assert.match(proc.output(), /DR_SCHEDULE_NEW_DATABASE=1/);
    assert.ok(!existsSync(db), "the refused start created nothing");
    await proc.stop();

    proc = await startProcess({ db, env: { DR_SCHEDULE_NEW_DATABASE: "1" } });
    // A new, empty hospital: the demo is only for a first start in an empty place.
    assert.deepEqual((await request(proc.url, "GET", "/health")).body, { ok: true, revision: 0, doctors: 0 });
    await proc.stop();
    // From now on the new database is the one; without the setting it is simply opened.
    proc = await startProcess({ db });
    assert.deepEqual((await request(proc.url, "GET", "/health")).body, { ok: true, revision: 0, doctors: 0 });
  });

  test("replaced by another file under a running server: 503 STORE_UNAVAILABLE; truncated to nothing: refused on restart", async () => {
    const db = tempDb();
    const other = tempDb();
    let proc = await startProcess({ db: other });
    await proc.stop();
    proc = await startProcess({ db });
    renameSync(other, db);
    expectError(assert, await request(proc.url, "POST", "/v1/appointments", { body: { doctorId: "1", location: "1 Main St", start: "2019-02-01T11:00" } }), 503, "STORE_UNAVAILABLE");
    assert.match(await outputMatching(proc, /was replaced by another file/), /was replaced by another file/);
    await proc.stop();

    const { truncateSync } = await import("node:fs");
    for (const file of [`${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });
    truncateSync(db, 0);
    proc = await startProcess({ db });
    await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "databaseMissing");
  });

  test("a database from before the marker existed is adopted: opened, and the marker written", async () => {
    const db = tempDb();
    let proc = await startProcess({ db });
    await proc.stop();
    rmSync(markerPath(db));
    proc = await startProcess({ db });
    assert.equal((await request(proc.url, "GET", "/health")).status, 200);
    assert.ok(existsSync(markerPath(db)));
  });

  test("the cost of the check: one stat(2) per read, two per write", (t) => {
    const db = tempDb();
    edit(db, (d) => d.exec("CREATE TABLE t (x)"));
    const n = 20_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) statSync(db);
    const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
    t.diagnostic(`statSync: ${micros.toFixed(2)} µs per call`);
    assert.ok(micros < 50, `${micros} µs`);
  });
});
