// The SQLite store on its own: seeding, snapshot + changes on reopen, compaction, catching up
// between two stores on one file, the conditional write (retry once on a revision conflict),
// and rebuilding memory from disk when a write fails after the in-memory mutation.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Hospital } from "dr-schedule";
import { respond } from "../../server/http.mjs";
import { Store } from "../../server/store.mjs";
import { nthSlot, roundTheClock, stopAll, tempDb, track } from "./harness.mjs";

after(stopAll);

const stores = [];
after(() => stores.forEach((s) => s.close()));
function open(db, options) {
  const store = Store.open(db, options);
  stores.push(store);
  return store;
}

/** Books slot n of doctor "rt" through the store; returns the appointment. */
function book(store, n, extra = {}) {
  return store.write((h) => h.book({ doctorId: "rt", location: "X", start: nthSlot(n), ...extra }));
}

/** What a fresh process would load from the file. */
function onDisk(db) {
  const fresh = Store.open(db);
  try {
    return fresh.hospital.toSnapshot();
  } finally {
    fresh.close();
  }
}

describe("the store", () => {
  test("a new database is seeded with the demo hospital, where the seed example books", () => {
    const store = open(tempDb());
    const h = store.hospital;
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
    const code = `
      import { createInterface } from "node:readline";
      const { Store } = await import(${JSON.stringify(storeUrl)});
      process.stdout.write("ready\\n");
      createInterface({ input: process.stdin }).once("line", () => {
        try {
          const store = Store.open(process.argv[1]);
          process.stdout.write(JSON.stringify({ ok: true, revision: store.revision, doctors: store.hospital.listDoctors().length }) + "\\n");
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

  test("reopening loads the snapshot and replays the changes after it; a snapshot every N changes drops old rows", () => {
    const db = tempDb();
    const store = open(db, { snapshotEvery: 5 });
    store.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.deepEqual(store.stats(), { snapshotRevision: 2, changeRows: 1 });
    for (let n = 0; n < 3; n++) book(store, n);
    assert.deepEqual(store.stats(), { snapshotRevision: 2, changeRows: 4 });
    book(store, 3); // revision 7 = 2 + 5: snapshot; the rows after the previous snapshot (2) stay
    assert.deepEqual(store.stats(), { snapshotRevision: 7, changeRows: 5 });
    for (let n = 4; n < 9; n++) book(store, n); // revision 12: snapshot; rows <= 7 dropped
    assert.deepEqual(store.stats(), { snapshotRevision: 12, changeRows: 5 });
    book(store, 9);
    assert.equal(store.revision, 13);
    assert.equal(onDisk(db), store.hospital.toSnapshot());
    const again = open(db, { snapshotEvery: 5 });
    assert.equal(again.revision, 13);
    assert.equal(again.hospital.appointments("rt").length, 10);
  });

  test("two stores on one file catch up with each other, across compactions", () => {
    const db = tempDb();
    const a = open(db, { snapshotEvery: 3 });
    const b = open(db, { snapshotEvery: 3 });
    a.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.equal(b.read((h) => h.getDoctor("rt").id), "rt");
    // b lags by less than one generation: it applies the rows; then by more: it reloads.
    for (let n = 0; n < 4; n++) book(a, n);
    assert.equal(b.read((h) => h.appointments("rt").length), 4);
    for (let n = 4; n < 20; n++) book(n % 2 ? a : b, n);
    for (let n = 20; n < 30; n++) book(a, n);
    assert.equal(b.read((h) => h.appointments("rt").length), 30);
    assert.equal(b.hospital.toSnapshot(), a.hospital.toSnapshot());
    // A booking computed by b on a stale view is still checked against a's latest.
    book(a, 30);
    assert.throws(() => book(b, 30), { code: "SLOT_TAKEN" });
    assert.equal(onDisk(db), a.read((h) => h.toSnapshot()));
  });

  test("a failed call writes nothing", () => {
    const db = tempDb();
    const store = open(db);
    const before = store.stats();
    assert.throws(() => store.write((h) => h.book({ doctorId: "nobody", location: "x", start: "2019-02-01T11:00" })), { code: "DOCTOR_NOT_FOUND" });
    assert.deepEqual(store.stats(), before);
    assert.equal(store.revision, 2);
  });

  test("a revision conflict on insert: memory is reloaded from the store and the write retried once", () => {
    const db = tempDb();
    let injected = 0;
    const store = open(db, {
      hooks: {
        beforeInsert(database, changes) {
          if (injected++ > 0) return;
          // Someone else stored this revision first (on our connection, so it is rolled back too).
          database.prepare("INSERT INTO changes (revision, record) VALUES (?, ?)").run(changes[0].revision, "{}");
        },
      },
    });
    const doctor = store.write((h) => h.addDoctor(roundTheClock("rt")));
    assert.equal(doctor.id, "rt");
    assert.equal(injected, 2);
    assert.equal(store.revision, 3);
    assert.equal(onDisk(db), store.hospital.toSnapshot());
  });

  test("a second conflict is reported; memory equals the store afterwards", () => {
    const db = tempDb();
    const store = open(db, {
      hooks: {
        beforeInsert(database, changes) {
          database.prepare("INSERT INTO changes (revision, record) VALUES (?, ?)").run(changes[0].revision, "{}");
        },
      },
    });
    assert.throws(() => store.write((h) => h.addDoctor(roundTheClock("rt"))), { code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    assert.equal(store.revision, 2);
    assert.throws(() => store.hospital.getDoctor("rt"), { code: "DOCTOR_NOT_FOUND" });
    assert.equal(onDisk(db), store.hospital.toSnapshot());
  });

  test("any failure after the in-memory mutation rebuilds memory from the store; through HTTP it is a 500", () => {
    const db = tempDb();
    let fail = true;
    const store = open(db, {
      hooks: {
        beforeCommit() {
          if (fail) throw new Error("disk on fire");
        },
      },
    });
    const before = store.hospital.toSnapshot();
    const res = respond(store, { method: "POST", path: "/v1/doctors", body: roundTheClock("rt") }, { logError: () => {} });
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, "INTERNAL");
    assert.equal(store.hospital.toSnapshot(), before);
    assert.equal(onDisk(db), before);
    fail = false;
    assert.equal(respond(store, { method: "POST", path: "/v1/doctors", body: roundTheClock("rt") }).status, 201);
    assert.equal(onDisk(db), store.hospital.toSnapshot());
  });

  test("a snapshot write that fails leaves the booking unstored and memory as on disk", () => {
    const db = tempDb();
    const store = open(db, { snapshotEvery: 2 });
    store.write((h) => h.addDoctor(roundTheClock("rt")));
    const before = store.hospital.toSnapshot();
    const original = Hospital.prototype.toSnapshot;
    Hospital.prototype.toSnapshot = () => {
      throw new Error("out of memory while snapshotting");
    };
    try {
      assert.throws(() => book(store, 0), /out of memory/);
    } finally {
      Hospital.prototype.toSnapshot = original;
    }
    assert.equal(store.hospital.toSnapshot(), before);
    assert.equal(onDisk(db), before);
    assert.equal(book(store, 0).start, nthSlot(0));
  });
});
