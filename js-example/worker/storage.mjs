// A Hospital persisted in a Durable Object's SQLite storage (`ctx.storage.sql`): the latest
// snapshot, cut into chunks, and the change records of the mutations after it.
//
//   snapshot_chunks(seq INTEGER PRIMARY KEY, bytes BLOB)    the snapshot's UTF-8, in order
//   changes(revision INTEGER PRIMARY KEY, record TEXT)       one row per mutation after it
//
// SQLite-backed Durable Objects cap a row (and a string or BLOB) at 2 MB, and a snapshot may be
// hundreds of MB, so it is stored as chunks of at most `chunkBytes` (1 MiB by default); a
// change record is a few hundred bytes (tens of KB at most, for a doctor with 100 locations).
// Every write runs in one transaction: a booking appends its change record; every
// `snapshotEvery` changes the snapshot is rewritten and the change rows it covers are dropped.
// The object is the only writer of its storage, so nothing here needs to catch up with anyone.
import { Hospital } from "dr-schedule";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

export class HospitalStorage {
  #storage;
  #sql;
  #snapshotEvery;
  #chunkBytes;
  /** The revision of the stored snapshot (0 when there is none). */
  #snapshotRevision = 0;

  /**
   * @param storage the Durable Object's `ctx.storage` (SQLite-backed)
   * @param options `snapshotEvery`: changes between snapshots; `chunkBytes`: largest chunk
   */
  constructor(storage, { snapshotEvery, chunkBytes }) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#snapshotEvery = snapshotEvery;
    this.#chunkBytes = chunkBytes;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS snapshot_chunks (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL)`);
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS changes (revision INTEGER PRIMARY KEY, record TEXT NOT NULL)`);
  }

  /** The stored hospital: the snapshot (an empty hospital if none), then the changes after it. */
  load() {
    const chunks = this.#sql.exec(`SELECT bytes FROM snapshot_chunks ORDER BY seq`).toArray();
    let hospital;
    if (chunks.length === 0) {
      hospital = new Hospital();
    } else {
      const bytes = new Uint8Array(chunks.reduce((size, row) => size + row.bytes.byteLength, 0));
      let offset = 0;
      for (const { bytes: chunk } of chunks) {
        bytes.set(new Uint8Array(chunk), offset);
        offset += chunk.byteLength;
      }
      hospital = Hospital.fromSnapshot(fromUtf8.decode(bytes));
    }
    this.#snapshotRevision = hospital.revision;
    const rows = this.#sql.exec(`SELECT record FROM changes WHERE revision > ? ORDER BY revision`, hospital.revision);
    // One record per call: applyChanges of a batch works on a copy of the whole hospital.
    for (const { record } of rows) hospital.applyChanges([JSON.parse(record)]);
    return hospital;
  }

  /**
   * Stores the mutations of `hospital` after revision `before`, in one transaction, with a new
   * snapshot when `snapshotEvery` changes have piled up since the last one. Throws if storage
   * fails; then nothing was stored and the caller must reload.
   */
  save(hospital, before) {
    const changes = hospital.changesSince(before);
    this.#storage.transactionSync(() => {
      for (const change of changes) {
        this.#sql.exec(`INSERT INTO changes (revision, record) VALUES (?, ?)`, change.revision, JSON.stringify(change));
      }
      if (hospital.revision - this.#snapshotRevision >= this.#snapshotEvery) this.#writeSnapshot(hospital);
    });
  }

  #writeSnapshot(hospital) {
    const bytes = utf8.encode(hospital.toSnapshot());
    this.#sql.exec(`DELETE FROM snapshot_chunks`);
    for (let seq = 0, offset = 0; offset < bytes.length; seq += 1, offset += this.#chunkBytes) {
      this.#sql.exec(`INSERT INTO snapshot_chunks (seq, bytes) VALUES (?, ?)`, seq, bytes.subarray(offset, offset + this.#chunkBytes));
    }
    this.#sql.exec(`DELETE FROM changes WHERE revision <= ?`, hospital.revision);
    this.#snapshotRevision = hospital.revision;
  }
}
