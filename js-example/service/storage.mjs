// The storage interface of hospital-service.mjs, and the failures a store reports. Two adapters
// implement it: ../server/store.mjs (a SQLite file that several processes may share) and
// ../worker/storage.mjs (a Durable Object's SQLite storage, one writer). Every method may return
// a promise, so that a store whose driver is asynchronous (PostgreSQL) fits the same service.
//
// A store holds one hospital as a snapshot (JSON text and its revision) and the change records
// of the mutations after it (one per revision, `changes` in both adapters):
//
//   store.shared                 true when other processes may write the same data, so the
//                                service catches up before every request (SQLite); false
//                                when this object is the only writer (a Durable Object)
//   store.describe()             where the data lives, for log lines ("SQLite file /x/y.sqlite")
//   store.where(kind, revision)  where one stored item lives, for log lines: kind "snapshot" or
//                                "change" ("…, table changes, revision 7")
//   store.read(fn)               runs fn(view) on one consistent state of the store; resolves
//                                with fn's result
//   store.write(fn)              runs fn(tx) holding the hospital's write lock, then commits;
//                                resolves with fn's result only once the commit is durable;
//                                if fn throws (or rejects) nothing of it is stored
//   store.close()
//
//   view.loadSnapshot()          { revision, text } or null when nothing was ever stored
//   view.snapshotRevision()      the stored snapshot's revision (0 when there is none)
//   view.changesAfter(revision)  [{ revision, record }] in order, `record` the JSON text
//   view.head()                  the newest stored revision (snapshot or change), 0 if none
//   tx.append(rows)              stores [{ revision, record }]; a revision that is already
//                                stored throws RevisionConflictError: writes are conditional
//                                on the revision they were computed from
//   tx.writeSnapshot(revision, text)
//   tx.prune(revision)           drops the change rows up to and including `revision`
//
// A store throws StoreBusyError when it cannot take the write lock in time (nothing changed)
// and StoreUnavailableError when its data is gone (a deleted or replaced file): then it must
// not acknowledge anything, before or after a commit. Any other exception is a failure of the
// storage itself (disk full, I/O error).

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
  return { shared: false, describe: () => description, where: () => "", read: refuse, write: refuse, close() {} };
}
