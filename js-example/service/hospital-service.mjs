// One stored hospital behind the REST API: the storage rules and the order of requests, written
// once for the Node server (a SQLite file several processes may share) and the Durable Object
// (its own SQLite storage). The store is any object of the interface in storage.mjs; every
// storage call is awaited, so an asynchronous store fits as well as the two synchronous ones.
//
// The store is the truth; the service keeps a Hospital in memory as a cache of it.
//
// Order. Requests of the hospital run one batch at a time, first come first served, from one
// queue: consecutive reads form one batch (one catch-up serves them all), consecutive writes
// another (one storage transaction, one commit for all: group commit, when requests arrive
// while the previous commit is under way). So:
//   - mutations are serialised: each is computed on the state the previous one left;
//   - an answer to a write is sent only after the commit that stored it is durable;
//   - a read never sees a mutation that is not committed: it runs before the write batch
//     started or after its commit (or its rollback and rebuild).
//
// Catching up. When the store is shared (`store.shared`), before every batch the service
// applies the change rows stored after its own revision, one `applyChanges` call each (a
// single change applies in place; a batch would be applied on a copy of the whole hospital),
// or reloads snapshot and rows when they do not follow on (dropped behind a newer snapshot).
// A process that lags by more than `catchUpRows` rows takes the cheaper way by bytes: the rows
// after its revision, or the newest snapshot and the rows after it.
// For writes this happens inside the store's write lock, and the change rows are inserted under
// their revision as key: a write is conditional on the revision it was computed from.
//
// Snapshots are never written on the request path: a write stores its change records, O(1) in
// the size of the hospital. Compaction (compaction.mjs: when the log after the newest snapshot
// has grown to a fraction of the snapshot's bytes) runs elsewhere: in a worker thread that keeps
// its own Hospital (`compactor`, the Node server), or, for a store without threads (the Durable
// Object), between two batches of the queue (`compaction: "inline"`). The service only counts
// the bytes of the change records it stores or applies and asks the compactor when they pass the
// threshold; the compactor checks the store itself before it writes anything.
//
// Failures, decided by the error, never by the status it maps to:
//   - A HospitalError is an answer (the engine changes nothing on a failed call); a read never
//     reloads for one.
//   - INSTANCE_FAILED, or an exception that is not a HospitalError (the engine, or this code,
//     failed unexpectedly): memory may be wrong, so it is rebuilt from the store; a write batch
//     is rolled back and its other requests run again.
//   - A storage failure during a write (commit refused, disk full, the file gone): memory holds
//     mutations the store does not, so it is rebuilt from the store; nothing is acknowledged.
//   - A revision conflict (another process stored that revision first): rebuild, and run the
//     batch once more.
//   - Stored data that cannot make a hospital (a snapshot the package refuses, a change row that
//     does not apply, a missing database, a hospital over the server's budget): the service does
//     not crash; every request is answered 503 HOSPITAL_UNAVAILABLE, the log says what is wrong,
//     where, and how to recover, and a load is tried again at most every `retryLoadMs`.
//
// Keys. The hospital's keys (auth.mjs) are stored beside it and loaded with it, in the same read,
// into an immutable Keyring. A request comes with the key the gateway verified against the
// keyring of that moment; when its batch runs, after the catch-up (which reloads the keys when the
// store's count of key changes moved: another process revoked or rotated one), a request whose
// keyring is no longer the current one is verified again. So a revoked key fails from the first
// batch that starts after the revocation's commit, in every process. Key changes are stored in
// the batch's transaction, like change records. Every change a request makes carries its key's
// id as its `actor`.
import { Hospital } from "dr-schedule";
import { errorResponse, execute, isHospitalError, resolve, unauthenticated } from "./api.mjs";
import { Keyring, MAX_KEYS, MAX_LABEL_BYTES, checkRoles, publicKey } from "./auth.mjs";
import { DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_PERCENT, compactNow, compactionThreshold } from "./compaction.mjs";
import { RevisionConflictError, StoreBusyError, StoreUnavailableError, StoreUnreachableError, StoredDataError } from "./storage.mjs";

/** Runs `fn` after the pending I/O callbacks: setImmediate in Node; workerd has only setTimeout. */
const afterIo = typeof setImmediate === "function" ? setImmediate : (fn) => setTimeout(fn, 0);

/** A lag of more rows than this is caught up the cheaper way by bytes (rows or snapshot). */
export const DEFAULT_CATCH_UP_ROWS = 256;
/** How long after a failed compaction the next one is tried. */
export const COMPACTION_RETRY_MS = 5000;
/** How soon a hospital that could not be loaded because the database was unreachable is tried again. */
export const UNREACHABLE_RETRY_MS = 250;
/**
 * The records of rows[from..to) as the JSON text of one array, for `applyChanges`, which reads
 * the text in the engine: no JSON.parse of each record, and no walk of the objects it makes.
 */
function recordsText(rows, from, to) {
  let text = "[";
  for (let i = from; i < to; i++) text += i === from ? rows[i].record : `,${rows[i].record}`;
  return `${text}]`;
}

/** Rows in groups of at most GROUP_ROWS rows and about GROUP_CHARS characters: [from, to) pairs. */
function* groups(rows) {
  let from = 0;
  let chars = 0;
  for (let i = 0; i < rows.length; i++) {
    chars += rows[i].record.length;
    if (i + 1 - from >= GROUP_ROWS || chars >= GROUP_CHARS) {
      yield [from, i + 1];
      from = i + 1;
      chars = 0;
    }
  }
  if (from < rows.length) yield [from, rows.length];
}

/** A load applies the change rows after the snapshot this many at a time (one engine call each). */
const GROUP_ROWS = 2000;
const GROUP_CHARS = 1 << 20;

/** The most requests one batch (one transaction, one commit) holds. */
export const DEFAULT_MAX_BATCH = 64;
/** How long an unloadable hospital is left alone before the next try. */
export const DEFAULT_RETRY_LOAD_MS = 10_000;

/** Log lines: `[dr-schedule] …` on stderr, errors with their stack. */
export const consoleLog = Object.freeze({
  info: (message) => console.log(`[dr-schedule] ${message}`),
  warn: (message) => console.error(`[dr-schedule] ${message}`),
  error: (message, error) => console.error(`[dr-schedule] ${new Date().toISOString()} ${message}`, ...(error === undefined ? [] : [error])),
});

function describeError(error) {
  if (isHospitalError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A failure of one request inside a batch that makes memory suspect. */
class SuspectMemory extends Error {
  constructor(task, outcome) {
    super("memory is suspect");
    this.task = task;
    this.outcome = outcome;
  }
}

/**
 * One queued request: `exec(hospital, context)` runs it; `finish(outcome)` or `fail(error)`
 * answers it. `principal` is the key it came with (null for tools and tests).
 */
class Task {
  constructor(kind, exec, finish, fail, principal = null) {
    this.kind = kind;
    this.exec = exec;
    this.finish = finish;
    this.fail = fail;
    this.principal = principal;
  }
}

/** The 401 of a request whose key was revoked or rotated after it arrived. */
const KEY_GONE = { response: unauthenticated("the key was revoked or rotated", { reason: "revoked" }) };

/**
 * The keys of a batch, as api.mjs's keys routes see them (`context.keys`): the current keyring
 * plus what earlier requests of the batch changed, which the batch stores when it commits.
 */
class KeyEditor {
  checkRoles = checkRoles;
  maxLabelBytes = MAX_LABEL_BYTES;
  maxKeys;
  view = publicKey;
  changed = new Map();

  constructor(keyring, maxKeys) {
    this.keyring = keyring;
    this.maxKeys = maxKeys;
  }

  get(id) {
    return this.changed.get(id) ?? this.keyring.byId.get(id);
  }

  get size() {
    let added = 0;
    for (const id of this.changed.keys()) if (!this.keyring.byId.has(id)) added += 1;
    return this.keyring.rows.length + added;
  }

  list() {
    if (this.changed.size === 0) return this.keyring.rows;
    return [...this.keyring.rows.map((row) => this.changed.get(row.id) ?? row), ...[...this.changed.values()].filter((row) => !this.keyring.byId.has(row.id))];
  }

  put(row) {
    this.changed.set(row.id, row);
  }
}

export class HospitalService {
  #store;
  #hospital = null;
  /** The hospital's keys as last loaded or stored (null until loaded). */
  #keyring = null;
  /** The actor set on #hospital (so that it is set only when it changes). */
  #actor = null;
  #maxSnapshotBytes;
  #maxKeys;
  #overBudgetRecovery;
  /** Why there is no hospital: `{ error, retryAt }`, or null. */
  #unavailable = null;
  #compaction;
  #compactor;
  #catchUpRows;
  #maxBatch;
  #retryLoadMs;
  #seedApi;
  #log;
  #now;
  #queue = [];
  #running = false;
  #draining = null;
  #closed = false;
  /** Counters for tests and the curious: loads from the store, commits, batches, catch-ups (reads of what others stored). */
  stats = { loads: 0, commits: 0, writeBatches: 0, readBatches: 0, rebuilds: 0, compactions: 0, catchUps: 0, catchUpsFromSnapshot: 0 };
  /** The newest snapshot's size and the bytes of the change records after it, as far as known. */
  #snapshotBytes = 0;
  #logBytes = 0;
  /** The compaction under way (a promise), or null. */
  #compacting = null;

  /**
   * @param options.store the storage adapter (storage.mjs)
   * @param options.compaction `{ percent, minBytes, chunkBytes, pauseMs }` (compaction.mjs), or
   *   false for none (a tool that only reads)
   * @param options.compactor an object `{ request() }` that compacts elsewhere (a worker thread)
   *   and resolves with the store's `compactionState()` afterwards; without one, the service
   *   compacts between two batches of its queue (the Durable Object: no threads)
   * @param options.catchUpRows a lag of more rows is caught up the cheaper way by bytes
   * @param options.maxBatch most requests per batch (default 64)
   * @param options.retryLoadMs least time between two tries to load an unloadable hospital
   * @param options.seedApi whether the seed API's routes exist (the Node server: true)
   * @param options.maxKeys the most keys the hospital stores, revoked ones included (MAX_KEYS)
   * @param options.maxSnapshotBytes the budget the hospital is loaded with (the package's
   *   LoadOptions): a higher one than its snapshot states raises it, a lower one leaves it; a
   *   stored hospital over its budget is not loaded (503 HOSPITAL_UNAVAILABLE, reason
   *   `overBudget`) until the operator raises it; default: the one its snapshot states
   * @param options.overBudgetRecovery `(bytes, limit) => text`: what the log tells the operator
   *   to do about a hospital over the budget
   * @param options.log `{ info, warn, error }` (default: the console)
   */
  constructor({
    store,
    compaction = {},
    compactor = null,
    catchUpRows = DEFAULT_CATCH_UP_ROWS,
    maxBatch = DEFAULT_MAX_BATCH,
    retryLoadMs = DEFAULT_RETRY_LOAD_MS,
    seedApi = true,
    maxKeys = MAX_KEYS,
    maxSnapshotBytes = undefined,
    overBudgetRecovery = (bytes, limit) => `Load it with a budget of at least ${bytes} bytes (it is ${limit}).`,
    log = consoleLog,
    now = Date.now,
  }) {
    if (compaction !== false) {
      const { percent = DEFAULT_COMPACT_PERCENT, minBytes = DEFAULT_COMPACT_MIN_BYTES, chunkBytes = 256 * 1024 } = compaction;
      if (!(percent > 0) || !(minBytes >= 0) || !(chunkBytes >= 1)) throw new RangeError(`bad compaction options ${JSON.stringify(compaction)}`);
      compaction = { ...compaction, percent, minBytes, chunkBytes };
    }
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
    this.#store = store;
    this.#compaction = compaction;
    this.#compactor = compactor;
    this.#catchUpRows = catchUpRows;
    this.#maxBatch = maxBatch;
    this.#retryLoadMs = retryLoadMs;
    this.#seedApi = seedApi;
    this.#maxKeys = maxKeys;
    this.#maxSnapshotBytes = maxSnapshotBytes;
    this.#overBudgetRecovery = overBudgetRecovery;
    this.#log = log;
    this.#now = now;
  }

  /** Loads the hospital. Never throws: if it cannot be loaded, the service answers 503 and says why. */
  async open() {
    await this.#load();
    return this;
  }

  /** The hospital in memory (null while it cannot be loaded). Between requests, it is committed state. */
  get hospital() {
    return this.#hospital;
  }

  get revision() {
    return this.#hospital?.revision;
  }

  /** null, or `{ code, message, details }`: why requests are answered 503. */
  get unavailable() {
    return this.#unavailable === null ? null : this.#failure(this.#unavailable.error).body.error;
  }

  /** The 503 response every request gets while the hospital cannot be served, or null. */
  unavailableResponse() {
    return this.#unavailable === null ? null : this.#failure(this.#unavailable.error);
  }

  /**
   * A read of the queue that does nothing: it loads the hospital if it is not loaded and a load
   * is due (a gateway calls it before answering 503 on the service's behalf). Never rejects.
   */
  probe() {
    return this.#call("read", () => null).then(
      () => {},
      () => {},
    );
  }

  /** The bytes the hospital in memory counts against a budget (its snapshotBytes; 0 when none). O(1). */
  get sizeBytes() {
    try {
      return this.#hospital?.snapshotBytes ?? 0;
    } catch {
      return 0;
    }
  }

  /** Whether nothing is queued, running or compacting: the hospital may be closed without waiting. */
  get idle() {
    return !this.#running && this.#queue.length === 0 && this.#compacting === null;
  }

  /**
   * The stored key `keyId` whose hash is `hash`, if it is live: `{ row, keyring }`, or null.
   * Without a store read once the keys are loaded (they load with the hospital), but for a key
   * this process does not know in a store other processes share: that one is checked again after
   * a catch-up. Rejects with the 503 response when the keys cannot be loaded.
   */
  async authenticate(keyId, hash) {
    if (this.#keyring === null) {
      // A read of the queue loads the hospital and its keys (or says why it cannot).
      await this.#call("read", () => null).catch(() => {});
      if (this.#keyring === null) throw this.#failure(this.#unavailable?.error ?? new StoreUnavailableError("the hospital is not loaded"));
    }
    let row = this.#keyring.verify(keyId, hash);
    if (row === null && this.#store.shared) {
      // Maybe a key another process made since this one last read the store: a read batch
      // catches up (the keys with it), then the key is checked once more.
      await this.#call("read", () => null).catch(() => {});
      row = this.#keyring.verify(keyId, hash);
    }
    return row === null ? null : { row, keyring: this.#keyring };
  }

  /**
   * Answers a request (`{ method, path, query, body, basePath, assignedId, newKey }`, see api.mjs).
   * `route` is the result of `resolve` when the caller already has it (precheck in http.mjs).
   * `principal` is the key the gateway verified, `{ keyId, hash, keyring, mayRead }`, or null (a
   * tool, a test, the operator's first key). Never rejects.
   */
  handle(request, route = resolve(request, { seedApi: this.#seedApi }), principal = null) {
    if (route.error) return Promise.resolve(route.error);
    return new Promise((resolvePromise) => {
      const exec = (h, context) => execute(h, route, request, context);
      const finish = (outcome) => resolvePromise(outcome.response);
      const fail = (error) => resolvePromise(this.#failure(error));
      this.#enqueue(new Task(route.mutates ? "write" : "read", exec, finish, fail, principal));
    });
  }

  /**
   * Runs `fn(hospital)` in the queue as a read (`read`) or a write whose changes are stored
   * before the promise resolves (`write`): for tests and tools. A HospitalError thrown by `fn`
   * rejects the promise and changes nothing; so does any failure of the service.
   */
  read(fn) {
    return this.#call("read", fn);
  }

  write(fn) {
    return this.#call("write", fn);
  }

  #call(kind, fn) {
    return new Promise((resolvePromise, reject) => {
      const exec = (h) => {
        try {
          return { value: fn(h) };
        } catch (error) {
          if (isHospitalError(error)) return { thrown: error, suspect: error.code === "INSTANCE_FAILED" };
          return { error };
        }
      };
      const finish = (outcome) => ("thrown" in outcome ? reject(outcome.thrown) : resolvePromise(outcome.value));
      this.#enqueue(new Task(kind, exec, finish, reject));
    });
  }

  /** Waits for the queued requests, then frees the hospital. Later requests are answered 503. */
  async close() {
    this.#closed = true;
    while (this.#running) await this.#draining;
    await this.#durable();
    await this.#compacting;
    this.#replace(null);
  }

  /** Resolves once the compaction under way (if any) is over: for tests and tools. */
  async compacted() {
    while (this.#compacting !== null) await this.#compacting;
  }

  /** The bytes of the newest snapshot and of the change records after it, as the service counts them. */
  get logStats() {
    return { snapshotBytes: this.#snapshotBytes, logBytes: this.#logBytes };
  }

  // -------------------------------------------------------------------------------------------

  #enqueue(task) {
    if (this.#closed) {
      task.fail(new StoreUnavailableError("the server is shutting down"));
      return;
    }
    this.#queue.push(task);
    if (!this.#running) {
      this.#running = true;
      // The batch starts after the I/O callbacks of this turn of the event loop: requests that
      // arrived together (during the previous batch) are all queued by then and share one
      // transaction and one commit.
      this.#draining = new Promise((resolve) => afterIo(resolve)).then(() => this.#drain());
    }
  }

  /**
   * Runs batches until the queue is empty. `#running` is cleared in the same synchronous step
   * that finds the queue empty, so a request queued right after always starts a new drain.
   */
  async #drain() {
    try {
      while (this.#queue.length > 0) {
        if (this.#hospital === null) {
          await this.#durable();
          if (this.#unavailable === null || this.#now() >= this.#unavailable.retryAt) await this.#load();
          if (this.#hospital === null) {
            // Every queued request would fail the same way.
            const error = this.#unavailable.error;
            for (const task of this.#queue.splice(0)) task.fail(error);
            continue;
          }
        }
        const kind = this.#queue[0].kind;
        // Only writes run before the writes before them are durable: a read never sees, and a
        // compaction never snapshots, what could still be lost.
        if (kind !== "write") await this.#durable();
        if (kind === "compact") {
          await this.#compactInline(this.#queue.shift());
          continue;
        }
        let n = 1;
        while (n < this.#queue.length && n < this.#maxBatch && this.#queue[n].kind === kind) n += 1;
        const batch = this.#queue.splice(0, n);
        if (kind === "read") await this.#runReads(batch);
        else await this.#runWrites(batch);
      }
    } finally {
      // In the same synchronous step as the check that found the queue empty.
      this.#running = false;
    }
  }

  async #runReads(batch) {
    this.stats.readBatches += 1;
    if (this.#store.shared) {
      try {
        await this.#store.read((view) => this.#catchUp(view), { after: this.#hospital.revision, limit: this.#catchUpRows + 1 });
        this.#reachable();
      } catch (error) {
        // Memory is still a committed state (a change applies whole or not at all); only the
        // store could not be read, or what it holds cannot be loaded (then #catchUp has
        // dropped the hospital).
        this.#storeFailed(error);
        for (const task of batch) task.fail(error);
        return;
      }
    }
    const h = this.#hospital;
    const keys = this.#keyring === null ? null : new KeyEditor(this.#keyring, this.#maxKeys);
    for (let i = 0; i < batch.length; i++) {
      const task = batch[i];
      if (!this.#stillValid(task)) {
        task.finish(KEY_GONE);
        continue;
      }
      const outcome = task.exec(h, this.#context(task, keys));
      if (outcome.error !== undefined || outcome.suspect) {
        // The engine failed in a way a HospitalError does not explain: do not keep using it.
        this.#answerSuspect(batch[i], outcome);
        this.#queue.unshift(...batch.slice(i + 1));
        await this.#rebuild();
        return;
      }
      task.finish(outcome);
    }
  }

  /**
   * Whether the key a task came with is still live: it was verified against a keyring that is
   * still the current one, or it verifies against the current one (after another process changed
   * the keys). Tasks without a key are always valid.
   */
  #stillValid(task) {
    const principal = task.principal;
    if (principal === null || principal.operator === true || principal.keyring === this.#keyring) return true;
    if (this.#keyring?.verify(principal.keyId, principal.hash) == null) return false;
    principal.keyring = this.#keyring;
    return true;
  }

  /** What api.mjs's handlers get besides the hospital: the batch's keys, the time, who asks. */
  #context(task, keys) {
    const principal = task.principal;
    return { keys, now: new Date(this.#now()).toISOString(), actor: principal?.keyId ?? null, mayRead: principal === null || principal.mayRead };
  }

  async #runWrites(batch) {
    this.stats.writeBatches += 1;
    for (let attempt = 0; ; attempt++) {
      // Set once the engine has been called: from then on memory may be ahead of the store.
      let touched = false;
      let keys = null;
      try {
        const after = this.#hospital.revision;
        let stored = 0;
        const written = await this.#write(async (tx) => {
          if (this.#store.shared) await this.#catchUp(tx);
          // Writes that arrived while the lock was being taken (an asynchronous store waits for
          // it, behind other processes) join this batch: they share its commit.
          while (batch.length < this.#maxBatch && this.#queue.length > 0 && this.#queue[0].kind === "write") batch.push(this.#queue.shift());
          const h = this.#hospital;
          const base = h.revision;
          const results = [];
          keys = this.#keyring === null ? null : new KeyEditor(this.#keyring, this.#maxKeys);
          for (const task of batch) {
            if (!this.#stillValid(task)) {
              results.push(KEY_GONE);
              continue;
            }
            touched = true;
            const actor = task.principal?.keyId ?? null;
            if (actor !== this.#actor) {
              h.actor = actor;
              this.#actor = actor;
            }
            const outcome = task.exec(h, this.#context(task, keys));
            if (outcome.error !== undefined || outcome.suspect) throw new SuspectMemory(task, outcome);
            results.push(outcome);
          }
          if (h.revision !== base) stored = await this.#persist(tx, h, base);
          if (keys !== null && keys.changed.size > 0) await tx.saveKeys([...keys.changed.values()], this.#keyring.version + 1);
          return results;
        }, { after, limit: this.#catchUpRows + 1 });
        this.stats.commits += 1;
        if (keys !== null && keys.changed.size > 0) this.#keyring = this.#keyring.with([...keys.changed.values()], this.#keyring.version + 1);
        this.#reachable();
        const outcomes = written.result;
        if (written.synced === null) {
          batch.forEach((task, i) => task.finish(outcomes[i]));
        } else {
          // Committed, not yet durable: answered when it is. The next batch may run meanwhile;
          // a read, a load or a compaction waits (#durable).
          this.#syncing = written.synced.then(
            () => batch.forEach((task, i) => task.finish(outcomes[i])),
            (error) => {
              this.#storeFailed(error);
              for (const task of batch) task.fail(error);
            },
          );
        }
        this.#logged(stored);
        return;
      } catch (error) {
        if (touched) await this.#rebuild();
        if (error instanceof SuspectMemory) {
          this.#answerSuspect(error.task, error.outcome);
          // The others were fine but are not stored: they run again, first in line.
          this.#queue.unshift(...batch.filter((task) => task !== error.task));
          return;
        }
        if (error instanceof RevisionConflictError && attempt === 0 && this.#hospital !== null) continue;
        this.#storeFailed(error);
        for (const task of batch) task.fail(error);
        return;
      }
    }
  }

  /**
   * The store's write, as `{ result, synced }`: a store that can tell a commit from its flush
   * to disk (SQLite's writeThenSync) resolves at the commit, with `synced` the flush; any other
   * resolves when the commit is durable, with `synced` null.
   */
  async #write(fn, options) {
    if (typeof this.#store.writeThenSync === "function") return this.#store.writeThenSync(fn, options);
    return { result: await this.#store.write(fn, options), synced: null };
  }

  /** The answers of the last write batch, sent once its commit is durable (never rejects). */
  #syncing = null;

  /** Waits until every write committed so far is durable and answered. */
  async #durable() {
    while (this.#syncing !== null) {
      const syncing = this.#syncing;
      await syncing;
      if (this.#syncing === syncing) this.#syncing = null;
    }
  }

  /** Stores the change records after `base`; resolves with their size in bytes. O(1) in the hospital. */
  async #persist(tx, h, base) {
    let bytes = 0;
    const rows = h.changesSince(base).map((change) => {
      const record = JSON.stringify(change);
      bytes += record.length;
      return { revision: change.revision, record };
    });
    await tx.append(rows);
    return bytes;
  }

  /** Counts `bytes` of change records more after the snapshot; asks for a compaction when due. */
  #logged(bytes) {
    this.#logBytes += bytes;
    if (this.#compaction === false || this.#compacting !== null || this.#closed || this.#now() < this.#compactRetryAt) return;
    if (this.#logBytes < compactionThreshold(this.#snapshotBytes, this.#compaction)) return;
    if (this.#compactor !== null) {
      this.#compacting = this.#compactor
        .request()
        .then((state) => {
          if (state) this.#snapshotKnown(state);
        })
        .catch((error) => this.#compactionFailed(error))
        .finally(() => {
          this.#compacting = null;
        });
    } else {
      // No thread to run it on: a task of its own in the queue, between two batches.
      this.#compacting = new Promise((resolvePromise) => {
        this.#enqueue(new Task("compact", null, resolvePromise, resolvePromise));
      }).finally(() => {
        this.#compacting = null;
      });
    }
  }

  /** What the store says after a compaction: the newest snapshot and the log after it. */
  #snapshotKnown(state) {
    this.#snapshotBytes = state.snapshotBytes;
    this.#logBytes = state.logBytes;
  }

  /** Writes a snapshot of memory, which between batches is committed state (`compaction: "inline"`). */
  async #compactInline(task) {
    try {
      if (this.#hospital === null) return;
      const result = await compactNow(this.#store, this.#hospital, this.#compaction);
      this.stats.compactions += 1;
      this.#snapshotKnown(await this.#store.compactionState());
      task.finish(result);
    } catch (error) {
      this.#compactionFailed(error);
      task.fail(error);
    }
  }

  /** Not before a few seconds have passed is it tried again. */
  #compactRetryAt = 0;
  #compactionFailed(error) {
    this.#compactRetryAt = this.#now() + COMPACTION_RETRY_MS;
    this.#log.error(`compaction failed (requests are not affected; it is tried again in ${COMPACTION_RETRY_MS / 1000} s):`, error);
  }

  /**
   * Brings memory (and the keys) to the store's head, unless the store can tell that no other
   * connection has committed since the last catch-up (SQLite's data_version: then there is
   * nothing to read, and four queries per batch are saved in the common case of one process).
   */
  async #catchUp(view) {
    if (this.#keyring !== null && this.#hospital !== null && view.othersWrote?.() === false) return;
    await this.#follow(view);
    view.caughtUp?.();
  }

  /**
   * Applies the rows after memory's revision (one engine call), or reloads when they do not
   * follow on, when memory is ahead of the store, when a row does not apply, or when the lag is
   * long and the snapshot (plus the rows after it) is fewer bytes than the rows.
   */
  async #follow(view) {
    this.stats.catchUps += 1;
    if (this.#keyring === null || (await view.keysVersion()) !== this.#keyring.version) await this.#loadKeys(view);
    const h = this.#hospital;
    const mine = h.revision;
    let rows = await view.changesAfter(mine, this.#catchUpRows + 1);
    if (rows.length === 0) {
      if ((await view.head()) !== mine) await this.#reload(view);
      return;
    }
    if (rows[0].revision !== mine + 1) {
      await this.#reload(view);
      return;
    }
    if (rows.length > this.#catchUpRows) {
      const cost = await view.catchUpCost(mine);
      if (cost.snapshotBytes + cost.snapshotLogBytes < cost.logBytes) {
        this.stats.catchUpsFromSnapshot += 1;
        await this.#reload(view);
        return;
      }
      rows = await view.changesAfter(mine);
    }
    let bytes = 0;
    try {
      h.applyChanges(recordsText(rows, 0, rows.length));
      for (const row of rows) bytes += row.record.length;
    } catch {
      // Each change applies whole or not at all, but reloading is the safe answer to any
      // surprise (and names the row if it is the stored data that is wrong).
      await this.#reload(view);
      return;
    }
    this.#logged(bytes);
  }

  /** Reloads inside the caller's view; if that fails, the hospital is gone until a load succeeds. */
  async #reload(view) {
    try {
      this.#replace(await this.#build(view));
      this.#unavailable = null;
    } catch (error) {
      this.#setUnavailable(error);
      throw this.#unavailable.error;
    }
  }

  /** Loads from the store in a read of its own; on failure the service answers 503 and logs why. */
  async #load() {
    try {
      const h = await this.#store.read(async (view) => {
        // First, so that the keys are known (and a key can be told from a wrong one) even when
        // the hospital itself cannot be loaded.
        await this.#loadKeys(view);
        return this.#build(view);
      });
      this.#replace(h);
      this.#reachable();
      if (this.#unavailable !== null) this.#log.info(`the hospital loads again (revision ${h.revision}); serving`);
      this.#unavailable = null;
    } catch (error) {
      this.#setUnavailable(error);
    }
  }

  async #loadKeys(view) {
    const { version, rows } = await view.loadKeys();
    this.#keyring = new Keyring(rows, version);
  }

  async #rebuild() {
    this.stats.rebuilds += 1;
    await this.#load();
  }

  /** A Hospital from the store's snapshot and the change rows after it. */
  async #build(view) {
    this.stats.loads += 1;
    const snapshot = await view.loadSnapshot();
    const budget = this.#maxSnapshotBytes === undefined ? undefined : { maxSnapshotBytes: this.#maxSnapshotBytes };
    let h;
    if (snapshot === null) {
      h = new Hospital(budget);
    } else {
      try {
        h = Hospital.fromSnapshot(snapshot.bytes, budget);
      } catch (error) {
        if (isHospitalError(error) && error.code === "HOSPITAL_FULL") throw this.#overBudget(error, `its snapshot (${this.#store.where("snapshot", snapshot.revision)})`, snapshot.revision, snapshot.bytes.length);
        const newer = isHospitalError(error) && error.code === "UNSUPPORTED_VERSION";
        throw new StoredDataError("snapshotRefused", `the snapshot (${this.#store.where("snapshot", snapshot.revision)}) is refused: ${describeError(error)}`, {
          revision: snapshot.revision,
          cause: error,
          recovery: newer
            ? "It was written by a newer dr-schedule: run that version again, or restore the database from a backup."
            : "Restore the database from a backup; a snapshot the package refuses cannot be repaired here.",
        });
      }
    }
    let logBytes = 0;
    try {
      const rows = await view.changesAfter(h.revision);
      for (const row of rows) logBytes += row.record.length;
      for (const [from, to] of groups(rows)) {
        try {
          h.applyChanges(recordsText(rows, from, to));
          continue;
        } catch {
          // All or nothing: the group left the hospital as it was. Row by row, the refused one
          // is named below.
        }
        for (let i = from; i < to; i++) {
          const row = rows[i];
          try {
            h.applyChanges(recordsText(rows, i, i + 1));
          } catch (error) {
            if (isHospitalError(error) && error.code === "HOSPITAL_FULL") throw this.#overBudget(error, `the change record ${this.#store.where("change", row.revision)}`, row.revision);
            throw new StoredDataError("changeRefused", `the change record ${this.#store.where("change", row.revision)} does not apply: ${describeError(error)}`, {
              revision: row.revision,
              cause: error,
              recovery:
                `Restore the database from a backup; or give up this change and every later one by deleting them ` +
                `(SQLite: DELETE FROM changes WHERE revision >= ${row.revision}), which loses those changes.`,
            });
          }
        }
      }
    } catch (error) {
      this.#free(h);
      throw error;
    }
    this.#snapshotBytes = snapshot?.bytes.length ?? 0;
    this.#logBytes = logBytes;
    return h;
  }

  /** The hospital is larger than this server lets it be: only the operator can raise the budget. */
  #overBudget(error, what, revision, storedBytes = 0) {
    const { current, limit, requested = 0 } = error.details ?? {};
    // The loader stops at the first byte over the budget, so `current` is only where it stopped:
    // the whole snapshot's length is known, and a quarter more leaves room for the changes after it.
    const bytes = Math.ceil(Math.max(current ?? 0, (current ?? 0) + requested, storedBytes) * 1.25);
    return new StoredDataError("overBudget", `the hospital is over this server's budget of ${limit} bytes at ${what} (${error.message})`, {
      revision,
      cause: error,
      recovery: this.#overBudgetRecovery(bytes, limit),
    });
  }

  #setUnavailable(error) {
    const previous = this.#unavailable?.error;
    const wrapped =
      error instanceof StoredDataError || error instanceof StoreUnavailableError || error instanceof StoreUnreachableError
        ? error
        : new StoredDataError("storageFailed", `reading ${this.#store.describe()} failed: ${describeError(error)}`, {
            cause: error,
            recovery: "Check the storage (disk, permissions); the load is tried again on a later request.",
          });
    this.#replace(null);
    const transient = wrapped instanceof StoreUnreachableError;
    this.#unavailable = { error: wrapped, retryAt: this.#now() + (transient ? UNREACHABLE_RETRY_MS : this.#retryLoadMs) };
    if (transient) {
      this.#unreachable(wrapped);
      return;
    }
    if (previous === undefined || previous.message !== wrapped.message) {
      const answer = wrapped instanceof StoreUnavailableError ? "STORE_UNAVAILABLE" : transient ? "STORE_UNREACHABLE" : "HOSPITAL_UNAVAILABLE";
      this.#log.error(
        `cannot serve the hospital of ${this.#store.describe()}: ${wrapped.message}. ` +
          `${wrapped.recovery ? `${wrapped.recovery} ` : ""}Until then every hospital route answers 503 ${answer}.`,
      );
    }
  }

  /** Answers the request after which memory is rebuilt: its own answer, or 500 INTERNAL. */
  #answerSuspect(task, outcome) {
    if (outcome.error !== undefined) {
      this.#log.error("internal error (the hospital is rebuilt from storage):", outcome.error);
      task.fail(outcome.error);
    } else {
      this.#log.error(`the engine failed (${outcome.response?.body?.error?.code ?? "INSTANCE_FAILED"}); the hospital is rebuilt from storage`);
      task.finish(outcome);
    }
  }

  /**
   * After a batch failed in the store: a store whose data is gone makes the service unavailable
   * (logged once, not once per request); a busy store or unloadable data is already said; any
   * other failure is logged with its stack.
   */
  #storeFailed(error) {
    if (error instanceof StoreUnavailableError) this.#setUnavailable(error);
    else if (error instanceof StoreUnreachableError) this.#unreachable(error);
    else if (!(error instanceof StoreBusyError || error instanceof StoredDataError)) this.#log.error("internal error:", error);
  }

  /** Logs an unreachable database once per outage (the store says when it is back). */
  #unreachableSince = null;
  #unreachable(error) {
    if (this.#unreachableSince !== null) return;
    this.#unreachableSince = this.#now();
    this.#log.error(`${this.#store.describe()} cannot be reached: ${error.message}. Requests are answered 503 STORE_UNREACHABLE until it is back.`);
  }

  #reachable() {
    if (this.#unreachableSince === null) return;
    this.#log.info(`${this.#store.describe()} is reachable again after ${this.#now() - this.#unreachableSince} ms`);
    this.#unreachableSince = null;
  }

  /** The response for a request that failed for a reason other than its own. */
  #failure(error) {
    if (error instanceof StoreBusyError) return errorResponse("STORE_BUSY", error.message, {}, { "retry-after": "1" });
    if (error instanceof StoreUnreachableError) {
      return errorResponse(
        "STORE_UNREACHABLE",
        "the database cannot be reached; nothing was acknowledged (a write whose commit was under way may have been stored: retry it with the same requestId)",
        {},
        { "retry-after": "1" },
      );
    }
    if (error instanceof StoreUnavailableError) {
      return errorResponse("STORE_UNAVAILABLE", "the hospital's storage is gone, was replaced or could not flush to disk, or the server is stopping; this request was not acknowledged (retry a booking with the same requestId after a restart); see the server log", {});
    }
    if (error instanceof StoredDataError) {
      const details = { reason: error.reason };
      if (error.revision !== undefined) details.revision = error.revision;
      if (isHospitalError(error.cause)) details.cause = error.cause.code;
      const retryAt = this.#unavailable?.retryAt ?? this.#now();
      return errorResponse("HOSPITAL_UNAVAILABLE", `the stored hospital cannot be loaded (${error.reason}); the server log says why and how to recover`, details, {
        "retry-after": String(Math.max(1, Math.ceil((retryAt - this.#now()) / 1000))),
      });
    }
    if (isHospitalError(error)) return errorResponse(error.code, error.message, error.details ?? {});
    return errorResponse("INTERNAL", "internal error (see the server log); nothing was stored", {});
  }

  #replace(h) {
    const old = this.#hospital;
    this.#hospital = h;
    this.#actor = null;
    if (old !== null && old !== h) this.#free(old);
  }

  #free(h) {
    try {
      h.free();
    } catch {
      // A Hospital of a trapped instance cannot be freed; it is garbage either way.
    }
  }
}
