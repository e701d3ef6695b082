// The store under the service, without HTTP, for SQLite and PostgreSQL alike (harness.mjs picks
// the store): seeding, snapshot + changes on reopen, compaction by bytes and its pruning rule,
// catching up between two stores on one database (from the rows or from the snapshot, whichever
// is fewer bytes), the conditional write (retry once on a revision conflict), and rebuilding
// memory from the database when a write fails after the in-memory mutation.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fdatasync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { Hospital } from "dr-schedule";
import { HospitalService } from "../../service/hospital-service.mjs";
import { StoreUnavailableError } from "../../service/storage.mjs";
import { WorkerCompactor } from "../../server/compactor.mjs";
import { memoryLog, nthSlot, onlyFor, openTestStore, roundTheClock, stopAll, storageFor, tempDb, track } from "./harness.mjs";

after(stopAll);

const opened = [];
after(async () => {
  for (const { service } of opened) await service.close();
});

/**
 * A store on `db` and its service, opened: { store, service }. `compaction` goes to the service
 * (compaction between batches, as without a worker thread).
 */
async function open(db, { compaction, ...storeOptions } = {}) {
  const store = await openTestStore(db, storeOptions);
  const service = await new HospitalService({ store, compaction, log: memoryLog() }).open();
  opened.push({ store, service });
  return { store, service };
}

/** Runs `text` with `params` on the connection a store's hook gets (SQLite's Database or PostgreSQL's sql). */
async function run(connection, text, ...params) {
  if (typeof connection === "function") return connection(text.replace(/\?/g, (_, i) => `$${text.slice(0, i).split("?").length}`), params);
  return connection.prepare(text).run(...params);
}

/** Books slot n of doctor "rt" through the service; returns the appointment. */
function book({ service }, n, extra = {}) {
  return service.write((h) => h.book({ doctorId: "rt", location: "X", start: nthSlot(n), ...extra }));
}

/** What a fresh process would load from the file. */
async function onDisk(db) {
  const store = await openTestStore(db);
  const service = await new HospitalService({ store, compaction: false }).open();
  try {
    return service.hospital.toSnapshot();
  } finally {
    await service.close();
    await store.close();
  }
}

describe("the store", () => {
  test("a new database is seeded with the demo hospital, where the seed example books", async () => {
    const { service } = await open(tempDb());
    const h = service.hospital;
    assert.deepEqual(
      h.listDoctors().map((d) => d.id),
      ["1", "2"],
    );
    for (const d of h.listDoctors()) assert.ok(d.locations.length >= 2);
    const doctor = h.getDoctor("1");
    assert.deepEqual(h.availableSlots("1", { from: "2019-02-01T11:00", to: "2019-02-01T11:15", location: doctor.locations[0] }), ["2019-02-01T11:00"]);
  });

  test("processes opening a new file at the same instant all succeed (WAL switch retried) and seed it once", onlyFor("sqlite"), async () => {
    // Three processes that have loaded everything, released by one line on stdin, 20 times:
    // without the retry around `PRAGMA journal_mode = WAL`, some rounds failed with
    // SQLITE_BUSY.
    const storeUrl = new URL("../../server/store.mjs", import.meta.url).href;
    const serviceUrl = new URL("../../service/hospital-service.mjs", import.meta.url).href;
    const code = `
      import { createInterface } from "node:readline";
      const { SqliteStore } = await import(${JSON.stringify(storeUrl)});
      const { HospitalService } = await import(${JSON.stringify(serviceUrl)});
      process.stdout.write("ready\\n");
      createInterface({ input: process.stdin }).once("line", async () => {
        try {
          const store = SqliteStore.open(process.argv[1]);
          const service = await new HospitalService({ store }).open();
          process.stdout.write(JSON.stringify({ ok: true, revision: service.revision, doctors: service.hospital.listDoctors().length }) + "\\n");
          await service.close();
          store.close();
        } catch (error) {
          process.stdout.write(JSON.stringify({ ok: false, error: String(error.code || error.message) }) + "\\n");
        }
        process.exit(0);
      });
    `;
    for (let round = 0; round < 20; round++) {
      const db = tempDb();
      const children = Array.from({ length: 3 }, () =>
        track(spawn(process.execPath, ["--input-type=module", "-e", code, db], { stdio: ["pipe", "pipe", "inherit"] })),
      );
      const lines = children.map((child) => {
        const queue = [];
        const waiters = [];
        let buffer = "";
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk) => {
          buffer += chunk;
          let i;
          while ((i = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, i);
            buffer = buffer.slice(i + 1);
            if (waiters.length > 0) waiters.shift()(line);
            else queue.push(line);
          }
        });
        return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve)));
      });
      assert.deepEqual(await Promise.all(lines.map((next) => next())), ["ready", "ready", "ready"]);
      for (const child of children) child.stdin.write("go\n");
      const results = (await Promise.all(lines.map((next) => next()))).map((line) => JSON.parse(line));
      for (const result of results) assert.deepEqual(result, { ok: true, revision: 2, doctors: 2 }, `round ${round}`);
    }
  });

  test("reopening loads the snapshot and replays the changes after it; compaction by bytes drops the rows up to the previous snapshot", async () => {
    const db = tempDb();
    // A snapshot once the records after the newest one reach 1,000 bytes (the demo's snapshot is
    // smaller, so the floor decides): about every 4 bookings of ~250 bytes.
    const compaction = { percent: 1, minBytes: 1000 };
    const a = await open(db, { compaction });
    const { store, service } = a;
    await service.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.deepEqual(await store.stats(), { snapshotRevision: 2, changeRows: 1 });
    const snapshots = [2];
    for (let n = 0; n < 20; n++) {
      await book(a, n);
      await service.compacted();
      const { snapshotRevision, changeRows } = await store.stats();
      if (snapshotRevision !== snapshots.at(-1)) snapshots.push(snapshotRevision);
      // The rule: the rows after the previous snapshot stay, the older ones are dropped.
      const previous = snapshots.at(-2) ?? 2; // the first snapshot (the demo's, revision 2) has no rows before it
      assert.equal(changeRows, service.revision - previous, `after booking ${n}: snapshots ${snapshots}`);
      assert.ok(service.logStats.logBytes < 1000 || snapshotRevision === service.revision);
    }
    assert.ok(snapshots.length >= 4, `snapshots at ${snapshots}`);
    assert.equal(service.stats.compactions, snapshots.length - 1);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
    const again = (await open(db, { compaction })).service;
    assert.equal(again.revision, 23);
    assert.equal(again.hospital.appointments("rt").length, 20);
  });

  test("the threshold is a fraction of the snapshot's bytes: a bigger hospital compacts after more changes", async () => {
    const db = tempDb();
    const a = await open(db, { compaction: { percent: 50, minBytes: 0 } });
    await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
    await a.service.compacted();
    const at = [];
    for (let n = 0; n < 60; n++) {
      await book(a, n);
      await a.service.compacted();
      const { snapshotRevision } = await a.store.stats();
      if (snapshotRevision !== at.at(-1)) at.push(snapshotRevision);
    }
    // Each snapshot is bigger than the one before, so the gaps between them grow.
    const gaps = at.slice(1).map((r, i) => r - at[i]);
    assert.ok(gaps.length >= 3, `snapshots at ${at}`);
    assert.ok(gaps.at(-1) > gaps[0], `gaps ${gaps}`);
  });

  test("two stores on one database catch up with each other, across compactions, from rows or from the snapshot", async () => {
    const db = tempDb();
    const compaction = { percent: 1, minBytes: 1000 };
    const a = await open(db, { compaction });
    const b = await open(db, { compaction });
    await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.equal(await b.service.read((h) => h.getDoctor("rt").id), "rt");
    // b lags by less than one generation: it applies the rows; then by more: it reloads.
    for (let n = 0; n < 4; n++) await book(a, n);
    const loads = b.service.stats.loads;
    assert.equal(await b.service.read((h) => h.appointments("rt").length), 4);
    assert.equal(b.service.stats.loads, loads, "caught up from the rows, without reloading");
    for (let n = 4; n < 20; n++) await book(n % 2 ? a : b, n);
    for (let n = 20; n < 30; n++) {
      await book(a, n);
      await a.service.compacted();
    }
    assert.equal(await b.service.read((h) => h.appointments("rt").length), 30);
    assert.equal(b.service.hospital.toSnapshot(), a.service.hospital.toSnapshot());
    // A booking computed by b on a stale view is still checked against a's latest.
    await book(a, 30);
    await assert.rejects(book(b, 30), { code: "SLOT_TAKEN" });
    assert.equal(await onDisk(db), await a.service.read((h) => h.toSnapshot()));
  });

  test("a process alone reads nothing to catch up (SQLite's data_version); another's commit is seen at its next request", onlyFor("sqlite"), async () => {
    const db = tempDb();
    const a = await open(db);
    const b = await open(db);
    await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
    const catchUps = a.service.stats.catchUps;
    for (let n = 0; n < 5; n++) await book(a, n);
    assert.equal(await a.service.read((h) => h.appointments("rt").length), 5);
    assert.equal(a.service.stats.catchUps, catchUps, "no catch-up while no other connection commits");
    await book(b, 5);
    assert.equal(await a.service.read((h) => h.appointments("rt").length), 6);
    assert.equal(a.service.stats.catchUps, catchUps + 1);
    // b's booking of slot 5 is checked by a's next write too, which now skips the catch-up again.
    await assert.rejects(book(a, 5), { code: "SLOT_TAKEN" });
    await book(a, 6);
    assert.equal(a.service.stats.catchUps, catchUps + 1);
    assert.equal(a.service.hospital.toSnapshot(), await b.service.read((h) => h.toSnapshot()));
  });

  test("an answer waits for the flush of its commit; the next batch commits meanwhile; a read waits for both", onlyFor("sqlite"), async () => {
    const flushes = [];
    const { service } = await open(tempDb(), { hooks: { fdatasync: (fd, done) => flushes.push(() => fdatasync(fd, done)) } });
    const settled = (promise) => {
      const state = { done: false };
      promise.then(() => (state.done = true), () => (state.done = true));
      return state;
    };
    await Promise.all([service.write((h) => h.addDoctor(roundTheClock("rt"))), (async () => {
      while (flushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      flushes.shift()();
    })()]);
    const first = book({ service }, 0);
    const firstState = settled(first);
    while (flushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    // Committed, not flushed: not answered. A second booking commits behind it, a read waits.
    const second = book({ service }, 1);
    const secondState = settled(second);
    const read = service.read((h) => h.appointments("rt").length);
    const readState = settled(read);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(firstState.done || secondState.done || readState.done, false);
    assert.equal(service.stats.commits, 3, "the second batch committed during the first one's flush");
    flushes.shift()();
    await first;
    assert.equal(secondState.done || readState.done, false, "the second commit waits for a flush of its own");
    while (flushes.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    flushes.shift()();
    await second;
    assert.equal(await read, 2);
  });

  test("a failed flush is answered 503 and ends the store: nothing more is stored or acknowledged", onlyFor("sqlite"), async () => {
    let fail = false;
    const { service } = await open(tempDb(), {
      hooks: { fdatasync: (fd, done) => (fail ? done(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" })) : fdatasync(fd, done)) },
    });
    await service.write((h) => h.addDoctor(roundTheClock("rt")));
    await book({ service }, 0);
    fail = true;
    await assert.rejects(book({ service }, 1), (error) => error instanceof StoreUnavailableError && /flushing the WAL .* failed \(EIO\)/.test(error.message));
    fail = false;
    await assert.rejects(book({ service }, 2), StoreUnavailableError);
    await assert.rejects(service.read((h) => h.revision), StoreUnavailableError);
  });

  test("a checkpoint copies the frames committed during its passive step too, so the WAL starts over instead of growing", onlyFor("sqlite"), async () => {
    const db = tempDb();
    const { service } = await open(db, { checkpoints: "external" });
    await service.write((h) => h.addDoctor(roundTheClock("rt")));
    // A write of another connection under way during the passive checkpoint, committed after
    // it, as a steady stream of requests always has one.
    const other = new Database(db);
    after(() => other.close());
    other.exec("CREATE TABLE IF NOT EXISTS test_writes (x)");
    const checkpointer = await openTestStore(db, { checkpoints: "external", hooks: { afterPassiveCheckpoint: () => other.exec("COMMIT") } });
    const walBytes = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) await book({ service }, round * 20 + i);
      other.exec("BEGIN IMMEDIATE");
      other.prepare("INSERT INTO test_writes VALUES (?)").run("x".repeat(2000));
      await checkpointer.checkpoint();
      walBytes.push(statSync(`${db}-wal`).size);
    }
    // Started over after each checkpoint: the WAL holds one round's frames, not all of them.
    assert.ok(walBytes[19] <= walBytes[1] * 1.5, `the WAL grew: ${walBytes.join(", ")} bytes`);
    assert.equal(await service.read((h) => h.appointments("rt").length), 400);
  });

  test("a long lag is caught up the cheaper way: the rows when they are fewer bytes, else the snapshot", async () => {
    const db = tempDb();
    // No compaction by a: every row stays, the snapshot is the demo's (revision 2).
    const a = await open(db, { compaction: false });
    const lagging = async () => {
      const store = await openTestStore(db);
      const service = await new HospitalService({ store, compaction: false, catchUpRows: 8, log: memoryLog() }).open();
      opened.push({ store, service });
      return { store, service };
    };
    await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
    const near = await lagging();
    const far = await lagging();
    const cost = (store, revision) => store.read((view) => view.catchUpCost(revision));

    // 20 rows behind, with the demo snapshot (which would need 21 rows on top): the rows.
    for (let n = 0; n < 20; n++) await book(a, n);
    let c = await cost(near.store, 3);
    assert.ok(c.logBytes < c.snapshotBytes + c.snapshotLogBytes, JSON.stringify(c));
    assert.equal(await near.service.read((h) => h.revision), 23);
    assert.equal(near.service.stats.catchUpsFromSnapshot, 0);
    assert.equal(near.service.stats.loads, 1);

    // A snapshot at the head, and a lag of every booking behind it: the snapshot is fewer bytes
    // (an appointment in a snapshot is smaller than the change record that booked it).
    const b = await open(db, { compaction: { percent: 1, minBytes: 0 } });
    for (let n = 20; n < 60; n++) await book(a, n);
    await b.service.write((h) => h.book({ doctorId: "rt", location: "X", start: nthSlot(60) }));
    await b.service.compacted();
    assert.equal((await b.store.stats()).snapshotRevision, 64);
    c = await cost(far.store, 3);
    assert.ok(c.snapshotBytes + c.snapshotLogBytes < c.logBytes, JSON.stringify(c));
    assert.equal(await far.service.read((h) => h.appointments("rt").length), 61);
    assert.equal(far.service.stats.catchUpsFromSnapshot, 1);
    assert.equal(far.service.hospital.toSnapshot(), b.service.hospital.toSnapshot());
  });

  test("a failed call writes nothing", async () => {
    const db = tempDb();
    const { store, service } = await open(db);
    const before = await store.stats();
    await assert.rejects(service.write((h) => h.book({ doctorId: "nobody", location: "x", start: "2019-02-01T11:00" })), { code: "DOCTOR_NOT_FOUND" });
    assert.deepEqual(await store.stats(), before);
    assert.equal(service.revision, 2);
  });

  test("a revision conflict on insert: memory is reloaded from the store and the write retried once", async () => {
    const db = tempDb();
    let injected = 0;
    const { service } = await open(db, {
      hooks: {
        async beforeInsert(connection, changes) {
          if (injected++ > 0) return;
          // Someone else stored this revision first (on our connection, so it is rolled back too).
          await run(connection, "INSERT INTO changes (revision, record) VALUES (?, ?)", changes[0].revision, "{}");
        },
      },
    });
    const doctor = await service.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.equal(doctor.id, "rt");
    assert.equal(injected, 2);
    assert.equal(service.revision, 3);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
  });

  test("a second conflict is reported; memory equals the store afterwards", async () => {
    const db = tempDb();
    const { service } = await open(db, {
      hooks: {
        async beforeInsert(connection, changes) {
          await run(connection, "INSERT INTO changes (revision, record) VALUES (?, ?)", changes[0].revision, "{}");
        },
      },
    });
    await assert.rejects(service.write((h) => h.addDoctor(roundTheClock("rt"))), { name: "RevisionConflictError" });
    assert.equal(service.revision, 2);
    assert.throws(() => service.hospital.getDoctor("rt"), { code: "DOCTOR_NOT_FOUND" });
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
  });

  test("any failure after the in-memory mutation rebuilds memory from the store; through HTTP it is a 500", async () => {
    const db = tempDb();
    let fail = true;
    const { service } = await open(db, {
      hooks: {
        beforeCommit() {
          if (fail) throw new Error("disk on fire");
        },
      },
    });
    const before = service.hospital.toSnapshot();
    const res = await service.handle({ method: "POST", path: "/v1/doctors", body: roundTheClock("rt") });
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, "INTERNAL");
    assert.equal(service.hospital.toSnapshot(), before);
    assert.equal(await onDisk(db), before);
    fail = false;
    assert.equal((await service.handle({ method: "POST", path: "/v1/doctors", body: roundTheClock("rt") })).status, 201);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
  });

  test("a compaction that fails does not fail the booking that triggered it; the next one succeeds", async () => {
    const db = tempDb();
    const a = await open(db, { compaction: { percent: 1, minBytes: 0 } });
    const original = Hospital.prototype.toSnapshotBytes;
    Hospital.prototype.toSnapshotBytes = () => {
      throw new Error("out of memory while snapshotting");
    };
    let booked;
    try {
      await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
      booked = await book(a, 0);
      await a.service.compacted();
    } finally {
      Hospital.prototype.toSnapshotBytes = original;
    }
    assert.equal(booked.start, nthSlot(0));
    assert.equal((await a.store.stats()).snapshotRevision, 2, "no snapshot was published");
    assert.equal(await onDisk(db), a.service.hospital.toSnapshot());
  });

  test("with the compactor thread, the request thread never takes a snapshot: its toSnapshot() throws, and snapshots are still published", async () => {
    const db = tempDb();
    const store = await openTestStore(db, { checkpoints: "external" });
    const compaction = { percent: 1, minBytes: 2000, chunkBytes: 4096 };
    const log = memoryLog();
    const compactor = new WorkerCompactor({ storage: storageFor(db), compaction }, log).start();
    const service = await new HospitalService({ store, compaction, compactor, log }).open();
    opened.push({ store, service });
    const original = Hospital.prototype.toSnapshotBytes;
    // Only this thread's module instance: the compactor thread has its own.
    Hospital.prototype.toSnapshotBytes = () => {
      throw new Error("toSnapshotBytes() on the request thread");
    };
    try {
      await service.write((h) => h.addDoctor(roundTheClock("rt")));
      for (let n = 0; n < 40; n++) {
        await book({ service }, n);
        await service.compacted();
      }
    } finally {
      Hospital.prototype.toSnapshotBytes = original;
      await compactor.close();
    }
    const { snapshotRevision, changeRows } = await store.stats();
    assert.ok(snapshotRevision > 20, `snapshot at ${snapshotRevision}; log: ${log.lines.join("; ")}`);
    assert.ok(changeRows < 43, `${changeRows} rows`);
    assert.match(log.lines.join("\n"), /compaction: snapshot of revision \d+/);
    assert.doesNotMatch(log.lines.join("\n"), /request thread/);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
  });
});
