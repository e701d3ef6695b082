// Many hospitals in one Node server process, served under /hospitals/{name}/… (the Worker's
// convention), each in a database of its own, so that one can be backed up, moved or deleted
// alone. Where they are stored is a backend's:
//   - SqliteHospitals (DR_SCHEDULE_DATA_DIR): one SQLite file each in the data directory,
//     `<name>.sqlite`;
//   - PostgresHospitals (postgres-store.mjs; the server on DR_SCHEDULE_DATABASE_URL): one schema
//     each in that database, `hospital_<name>`, their stores sharing one pool of connections.
// A backend has `exists(name)`, `open(name)` (the hospital's store; never a new database),
// `create(name, { seed, keys })`, `remove(name)`, `describe(name)` and `close()`; each may
// return a promise. The rest is this registry's, the same for both:
//
// - A hospital loads on its first request (its store opened, its service built from it)
//   and is evicted when the loaded ones pass `maxLoaded` or their bytes (the package's
//   snapshotBytes of each, which bounds what it holds) pass `budgetBytes`: least recently used
//   first, and only one whose queue is empty. A write is acknowledged after its commit, so an
//   idle hospital has nothing in memory that is not on disk: evicting it loses nothing.
// - Compaction runs in each hospital's own queue, between its batches (the Worker's way): a
//   tenant is small, and a thread per tenant would not be.
// - Creating and deleting are the operator's (http.mjs): `create(name)` makes the database with
//   an empty hospital and its first key, `remove(name)` closes it and deletes the database (the
//   file, its WAL and its marker; the schema).
// - Several processes may serve one data directory or one PostgreSQL database: a name that is
//   not loaded is looked up in the backend on each request (a hospital another process created
//   loads), keys are checked against the store at every batch (a key another process revoked
//   fails), and a loaded hospital whose database is gone or was made again (another process
//   deleted it) is closed and looked up again (`reopen`, from http.mjs).
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Hospital } from "dr-schedule";
import { HOSPITAL_NAME } from "../service/auth.mjs";
import { HospitalService, consoleLog } from "../service/hospital-service.mjs";
import { StoredDataError } from "../service/storage.mjs";
import { SqliteStore, markerPath } from "./store.mjs";

export const TENANT_DEFAULTS = Object.freeze({ maxLoaded: 1000, budgetBytes: 512 * 1024 * 1024 });

/** The hospitals of a data directory: one SQLite file each, `<name>.sqlite`. */
export class SqliteHospitals {
  kind = "sqlite";
  #dir;

  constructor(dir) {
    this.#dir = dir;
  }

  /** The file of hospital `name` (a valid name: auth.mjs's HOSPITAL_NAME). */
  path(name) {
    return join(this.#dir, `${name}.sqlite`);
  }

  describe(name) {
    return `SQLite file ${this.path(name)}`;
  }

  exists(name) {
    return existsSync(this.path(name));
  }

  open(name) {
    return SqliteStore.open(this.path(name), {
      seed: () => {
        throw new StoredDataError("databaseMissing", `hospital ${name}'s database is empty`, { recovery: "Delete the hospital and create it again." });
      },
    });
  }

  create(name, { seed, keys }) {
    if (this.exists(name)) return false;
    // A marker left by a deleted hospital of that name does not stop a new one.
    rmSync(markerPath(this.path(name)), { force: true });
    SqliteStore.open(this.path(name), { seed, keys }).close();
    return true;
  }

  remove(name) {
    if (!this.exists(name)) return false;
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${this.path(name)}${suffix}`, { force: true });
    rmSync(markerPath(this.path(name)), { force: true });
    return true;
  }

  close() {}
}

export class Tenants {
  #hospitals;
  #maxLoaded;
  #budgetBytes;
  #log;
  #compaction;
  /** name → { store, service } in the order of last use (a Map keeps insertion order). */
  #loaded = new Map();
  /** name → Promise of the entry being loaded. */
  #loading = new Map();
  /** The most hospitals loaded at once, for tests and the log. */
  peakLoaded = 0;
  evictions = 0;

  /**
   * `hospitals`: the backend (SqliteHospitals, PostgresHospitals); `dir` is short for
   * `new SqliteHospitals(dir)`.
   */
  constructor({ hospitals, dir, maxLoaded = TENANT_DEFAULTS.maxLoaded, budgetBytes = TENANT_DEFAULTS.budgetBytes, compaction = {}, log = consoleLog }) {
    this.#hospitals = hospitals ?? new SqliteHospitals(dir);
    this.#maxLoaded = maxLoaded;
    this.#budgetBytes = budgetBytes;
    this.#compaction = compaction;
    this.#log = log;
  }

  /** Where the hospitals are stored: SqliteHospitals or PostgresHospitals. */
  get hospitals() {
    return this.#hospitals;
  }

  /** Whether hospital `name` exists (in the backend: maybe made by another process). */
  async exists(name) {
    return HOSPITAL_NAME.test(name) && (await this.#hospitals.exists(name));
  }

  get loadedCount() {
    return this.#loaded.size;
  }

  /**
   * The service of hospital `name`, loading it if needed, held for one request: it is not
   * evicted until `release()` is called (a request between its authentication and its answer
   * must find its hospital open). Resolves `{ service, release }`, or null if there is no such
   * hospital. Rejects with StoreUnreachableError when the backend cannot be asked.
   */
  async acquire(name) {
    let entry = this.#loaded.get(name);
    if (entry !== undefined) {
      this.#loaded.delete(name);
      this.#loaded.set(name, entry);
    } else {
      if (!(await this.exists(name))) return null;
      // Loaded meanwhile by another request.
      if (this.#loaded.has(name)) return this.acquire(name);
      let loading = this.#loading.get(name);
      if (loading === undefined) {
        loading = this.#load(name).finally(() => this.#loading.delete(name));
        this.#loading.set(name, loading);
      }
      entry = await loading;
      if (entry === null) return null;
      if (entry.closed) return this.acquire(name);
    }
    entry.holds += 1;
    let released = false;
    return {
      service: entry.service,
      release: () => {
        if (released) return;
        released = true;
        entry.holds -= 1;
        if (entry.holds === 0) this.#evict(null).catch((error) => this.#log.error("evicting hospitals failed:", error));
      },
    };
  }

  async #load(name) {
    // Never a new database here: only create() makes one.
    let store;
    try {
      store = await this.#hospitals.open(name);
    } catch (error) {
      // Deleted (by another process) since it was looked up: no such hospital.
      if (error instanceof StoredDataError && error.reason === "databaseMissing" && !(await this.exists(name))) return null;
      throw error;
    }
    const service = await new HospitalService({ store, compaction: this.#compaction, seedApi: false, log: this.#log }).open();
    const entry = { store, service, holds: 0, closed: false };
    this.#loaded.set(name, entry);
    this.peakLoaded = Math.max(this.peakLoaded, this.#loaded.size);
    await this.#evict(name);
    return entry;
  }

  /**
   * Closes the least recently used hospitals that no request holds and whose queue is empty
   * (never `keep`) until within both limits; when every one is held, the limits are passed for
   * as long as the requests last.
   */
  async #evict(keep) {
    const over = () => {
      if (this.#loaded.size > this.#maxLoaded) return true;
      let bytes = 0;
      for (const { service } of this.#loaded.values()) bytes += service.sizeBytes;
      return bytes > this.#budgetBytes;
    };
    while (over()) {
      const victim = [...this.#loaded].find(([name, entry]) => name !== keep && entry.holds === 0 && entry.service.idle);
      if (victim === undefined) return;
      const [name, entry] = victim;
      this.#loaded.delete(name);
      entry.closed = true;
      this.evictions += 1;
      await entry.service.close();
      await entry.store.close();
    }
  }

  /** Closes hospital `name` if it is loaded (after its loading, if under way). */
  async #unload(name) {
    const pending = this.#loading.get(name);
    if (pending !== undefined) await pending.catch(() => {});
    const entry = this.#loaded.get(name);
    if (entry === undefined) return;
    this.#loaded.delete(name);
    entry.closed = true;
    await entry.service.close();
    await entry.store.close();
  }

  /**
   * After a request to hospital `name` was answered 503 because its database is gone or was
   * replaced (another process deleted it, or deleted it and created it again): closes the
   * loaded one (if another request or a deletion has not already), so that the next acquire
   * looks the name up afresh.
   */
  async reopen(name, service) {
    const entry = this.#loaded.get(name);
    if (entry !== undefined && entry.service === service) await this.#unload(name);
  }

  /**
   * Creates hospital `name` with an empty hospital (or `seed()`: a Hospital or `{ revision,
   * bytes }`) and `keys` (rows, as auth.mjs makes them) in one transaction. Resolves false if it
   * exists.
   */
  async create(name, keys, { seed = () => new Hospital() } = {}) {
    if (!HOSPITAL_NAME.test(name)) throw new RangeError(`bad hospital name ${JSON.stringify(name)}`);
    return this.#hospitals.create(name, { seed, keys });
  }

  /** Deletes hospital `name`: closed, then its database deleted. Resolves false if there was none. */
  async remove(name) {
    if (!HOSPITAL_NAME.test(name)) return false;
    await this.#unload(name);
    return this.#hospitals.remove(name);
  }

  /** Closes every loaded hospital, and the backend (its connections). */
  async close() {
    for (const [name, { store, service }] of this.#loaded) {
      this.#loaded.delete(name);
      await service.close();
      await store.close();
    }
    await this.#hospitals.close();
  }
}
