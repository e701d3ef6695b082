#!/usr/bin/env node
// The dr-schedule REST server: `node server/main.mjs`.
//
//   DR_SCHEDULE_DB              SQLite file (default: dr-schedule.sqlite in the working directory;
//                               created with a demo hospital when new)
//   PORT                        default 5000 (0 picks a free port)
//   HOST                        default 127.0.0.1
//   DR_SCHEDULE_SNAPSHOT_EVERY  write a snapshot every N changes (default 1000)
//
// Logs one line when it listens; stops cleanly on SIGTERM and SIGINT.
import { resolve as resolvePath } from "node:path";
import { createServer } from "./http.mjs";
import { DEFAULT_SNAPSHOT_EVERY, Store } from "./store.mjs";

function fail(message) {
  console.error(`[dr-schedule] ${message}`);
  process.exit(1);
}

function integerFromEnv(name, fallback, min, max) {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) fail(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

const dbPath = resolvePath(process.env.DR_SCHEDULE_DB || "dr-schedule.sqlite");
const port = integerFromEnv("PORT", 5000, 0, 65535);
const host = process.env.HOST || "127.0.0.1";
const snapshotEvery = integerFromEnv("DR_SCHEDULE_SNAPSHOT_EVERY", DEFAULT_SNAPSHOT_EVERY, 1, 1_000_000_000);

let store;
try {
  store = Store.open(dbPath, { snapshotEvery });
} catch (error) {
  fail(`cannot open ${dbPath}: ${error.message}`);
}

const server = createServer({ store });
server.on("error", (error) => {
  store.close();
  fail(`cannot listen on ${host}:${port}: ${error.message}`);
});
server.listen(port, host, () => {
  const { port: actual } = server.address();
  const h = store.hospital;
  console.log(
    `[dr-schedule] listening on http://${host}:${actual} (database ${dbPath}, revision ${h.revision}, ${h.listDoctors().length} doctors)`,
  );
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[dr-schedule] ${signal}: shutting down`);
  // Requests run synchronously from start to commit, so none is half-done here; stop accepting,
  // let in-flight responses finish, and give up on idle keep-alive connections.
  server.close(() => {
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
