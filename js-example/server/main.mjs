#!/usr/bin/env node
// The dr-schedule REST server: `node server/main.mjs`. Its settings are the environment
// variables of settings.mjs (README, "The REST server", the settings table).
//
// Logs one line when it listens; stops cleanly on SIGTERM and SIGINT. It starts and listens even
// when the stored hospital cannot be loaded: then it answers 503 HOSPITAL_UNAVAILABLE and its log
// says what is wrong and how to recover.
import { resolve as resolvePath } from "node:path";
import { DEFAULT_BODY_LIMIT } from "../service/http.mjs";
import { HospitalService, consoleLog } from "../service/hospital-service.mjs";
import { SettingsError, readSettings } from "../service/settings.mjs";
import { StoredDataError, unavailableStore } from "../service/storage.mjs";
import { createServer } from "./http.mjs";
import { SETTINGS } from "./settings.mjs";
import { SqliteStore } from "./store.mjs";

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
const dbPath = resolvePath(settings.db);

let store;
try {
  store = SqliteStore.open(dbPath, { allowNew: settings.newDatabase });
} catch (error) {
  // Stored data this server cannot use is reported by the service (503 and the log); a path it
  // cannot open at all is a wrong setting.
  if (!(error instanceof StoredDataError)) fail(`cannot open ${dbPath}: ${error.message}`);
  store = unavailableStore(error, `SQLite file ${dbPath}`);
}
if (settings.newDatabase) consoleLog.warn("DR_SCHEDULE_NEW_DATABASE is set: a missing database is replaced by a new, empty one; unset it once the server has started");

const service = await new HospitalService({ store, snapshotEvery: settings.snapshotEvery }).open();
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
  store.close();
  fail(`cannot listen on ${settings.host}:${settings.port}: ${error.message}`);
});
server.listen(settings.port, settings.host, () => {
  const { port } = server.address();
  const where = `http://${settings.host.includes(":") ? `[${settings.host}]` : settings.host}:${port}`;
  let state;
  try {
    // O(doctors) for now; the package gains a count later.
    const h = service.hospital;
    state = h === null ? `hospital UNAVAILABLE (${service.unavailable?.details?.reason}): see above` : `revision ${h.revision}, ${h.listDoctors().length} doctors`;
  } catch (error) {
    state = `hospital state unknown (${error?.message ?? error})`;
  }
  console.log(`[dr-schedule] listening on ${where} (database ${dbPath}, ${state})`);
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
    store.close();
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
