// The PostgreSQL store of the Node server: one hospital in one PostgreSQL database (the tables of
// the connection's schema), which processes on several machines may share. It implements the
// storage interface of ../service/storage.mjs with the same change-record design as the SQLite
// store (store.mjs); the rules (catching up, compaction, pruning, what a failure means) are the
// service's. What is PostgreSQL's is here:
//
//   dr_schedule(id = 1, schema_version, created)   one row: the schema version, and the row a
//                                                   write locks
//   snapshot(revision PRIMARY KEY, bytes, chunks)   the published snapshots (the newest is loaded)
//   snapshot_chunks(revision, seq, data bytea)      their bytes, in chunks of at most 1 MiB
//   changes(revision PRIMARY KEY, record text)      the change records, one per revision
//   keys(id PRIMARY KEY, hash, roles, …)            the hospital's API keys (hashes, never secrets)
//   key_state(id = 1, version)                      the count of changes to them
//
// The condition of every write. A write transaction first locks the `dr_schedule` row
// (SELECT … FOR UPDATE, with a lock timeout), then catches up, runs the requests on the
// in-memory hospital and inserts their change records under their revisions, the table's
// primary key. Both, and for different reasons:
//   - The lock is taken *before* the service computes, because the computation happens on the
//     in-memory hospital and cannot be undone cheaply: a write that found out only at its insert
//     that another process had stored that revision first would have to reload the whole
//     hospital (seconds at 1M appointments). Under the lock the loser of a race waits a few
//     milliseconds and then computes on the winner's state instead. It is the equivalent of
//     SQLite's BEGIN IMMEDIATE, and it also serialises the writers of one hospital across
//     machines, which is what "exactly one booking per slot" needs.
//   - The primary key on the revision makes the write conditional even so: two records can
//     never be stored for one revision, whatever a process does (a bug, a lock that was lost
//     with its connection while the process still believed it held it). A duplicate is
//     RevisionConflictError: the service reloads and runs the batch again.
// A write costs two round trips: BEGIN + lock + the change rows after the process's revision and
// the head (one multi-statement query), then the INSERT, the COMMIT and a flush barrier together
// (one more).
//
// The lock is released before the WAL flush, not after it. The transaction commits with
// `synchronous_commit = off` (COMMIT returns once its record is in PostgreSQL's WAL buffers, and
// the lock is free for the next process), and in the same round trip a second, tiny transaction
// (`SELECT txid_current()`, which commits with synchronous_commit on) waits until the WAL is
// flushed past it, hence past the first. Only then does the store resolve, and the service
// answer. So the hospital's lock is held for two round trips and the computation, while the
// fsyncs of several processes' commits overlap and are shared (PostgreSQL's group commit);
// with the flush inside the lock, three processes on one hospital were slower than one.
// What it keeps: no answer is sent before the commit it reports, and every commit before it, is
// durable. A write of another process computed on rows not yet flushed commits after them, and
// its own barrier flushes them too; and a batch (read or write) that caught up rows from the
// database passes the barrier before it answers, so no answer rests on rows a crash could still
// take back. What it changes: for the length of one flush, rows of another process are visible
// (to the next lock holder) before they are durable; a crash of PostgreSQL in that moment loses
// them and every later commit together, none of them acknowledged.
//
// Reads run in a REPEATABLE READ READ ONLY transaction, so that a snapshot and the rows after
// it are one state even while a compactor prunes. The write transaction is READ COMMITTED (so
// that each statement sees what the lock's previous holder committed); a reload inside it
// checks that the snapshot it read is complete and that the rows follow on, and asks for a
// retry otherwise.
//
// The connection: one client per store, connected on first use and again after it broke. A
// database that cannot be reached, a connection that breaks (a restart of PostgreSQL, a
// network fault) or a query that does not answer within `queryTimeoutMs` is
// StoreUnreachableError (503 STORE_UNREACHABLE): nothing is acknowledged, and the next request
// connects again, so the server recovers by itself when PostgreSQL is back. A write whose
// COMMIT was sent when the connection broke may have been stored; the client was not told so,
// and retrying with its requestId is safe.
import pg from "pg";
import { demoHospital } from "../browser/demo.mjs";
import { KEY_COLUMNS, RevisionConflictError, StoreBusyError, StoreUnreachableError, StoredDataError, keyFromColumns, keyValues } from "../service/storage.mjs";

/** 1: snapshots and changes; 2: the hospital's keys (a version 1 schema gains them, empty). */
const SCHEMA_VERSION = 2;
/** The largest snapshot chunk. */
export const POSTGRES_CHUNK_BYTES = 1024 * 1024;

// int8 (revisions, sizes) as JS numbers: revisions stop at 2^53 - 1 (the package's MAX_COUNTER).
const types = {
  getTypeParser(oid, format) {
    if (oid === 20 && format !== "binary") return Number;
    return pg.types.getTypeParser(oid, format);
  },
};

/** SQLSTATE classes and codes that mean the server or the connection is gone, not the query. */
function isConnectionFailure(error) {
  if (error instanceof StoreUnreachableError) return true;
  const code = typeof error?.code === "string" ? error.code : "";
  if (/^(08|57P)/.test(code) || code === "53300" || code === "3D000" || code === "28000" || code === "28P01") return true;
  if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"].includes(code)) return true;
  return /Connection terminated|Client has encountered a connection error|not queryable|Query read timeout|timeout expired/i.test(String(error?.message));
}

/** The URL without its password, for log lines. */
function describeUrl(url) {
  try {
    const u = new URL(url);
    const schema = /search_path=([A-Za-z0-9_]+)/.exec(u.searchParams.get("options") ?? "")?.[1];
    return `PostgreSQL database ${u.pathname.slice(1) || "(default)"} on ${u.hostname}:${u.port || 5432}${schema ? `, schema ${schema}` : ""}`;
  } catch {
    return "PostgreSQL database (unparseable URL)";
  }
}

/**
 * A transaction of its own that commits with synchronous_commit on: it returns once the WAL is
 * flushed past it, so past every commit before it (txid_current() gives it a commit record).
 */
const FLUSH_BARRIER = "SELECT txid_current()";

/** The newest stored revision, snapshot or change. */
const HEAD_SQL = "SELECT greatest((SELECT max(revision) FROM snapshot), (SELECT max(revision) FROM changes), 0) AS head";

/** The count of changes to the keys, prefetched with the changes at the start of every transaction. */
const KEYS_VERSION_SQL = "SELECT version FROM key_state WHERE id = 1";

const SAVE_KEY_SQL =
  `INSERT INTO keys (${KEY_COLUMNS.join(", ")}) VALUES (${KEY_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) ` +
  `ON CONFLICT (id) DO UPDATE SET ${KEY_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}`;

/** `SELECT …` text for the change rows after `after` (an integer this module checked). */
function changesAfterSql(after, limit) {
  if (!Number.isSafeInteger(after) || (limit !== undefined && !Number.isSafeInteger(limit))) throw new TypeError("revision and limit must be integers");
  return `SELECT revision, record FROM changes WHERE revision > ${after} ORDER BY revision${limit === undefined ? "" : ` LIMIT ${limit}`}`;
}

export class PostgresStore {
  /** Other processes may write the same database: the service catches up before every request. */
  shared = true;
  #url;
  #options;
  #client = null;
  #connecting = null;
  #initialized = false;
  #description;

  /**
   * A store on the database at `url` (postgres://…; the tables live in the connection's schema,
   * `?options=-c search_path=name` picks another). It connects and creates the tables on first
   * use; a database that cannot be reached then is StoreUnreachableError, tried again on the
   * next call. Options: `seed` (default demoHospital: the hospital a new database starts with,
   * or `{ revision, bytes }` of a snapshot), `lockTimeoutMs` (default 5000), `connectTimeoutMs`
   * (default 5000), `queryTimeoutMs` (default 30000), `hooks` (tests only: `beforeInsert(sql,
   * rows)`, `beforeCommit(sql)`, with `sql(text, params)` running on the write's connection).
   */
  static async open(url, options = {}) {
    const store = new PostgresStore(url, options);
    try {
      await store.#ready();
    } catch (error) {
      if (!(error instanceof StoreUnreachableError)) {
        await store.close();
        throw error;
      }
    }
    return store;
  }

  /** Whether this store created the database's tables and first snapshot (and its first keys). */
  created = false;

  constructor(url, { seed = demoHospital, keys = [], lockTimeoutMs = 5000, connectTimeoutMs = 5000, queryTimeoutMs = 30_000, hooks = {} } = {}) {
    this.#url = url;
    this.#options = { seed, keys, lockTimeoutMs, connectTimeoutMs, queryTimeoutMs, hooks };
    this.#description = describeUrl(url);
  }

  describe() {
    return this.#description;
  }

  where(kind, revision) {
    return kind === "snapshot" ? `table snapshot, revision ${revision}` : `table changes, revision ${revision}`;
  }

  // -------------------------------------------------------------------------------------------
  // The connection.

  async #connection() {
    if (this.#client !== null) return this.#client;
    if (this.#connecting === null) {
      this.#connecting = (async () => {
        const client = new pg.Client({
          connectionString: this.#url,
          types,
          application_name: "dr-schedule",
          connectionTimeoutMillis: this.#options.connectTimeoutMs,
          query_timeout: this.#options.queryTimeoutMs,
        });
        // A connection that breaks between queries (PostgreSQL restarting) emits `error`: drop it.
        const drop = () => {
          if (this.#client === client) this.#client = null;
        };
        client.on("error", drop);
        client.on("end", drop);
        try {
          await client.connect();
        } catch (error) {
          client.end().catch(() => {});
          throw this.#translate(error);
        }
        this.#client = client;
        return client;
      })().finally(() => {
        this.#connecting = null;
      });
    }
    return this.#connecting;
  }

  /** The exception a failed query means to the service; drops a broken connection. */
  #translate(error, client = this.#client) {
    if (error instanceof StoreUnreachableError || error instanceof RevisionConflictError || error instanceof StoredDataError || error instanceof StoreBusyError) return error;
    if (isConnectionFailure(error)) {
      if (client !== null && this.#client === client) {
        this.#client = null;
        client.end().catch(() => {});
      }
      return new StoreUnreachableError(`${this.#description}: ${error?.message ?? error}`, { cause: error });
    }
    if (error?.code === "55P03") return new StoreBusyError("the database is busy (the hospital's lock was not obtained within the lock timeout); nothing was changed", { cause: error });
    return error;
  }

  async #query(text, values, client) {
    const c = client ?? (await this.#connection());
    try {
      return await c.query(text, values);
    } catch (error) {
      throw this.#translate(error, c);
    }
  }

  /** Connects and creates the tables, once. */
  async #ready() {
    if (this.#initialized) return this.#client ?? this.#connection();
    const client = await this.#connection();
    try {
      // The schema the connection's search_path names is created if it does not exist.
      const current = (await client.query("SELECT current_schema() AS s, current_setting('search_path') AS p")).rows[0];
      if (current.s === null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(current.p)) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${current.p}`).catch((error) => {
          // Another process created it at the same instant.
          if (error?.code !== "42P06" && error?.code !== "23505") throw error;
        });
      }
      await client.query("BEGIN");
      // Processes starting at once on a new database: one creates the tables, the others wait.
      await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.dr_schedule'))");
      await client.query(`
        CREATE TABLE IF NOT EXISTS dr_schedule (
          id int PRIMARY KEY CHECK (id = 1),
          schema_version int NOT NULL,
          created timestamptz NOT NULL DEFAULT now()
        )`);
      const version = (await client.query("SELECT schema_version FROM dr_schedule WHERE id = 1")).rows[0]?.schema_version;
      if (version > SCHEMA_VERSION) {
        throw new StoredDataError("schemaNewer", `the database schema version ${version} of the ${this.#description} is newer than this server's ${SCHEMA_VERSION}`, {
          recovery: "Run the dr-schedule server version that wrote it, or restore the database from a backup.",
        });
      }
      await client.query(`
        CREATE TABLE IF NOT EXISTS snapshot (
          revision bigint PRIMARY KEY,
          bytes bigint NOT NULL,
          chunks int NOT NULL
        );
        CREATE TABLE IF NOT EXISTS snapshot_chunks (
          revision bigint NOT NULL,
          seq int NOT NULL,
          data bytea NOT NULL,
          PRIMARY KEY (revision, seq)
        );
        CREATE TABLE IF NOT EXISTS changes (
          revision bigint PRIMARY KEY,
          record text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS keys (
          seq bigserial UNIQUE,
          id text PRIMARY KEY,
          hash text NOT NULL,
          roles text NOT NULL,
          label text,
          salt text NOT NULL,
          created text NOT NULL,
          created_by text,
          revoked text,
          revoked_by text,
          rotated text
        );
        CREATE TABLE IF NOT EXISTS key_state (
          id int PRIMARY KEY CHECK (id = 1),
          version bigint NOT NULL
        );
        INSERT INTO key_state (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
        INSERT INTO dr_schedule (id, schema_version) VALUES (1, ${SCHEMA_VERSION}) ON CONFLICT (id) DO NOTHING;
        UPDATE dr_schedule SET schema_version = ${SCHEMA_VERSION} WHERE id = 1 AND schema_version < ${SCHEMA_VERSION};
      `);
      if ((await client.query("SELECT 1 FROM snapshot LIMIT 1")).rows.length === 0) {
        const first = this.#options.seed();
        let revision = first.revision;
        let bytes = first.bytes;
        if (!(bytes instanceof Uint8Array)) {
          try {
            bytes = first.toSnapshotBytes();
          } finally {
            first.free();
          }
        }
        let seq = 0;
        for (let offset = 0; offset < bytes.length; offset += POSTGRES_CHUNK_BYTES, seq++) {
          await client.query("INSERT INTO snapshot_chunks (revision, seq, data) VALUES ($1, $2, $3)", [revision, seq, Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(POSTGRES_CHUNK_BYTES, bytes.length - offset))]);
        }
        await client.query("INSERT INTO snapshot (revision, bytes, chunks) VALUES ($1, $2, $3)", [revision, bytes.length, seq]);
        for (const row of this.#options.keys) await client.query(SAVE_KEY_SQL, keyValues(row));
        if (this.#options.keys.length > 0) await client.query("UPDATE key_state SET version = $1 WHERE id = 1", [this.#options.keys.length]);
        this.created = true;
      }
      await client.query("COMMIT");
      this.#initialized = true;
      return client;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw this.#translate(error, client);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reads and writes.

  /** The view of one transaction on `client`; `prefetched` answers the first changesAfter. */
  #view(client, prefetched, { checkConsistency }) {
    const query = (text, values) => this.#query(text, values, client);
    let snapshotRead = null;
    let sawRows = false;
    return {
      /** Whether this transaction read any change row or snapshot. */
      sawRows: () => sawRows,
      loadSnapshot: async () => {
        const row = (await query("SELECT revision, bytes, chunks FROM snapshot ORDER BY revision DESC LIMIT 1")).rows[0];
        if (row === undefined) {
          throw new StoredDataError("snapshotMissing", `the ${this.#description} has no snapshot (table snapshot is empty)`, { recovery: "Restore the database from a backup." });
        }
        const chunks = (await query("SELECT data FROM snapshot_chunks WHERE revision = $1 ORDER BY seq", [row.revision])).rows;
        const bytes = Buffer.concat(chunks.map((c) => c.data));
        if (chunks.length !== row.chunks || bytes.length !== row.bytes) {
          // In a write (READ COMMITTED), a compactor may have dropped it between two statements.
          if (checkConsistency) throw new RevisionConflictError(row.revision);
          throw new StoredDataError("snapshotIncomplete", `the snapshot (table snapshot, revision ${row.revision}) has ${chunks.length} of its ${row.chunks} chunks (${bytes.length} of ${row.bytes} bytes) in table snapshot_chunks`, {
            revision: row.revision,
            recovery: "Restore the database from a backup.",
          });
        }
        snapshotRead = row.revision;
        sawRows = true;
        return { revision: row.revision, bytes };
      },
      changesAfter: async (revision, limit) => {
        if (prefetched?.rows !== undefined && prefetched.after === revision && prefetched.limit === limit) {
          const { rows } = prefetched;
          prefetched.rows = undefined;
          if (rows.length > 0) sawRows = true;
          return rows;
        }
        const { rows } = await query(changesAfterSql(revision, limit));
        if (rows.length > 0) sawRows = true;
        if (checkConsistency && snapshotRead === revision && rows.length > 0 && rows[0].revision !== revision + 1) throw new RevisionConflictError(revision + 1);
        return rows;
      },
      keysVersion: async () => {
        if (prefetched?.keysVersion !== undefined) {
          const { keysVersion } = prefetched;
          prefetched.keysVersion = undefined;
          return keysVersion;
        }
        return (await query(KEYS_VERSION_SQL)).rows[0].version;
      },
      loadKeys: async () => {
        const version = (await query(KEYS_VERSION_SQL)).rows[0].version;
        const { rows } = await query(`SELECT ${KEY_COLUMNS.join(", ")} FROM keys ORDER BY seq`);
        return { version, rows: rows.map(keyFromColumns) };
      },
      head: async () => {
        if (prefetched?.head !== undefined) return prefetched.head;
        return (await query(HEAD_SQL)).rows[0].head;
      },
      catchUpCost: async (revision) => {
        const { rows } = await query(
          `SELECT (SELECT coalesce(sum(octet_length(record)), 0) FROM changes WHERE revision > $1) AS log,
                  s.bytes, (SELECT coalesce(sum(octet_length(record)), 0) FROM changes WHERE revision > s.revision) AS after
             FROM (SELECT revision, bytes FROM snapshot ORDER BY revision DESC LIMIT 1) s`,
          [revision],
        );
        const row = rows[0] ?? { log: 0, bytes: 0, after: 0 };
        return { logBytes: Number(row.log), snapshotBytes: Number(row.bytes), snapshotLogBytes: Number(row.after) };
      },
    };
  }

  async read(fn, { after, limit } = {}) {
    const client = await this.#ready();
    const prefetch = after === undefined ? "" : `; ${changesAfterSql(after, limit)}; ${HEAD_SQL}; ${KEYS_VERSION_SQL}`;
    const results = await this.#query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY${prefetch}`, undefined, client);
    try {
      const prefetched = after === undefined ? null : { after, limit, rows: results[1].rows, head: results[2].rows[0].head, keysVersion: results[3].rows[0].version };
      const view = this.#view(client, prefetched, { checkConsistency: false });
      const result = await fn(view);
      // Rows read may be another process's, committed but not yet flushed: wait for the flush.
      await this.#query(view.sawRows() ? `COMMIT; ${FLUSH_BARRIER}` : "COMMIT", undefined, client);
      return result;
    } catch (error) {
      await this.#rollback(client);
      throw this.#translate(error, client);
    }
  }

  async write(fn, { after, limit } = {}) {
    const client = await this.#ready();
    const prefetch = after === undefined ? "" : `; ${changesAfterSql(after, limit)}; ${HEAD_SQL}; ${KEYS_VERSION_SQL}`;
    const lockTimeout = Math.max(1, Math.floor(this.#options.lockTimeoutMs));
    const results = await this.#query(
      `BEGIN; SET LOCAL lock_timeout = ${lockTimeout}; SELECT set_config('synchronous_commit', 'off', true); SELECT 1 FROM dr_schedule WHERE id = 1 FOR UPDATE${prefetch}`,
      undefined,
      client,
    ).catch(async (error) => {
      await this.#rollback(client);
      throw error;
    });
    const pending = [];
    const sql = (text, values) => this.#query(text, values, client);
    try {
      // The head as of the lock: nothing can be stored after it until this transaction ends.
      const prefetched = after === undefined ? null : { after, limit, rows: results[4].rows, head: results[5].rows[0].head, keysVersion: results[6].rows[0].version };
      const view = this.#view(client, prefetched, { checkConsistency: true });
      const tx = {
        ...view,
        append: async (rows) => {
          await this.#options.hooks.beforeInsert?.(sql, rows);
          pending.push(...rows);
        },
        // Rare (an admin's key change): statements of their own, inside the transaction.
        saveKeys: async (rows, version) => {
          for (const row of rows) await sql(SAVE_KEY_SQL, keyValues(row));
          await sql("UPDATE key_state SET version = $1 WHERE id = 1", [version]);
        },
      };
      const result = await fn(tx);
      await this.#options.hooks.beforeCommit?.(sql);
      // The INSERT and the COMMIT in one round trip; the records as literals (escapeLiteral).
      // The INSERT, the COMMIT (asynchronous: the lock is free at once) and the flush barrier
      // in one round trip; the barrier is needed when this batch stored rows or read some.
      let text = "COMMIT";
      if (pending.length > 0) {
        const values = pending.map(({ revision, record }) => {
          if (!Number.isSafeInteger(revision)) throw new TypeError(`bad revision ${revision}`);
          return `(${revision}, ${client.escapeLiteral(record)})`;
        });
        text = `INSERT INTO changes (revision, record) VALUES ${values.join(", ")}; COMMIT`;
      }
      if (pending.length > 0 || view.sawRows()) text += `; ${FLUSH_BARRIER}`;
      try {
        await client.query(text);
      } catch (error) {
        if (error?.code === "23505") throw new RevisionConflictError(pending[0].revision, { cause: error });
        throw error;
      }
      return result;
    } catch (error) {
      await this.#rollback(client);
      throw this.#translate(error, client);
    }
  }

  async #rollback(client) {
    if (this.#client !== client) return;
    try {
      await client.query("ROLLBACK");
    } catch (error) {
      this.#translate(error, client);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Compaction (../service/compaction.mjs): each call is a statement or a short transaction.

  async compactionState() {
    await this.#ready();
    const { rows } = await this.#query(
      `SELECT s.revision, s.bytes,
              (SELECT coalesce(sum(octet_length(record)), 0) FROM changes WHERE revision > s.revision) AS log,
              greatest(s.revision, (SELECT max(revision) FROM changes)) AS head
         FROM (SELECT coalesce(max(revision), 0) AS revision, coalesce((SELECT bytes FROM snapshot ORDER BY revision DESC LIMIT 1), 0) AS bytes FROM snapshot) s`,
    );
    const row = rows[0];
    return { snapshotRevision: row.revision, snapshotBytes: row.bytes, logBytes: Number(row.log), head: row.head };
  }

  /** Takes the compaction lease (a session advisory lock): one compactor per database at a time. */
  async tryCompactionLease() {
    await this.#ready();
    const { rows } = await this.#query("SELECT pg_try_advisory_lock(hashtext(current_schema() || '.dr_schedule.compaction')) AS ok");
    return rows[0].ok === true;
  }

  async releaseCompactionLease() {
    await this.#query("SELECT pg_advisory_unlock(hashtext(current_schema() || '.dr_schedule.compaction'))");
  }

  async writeSnapshotChunk(revision, seq, bytes) {
    await this.#ready();
    await this.#query(
      "INSERT INTO snapshot_chunks (revision, seq, data) VALUES ($1, $2, $3) ON CONFLICT (revision, seq) DO UPDATE SET data = EXCLUDED.data",
      [revision, seq, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)],
    );
  }

  async publishSnapshot(revision, bytes, chunks) {
    await this.#ready();
    const { rows } = await this.#query(
      `WITH newest AS (SELECT coalesce(max(revision), 0) AS revision FROM snapshot)
       INSERT INTO snapshot (revision, bytes, chunks)
       SELECT $1::bigint, $2::bigint, $3::int FROM newest
        WHERE $1::bigint > newest.revision AND (SELECT count(*) FROM snapshot_chunks WHERE revision = $1::bigint) = $3::int
       RETURNING (SELECT revision FROM newest) AS previous`,
      [revision, bytes, chunks],
    );
    if (rows.length === 1) return { published: true, previous: rows[0].previous };
    const newest = (await this.#query("SELECT coalesce(max(revision), 0) AS revision FROM snapshot")).rows[0].revision;
    return { published: false, previous: newest };
  }

  async discardSnapshot(revision) {
    await this.#query("DELETE FROM snapshot_chunks WHERE revision = $1 AND NOT EXISTS (SELECT 1 FROM snapshot WHERE revision = $1)", [revision]);
  }

  async pruneChanges(upTo, step) {
    const oldest = (await this.#query("SELECT min(revision) AS r FROM changes")).rows[0].r;
    if (oldest === null) return;
    for (let from = oldest - 1; from < upTo; from += step) {
      await this.#query("DELETE FROM changes WHERE revision > $1 AND revision <= $2", [from, Math.min(upTo, from + step)]);
    }
  }

  async dropSnapshotsBefore(revision) {
    const { rows } = await this.#query("DELETE FROM snapshot WHERE revision < $1 RETURNING revision, chunks", [revision]);
    for (const old of rows) {
      for (let seq = 0; seq < old.chunks; seq += 16) await this.#query("DELETE FROM snapshot_chunks WHERE revision = $1 AND seq < $2", [old.revision, seq + 16]);
    }
    // Chunks of snapshots that were never published (a compactor that died mid-way).
    await this.#query("DELETE FROM snapshot_chunks WHERE revision < $1 AND revision NOT IN (SELECT revision FROM snapshot)", [revision]);
  }

  async checkpoint() {}

  /** The newest snapshot's revision and the rows in table `changes` (for tests). */
  async stats() {
    const { rows } = await this.#query("SELECT coalesce((SELECT max(revision) FROM snapshot), 0) AS s, (SELECT count(*) FROM changes) AS c");
    return { snapshotRevision: rows[0].s, changeRows: rows[0].c };
  }

  async close() {
    const client = this.#client;
    this.#client = null;
    if (client !== null) await client.end().catch(() => {});
  }
}
