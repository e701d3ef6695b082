// Which store the Node server uses, from its settings: PostgreSQL when DR_SCHEDULE_DATABASE_URL
// is set, the SQLite file DR_SCHEDULE_DB otherwise. The server (main.mjs), its compactor thread
// (compactor-worker.mjs) and the bench (bench.mjs) open their stores here.
import { resolve as resolvePath } from "node:path";
import { PostgresStore, POSTGRES_CHUNK_BYTES } from "./postgres-store.mjs";
import { SQLITE_CHUNK_BYTES, SqliteStore } from "./store.mjs";

/** What the settings say about storage: `{ kind, db?, databaseUrl? }`, plain data a thread can be sent. */
export function storageConfig(settings) {
  if (settings.databaseUrl) return { kind: "postgres", databaseUrl: settings.databaseUrl };
  return { kind: "sqlite", db: resolvePath(settings.db) };
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
  if (config.kind === "postgres") {
    const { allowNew: _allowNew, checkpoints: _checkpoints, ...rest } = options;
    return PostgresStore.open(config.databaseUrl, rest);
  }
  return SqliteStore.open(config.db, options);
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
