// The storage interface of hospital-service.mjs, and the failures a store reports. Three adapters
// implement it: ../server/store.mjs (a SQLite file that several processes may share),
// ../server/postgres-store.mjs (a PostgreSQL database that several processes on several machines
// may share) and ../worker/storage.mjs (a Durable Object's SQLite storage, one writer). Every
// method may return a promise, so that an asynchronous driver (PostgreSQL) fits the same service.
//
// A store holds one hospital as a snapshot (bytes: today the package's JSON text in UTF-8) and
// the change records of the mutations after it (one per revision, table `changes` in all three):
//
//   store.shared                 true when other processes may write the same data, so the
//                                service catches up before every request (SQLite, PostgreSQL);
//                                false when this object is the only writer (a Durable Object)
//   store.describe()             where the data lives, for log lines ("SQLite file /x/y.sqlite")
//   store.where(kind, revision)  where one stored item lives, for log lines: kind "snapshot" or
//                                "change" ("…, table changes, revision 7")
//   store.read(fn, { after })    runs fn(view) on one consistent state of the store; resolves
//                                with fn's result. `after` (optional) is the revision the caller
//                                will ask changesAfter for first: a store may fetch those rows
//                                in the same round trip as it begins
//   store.write(fn, { after })   runs fn(tx) holding the hospital's write lock, then commits;
//                                resolves with fn's result only once the commit is durable;
//                                if fn throws (or rejects) nothing of it is stored
//   store.close()
//
//   view.loadSnapshot()          { revision, bytes (Uint8Array) } or null when nothing was ever
//                                stored
//   view.changesAfter(revision, limit?)
//                                [{ revision, record }] in order (at most `limit`), `record` the
//                                JSON text
//   view.head()                  the newest stored revision (snapshot or change), 0 if none
//   view.catchUpCost(revision)   { logBytes, snapshotBytes, snapshotLogBytes }: the bytes of the
//                                change records after `revision`, of the newest snapshot, and of
//                                the records after that snapshot (to choose how to catch up)
//   view.othersWrote()           optional: false when no other connection has committed since
//                                the last view.caughtUp() of this store object (SQLite:
//                                PRAGMA data_version), so the service has nothing to catch up on;
//                                a store without it is always caught up from the table
//   view.caughtUp()              optional: the service has brought memory to this view's state
//   tx.append(rows)              stores [{ revision, record }]; a revision that is already
//                                stored throws RevisionConflictError: writes are conditional
//                                on the revision they were computed from
//
// Beside the hospital, its API keys (../service/auth.mjs: rows of `{ id, hash, roles, label,
// salt, created, createdBy, revoked, revokedBy, rotated }`, never a secret), in table `keys`,
// and a count of the changes made to them (`keys_version`), which a process that shares the
// store compares at every batch to see another's revocation at once:
//
//   view.keysVersion()           the count of key changes stored
//   view.loadKeys()              { version, rows } in the order they were made
//   tx.saveKeys(rows, version)   stores the rows (new ones, or replacing those of their id) and
//                                sets the count to `version`
//
// A store that creates its database (a first start, a new hospital) stores its first snapshot
// (`seed`) and its first keys (`keys`, rows) in the same transaction, and says so: `store.created`.
//
// Compaction, off the request path (compaction.mjs runs it, in a worker thread for the Node
// server): each call is a short transaction of its own, so that it interleaves with writes.
//
//   store.compactionState()      { snapshotRevision, snapshotBytes, logBytes, head }
//   store.writeSnapshotChunk(revision, seq, bytes)   one chunk of a snapshot not yet published
//   store.publishSnapshot(revision, bytes, chunks)   makes it the newest snapshot if it is newer
//                                than the newest one and all its chunks are there; resolves
//                                { published, previous } (`previous`: the revision it replaced)
//   store.discardSnapshot(revision)                  drops the chunks of an unpublished one
//   store.pruneChanges(upTo, step)                   drops change rows <= upTo, `step` at a time
//   store.dropSnapshotsBefore(revision)              drops older snapshots, a chunk range at a time
//   store.checkpoint()           lets the store tidy up after a compaction (SQLite: a WAL
//                                checkpoint, passive then restart); may do nothing
//
// A store throws StoreBusyError when it cannot take the write lock in time (nothing changed),
// StoreUnavailableError when its data is gone (a deleted or replaced file): then it must not
// acknowledge anything, before or after a commit; and StoreUnreachableError when the database
// server cannot be reached or the connection broke (PostgreSQL): nothing is acknowledged, and
// the next request tries again. Any other exception is a failure of the storage itself (disk
// full, I/O error).

/** The columns of table `keys`, in every store. */
export const KEY_COLUMNS = Object.freeze(["id", "hash", "roles", "label", "salt", "created", "created_by", "revoked", "revoked_by", "rotated"]);

/** A key row (auth.mjs) as the values of KEY_COLUMNS; roles as comma-separated text. */
export function keyValues(row) {
  return [row.id, row.hash, row.roles.join(","), row.label, row.salt, row.created, row.createdBy, row.revoked, row.revokedBy, row.rotated];
}

/** A key row from a database row with the columns of KEY_COLUMNS. */
export function keyFromColumns(record) {
  return {
    id: record.id,
    hash: record.hash,
    roles: record.roles.split(","),
    label: record.label ?? null,
    salt: record.salt,
    created: record.created,
    createdBy: record.created_by ?? null,
    revoked: record.revoked ?? null,
    revokedBy: record.revoked_by ?? null,
    rotated: record.rotated ?? null,
  };
}

/** The write lock was not obtained in time; nothing changed. Answered 503 STORE_BUSY. */
export class StoreBusyError extends Error {
  constructor(message = "the database is busy (write lock not obtained within the busy timeout); nothing was changed", options) {
    super(message, options);
    this.name = "StoreBusyError";
  }
}

/**
 * The stored data is gone or replaced; nothing is acknowledged. Answered 503 STORE_UNAVAILABLE.
 * `recovery` says what the operator can do, for the log.
 */
export class StoreUnavailableError extends Error {
  constructor(message, { recovery, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "StoreUnavailableError";
    this.recovery = recovery;
  }
}

/**
 * The database server cannot be reached, or the connection broke (a restart, a network fault).
 * Nothing was acknowledged; a request whose commit was under way when the connection broke may
 * have been stored (retrying it with the same `requestId` is safe). Answered 503
 * STORE_UNREACHABLE; the next request connects again.
 */
export class StoreUnreachableError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "StoreUnreachableError";
  }
}

/** Someone else stored that revision first: the write was computed on a stale hospital. */
export class RevisionConflictError extends Error {
  constructor(revision, options) {
    super(`revision ${revision} is already stored`, options);
    this.name = "RevisionConflictError";
    this.revision = revision;
  }
}

/**
 * The stored data cannot make a hospital: a snapshot the package refuses, a change row that does
 * not apply, a database that should exist and does not. `reason` is a stable word for
 * `details.reason`; the message says what and where, `recovery` what the operator can do.
 */
export class StoredDataError extends Error {
  constructor(reason, message, { recovery, revision, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "StoredDataError";
    this.reason = reason;
    this.recovery = recovery;
    this.revision = revision;
  }
}

/** A store that cannot be used (a database that is missing): every call throws `error`. */
export function unavailableStore(error, description) {
  const refuse = async () => {
    throw error;
  };
  return { shared: false, created: false, describe: () => description, where: () => "", read: refuse, write: refuse, compactionState: refuse, close() {} };
}
