// The Durable Object's store: one hospital in the object's SQLite storage (`ctx.storage.sql`).
// It implements the storage interface of ../service/storage.mjs; the rules (snapshots,
// pruning, what a failure means) are ../service/hospital-service.mjs's. What is the object's is
// here:
//
//   snapshot_chunks(seq INTEGER PRIMARY KEY, bytes BLOB)    the snapshot's UTF-8, in order
//   changes(revision INTEGER PRIMARY KEY, record TEXT)       one row per mutation
//
// - SQLite-backed Durable Objects cap a row (and a string or BLOB) at 2 MB, and a snapshot may
//   be hundreds of MB, so it is stored as chunks of at most `chunkBytes` (1 MiB by default); a
//   change record is a few hundred bytes (tens of KB at most, for a doctor with 100 locations).
// - The object is the only writer of its storage (`shared = false`): nothing needs catching up.
// - Reads never write: the tables are created by the first write, so a hospital name that was
//   only ever read stores nothing at all (reading checks `sqlite_master`, which writes nothing).
// - A write's statements are collected while the service runs the batch, then executed in one
//   `transactionSync` at commit. The object's output gate holds every answer until that write
//   is durable, so nothing is acknowledged before it is stored.
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

export class DurableStore {
  shared = false;
  #storage;
  #sql;
  #chunkBytes;
  /** Whether the tables exist (checked once, then known: only this object creates them). */
  #hasTables;
  /** The revision of the stored snapshot (0 when there is none), known once read. */
  #snapshotRevision;

  /**
   * @param storage the Durable Object's `ctx.storage` (SQLite-backed)
   * @param options `chunkBytes`: largest snapshot chunk
   */
  constructor(storage, { chunkBytes }) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#chunkBytes = chunkBytes;
  }

  describe() {
    return "the Durable Object's storage";
  }

  where(kind, revision) {
    return kind === "snapshot" ? `table snapshot_chunks, revision ${revision}` : `table changes, revision ${revision}`;
  }

  #tables() {
    if (this.#hasTables === undefined) {
      const names = this.#sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('snapshot_chunks', 'changes')`).toArray();
      this.#hasTables = names.length === 2;
    }
    return this.#hasTables;
  }

  #view = {
    loadSnapshot: () => {
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
      const text = fromUtf8.decode(bytes);
      // The snapshot's own revision, near its start (`{"format":…,"version":…,"revision":N,…`),
      // read without parsing it all; 0 if it is not there (the package then refuses the text).
      const revision = Number(/"revision":(\d+)/.exec(text.slice(0, 100))?.[1] ?? 0);
      this.#snapshotRevision = revision;
      return { revision, text };
    },
    snapshotRevision: () => {
      if (this.#snapshotRevision === undefined) this.#view.loadSnapshot();
      return this.#snapshotRevision ?? 0;
    },
    changesAfter: (revision) => {
      if (!this.#tables()) return [];
      return this.#sql.exec(`SELECT revision, record FROM changes WHERE revision > ? ORDER BY revision`, revision).toArray();
    },
    head: () => {
      if (!this.#tables()) return 0;
      const [row] = this.#sql.exec(`SELECT max(revision) AS head FROM changes`).toArray();
      return Math.max(this.#view.snapshotRevision(), row.head ?? 0);
    },
  };

  read(fn) {
    return fn(this.#view);
  }

  async write(fn) {
    const statements = [];
    let snapshotRevision;
    const tx = {
      ...this.#view,
      snapshotRevision: () => this.#view.snapshotRevision(),
      append: (rows) => {
        for (const { revision, record } of rows) statements.push([`INSERT INTO changes (revision, record) VALUES (?, ?)`, revision, record]);
      },
      writeSnapshot: (revision, text) => {
        const bytes = utf8.encode(text);
        statements.push([`DELETE FROM snapshot_chunks`]);
        for (let seq = 0, offset = 0; offset < bytes.length; seq += 1, offset += this.#chunkBytes) {
          statements.push([`INSERT INTO snapshot_chunks (seq, bytes) VALUES (?, ?)`, seq, bytes.subarray(offset, offset + this.#chunkBytes)]);
        }
        snapshotRevision = revision;
      },
      prune: (revision) => {
        statements.push([`DELETE FROM changes WHERE revision <= ?`, revision]);
      },
    };
    const result = await fn(tx);
    if (statements.length > 0) {
      this.#storage.transactionSync(() => {
        if (!this.#tables()) {
          this.#sql.exec(`CREATE TABLE IF NOT EXISTS snapshot_chunks (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL)`);
          this.#sql.exec(`CREATE TABLE IF NOT EXISTS changes (revision INTEGER PRIMARY KEY, record TEXT NOT NULL)`);
        }
        for (const [query, ...bindings] of statements) this.#sql.exec(query, ...bindings);
      });
      this.#hasTables = true;
      if (snapshotRevision !== undefined) this.#snapshotRevision = snapshotRevision;
    }
    return result;
  }

  close() {}
}
