// The SQLite store under the service, without HTTP: seeding, snapshot + changes on reopen,
// compaction, catching up between two stores on one file, the conditional write (retry once on
// a revision conflict), and rebuilding memory from disk when a write fails after the in-memory
// mutation.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Hospital } from "dr-schedule";
import { SqliteStore } from "../../server/store.mjs";
import { HospitalService } from "../../service/hospital-service.mjs";
import { memoryLog, nthSlot, roundTheClock, stopAll, tempDb, track } from "./harness.mjs";

after(stopAll);

const opened = [];
after(async () => {
  for (const { service, store } of opened) {
    await service.close();
    store.close();
  }
});

/** A store on `db` and its service, opened: { store, service }. */
async function open(db, { snapshotEvery, ...storeOptions } = {}) {
  const store = SqliteStore.open(db, storeOptions);
  const service = await new HospitalService({ store, snapshotEvery, log: memoryLog() }).open();
  opened.push({ store, service });
  return { store, service };
}

/** Books slot n of doctor "rt" through the service; returns the appointment. */
function book({ service }, n, extra = {}) {
  return service.write((h) => h.book({ doctorId: "rt", location: "X", start: nthSlot(n), ...extra }));
}

/** What a fresh process would load from the file. */
async function onDisk(db) {
  const store = SqliteStore.open(db);
  const service = await new HospitalService({ store }).open();
  try {
    return service.hospital.toSnapshot();
  } finally {
    await service.close();
    store.close();
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

  test("processes opening a new file at the same instant all succeed (WAL switch retried) and seed it once", async () => {
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

  test("reopening loads the snapshot and replays the changes after it; a snapshot every N changes drops old rows", async () => {
    const db = tempDb();
    const a = await open(db, { snapshotEvery: 5 });
    const { store, service } = a;
    await service.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.deepEqual(store.stats(), { snapshotRevision: 2, changeRows: 1 });
    for (let n = 0; n < 3; n++) await book(a, n);
    assert.deepEqual(store.stats(), { snapshotRevision: 2, changeRows: 4 });
    await book(a, 3); // revision 7 = 2 + 5: snapshot; the rows after the previous snapshot (2) stay
    assert.deepEqual(store.stats(), { snapshotRevision: 7, changeRows: 5 });
    for (let n = 4; n < 9; n++) await book(a, n); // revision 12: snapshot; rows <= 7 dropped
    assert.deepEqual(store.stats(), { snapshotRevision: 12, changeRows: 5 });
    await book(a, 9);
    assert.equal(service.revision, 13);
    assert.equal(await onDisk(db), service.hospital.toSnapshot());
    const again = (await open(db, { snapshotEvery: 5 })).service;
    assert.equal(again.revision, 13);
    assert.equal(again.hospital.appointments("rt").length, 10);
  });

  test("two stores on one file catch up with each other, across compactions", async () => {
    const db = tempDb();
    const a = await open(db, { snapshotEvery: 3 });
    const b = await open(db, { snapshotEvery: 3 });
    await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.equal(await b.service.read((h) => h.getDoctor("rt").id), "rt");
    // b lags by less than one generation: it applies the rows; then by more: it reloads.
    for (let n = 0; n < 4; n++) await book(a, n);
    const loads = b.service.stats.loads;
    assert.equal(await b.service.read((h) => h.appointments("rt").length), 4);
    assert.equal(b.service.stats.loads, loads, "caught up from the rows, without reloading");
    for (let n = 4; n < 20; n++) await book(n % 2 ? a : b, n);
    for (let n = 20; n < 30; n++) await book(a, n);
    assert.equal(await b.service.read((h) => h.appointments("rt").length), 30);
    assert.equal(b.service.hospital.toSnapshot(), a.service.hospital.toSnapshot());
    // A booking computed by b on a stale view is still checked against a's latest.
    await book(a, 30);
    await assert.rejects(book(b, 30), { code: "SLOT_TAKEN" });
    assert.equal(await onDisk(db), await a.service.read((h) => h.toSnapshot()));
  });

  test("a failed call writes nothing", async () => {
    const db = tempDb();
    const { store, service } = await open(db);
    const before = store.stats();
    await assert.rejects(service.write((h) => h.book({ doctorId: "nobody", location: "x", start: "2019-02-01T11:00" })), { code: "DOCTOR_NOT_FOUND" });
    assert.deepEqual(store.stats(), before);
    assert.equal(service.revision, 2);
  });

  test("a revision conflict on insert: memory is reloaded from the store and the write retried once", async () => {
    const db = tempDb();
    let injected = 0;
    const { service } = await open(db, {
      hooks: {
        beforeInsert(database, changes) {
          if (injected++ > 0) return;
          // Someone else stored this revision first (on our connection, so it is rolled back too).
          database.prepare("INSERT INTO changes (revision, record) VALUES (?, ?)").run(changes[0].revision, "{}");
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
        beforeInsert(database, changes) {
          database.prepare("INSERT INTO changes (revision, record) VALUES (?, ?)").run(changes[0].revision, "{}");
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

  test("a snapshot write that fails leaves the booking unstored and memory as on disk", async () => {
    const db = tempDb();
    const a = await open(db, { snapshotEvery: 2 });
    await a.service.write((h) => h.addDoctor(roundTheClock("rt")));
    const before = a.service.hospital.toSnapshot();
    const original = Hospital.prototype.toSnapshot;
    Hospital.prototype.toSnapshot = () => {
      throw new Error("out of memory while snapshotting");
    };
    try {
      await assert.rejects(book(a, 0), /out of memory/);
    } finally {
      Hospital.prototype.toSnapshot = original;
    }
    assert.equal(a.service.hospital.toSnapshot(), before);
    assert.equal(await onDisk(db), before);
    assert.equal((await book(a, 0)).start, nthSlot(0));
  });
});
