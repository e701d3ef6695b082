// The Durable Object's store: one hospital in the object's SQLite storage (`ctx.storage.sql`).
// It implements the storage interface of ../service/storage.mjs; the rules (compaction by
// bytes, pruning, what a failure means) are ../service/hospital-service.mjs's and
// ../service/compaction.mjs's. What is the object's is here:
//
//   snapshot_chunks(seq INTEGER PRIMARY KEY, bytes BLOB)    the snapshot's UTF-8, in order
//   changes(revision INTEGER PRIMARY KEY, record TEXT)       one row per mutation
//   keys(id PRIMARY KEY, hash, roles, …)                     the hospital's API keys (hashes only)
//   key_state(id = 1, version)                               the count of changes to them
//
// - SQLite-backed Durable Objects cap a row (and a string or BLOB) at 2 MB, and a snapshot may
//   be hundreds of MB, so it is stored as chunks of at most SNAPSHOT_CHUNK_BYTES (1 MiB by default); a
//   change record is a few hundred bytes (tens of KB at most, for a doctor with 100 locations).
// - The object is the only writer of its storage (`shared = false`): nothing needs catching up.
// - Compaction runs in the object between two batches of requests (there are no threads): the
//   snapshot's chunks are collected, then replace the old snapshot in one `transactionSync`
//   (an edge hospital is small: its `toSnapshot()` takes milliseconds).
// - Reads never write: the tables are created by the first write, so a hospital name that was
//   only ever read stores nothing at all (reading checks `sqlite_master`, which writes nothing).
// - A write's statements are collected while the service runs the batch, then executed in one
//   `transactionSync` at commit. The object's output gate holds every answer until that write
//   is durable, so nothing is acknowledged before it is stored.
// - A hospital the operator creates with options (a time zone) starts from the snapshot of an
//   empty hospital with them (`seed`), stored in the same transaction as its first key.
import { KEY_COLUMNS, keyFromColumns, keyValues } from "../service/storage.mjs";

const fromUtf8 = new TextDecoder("utf-8", { fatal: true });
const SAVE_KEY =
  `INSERT INTO keys (${KEY_COLUMNS.join(", ")}) VALUES (${KEY_COLUMNS.map(() => "?").join(", ")}) ` +
  `ON CONFLICT (id) DO UPDATE SET ${KEY_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}`;

export class DurableStore {
  shared = false;
  #storage;
  #sql;
  /** Whether the tables exist (checked once, then known: only this object creates them). */
  #hasTables;
  /** The revision of the stored snapshot (0 when there is none), known once read. */
  #snapshotRevision;

  /**
   * The snapshot a hospital being created starts from (the bytes of an empty hospital with the
   * options the operator gave), until its first write stores it, or null: read as the stored
   * snapshot, and stored in the transaction of that first write (the first key's), so that the
   * hospital and its options exist together or not at all.
   */
  #seed;

  /**
   * @param storage the Durable Object's `ctx.storage` (SQLite-backed)
   * @param options.seed the snapshot (bytes, revision 0) of a hospital being created, or null
   */
  constructor(storage, { seed = null } = {}) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#seed = seed;
  }

  describe() {
    return "the Durable Object's storage";
  }

  /** Whether the hospital was created (it has keys): reads only. */
  exists() {
    return this.#view.keysVersion() > 0;
  }

  /** Deletes everything the object stores: the hospital is gone. */
  async deleteAll() {
    await this.#storage.deleteAll();
    this.#hasTables = undefined;
    this.#hasKeyTables = undefined;
    this.#snapshotRevision = undefined;
    this.#snapshotBytes = undefined;
    this.#pending = null;
    this.#seed = null;
  }

  where(kind, revision) {
    return kind === "snapshot" ? `table snapshot_chunks, revision ${revision}` : `table changes, revision ${revision}`;
  }

  /** Whether the tables exist; an object stored by a version without keys has all but those. */
  #tables() {
    if (this.#hasTables === undefined) {
      const names = this.#sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('snapshot_chunks', 'changes', 'keys', 'key_state')`).toArray();
      this.#hasTables = names.filter((row) => row.name === "snapshot_chunks" || row.name === "changes").length === 2;
      this.#hasKeyTables = names.some((row) => row.name === "key_state");
    }
    return this.#hasTables;
  }

  #keyTables() {
    this.#tables();
    return this.#hasKeyTables;
  }

  #hasKeyTables;

  #view = {
    keysVersion: () => (this.#keyTables() ? this.#sql.exec(`SELECT version FROM key_state WHERE id = 1`).one().version : 0),
    loadKeys: () => {
      if (!this.#keyTables()) return { version: 0, rows: [] };
      return { version: this.#view.keysVersion(), rows: this.#sql.exec(`SELECT ${KEY_COLUMNS.join(", ")} FROM keys ORDER BY rowid`).toArray().map(keyFromColumns) };
    },
    loadSnapshot: () => {
      if (this.#seed !== null) return this.#seeded();
      if (!this.#tables()) return null;
      const chunks = this.#sql.exec(`SELECT bytes FROM snapshot_chunks ORDER BY seq`).toArray();
      if (chunks.length === 0) {
        this.#snapshotRevision = 0;
        return null;
      }
      const bytes = new Uint8Array(chunks.reduce((size, row) => size + row.bytes.byteLength, 0));
      let offset = 0;
      for (const { bytes: chunk } of chunks) {
        bytes.set(new Uint8Array(chunk), offset);
        offset += chunk.byteLength;
      }
      // The snapshot's own revision, near its start (`{"format":…,"version":…,"revision":N,…`),
      // read without parsing it all; 0 if it is not there (the package then refuses it).
      const revision = Number(/"revision":(\d+)/.exec(fromUtf8.decode(bytes.subarray(0, 100)).replace(/\uFFFD/g, ""))?.[1] ?? 0);
      this.#snapshotRevision = revision;
      this.#snapshotBytes = bytes.length;
      return { revision, bytes };
    },
    snapshotRevision: () => {
      if (this.#snapshotRevision === undefined) this.#view.loadSnapshot();
      return this.#snapshotRevision ?? 0;
    },
    changesAfter: (revision, limit) => {
      if (!this.#tables()) return [];
      if (limit !== undefined) return this.#sql.exec(`SELECT revision, record FROM changes WHERE revision > ? ORDER BY revision LIMIT ?`, revision, limit).toArray();
      return this.#sql.exec(`SELECT revision, record FROM changes WHERE revision > ? ORDER BY revision`, revision).toArray();
    },
    catchUpCost: (revision) => ({ logBytes: this.#logBytes(revision), snapshotBytes: this.#snapshotSize(), snapshotLogBytes: this.#logBytes(this.#view.snapshotRevision()) }),
    head: () => {
      if (!this.#tables()) return 0;
      const [row] = this.#sql.exec(`SELECT max(revision) AS head FROM changes`).toArray();
      return Math.max(this.#view.snapshotRevision(), row.head ?? 0);
    },
  };

  /** The seed as the stored snapshot: revision 0 (a new hospital's). */
  #seeded() {
    this.#snapshotRevision = 0;
    this.#snapshotBytes = this.#seed.length;
    return { revision: 0, bytes: this.#seed };
  }

  /** The snapshot's size in bytes, known once read (0 when there is none). */
  #snapshotBytes;

  #snapshotSize() {
    if (this.#snapshotBytes === undefined) {
      if (!this.#tables()) return 0;
      const [row] = this.#sql.exec(`SELECT coalesce(sum(length(bytes)), 0) AS n FROM snapshot_chunks`).toArray();
      this.#snapshotBytes = row.n;
    }
    return this.#snapshotBytes;
  }

  #logBytes(revision) {
    if (!this.#tables()) return 0;
    const [row] = this.#sql.exec(`SELECT coalesce(sum(length(CAST(record AS BLOB))), 0) AS n FROM changes WHERE revision > ?`, revision).toArray();
    return row.n;
  }

  read(fn) {
    return fn(this.#view);
  }

  #transaction(statements) {
    this.#storage.transactionSync(() => {
      if (!this.#tables()) {
        this.#sql.exec(`CREATE TABLE IF NOT EXISTS snapshot_chunks (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL)`);
        this.#sql.exec(`CREATE TABLE IF NOT EXISTS changes (revision INTEGER PRIMARY KEY, record TEXT NOT NULL)`);
      }
      if (!this.#keyTables()) {
        this.#sql.exec(
          `CREATE TABLE IF NOT EXISTS keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL, roles TEXT NOT NULL, label TEXT, salt TEXT NOT NULL, created TEXT NOT NULL, created_by TEXT, revoked TEXT, revoked_by TEXT, rotated TEXT)`,
        );
        this.#sql.exec(`CREATE TABLE IF NOT EXISTS key_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
        this.#sql.exec(`INSERT OR IGNORE INTO key_state (id, version) VALUES (1, 0)`);
      }
      // An empty hospital's snapshot is a few hundred bytes: one chunk.
      if (this.#seed !== null) this.#sql.exec(`INSERT INTO snapshot_chunks (seq, bytes) VALUES (0, ?)`, this.#seed);
      for (const [query, ...bindings] of statements) this.#sql.exec(query, ...bindings);
    });
    this.#hasTables = true;
    this.#hasKeyTables = true;
    if (this.#seed !== null) {
      this.#snapshotRevision = 0;
      this.#snapshotBytes = this.#seed.length;
      this.#seed = null;
    }
  }

  async write(fn) {
    const statements = [];
    const tx = {
      ...this.#view,
      append: (rows) => {
        for (const { revision, record } of rows) statements.push([`INSERT INTO changes (revision, record) VALUES (?, ?)`, revision, record]);
      },
      saveKeys: (rows, version) => {
        for (const row of rows) statements.push([SAVE_KEY, ...keyValues(row)]);
        statements.push([`UPDATE key_state SET version = ? WHERE id = 1`, version]);
      },
    };
    const result = await fn(tx);
    if (statements.length > 0) this.#transaction(statements);
    return result;
  }

  // Compaction (../service/compaction.mjs): the chunks are collected and replace the old
  // snapshot in one transaction when published.
  #pending = null;

  compactionState() {
    const snapshotRevision = this.#view.snapshotRevision();
    return { snapshotRevision, snapshotBytes: this.#snapshotSize(), logBytes: this.#logBytes(snapshotRevision), head: this.#view.head() };
  }

  writeSnapshotChunk(revision, seq, bytes) {
    if (this.#pending?.revision !== revision) this.#pending = { revision, chunks: [] };
    this.#pending.chunks[seq] = bytes.slice();
  }

  publishSnapshot(revision, bytes, chunks) {
    const previous = this.#view.snapshotRevision();
    const pending = this.#pending;
    this.#pending = null;
    if (revision <= previous || pending?.revision !== revision || pending.chunks.length !== chunks) return { published: false, previous };
    this.#transaction([[`DELETE FROM snapshot_chunks`], ...pending.chunks.map((chunk, seq) => [`INSERT INTO snapshot_chunks (seq, bytes) VALUES (?, ?)`, seq, chunk])]);
    this.#snapshotRevision = revision;
    this.#snapshotBytes = bytes;
    return { published: true, previous };
  }

  discardSnapshot() {
    this.#pending = null;
  }

  pruneChanges(upTo) {
    this.#transaction([[`DELETE FROM changes WHERE revision <= ?`, upTo]]);
  }

  dropSnapshotsBefore() {}

  checkpoint() {}

  close() {}
}
