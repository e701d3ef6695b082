// Many hospitals in one Node server process (DR_SCHEDULE_DATA_DIR): each its own SQLite file in
// the data directory, `<name>.sqlite`, so that one can be backed up, moved or deleted alone,
// served under /hospitals/{name}/… (the Worker's convention).
//
// - A hospital loads on its first request (its store opened, its service built from the file)
//   and is evicted when the loaded ones pass `maxLoaded` or their bytes (the package's
//   snapshotBytes of each, which bounds what it holds) pass `budgetBytes`: least recently used
//   first, and only one whose queue is empty. A write is acknowledged after its commit, so an
//   idle hospital has nothing in memory that is not on disk: evicting it loses nothing.
// - Compaction runs in each hospital's own queue, between its batches (the Worker's way): a
//   tenant is small, and a thread per tenant would not be.
// - Creating and deleting are the operator's (http.mjs): `create(name)` makes the file with an
//   empty hospital and its first key, `remove(name)` closes it and deletes the file, its WAL
//   and its marker.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Hospital } from "dr-schedule";
import { HOSPITAL_NAME } from "../service/auth.mjs";
import { HospitalService, consoleLog } from "../service/hospital-service.mjs";
import { StoredDataError } from "../service/storage.mjs";
import { SqliteStore, markerPath } from "./store.mjs";

export const TENANT_DEFAULTS = Object.freeze({ maxLoaded: 1000, budgetBytes: 512 * 1024 * 1024 });

export class Tenants {
  #dir;
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

  constructor({ dir, maxLoaded = TENANT_DEFAULTS.maxLoaded, budgetBytes = TENANT_DEFAULTS.budgetBytes, compaction = {}, log = consoleLog }) {
    this.#dir = dir;
    this.#maxLoaded = maxLoaded;
    this.#budgetBytes = budgetBytes;
    this.#compaction = compaction;
    this.#log = log;
  }

  /** The file of hospital `name` (a valid name: auth.mjs's HOSPITAL_NAME). */
  path(name) {
    return join(this.#dir, `${name}.sqlite`);
  }

  exists(name) {
    return HOSPITAL_NAME.test(name) && existsSync(this.path(name));
  }

  get loadedCount() {
    return this.#loaded.size;
  }

  /**
   * The service of hospital `name`, loading it if needed, held for one request: it is not
   * evicted until `release()` is called (a request between its authentication and its answer
   * must find its hospital open). Resolves `{ service, release }`, or null if there is no such
   * hospital.
   */
  async acquire(name) {
    let entry = this.#loaded.get(name);
    if (entry !== undefined) {
      this.#loaded.delete(name);
      this.#loaded.set(name, entry);
    } else {
      if (!this.exists(name)) return null;
      let loading = this.#loading.get(name);
      if (loading === undefined) {
        loading = this.#load(name).finally(() => this.#loading.delete(name));
        this.#loading.set(name, loading);
      }
      entry = await loading;
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
    const store = SqliteStore.open(this.path(name), {
      seed: () => {
        throw new StoredDataError("databaseMissing", `hospital ${name}'s database is empty`, { recovery: "Delete the hospital and create it again." });
      },
    });
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
      entry.store.close();
    }
  }

  /**
   * Creates hospital `name` with an empty hospital and `keys` (rows, as auth.mjs makes them) in
   * one transaction. Returns false if it exists.
   */
  create(name, keys) {
    if (this.exists(name)) return false;
    // A marker left by a deleted hospital of that name does not stop a new one.
    rmSync(markerPath(this.path(name)), { force: true });
    const store = SqliteStore.open(this.path(name), { seed: () => new Hospital(), keys });
    store.close();
    return true;
  }

  /** Deletes hospital `name`: closed, then its file, WAL and marker removed. Returns false if there was none. */
  async remove(name) {
    if (!this.exists(name)) return false;
    const pending = this.#loading.get(name);
    if (pending !== undefined) await pending.catch(() => {});
    const entry = this.#loaded.get(name);
    if (entry !== undefined) {
      this.#loaded.delete(name);
      entry.closed = true;
      await entry.service.close();
      entry.store.close();
    }
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${this.path(name)}${suffix}`, { force: true });
    rmSync(markerPath(this.path(name)), { force: true });
    return true;
  }

  async close() {
    for (const [name, { store, service }] of this.#loaded) {
      this.#loaded.delete(name);
      await service.close();
      store.close();
    }
  }
}
