#!/usr/bin/env node
// The dr-schedule REST server: `node server/main.mjs`. Its settings are the environment
// variables of settings.mjs (README, "The REST server", the settings table).
//
// Logs one line when it listens; stops cleanly on SIGTERM and SIGINT. It starts and listens even
// when the stored hospital cannot be loaded: then it answers 503 HOSPITAL_UNAVAILABLE and its log
// says what is wrong and how to recover.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { newOperatorCredential, validOperatorCredential } from "../service/auth.mjs";
import { Gateway } from "../service/gateway.mjs";
import { DEFAULT_BODY_LIMIT } from "../service/http.mjs";
import { differingOptions } from "../service/hospital-options.mjs";
import { HospitalService, consoleLog } from "../service/hospital-service.mjs";
import { SettingsError, readSettings } from "../service/settings.mjs";
import { StoredDataError, unavailableStore } from "../service/storage.mjs";
import { WorkerCompactor } from "./compactor.mjs";
import { createServer, nodeDigest } from "./http.mjs";
import { PostgresHospitals } from "./postgres-store.mjs";
import { SqliteHospitals, Tenants } from "./tenants.mjs";
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
if (storage.kind === "postgres" && settings.dataDir !== null) {
  fail("DR_SCHEDULE_DATA_DIR is for SQLite: with DR_SCHEDULE_DATABASE_URL, the hospitals of /hospitals/{name} are schemas of that database (DR_SCHEDULE_SCHEMA_PREFIX); unset DR_SCHEDULE_DATA_DIR");
}
const where = storage.kind === "postgres" ? null : storage.db;

let store;
let usable = true;
try {
  // The request thread's connection never checkpoints SQLite's WAL: the compactor thread does.
  store = await openStore(storage, { allowNew: settings.newDatabase, checkpoints: "external", maxSnapshotBytes: settings.maxHospitalBytes ?? undefined });
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
const maxSnapshotBytes = settings.maxHospitalBytes ?? undefined;
const compactor = new WorkerCompactor({ storage, compaction, maxSnapshotBytes }, consoleLog);
// Started now when the store opened (for SQLite it also runs the WAL checkpoints); otherwise on
// the first compaction, once the data can be loaded again after a restart.
if (usable) compactor.start();
// The operator credential: from the environment, or from its file, created on the first start
// (readable by this user only). It is never logged: the log names the file.
let operator = settings.operatorKey;
if (operator === null) {
  const file = resolve(settings.operatorKeyFile ?? (where === null ? "dr-schedule-operator.key" : `${dirname(where)}/dr-schedule-operator.key`));
  try {
    if (existsSync(file)) {
      operator = readFileSync(file, "utf8").trim();
      if (!validOperatorCredential(operator)) fail(`the operator credential in ${file} is malformed (dro_… or at least 32 printable characters)`);
    } else {
      operator = newOperatorCredential();
      writeFileSync(file, `${operator}\n`, { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
      consoleLog.info(`a new operator credential is in ${file}: it makes the hospital's keys (POST /v1/keys); see the README, "Keys"`);
    }
  } catch (error) {
    fail(`cannot read or create the operator credential file ${file}: ${error.message}`);
  }
}
const gateway = await Gateway.create({ operator, digest: nodeDigest, rateLimits: { key: { perSecond: settings.keyRate, burst: settings.keyBurst } } });

const service = await new HospitalService({
  store,
  compaction,
  compactor,
  maxSnapshotBytes,
  overBudgetRecovery: (bytes) => `Start the server with DR_SCHEDULE_MAX_HOSPITAL_BYTES=${bytes} or more to load it, then remove what is no longer needed.`,
}).open();
// The options of DR_SCHEDULE_HOSPITAL_OPTIONS are the first start's: a hospital's options are
// fixed for its life, so a database that holds one with others keeps them, and the log says so.
if (settings.hospitalOptions !== null && service.hospital !== null) {
  const stored = service.hospital.options;
  const differing = differingOptions(settings.hospitalOptions, stored);
  if (differing.length > 0) {
    const shown = Object.fromEntries(differing.map((name) => [name, stored[name] ?? null]));
    consoleLog.warn(
      `DR_SCHEDULE_HOSPITAL_OPTIONS is ignored: it gives the options of a new database, and ${where ?? "the database"} holds a hospital already, ` +
        `whose options stay ${JSON.stringify(shown)} (they are fixed for a hospital's life; move its data to a new hospital to change them)`,
    );
  }
}
// Many hospitals under /hospitals/{name} (tenants.mjs): on PostgreSQL, one schema each in the
// database; on SQLite, one file each in DR_SCHEDULE_DATA_DIR, when it is set.
let hospitals = null;
if (storage.kind === "postgres") {
  hospitals = new PostgresHospitals({ url: storage.databaseUrl, prefix: settings.schemaPrefix });
} else if (settings.dataDir !== null) {
  try {
    mkdirSync(settings.dataDir, { recursive: true });
  } catch (error) {
    fail(`cannot create DR_SCHEDULE_DATA_DIR ${settings.dataDir}: ${error.message}`);
  }
  hospitals = new SqliteHospitals(settings.dataDir);
}
const tenants =
  hospitals === null
    ? null
    : new Tenants({ hospitals, maxLoaded: settings.maxLoadedHospitals, budgetBytes: settings.hospitalsBudgetBytes, compaction: { percent: settings.compactPercent, minBytes: settings.compactMinBytes } });
const server = createServer({
  service,
  gateway,
  tenants,
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
    // O(1): the package counts its doctors; nothing is serialised to write this line.
    const h = service.hospital;
    state = h === null ? `hospital UNAVAILABLE (${service.unavailable?.details?.reason}): see above` : `revision ${h.revision}, ${h.doctorCount} doctors`;
  } catch (error) {
    state = `hospital state unknown (${error?.message ?? error})`;
  }
  console.log(`[dr-schedule] listening on ${url} (database ${where ?? store.describe()}, ${state})`);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[dr-schedule] ${signal}: shutting down (${service.stats.commits} commits of ${service.stats.writeBatches} write batches since the start)`);
  // Stop accepting, let in-flight requests finish (the service's queue drains: nothing is left
  // half-committed), and give up on idle keep-alive connections.
  server.close(async () => {
    await tenants?.close();
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
