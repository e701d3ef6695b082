// The SQLite store of the Node server: one hospital in one SQLite file, which any number of
// processes may share. It implements the storage interface of ../service/storage.mjs; the rules
// (catching up, compaction, pruning, what a failure means) are ../service/hospital-service.mjs's
// and ../service/compaction.mjs's. What is SQLite's is here:
//
//   snapshot(revision PRIMARY KEY, bytes, chunks)   the published snapshots (the newest is loaded)
//   snapshot_chunks(revision, seq, data BLOB)       their bytes, in chunks of at most 256 KiB
//   changes(revision PRIMARY KEY, record)           the change records, one per revision
//   keys(id PRIMARY KEY, hash, roles, …)            the hospital's API keys (hashes, never secrets)
//   key_state(id = 1, version)                       the count of changes to them
//
// - WAL mode, a busy timeout (default 5 s): a process killed at any moment leaves the file at
//   its last COMMIT, and an acknowledged write is on disk. A request's COMMIT runs with
//   synchronous=NORMAL (it writes the WAL, no fsync), then the WAL is flushed with fdatasync on
//   libuv's thread pool, and only then is the write acknowledged (`writeThenSync`): the request
//   thread goes on with the next batch while the disk works. Commits made during a flush share
//   the next one (group commit across batches). A failed flush is final for this store: what
//   was committed since the last good flush may be lost, so nothing more is read, stored or
//   acknowledged through it (StoreUnavailableError) until the server is restarted. Creating the
//   database and publishing a snapshot commit with synchronous=FULL.
// - A write holds SQLite's write lock from BEGIN IMMEDIATE to COMMIT (the service catches up,
//   mutates and appends inside it); a read runs in one deferred transaction, so it sees one
//   state of the file. A change row's revision is its primary key: inserting a revision someone
//   else stored first fails (RevisionConflictError), so writes are conditional on the revision.
// - Compaction (a worker thread's connection, ../server/compactor.mjs) writes each snapshot chunk
//   in a transaction of its own with synchronous=NORMAL (no fsync; the write lock is held for a
//   fraction of a millisecond), and publishes the snapshot in one transaction with
//   synchronous=FULL, whose fsync of the WAL makes the chunks durable with it. With
//   `checkpoints: "external"` this connection never checkpoints the WAL (no automatic
//   checkpoint on a request's commit); the compactor's connection does (`checkpoint()`): a
//   passive checkpoint, which does not block writers, then the last frames with the write lock
//   held for a moment, so that the WAL starts over instead of growing under a steady load.
// - The file is the one that was opened: before every read and write, and again after each
//   COMMIT, its device and inode are compared with the ones opened (one stat(2), about a
//   microsecond). A file deleted or replaced under the running server gives
//   StoreUnavailableError, so nothing is acknowledged into a file no one will read again.
// - A marker that the database was created survives the database: `.dr-schedule/<file
//   name>.initialized` in the database's directory. A database that is missing (or empty)
//   where the marker says one was created is refused (StoredDataError "databaseMissing"), not
//   silently replaced by a new one, unless the operator asks for a new one (`allowNew`). Only a
//   first start, with no marker, gets the demo hospital. One marker per database file, in the
//   directory that holds them, so a data directory of one file per hospital gets one each.
// - Schema version 3 (PRAGMA user_version). A version 1 file (one `snapshot` row of JSON text) is
//   converted when it is opened; a version 2 file (no keys) gains the key tables, empty.
import { closeSync, existsSync, fdatasync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import Database from "better-sqlite3";
import { Hospital } from "dr-schedule";
import { demoHospital } from "../browser/demo.mjs";
import { KEY_COLUMNS, RevisionConflictError, StoreBusyError, StoreUnavailableError, StoredDataError, keyFromColumns, keyValues } from "../service/storage.mjs";

export { demoHospital };

const SCHEMA_VERSION = 3;
/** The largest snapshot chunk: one chunk's transaction holds the write lock about 0.2 ms. */
export const SQLITE_CHUNK_BYTES = 256 * 1024;

function isBusy(error) {
  return typeof error?.code === "string" && error.code.startsWith("SQLITE_BUSY");
}

/** The marker recording that the database at `dbPath` was created. */
export function markerPath(dbPath) {
  return join(dirname(dbPath), ".dr-schedule", `${basename(dbPath)}.initialized`);
}

/** Writes the marker (once; durable before this returns). */
function writeMarker(marker, dbPath) {
  if (existsSync(marker)) return;
  mkdirSync(dirname(marker), { recursive: true });
  const tmp = `${marker}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, `${JSON.stringify({ database: basename(dbPath), created: new Date().toISOString() })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, marker);
}

function missingDatabase(path, marker) {
  return new StoredDataError(
    "databaseMissing",
    `the database ${path} is missing or empty, but ${marker} records that it was created: it was deleted, moved or truncated`,
    {
      recovery:
        "Put the database back (from a backup) and restart; or, to begin a new, empty database in its place, " +
        "restart once with DR_SCHEDULE_NEW_DATABASE=1.",
    },
  );
}

export class SqliteStore {
  /** Other processes may write the same file: the service catches up before every request. */
  shared = true;
  /** Whether this open created the database (its first snapshot and keys). */
  created = false;
  #path;
  #db;
  #q;
  #hooks;
  #identity;
  #view;
  #tx;
  #busyTimeoutMs;

  /**
   * Opens the database at `path`, creating it if it is the first start there. Options:
   * `busyTimeoutMs` (default 5000); `seed` (default demoHospital), the first start's hospital (a
   * function returning a Hospital, or `{ revision, bytes }` of a snapshot to store as it is);
   * `keys` (default none): the first key rows of a database this open creates;
   * `allowNew` (default false): create a new, empty database where the marker says one existed,
   * its hospital made with `newOptions` (the package's options; default none);
   * `checkpoints` ("auto", the default, or "external": this connection never checkpoints, the
   * compactor's does); `hooks` (tests only: fault injection, `beforeInsert(db, rows)`,
   * `beforeCommit(db)`, `fdatasync(fd, callback)` in place of node:fs's for the WAL flush,
   * `afterPassiveCheckpoint()`).
   * Throws StoredDataError when the file holds no hospital this server can use (missing where
   * one existed, a newer schema, not a database); other exceptions for a path it cannot open.
   */
  static open(path, options = {}) {
    return new SqliteStore(path, options);
  }

  constructor(path, { busyTimeoutMs = 5000, seed = demoHospital, keys = [], allowNew = false, newOptions = undefined, maxSnapshotBytes = undefined, checkpoints = "auto", hooks = {} } = {}) {
    this.#path = path;
    this.#hooks = hooks;
    this.#busyTimeoutMs = busyTimeoutMs;
    const marker = markerPath(path);
    const created = existsSync(marker);
    const hasData = existsSync(path) && statSync(path).size > 0;
    if (created && !hasData && !allowNew) throw missingDatabase(path, marker);
    if (!hasData) {
      // Left behind by a deleted database: SQLite would try to apply its WAL to a new file.
      for (const suffix of ["-wal", "-shm", "-journal"]) {
        if (existsSync(path + suffix) && !existsSync(path)) renameSync(path + suffix, `${path}${suffix}.orphaned-${Date.now()}`);
      }
    }
    try {
      // A database that holds data must still be there when it is opened: without
      // `fileMustExist`, one deleted between the check above and this open (by the time another
      // thread of this server opens it, say) would be created anew, empty.
      this.#db = new Database(path, { timeout: busyTimeoutMs, fileMustExist: hasData });
    } catch (error) {
      if (hasData && error?.code === "SQLITE_CANTOPEN" && !existsSync(path)) throw missingDatabase(path, marker);
      throw this.#storedDataError(error) ?? error;
    }
    try {
      this.#enableWal(busyTimeoutMs);
      this.#db.pragma("synchronous = FULL");
      // A snapshot write makes the WAL large; truncate it back after checkpoints.
      this.#db.pragma("journal_size_limit = 67108864");
      if (checkpoints === "external") this.#db.pragma("wal_autocheckpoint = 0");
      this.#initialize(() => {
        if (!created) return seed();
        if (allowNew) return new Hospital(newHospitalOptions(newOptions, maxSnapshotBytes));
        throw missingDatabase(path, marker);
      }, keys);
      // From here on a commit does not flush the WAL itself (see the top of this file): a
      // request's is flushed by #flushWal, a snapshot's publication sets FULL for itself.
      this.#db.pragma(`synchronous = ${CONNECTION_SYNCHRONOUS}`);
      this.#prepare();
      writeMarker(marker, path);
      const { dev, ino } = statSync(path);
      this.#identity = { dev, ino };
    } catch (error) {
      this.#db.close();
      throw this.#storedDataError(error) ?? error;
    }
  }

  /** A StoredDataError for a file that is not a usable database, or undefined. */
  #storedDataError(error) {
    if (error instanceof StoredDataError) return error;
    if (error?.code === "SQLITE_NOTADB" || error?.code === "SQLITE_CORRUPT") {
      return new StoredDataError("databaseCorrupt", `${this.#path} is not a SQLite database or is corrupt (${error.code}: ${error.message})`, {
        cause: error,
        recovery: "Restore the database from a backup.",
      });
    }
    return undefined;
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

  /** Creates the tables; a file without a snapshot gets `initial()`'s hospital as its first one, and `keys`. */
  #initialize(initial, keys) {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const version = this.#db.pragma("user_version", { simple: true });
      if (version > SCHEMA_VERSION) {
        throw new StoredDataError("schemaNewer", `the database schema version ${version} of ${this.#path} is newer than this server's ${SCHEMA_VERSION}`, {
          recovery: "Run the dr-schedule server version that wrote it, or restore the database from a backup.",
        });
      }
      let v1 = null;
      if (version === 1) {
        // Version 1: one row `snapshot(id = 1, revision, body TEXT)`. Its snapshot moves into chunks.
        v1 = this.#db.prepare("SELECT revision, body FROM snapshot WHERE id = 1").get() ?? null;
        this.#db.exec("DROP TABLE snapshot");
      }
      this.#db.exec(`
        CREATE TABLE IF NOT EXISTS snapshot (
          revision INTEGER PRIMARY KEY,
          bytes INTEGER NOT NULL,
          chunks INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS snapshot_chunks (
          revision INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (revision, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS changes (
          revision INTEGER PRIMARY KEY,
          record TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS keys (
          id TEXT PRIMARY KEY,
          hash TEXT NOT NULL,
          roles TEXT NOT NULL,
          label TEXT,
          salt TEXT NOT NULL,
          created TEXT NOT NULL,
          created_by TEXT,
          revoked TEXT,
          revoked_by TEXT,
          rotated TEXT
        );
        CREATE TABLE IF NOT EXISTS key_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          version INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO key_state (id, version) VALUES (1, 0);
      `);
      this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
      if (v1 !== null) {
        this.#insertSnapshot(v1.revision, new TextEncoder().encode(v1.body));
      } else if (this.#db.prepare("SELECT 1 FROM snapshot LIMIT 1").get() === undefined) {
        const first = initial();
        if (first.bytes instanceof Uint8Array) {
          this.#insertSnapshot(first.revision, first.bytes);
        } else {
          try {
            this.#insertSnapshot(first.revision, first.toSnapshotBytes());
          } finally {
            first.free();
          }
        }
        if (keys.length > 0) {
          const insert = this.#db.prepare(`INSERT INTO keys (${KEY_COLUMNS.join(", ")}) VALUES (${KEY_COLUMNS.map(() => "?").join(", ")})`);
          for (const row of keys) insert.run(...keyValues(row));
          this.#db.prepare("UPDATE key_state SET version = ? WHERE id = 1").run(keys.length);
        }
        this.created = true;
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Stores a whole snapshot in the current transaction (creating a database, converting one). */
  #insertSnapshot(revision, bytes) {
    const chunk = this.#db.prepare("INSERT INTO snapshot_chunks (revision, seq, data) VALUES (?, ?, ?)");
    let seq = 0;
    for (let offset = 0; offset < bytes.length; offset += SQLITE_CHUNK_BYTES, seq++) chunk.run(revision, seq, bytes.subarray(offset, offset + SQLITE_CHUNK_BYTES));
    this.#db.prepare("INSERT INTO snapshot (revision, bytes, chunks) VALUES (?, ?, ?)").run(revision, bytes.length, seq);
  }

  #prepare() {
    const db = this.#db;
    const logBytes = "coalesce(sum(length(CAST(record AS BLOB))), 0)";
    const q = {
      snapshot: db.prepare("SELECT revision, bytes, chunks FROM snapshot ORDER BY revision DESC LIMIT 1"),
      chunks: db.prepare("SELECT seq, data FROM snapshot_chunks WHERE revision = ? ORDER BY seq"),
      head: db.prepare("SELECT max(revision) FROM changes").pluck(),
      changesAfter: db.prepare("SELECT revision, record FROM changes WHERE revision > ? ORDER BY revision"),
      changesAfterLimit: db.prepare("SELECT revision, record FROM changes WHERE revision > ? ORDER BY revision LIMIT ?"),
      logBytes: db.prepare(`SELECT ${logBytes} FROM changes WHERE revision > ?`).pluck(),
      logState: db.prepare(`SELECT ${logBytes} AS logBytes, max(revision) AS head FROM changes WHERE revision > ?`),
      insertChange: db.prepare("INSERT INTO changes (revision, record) VALUES (?, ?)"),
      insertChunk: db.prepare("INSERT OR REPLACE INTO snapshot_chunks (revision, seq, data) VALUES (?, ?, ?)"),
      countChunks: db.prepare("SELECT count(*) FROM snapshot_chunks WHERE revision = ?").pluck(),
      publish: db.prepare("INSERT INTO snapshot (revision, bytes, chunks) VALUES (?, ?, ?)"),
      discard: db.prepare("DELETE FROM snapshot_chunks WHERE revision = ? AND revision NOT IN (SELECT revision FROM snapshot)"),
      oldestChange: db.prepare("SELECT min(revision) FROM changes").pluck(),
      pruneRange: db.prepare("DELETE FROM changes WHERE revision > ? AND revision <= ?"),
      olderSnapshots: db.prepare("SELECT revision FROM snapshot WHERE revision < ?").pluck(),
      dropSnapshot: db.prepare("DELETE FROM snapshot WHERE revision = ?"),
      dropChunks: db.prepare("DELETE FROM snapshot_chunks WHERE revision = ? AND seq < ?"),
      maxChunk: db.prepare("SELECT max(seq) FROM snapshot_chunks WHERE revision = ?").pluck(),
      keysVersion: db.prepare("SELECT version FROM key_state WHERE id = 1").pluck(),
      dataVersion: db.prepare("PRAGMA data_version").pluck(),
      keys: db.prepare(`SELECT ${KEY_COLUMNS.join(", ")} FROM keys ORDER BY rowid`),
      saveKey: db.prepare(
        `INSERT INTO keys (${KEY_COLUMNS.join(", ")}) VALUES (${KEY_COLUMNS.map(() => "?").join(", ")}) ` +
          `ON CONFLICT (id) DO UPDATE SET ${KEY_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}`,
      ),
      setKeysVersion: db.prepare("UPDATE key_state SET version = ? WHERE id = 1"),
    };
    this.#q = q;
    const newest = () => q.snapshot.get() ?? { revision: 0, bytes: 0, chunks: 0 };
    this.#view = {
      loadSnapshot: () => {
        const row = q.snapshot.get();
        if (row === undefined) {
          throw new StoredDataError("snapshotMissing", `${this.#path} has no snapshot (table snapshot is empty)`, { recovery: "Restore the database from a backup." });
        }
        const chunks = q.chunks.all(row.revision);
        const bytes = Buffer.concat(chunks.map((c) => c.data));
        if (chunks.length !== row.chunks || bytes.length !== row.bytes || chunks.some((c, i) => c.seq !== i)) {
          throw new StoredDataError("snapshotIncomplete", `the snapshot (table snapshot, revision ${row.revision}) has ${chunks.length} of its ${row.chunks} chunks (${bytes.length} of ${row.bytes} bytes) in table snapshot_chunks`, {
            revision: row.revision,
            recovery: "Restore the database from a backup.",
          });
        }
        return { revision: row.revision, bytes };
      },
      changesAfter: (revision, limit) => (limit === undefined ? q.changesAfter.all(revision) : q.changesAfterLimit.all(revision, limit)),
      head: () => Math.max(newest().revision, q.head.get() ?? 0),
      catchUpCost: (revision) => {
        const snapshot = newest();
        return { logBytes: q.logBytes.get(revision), snapshotBytes: snapshot.bytes, snapshotLogBytes: q.logBytes.get(snapshot.revision) };
      },
      keysVersion: () => q.keysVersion.get(),
      loadKeys: () => ({ version: q.keysVersion.get(), rows: q.keys.all().map(keyFromColumns) }),
      // data_version changes when another connection commits, never for this one's commits.
      // Read when a transaction begins: what changed after that is seen at the next one.
      othersWrote: () => this.#versionAtBegin !== this.#caughtUpVersion,
      caughtUp: () => {
        this.#caughtUpVersion = this.#versionAtBegin;
      },
    };
    this.#tx = {
      ...this.#view,
      append: (rows) => {
        this.#hooks.beforeInsert?.(db, rows);
        for (const { revision, record } of rows) {
          try {
            q.insertChange.run(revision, record);
          } catch (error) {
            if (error?.code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw new RevisionConflictError(revision, { cause: error });
            throw error;
          }
        }
      },
      saveKeys: (rows, version) => {
        for (const row of rows) q.saveKey.run(...keyValues(row));
        q.setKeysVersion.run(version);
      },
    };
  }

  describe() {
    return `SQLite file ${this.#path}`;
  }

  where(kind, revision) {
    return kind === "snapshot" ? `table snapshot, revision ${revision}` : `table changes, revision ${revision}`;
  }

  /** Throws StoreUnavailableError unless the path still names the file that was opened (and no flush failed). */
  #check() {
    if (this.#flushFailed !== null) throw this.#flushFailed;
    let stat;
    try {
      stat = statSync(this.#path);
    } catch (error) {
      if (error?.code !== "ENOENT") throw error;
      throw this.#gone("was deleted");
    }
    if (stat.ino !== this.#identity.ino || stat.dev !== this.#identity.dev) throw this.#gone("was replaced by another file");
  }

  #gone(what) {
    return new StoreUnavailableError(`the database file ${this.#path} ${what} while the server was running`, {
      recovery:
        "Nothing more is stored or acknowledged. Put the database back (from a backup) and restart the server; " +
        "or restart it with DR_SCHEDULE_NEW_DATABASE=1 to begin a new, empty database.",
    });
  }

  /** PRAGMA data_version when the current transaction began, and at the service's last catch-up. */
  #versionAtBegin = null;
  #caughtUpVersion = null;

  async read(fn, _options) {
    this.#check();
    this.#db.exec("BEGIN");
    this.#versionAtBegin = this.#q.dataVersion.get();
    try {
      const result = await fn(this.#view);
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#rollback();
      throw error;
    }
  }

  async write(fn, options) {
    const { result, synced } = await this.writeThenSync(fn, options);
    await synced;
    return result;
  }

  /**
   * `write`, resolved as soon as the transaction is committed: `{ result, synced }`, where
   * `synced` resolves once the commit is durable (the WAL flushed). Nothing may be acknowledged
   * before `synced` resolves; the next write may begin at once.
   */
  async writeThenSync(fn, _options) {
    this.#check();
    try {
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      if (isBusy(error)) throw new StoreBusyError(undefined, { cause: error });
      throw error;
    }
    let result;
    try {
      this.#versionAtBegin = this.#q.dataVersion.get();
      result = await fn(this.#tx);
      this.#hooks.beforeCommit?.(this.#db);
      this.#check();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#rollback();
      throw error;
    }
    // Committed, but into a file that may have gone meanwhile: then it is not acknowledged.
    this.#check();
    return { result, synced: this.#flushWal() };
  }

  // The WAL flushes: the one under way, the one queued behind it (shared by every commit made
  // meanwhile), and the error that ended this store, if one did.
  #walFd = null;
  #flushing = null;
  #flushQueued = null;
  #flushFailed = null;

  /** Resolves once everything committed so far is durable: the next flush of the WAL after now. */
  #flushWal() {
    if (this.#flushFailed !== null) return Promise.reject(this.#flushFailed);
    if (this.#flushQueued === null) {
      const previous = this.#flushing ?? Promise.resolve();
      const flush = previous.then(() => {
        // From here on, commits wait for the flush after this one.
        this.#flushQueued = null;
        return this.#fdatasyncWal();
      });
      this.#flushQueued = flush;
      this.#flushing = flush;
      flush.then(
        () => {
          if (this.#flushing === flush) this.#flushing = null;
        },
        () => {},
      );
    }
    return this.#flushQueued;
  }

  #fdatasyncWal() {
    return new Promise((resolve, reject) => {
      if (this.#flushFailed !== null) {
        reject(this.#flushFailed);
        return;
      }
      if (!this.#db.open) {
        reject(new StoreUnavailableError(`${this.#path} was closed before its last commits were flushed to disk`));
        return;
      }
      try {
        // The WAL exists from the first commit on, and keeps its inode while this connection
        // is open (SQLite truncates it in place; only the last connection's close deletes it).
        this.#walFd ??= openSync(`${this.#path}-wal`, "r");
      } catch (error) {
        reject(this.#flushFailure(error));
        return;
      }
      (this.#hooks.fdatasync ?? fdatasync)(this.#walFd, (error) => (error ? reject(this.#flushFailure(error)) : resolve()));
    });
  }

  #flushFailure(error) {
    this.#flushFailed ??= new StoreUnavailableError(`flushing the WAL of ${this.#path} to disk failed (${error.code ?? error.message}): what was committed since the last flush may be lost`, {
      cause: error,
      recovery: "Nothing more is stored or acknowledged through this process. Check the disk, then restart the server (SQLite recovers the file to its last durable commit).",
    });
    return this.#flushFailed;
  }

  #rollback() {
    if (!this.#db.inTransaction) return;
    try {
      this.#db.exec("ROLLBACK");
    } catch {
      // The connection rolls back by itself when the statement that failed was COMMIT.
    }
  }

  // -------------------------------------------------------------------------------------------
  // Compaction (../service/compaction.mjs), from the compactor's own connection: each call is a
  // transaction of its own.

  /**
   * Runs `fn` in a write transaction of its own, for compaction. SQLite's busy handler sleeps
   * 1, 2, 5, 10, … 100 ms between tries, and a request thread that writes without pause would
   * take the lock back in each of those gaps: the compactor would starve. So the lock is tried
   * without waiting, again and again a fraction of a millisecond apart, until `busyTimeoutMs`:
   * it is free between two batches of the request thread.
   */
  async #transaction(fn, { synchronous = "NORMAL" } = {}) {
    this.#check();
    const deadline = Date.now() + this.#busyTimeoutMs;
    this.#db.pragma(`synchronous = ${synchronous}`);
    this.#db.pragma("busy_timeout = 0");
    try {
      for (let tries = 0; ; tries++) {
        try {
          this.#db.exec("BEGIN IMMEDIATE");
          break;
        } catch (error) {
          if (!isBusy(error)) throw error;
          if (Date.now() >= deadline) throw new StoreBusyError(undefined, { cause: error });
          await new Promise((resolve) => (tries % 8 === 7 ? setTimeout(resolve, 1) : setImmediate(resolve)));
        }
      }
    } catch (error) {
      this.#db.pragma(`synchronous = ${CONNECTION_SYNCHRONOUS}`);
      throw error;
    } finally {
      this.#db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#rollback();
      throw error;
    } finally {
      this.#db.pragma(`synchronous = ${CONNECTION_SYNCHRONOUS}`);
    }
  }

  async compactionState() {
    this.#check();
    this.#db.exec("BEGIN");
    try {
      const snapshot = this.#q.snapshot.get() ?? { revision: 0, bytes: 0 };
      const log = this.#q.logState.get(snapshot.revision);
      return { snapshotRevision: snapshot.revision, snapshotBytes: snapshot.bytes, logBytes: log.logBytes, head: Math.max(snapshot.revision, log.head ?? 0) };
    } finally {
      this.#rollback();
    }
  }

  async writeSnapshotChunk(revision, seq, bytes) {
    await this.#transaction(() => this.#q.insertChunk.run(revision, seq, bytes));
  }

  async publishSnapshot(revision, bytes, chunks) {
    return await this.#transaction(
      () => {
        const newest = this.#q.snapshot.get()?.revision ?? 0;
        if (revision <= newest || this.#q.countChunks.get(revision) !== chunks) return { published: false, previous: newest };
        this.#q.publish.run(revision, bytes, chunks);
        return { published: true, previous: newest };
      },
      { synchronous: "FULL" },
    );
  }

  async discardSnapshot(revision) {
    await this.#transaction(() => this.#q.discard.run(revision));
  }

  async pruneChanges(upTo, step) {
    for (let from = (this.#q.oldestChange.get() ?? upTo + 1) - 1; from < upTo; from += step) {
      await this.#transaction(() => this.#q.pruneRange.run(from, Math.min(upTo, from + step)));
    }
  }

  async dropSnapshotsBefore(revision) {
    for (const old of this.#q.olderSnapshots.all(revision)) {
      // Unpublished first, so that no reader finds a snapshot row with missing chunks.
      await this.#transaction(() => this.#q.dropSnapshot.run(old));
      for (let seq = 0, last = this.#q.maxChunk.get(old) ?? -1; seq <= last; seq += 16) await this.#transaction(() => this.#q.dropChunks.run(old, seq + 16));
    }
  }

  /**
   * Copies the WAL into the database file: first without blocking writers (passive), then, for
   * the frames committed meanwhile, holding the write lock for a moment between two of the
   * request thread's batches (restart). Only a checkpoint that has copied every frame lets the
   * next commit start the WAL over: with passive checkpoints alone, a steady stream of writes
   * never leaves a moment when all are copied, and the WAL grows without end (60 MB after
   * 22,000 bookings), each flush of it an append that costs a journal commit. The lock is tried
   * without waiting, again and again, as #transaction does; if it is never free, the next
   * checkpoint tries again.
   */
  async checkpoint() {
    this.#check();
    this.#db.pragma("wal_checkpoint(PASSIVE)");
    this.#hooks.afterPassiveCheckpoint?.();
    this.#db.pragma("busy_timeout = 0");
    try {
      for (let tries = 0; tries < RESTART_TRIES; tries++) {
        const [{ busy }] = this.#db.pragma("wal_checkpoint(RESTART)");
        if (busy === 0) return;
        await new Promise((resolve) => (tries % 8 === 7 ? setTimeout(resolve, 1) : setImmediate(resolve)));
      }
    } finally {
      this.#db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }

  /** The newest snapshot's revision and the rows in table `changes` (for tests). */
  stats() {
    return {
      snapshotRevision: this.#q.snapshot.get()?.revision ?? 0,
      changeRows: this.#db.prepare("SELECT count(*) FROM changes").pluck().get(),
    };
  }

  close() {
    if (this.#db?.open) this.#db.close();
    if (this.#walFd !== null) {
      // A flush under way holds the file until it returns; one queued after this is refused.
      closeSync(this.#walFd);
      this.#walFd = null;
    }
  }
}

export { StoreBusyError };

/**
 * The options of a new, empty hospital where a database went missing: `options` (the server's
 * DR_SCHEDULE_HOSPITAL_OPTIONS), with a budget of at least `maxSnapshotBytes`
 * (DR_SCHEDULE_MAX_HOSPITAL_BYTES) when that is set.
 */
function newHospitalOptions(options, maxSnapshotBytes) {
  if (maxSnapshotBytes === undefined) return options;
  return { ...options, maxSnapshotBytes: Math.max(options?.maxSnapshotBytes ?? 0, maxSnapshotBytes) };
}

/** How many times a checkpoint tries for the write lock to copy the WAL's last frames. */
const RESTART_TRIES = 64;

/** The connection's synchronous level between transactions that set their own. */
const CONNECTION_SYNCHRONOUS = "NORMAL";
