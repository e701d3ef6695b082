#!/usr/bin/env node
// The dr-schedule REST server: `node server/main.mjs`. Its settings are the environment
// variables of settings.mjs (README, "The REST server", the settings table).
//
// Logs one line when it listens; stops cleanly on SIGTERM and SIGINT. It starts and listens even
// when the stored hospital cannot be loaded: then it answers 503 HOSPITAL_UNAVAILABLE and its log
// says what is wrong and how to recover.
import { DEFAULT_BODY_LIMIT } from "../service/http.mjs";
import { HospitalService, consoleLog } from "../service/hospital-service.mjs";
import { SettingsError, readSettings } from "../service/settings.mjs";
import { StoredDataError, unavailableStore } from "../service/storage.mjs";
import { WorkerCompactor } from "./compactor.mjs";
import { createServer } from "./http.mjs";
import { SETTINGS } from "./settings.mjs";
import { chunkBytesOf, openStore, storageConfig } from "./stores.mjs";

function fail(message) {
  console.error(`[dr-schedule] ${message}`);
  process.exit(1);
}

let settings;
try {
  settings = readSettings(process.env, SETTINGS);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  fail(`bad setting: ${error.message}`);
}
if (settings.requestTimeoutMs < settings.headersTimeoutMs) {
  fail(`DR_SCHEDULE_REQUEST_TIMEOUT_MS (${settings.requestTimeoutMs}) must not be below DR_SCHEDULE_HEADERS_TIMEOUT_MS (${settings.headersTimeoutMs})`);
}
const storage = storageConfig(settings);
const where = storage.kind === "postgres" ? null : storage.db;

let store;
let usable = true;
try {
  // The request thread's connection never checkpoints SQLite's WAL: the compactor thread does.
  store = await openStore(storage, { allowNew: settings.newDatabase, checkpoints: "external" });
} catch (error) {
  // Stored data this server cannot use is reported by the service (503 and the log); a path it
  // cannot open at all is a wrong setting.
  if (!(error instanceof StoredDataError)) fail(`cannot open ${where ?? "the database"}: ${error.message}`);
  store = unavailableStore(error, where === null ? "the PostgreSQL database" : `SQLite file ${where}`);
  usable = false;
}
if (settings.newDatabase) consoleLog.warn("DR_SCHEDULE_NEW_DATABASE is set: a missing database is replaced by a new, empty one; unset it once the server has started");

const compaction = {
  percent: settings.compactPercent,
  minBytes: settings.compactMinBytes,
  chunkBytes: chunkBytesOf(storage),
  // SQLite: a millisecond between two chunks' transactions, in which a request's write takes the lock.
  pauseMs: storage.kind === "sqlite" ? 1 : 0,
};
const compactor = new WorkerCompactor({ storage, compaction }, consoleLog);
// Started now when the store opened (for SQLite it also runs the WAL checkpoints); otherwise on
// the first compaction, once the data can be loaded again after a restart.
if (usable) compactor.start();
const service = await new HospitalService({ store, compaction, compactor }).open();
const server = createServer({
  service,
  bodyLimit: DEFAULT_BODY_LIMIT,
  allowedHosts: settings.allowedHosts,
  maxConnections: settings.maxConnections,
  maxConnectionsPerClient: settings.maxConnectionsPerClient,
  headersTimeoutMs: settings.headersTimeoutMs,
  requestTimeoutMs: settings.requestTimeoutMs,
});
server.on("error", (error) => {
  compactor.close();
  store.close();
  fail(`cannot listen on ${settings.host}:${settings.port}: ${error.message}`);
});
server.listen(settings.port, settings.host, () => {
  const { port } = server.address();
  const url = `http://${settings.host.includes(":") ? `[${settings.host}]` : settings.host}:${port}`;
  let state;
  try {
    // O(doctors) for now; the package gains a count later.
    const h = service.hospital;
    state = h === null ? `hospital UNAVAILABLE (${service.unavailable?.details?.reason}): see above` : `revision ${h.revision}, ${h.listDoctors().length} doctors`;
  } catch (error) {
    state = `hospital state unknown (${error?.message ?? error})`;
  }
  console.log(`[dr-schedule] listening on ${url} (database ${where ?? store.describe()}, ${state})`);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[dr-schedule] ${signal}: shutting down`);
  // Stop accepting, let in-flight requests finish (the service's queue drains: nothing is left
  // half-committed), and give up on idle keep-alive connections.
  server.close(async () => {
    await service.close();
    await compactor.close();
    await store.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => {
    server.closeAllConnections();
  }, 2000).unref();
  setTimeout(() => {
    store.close();
    process.exit(0);
  }, 5000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
