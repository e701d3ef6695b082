// Which store the Node server uses, from its settings: PostgreSQL when DR_SCHEDULE_DATABASE_URL
// is set, the SQLite file DR_SCHEDULE_DB otherwise. The server (main.mjs), its compactor thread
// (compactor-worker.mjs) and the bench (bench.mjs) open their stores here.
import { resolve as resolvePath } from "node:path";
import { PostgresStore, POSTGRES_CHUNK_BYTES } from "./postgres-store.mjs";
import { SQLITE_CHUNK_BYTES, SqliteStore } from "./store.mjs";
import { emptyHospital } from "../service/hospital-options.mjs";

/**
 * What the settings say about storage: `{ kind, db?, databaseUrl?, hospitalOptions? }`, plain
 * data a thread can be sent. `hospitalOptions` (DR_SCHEDULE_HOSPITAL_OPTIONS) are the options of
 * the hospital a new database starts with, instead of the demo hospital.
 */
export function storageConfig(settings) {
  const options = settings.hospitalOptions == null ? {} : { hospitalOptions: settings.hospitalOptions };
  if (settings.databaseUrl) return { kind: "postgres", databaseUrl: settings.databaseUrl, ...options };
  return { kind: "sqlite", db: resolvePath(settings.db), ...options };
}

/** The chunk size of a store's snapshots. */
export function chunkBytesOf(config) {
  return config.kind === "postgres" ? POSTGRES_CHUNK_BYTES : SQLITE_CHUNK_BYTES;
}

/**
 * Opens the store of `config` (storageConfig). Options go to the store (`allowNew`, `seed`,
 * `checkpoints`, `hooks`). Throws what the store's open throws (StoredDataError for data it
 * cannot use, other exceptions for a path it cannot open); a PostgreSQL server that cannot be
 * reached is not an error here: the store connects on first use.
 */
export async function openStore(config, options = {}) {
  // Whichever process or thread creates the database (the server's, or its compactor's when
  // PostgreSQL was down at start) creates the same hospital.
  const created = config.hospitalOptions === undefined || options.seed !== undefined ? {} : { seed: emptyHospital(config.hospitalOptions), newOptions: config.hospitalOptions };
  if (config.kind === "postgres") {
    const { allowNew: _allowNew, checkpoints: _checkpoints, newOptions: _newOptions, ...rest } = { ...options, ...created };
    return PostgresStore.open(config.databaseUrl, rest);
  }
  return SqliteStore.open(config.db, { ...options, ...created });
}

/**
 * Stores a snapshot text as a new database's first snapshot, without building a Hospital (the
 * bench preloads 1M appointments this way). `target` is `{ db }` or `{ databaseUrl }`; with
 * `createSchema`, that schema is created first (PostgreSQL).
 */
export async function importSnapshot(target, text, { createSchema } = {}) {
  const bytes = new TextEncoder().encode(text);
  const revision = Number(/"revision":(\d+)/.exec(text.slice(0, 200))?.[1] ?? 0);
  const seed = () => ({ revision, bytes });
  if (target.databaseUrl) {
    if (createSchema) {
      const pg = (await import("pg")).default;
      const url = new URL(target.databaseUrl);
      url.searchParams.delete("options");
      const client = new pg.Client({ connectionString: url.href });
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${createSchema}`);
      await client.end();
    }
    const store = await PostgresStore.open(target.databaseUrl, { seed });
    await store.close();
  } else {
    SqliteStore.open(target.db, { seed }).close();
  }
}
