// SQLite persistence of one Hospital, shared safely by any number of processes.
//
// Two tables: `snapshot` holds one row, the latest snapshot and its revision; `changes` holds the
// change records after it (one row per mutation, keyed by the revision the mutation produced).
// The database is the truth; each process keeps a Hospital in memory as a cache of it, at some
// revision, and brings it up to date before every request.
//
// A write (Store#write) runs entirely inside one BEGIN IMMEDIATE transaction, which holds
// SQLite's write lock:
//   1. catch up: apply the stored changes after the in-memory revision;
//   2. run the mutation on the in-memory Hospital;
//   3. insert its change records; `revision` is the primary key, so the insert succeeds only if
//      no one else stored that revision: the write is conditional on the revision it was
//      computed from;
//   4. every `snapshotEvery` changes, write a snapshot and drop the change rows the previous
//      snapshot covers (keeping one generation lets a process that lags by less than
//      `snapshotEvery` revisions catch up without re-reading the snapshot);
//   5. COMMIT, and only then return (the caller responds after that).
// On a primary-key conflict the Hospital is rebuilt from the store and the write is retried once.
// Any other failure after step 2 means memory and disk may differ: the Hospital is rebuilt from
// the store before the error is rethrown. A process killed at any point leaves the database at
// its last COMMIT (WAL, synchronous=FULL).
import Database from "better-sqlite3";
import { Hospital } from "dr-schedule";
import { demoHospital } from "../browser/demo.mjs";

export { demoHospital };

export const DEFAULT_SNAPSHOT_EVERY = 1000;
const SCHEMA_VERSION = 1;

/** Thrown when the write lock could not be taken within the busy timeout; nothing changed. */
export class StoreBusyError extends Error {
  constructor(cause) {
    super("the database is busy (write lock not obtained within the busy timeout); nothing was changed", { cause });
    this.name = "StoreBusyError";
  }
}

function isConflict(error) {
  return error?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

function isBusy(error) {
  return typeof error?.code === "string" && error.code.startsWith("SQLITE_BUSY");
}

/**
 * Applies stored change rows one `applyChanges` call each: a single change applies in place,
 * while a batch is applied on a copy of the whole hospital (all or nothing), which would make
 * every catch-up cost O(size of the hospital). A failure leaves the hospital at the last change
 * that applied; callers reload then.
 */
function applyOneByOne(hospital, rows) {
  for (const row of rows) hospital.applyChanges([JSON.parse(row.record)]);
}

export class Store {
  #db;
  #q;
  #hospital = null;
  #snapshotRevision = 0;
  #snapshotEvery;
  #hooks;
  /** The catch-up of a read, in one deferred transaction so that it sees one state of the file. */
  #readTransaction;

  /**
   * Opens (creating if needed) the database at `path`. A new database gets `seed()` as its
   * first snapshot. Options: `snapshotEvery` (default DEFAULT_SNAPSHOT_EVERY), `busyTimeoutMs`
   * (default 5000), `seed` (default demoHospital), `hooks` (tests only: fault injection).
   */
  static open(path, options = {}) {
    return new Store(path, options);
  }

  constructor(path, { snapshotEvery = DEFAULT_SNAPSHOT_EVERY, busyTimeoutMs = 5000, seed = demoHospital, hooks = {} } = {}) {
    if (!Number.isSafeInteger(snapshotEvery) || snapshotEvery < 1) {
      throw new RangeError(`snapshotEvery must be a positive integer, got ${snapshotEvery}`);
    }
    this.#snapshotEvery = snapshotEvery;
    this.#hooks = hooks;
    this.#db = new Database(path, { timeout: busyTimeoutMs });
    try {
      this.#enableWal(busyTimeoutMs);
      this.#db.pragma("synchronous = FULL");
      // A snapshot write makes the WAL large; truncate it back after checkpoints.
      this.#db.pragma("journal_size_limit = 67108864");
      this.#initialize(seed);
      this.#prepare();
      this.#reload();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /**
   * Switches the file to WAL. Two processes opening a new file at once can make this pragma
   * fail with SQLITE_BUSY without SQLite's busy handler being called, so it is retried here,
   * for at most the busy timeout.
   */
  #enableWal(busyTimeoutMs) {
    const deadline = Date.now() + busyTimeoutMs;
    for (;;) {
      try {
        if (this.#db.pragma("journal_mode = WAL", { simple: true }) === "wal") return;
        throw new Error("this SQLite file cannot use WAL mode");
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
  }

  #initialize(seed) {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const version = this.#db.pragma("user_version", { simple: true });
      if (version > SCHEMA_VERSION) throw new Error(`database schema version ${version} is newer than this server's ${SCHEMA_VERSION}`);
      this.#db.exec(`
        CREATE TABLE IF NOT EXISTS snapshot (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          revision INTEGER NOT NULL,
          body TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS changes (
          revision INTEGER PRIMARY KEY,
          record TEXT NOT NULL
        );
      `);
      this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
      if (this.#db.prepare("SELECT 1 FROM snapshot WHERE id = 1").get() === undefined) {
        const h = seed();
        try {
          this.#db.prepare("INSERT INTO snapshot (id, revision, body) VALUES (1, ?, ?)").run(h.revision, h.toSnapshot());
        } finally {
          h.free();
        }
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #prepare() {
    const db = this.#db;
    this.#q = {
      snapshot: db.prepare("SELECT revision, body FROM snapshot WHERE id = 1"),
      snapshotRevision: db.prepare("SELECT revision FROM snapshot WHERE id = 1").pluck(),
      head: db.prepare("SELECT max(revision) FROM changes").pluck(),
      changesAfter: db.prepare("SELECT revision, record FROM changes WHERE revision > ? ORDER BY revision"),
      insertChange: db.prepare("INSERT INTO changes (revision, record) VALUES (?, ?)"),
      writeSnapshot: db.prepare("UPDATE snapshot SET revision = ?, body = ? WHERE id = 1"),
      dropChanges: db.prepare("DELETE FROM changes WHERE revision <= ?"),
    };
    this.#readTransaction = db.transaction(() => this.#catchUp());
  }

  /** The in-memory Hospital (as of the last catch-up). */
  get hospital() {
    return this.#hospital;
  }

  get revision() {
    return this.#hospital?.revision;
  }

  /** Runs `fn(hospital)` on an up-to-date Hospital without writing. */
  read(fn) {
    this.#readTransaction.deferred();
    try {
      return fn(this.#hospital);
    } catch (error) {
      // A trap or a bug while reading: do not keep using a Hospital that may be broken.
      this.#rebuild();
      throw error;
    }
  }

  /**
   * Runs `fn(hospital)`, which may mutate the Hospital, and persists its changes before
   * returning `fn`'s result. Throws StoreBusyError when the write lock is not obtained (nothing
   * changed); rethrows any other failure after rebuilding the Hospital from the store.
   */
  write(fn) {
    try {
      return this.#writeOnce(fn);
    } catch (error) {
      if (!isConflict(error)) throw error;
      return this.#writeOnce(fn);
    }
  }

  #writeOnce(fn) {
    try {
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      if (isBusy(error)) throw new StoreBusyError(error);
      throw error;
    }
    try {
      this.#catchUp();
      const h = this.#hospital;
      const before = h.revision;
      const result = fn(h);
      const changes = h.changesSince(before);
      if (changes.length > 0) {
        this.#hooks.beforeInsert?.(this.#db, changes);
        for (const change of changes) this.#q.insertChange.run(change.revision, JSON.stringify(change));
        if (h.revision - this.#snapshotRevision >= this.#snapshotEvery) this.#writeSnapshot(h);
        this.#hooks.beforeCommit?.(this.#db, changes);
      }
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.#db.inTransaction) {
        try {
          this.#db.exec("ROLLBACK");
        } catch {
          // The connection rolls back by itself when the statement that failed was COMMIT.
        }
      }
      // Memory may hold a mutation the disk does not: rebuild from the store.
      this.#rebuild();
      throw error;
    }
  }

  #writeSnapshot(h) {
    const previous = this.#snapshotRevision;
    this.#q.writeSnapshot.run(h.revision, h.toSnapshot());
    this.#q.dropChanges.run(previous);
    this.#snapshotRevision = h.revision;
  }

  /**
   * Brings the in-memory Hospital to the stored head: applies the change rows after its
   * revision, or reloads everything when they do not follow on (the rows were dropped behind a
   * newer snapshot) or when memory is somehow ahead of the store.
   */
  #catchUp() {
    if (this.#hospital === null) return this.#reload();
    const snapshotRevision = this.#q.snapshotRevision.get();
    if (snapshotRevision === undefined) throw new Error("the database has no snapshot");
    this.#snapshotRevision = snapshotRevision;
    const mine = this.#hospital.revision;
    const rows = this.#q.changesAfter.all(mine);
    if (rows.length > 0) {
      if (rows[0].revision !== mine + 1) return this.#reload();
      try {
        applyOneByOne(this.#hospital, rows);
      } catch {
        // Each change applies whole or not at all, but reloading is the safe answer to any
        // surprise.
        return this.#reload();
      }
      return undefined;
    }
    const head = Math.max(snapshotRevision, this.#q.head.get() ?? 0);
    if (mine !== head) return this.#reload();
    return undefined;
  }

  /** Loads the snapshot and replays the changes after it (inside the caller's transaction, if any). */
  #reload() {
    const load = () => {
      const row = this.#q.snapshot.get();
      if (row === undefined) throw new Error("the database has no snapshot");
      const h = Hospital.fromSnapshot(row.body);
      try {
        const rows = this.#q.changesAfter.all(row.revision);
        applyOneByOne(h, rows);
      } catch (error) {
        h.free();
        throw error;
      }
      this.#replaceHospital(h);
      this.#snapshotRevision = row.revision;
    };
    if (this.#db.inTransaction) load();
    else this.#db.transaction(load).deferred();
  }

  /** Reload after a failure; if even that fails, drop the Hospital so the next call reloads. */
  #rebuild() {
    try {
      this.#reload();
    } catch {
      this.#replaceHospital(null);
    }
  }

  #replaceHospital(h) {
    const old = this.#hospital;
    this.#hospital = h;
    if (old !== null && old !== h) {
      try {
        old.free();
      } catch {
        // A Hospital of a trapped instance cannot be freed; it is garbage either way.
      }
    }
  }

  /** Rows currently in the `changes` table and the snapshot's revision (for tests and /health). */
  stats() {
    return {
      snapshotRevision: this.#q.snapshotRevision.get(),
      changeRows: this.#db.prepare("SELECT count(*) FROM changes").pluck().get(),
    };
  }

  close() {
    this.#replaceHospital(null);
    if (this.#db.open) this.#db.close();
  }
}
