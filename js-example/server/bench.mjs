#!/usr/bin/env node
// Benchmark (not a test): the seed API's request stream (`POST /appointment` bookings of distinct
// free slots, 8 concurrent clients, keep-alive) against server processes (main.mjs) whose
// hospital already holds 10k, 100k or 1M appointments, with every acknowledgement durable.
// Prints booking requests per second, p50, p99 and max latency per store and size.
//
//   npm run bench:server                                   (from js-example/: SQLite, 10k/100k/1M)
//   npm run bench:server -- --postgres                     also PostgreSQL, 1 and 3 processes
//                                                          (scripts/postgres.sh starts one)
//   npm run bench:server -- --sizes 10000 --stores sqlite,postgres,postgres3
//   npm run bench:server -- --seed-url http://127.0.0.1:5001 --sizes 10000
//                                                          the seed's Flask server (BENCHMARKS.md)
//   BENCH_REQUESTS=30000 BENCH_CLIENTS=8 BENCH_ROUNDS=3 …  (defaults 20000, 8, 1)
//   npm run bench:server -- --floor                        the floor: node:http with no engine
//                                                          and no storage (bench-floor.mjs)
//   npm run bench:server -- --prepare                      only build (and cache) the preloads
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   node options of the server processes
//
// Preloading: a child process builds each size's hospital once with the package and writes its
// snapshot to a cache file (BENCH_CACHE, default $TMPDIR/dr-schedule-bench); the bench stores it
// directly (importSnapshot), not through HTTP. The measured requests book slots from 2040 on,
// all free; a warm-up of 2,000 requests comes first. The seed server is preloaded through its own
// API (it keeps everything in memory), with the same request shape.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { drive, postRequest, summarize } from "./bench-client.mjs";
import { importSnapshot } from "./stores.mjs";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: process.env.BENCH_SIZES ?? "10000,100000,1000000" },
    stores: { type: "string" },
    postgres: { type: "boolean", default: false },
    "seed-url": { type: "string" },
    prepare: { type: "boolean", default: false },
    floor: { type: "boolean", default: false },
  },
});
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CACHE = process.env.BENCH_CACHE ?? join(tmpdir(), "dr-schedule-bench");
const DOCTORS = 20;
const here = dirname(fileURLToPath(import.meta.url));
const mainPath = join(here, "main.mjs");
const root = join(here, "..", "..");
const sizes = args.sizes.split(",").map(Number);

// ---------------------------------------------------------------------------------------------
// The hospitals and the request stream.

/**
 * The n-th slot of a sequence that fills doctor after doctor (ids "1".."20", round the clock),
 * day after day from `base`, as a seed API body.
 */
function seedBody(base, n) {
  const perDay = DOCTORS * 96;
  const day = Math.floor(n / perDay);
  const doctor = 1 + Math.floor((n % perDay) / 96);
  const slot = n % 96;
  const date = new Date(base + day * 86_400_000).toISOString().slice(0, 10);
  const time = `${String(Math.floor(slot / 4)).padStart(2, "0")}:${String((slot % 4) * 15).padStart(2, "0")}`;
  return { doctor_id: doctor, location_id: 1 + (n % 2), date, time };
}

/** The script a child process runs to build a hospital of `size` appointments and write its snapshot. */
const BUILD = `
  import { writeFileSync } from "node:fs";
  import { Hospital } from "dr-schedule";
  const [size, out, doctors] = process.argv.slice(1).map((v, i) => (i === 1 ? v : Number(v)));
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const h = new Hospital({ slotMinutes: 15 });
  for (let d = 1; d <= doctors; d++) {
    h.addDoctor({ id: String(d), name: "Dr. Bench " + d, locations: ["A", "B"], schedule: [{ days, start: "00:00", end: "24:00" }] });
  }
  const base = Date.UTC(2020, 0, 1);
  for (let n = 0; n < size; n++) {
    const perDay = doctors * 96;
    const day = Math.floor(n / perDay);
    const slot = n % 96;
    const start = new Date(base + day * 86_400_000).toISOString().slice(0, 10) + "T" +
      String(Math.floor(slot / 4)).padStart(2, "0") + ":" + String((slot % 4) * 15).padStart(2, "0");
    h.book({ doctorId: String(1 + Math.floor((n % perDay) / 96)), location: n % 2 ? "B" : "A", start, patient: "p" + n });
  }
  writeFileSync(out, h.toSnapshot());
`;

/** The snapshot text of a hospital of `size` appointments, built once and cached. */
function preloadSnapshot(size) {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `hospital-${DOCTORS}x-${size}.json`);
  if (!existsSync(file)) {
    const t = performance.now();
    execFileSync(process.execPath, ["--input-type=module", "-e", BUILD, String(size), `${file}.tmp`, String(DOCTORS)], { cwd: here, stdio: "inherit" });
    renameSync(`${file}.tmp`, file);
    log(`built the ${size}-appointment hospital in ${((performance.now() - t) / 1000).toFixed(1)} s (${file})`);
  }
  return readFileSync(file, "utf8");
}

// ---------------------------------------------------------------------------------------------
// Servers.

function log(message) {
  console.error(`[bench] ${message}`);
}

/** The operator credential of the servers the bench starts; it makes the key the requests carry. */
const OPERATOR = `dro_bench-${"x".repeat(38)}`;

/** A key with the book role on `server`, made through the operator credential. */
async function makeKey(server) {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
    body: JSON.stringify({ roles: ["book"], label: "bench" }),
  });
  if (res.status !== 201) throw new Error(`cannot make a key: ${res.status} ${await res.text()}`);
  return (await res.json()).key;
}

function startServer(env, script = mainPath, args = []) {
  return new Promise((resolve, reject) => {
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      // No rate limit per key: the bench drives one key as hard as it can.
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DR_SCHEDULE_OPERATOR_KEY: OPERATOR, DR_SCHEDULE_KEY_RATE: "1000000", DR_SCHEDULE_KEY_BURST: "1000000", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start: ${out}`));
    }, 600_000);
    child.stdout.setEncoding("utf8");
    const server = { child, host: "127.0.0.1", port: 0, compactions: [] };
    child.stdout.on("data", (chunk) => {
      out += chunk;
      // The shutdown line: `… shutting down (C commits of B write batches since the start)`.
      const commits = /shutting down \((\d+) commits of/.exec(chunk);
      if (commits) server.commits = Number(commits[1]);
      // The compactor thread's lines: `compaction: snapshot of revision R (B bytes, …) in T ms (toSnapshot S ms)`.
      for (const m of chunk.matchAll(/compaction: snapshot of revision (\d+) \((\d+) bytes.*? in (\d+) ms \(toSnapshot (\d+) ms\)/g)) {
        server.compactions.push({ revision: Number(m[1]), bytes: Number(m[2]), ms: Number(m[3]), snapshotMs: Number(m[4]), at: performance.now() });
      }
      const m = server.port === 0 && /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        server.port = Number(m[1]);
        resolve(server);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}

async function stopServer({ child }) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
}

function postgresUrl() {
  if (process.env.DR_SCHEDULE_DATABASE_URL) return process.env.DR_SCHEDULE_DATABASE_URL;
  return execFileSync("bash", [join(root, "scripts", "postgres.sh"), "start"], { encoding: "utf8" }).trim();
}

/** A fresh database of `kind` holding `snapshot`: the environment a server process needs. */
async function prepare(kind, snapshot, dir) {
  if (kind === "sqlite") {
    const db = join(dir, "bench.sqlite");
    await importSnapshot({ db }, snapshot);
    return { DR_SCHEDULE_DB: db };
  }
  const schema = `bench_${process.pid}_${Date.now()}`;
  const url = new URL(postgresUrl());
  url.searchParams.set("options", `-c search_path=${schema}`);
  await importSnapshot({ databaseUrl: url.href }, snapshot, { createSchema: schema });
  return { DR_SCHEDULE_DATABASE_URL: url.href };
}

/**
 * PostgreSQL: the change rows still stored per transaction that inserted them (their `xmin`),
 * that is how many requests shared a commit (group commit), over the rows compaction left.
 */
async function requestsPerCommit(url) {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS tx FROM changes");
    return `; ${(rows[0].n / rows[0].tx).toFixed(1)} requests per commit (${rows[0].n} rows)`;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Runs.

const accept = (status) => status === 200;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** CPU seconds of every process of the PostgreSQL server (its postmaster's children and itself). */
function postgresCpuSeconds() {
  try {
    const pids = execFileSync("pgrep", ["-f", "^postgres: |/postgres -D"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  } catch {
    return 0;
  }
}

/** CPU used during `fn`: { servers, postgres, client } in seconds. */
async function measuringCpu(servers, withPostgres, fn) {
  const before = { servers: servers.reduce((n, s) => n + cpuSeconds(s.child.pid), 0), postgres: withPostgres ? postgresCpuSeconds() : 0, client: process.cpuUsage() };
  const result = await fn();
  const client = process.cpuUsage(before.client);
  const cpu = {
    servers: servers.reduce((n, s) => n + cpuSeconds(s.child.pid), 0) - before.servers,
    postgres: withPostgres ? postgresCpuSeconds() - before.postgres : 0,
    client: (client.user + client.system) / 1e6,
  };
  return { result, cpu };
}

/** "CPU per request: servers a µs, PostgreSQL b µs, client c µs = d cores busy at this rate". */
function describeCpu(cpu, requests, ms) {
  const us = (seconds) => ((seconds * 1e6) / requests).toFixed(0);
  const total = cpu.servers + cpu.postgres + cpu.client;
  return `; CPU per request: servers ${us(cpu.servers)} µs, PostgreSQL ${us(cpu.postgres)} µs, client ${us(cpu.client)} µs: ${(total / (ms / 1000)).toFixed(2)} cores busy`;
}

function row(label, size, { perSecond, p50, p99, max }, { load, compactions = 0, refused = 0 }) {
  return (
    `| ${label} | ${size.toLocaleString("en-US")} | ${perSecond.toFixed(0)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${max.toFixed(1)} | ${load.toFixed(1)} | ${compactions} |` +
    (refused ? ` ${refused} refused |` : "")
  );
}

async function measureOurs(kind, size) {
  const processes = kind === "postgres3" ? 3 : 1;
  const label = kind === "sqlite" ? "SQLite, 1 process" : `PostgreSQL, ${processes} process${processes > 1 ? "es" : ""}`;
  const snapshot = preloadSnapshot(size);
  const results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const dir = mkdtempSync(join(tmpdir(), "dr-schedule-bench-"));
    const servers = [];
    try {
      const env = await prepare(kind === "sqlite" ? "sqlite" : "postgres", snapshot, dir);
      for (let i = 0; i < processes; i++) servers.push(await startServer(env));
      // One key for all the processes: they share the database, its keys with it.
      const key = await makeKey(servers[0]);
      const base = Date.UTC(2040, 0, 1) + round * 400 * 86_400_000;
      const requests = Array.from({ length: WARMUP + REQUESTS }, (_, n) => postRequest("/appointment", seedBody(base, n), key));
      await drive(servers, requests.slice(0, WARMUP), { clients: CLIENTS, accept });
      const load = loadavg()[0];
      const before = servers.reduce((n, s) => n + s.compactions.length, 0);
      const { result, cpu } = await measuringCpu(servers, kind !== "sqlite", () => drive(servers, requests.slice(WARMUP), { clients: CLIENTS, accept }));
      const summary = summarize(result);
      const cpuNote = describeCpu(cpu, REQUESTS, result.ms);
      const compactions = servers.flatMap((s) => s.compactions).slice(before);
      const perCommit = env.DR_SCHEDULE_DATABASE_URL ? await requestsPerCommit(env.DR_SCHEDULE_DATABASE_URL) : "";
      const compacted = compactions.length === 0 ? "" : `; ${compactions.length} compactions during the run, up to ${Math.max(...compactions.map((c) => c.ms))} ms each (toSnapshot up to ${Math.max(...compactions.map((c) => c.snapshotMs))} ms, ${(Math.max(...compactions.map((c) => c.bytes)) / 1e6).toFixed(1)} MB), in the compactor thread`;
      log(`${label}, ${size}: ${summary.perSecond.toFixed(0)}/s p50 ${summary.p50.toFixed(2)} p99 ${summary.p99.toFixed(2)} max ${summary.max.toFixed(1)} ms (load ${load.toFixed(2)})${perCommit}${cpuNote}${compacted}`);
      results.push({ summary, refused: result.refused, load, compactions: compactions.length });
    } finally {
      await Promise.all(servers.map(stopServer));
      rmSync(dir, { recursive: true, force: true });
    }
    if (kind === "sqlite" && servers[0]?.commits > 0) {
      // Warm-up and timed requests alike (the key's creation too): how many shared a commit.
      log(`${label}, ${size}: ${((WARMUP + REQUESTS) / servers[0].commits).toFixed(1)} requests per commit`);
    }
  }
  // The median round by throughput.
  results.sort((a, b) => a.summary.perSecond - b.summary.perSecond);
  const median = results[Math.floor(results.length / 2)];
  console.log(row(label, size, median.summary, median));
  return median.summary;
}

/** The seed's Flask server at `url`: preloaded with `size` bookings through its API, then measured. */
async function measureSeed(url, size) {
  const { hostname: host, port } = new URL(url);
  const server = { host, port: Number(port) };
  // The seed's doctors: 0 works Monday and Tuesday 08:00-17:00 (37 slots a day, 17:00
  // included), 1 Monday 09:00-15:00 (25): 99 slots a week, from Monday 2019-02-04 on.
  const bodies = [];
  for (let week = 0; bodies.length < size + WARMUP + REQUESTS; week++) {
    const monday = Date.UTC(2019, 1, 4) + week * 7 * 86_400_000;
    const day = (offset) => new Date(monday + offset * 86_400_000).toISOString().slice(0, 10);
    for (const [doctor, offset, from, count] of [[0, 0, 8 * 60, 37], [1, 0, 9 * 60, 25], [0, 1, 8 * 60, 37]]) {
      for (let i = 0; i < count; i++) {
        const minutes = from + 15 * i;
        bodies.push({ doctor_id: doctor, location_id: 0, date: day(offset), time: `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}` });
      }
    }
  }
  const requests = bodies.map((body) => postRequest("/appointment", body));
  const t = performance.now();
  await drive([server], requests.slice(0, size), { clients: CLIENTS, accept });
  log(`preloaded the seed server with ${size} bookings in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await drive([server], requests.slice(size, size + WARMUP), { clients: CLIENTS, accept });
  const load = loadavg()[0];
  const result = await drive([server], requests.slice(size + WARMUP), { clients: CLIENTS, accept });
  const summary = summarize(result);
  log(`seed, ${size}: ${summary.perSecond.toFixed(0)}/s p50 ${summary.p50.toFixed(2)} p99 ${summary.p99.toFixed(2)} max ${summary.max.toFixed(1)} ms (load ${load.toFixed(2)})`);
  console.log(row("the seed (Flask, gunicorn, 1 worker, in memory)", size, summary, { load, refused: result.refused }));
}

console.log(
  `dr-schedule server benchmark: the seed API stream (POST /appointment), ${REQUESTS} requests after ${WARMUP} of warm-up, ` +
    `${CLIENTS} clients with keep-alive, every acknowledgement durable; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
);
console.log("");
console.log("| server | appointments | requests/s | p50 ms | p99 ms | max ms | load | compactions |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
if (args.floor) {
  // What node:http and this client allow here, with no engine and no storage (bench-floor.mjs).
  for (const flags of [[], ["--fsync"]]) {
    const server = await startServer({}, join(here, "bench-floor.mjs"), flags);
    try {
      const requests = Array.from({ length: WARMUP + REQUESTS }, (_, n) => postRequest("/appointment", seedBody(Date.UTC(2040, 0, 1), n)));
      await drive([server], requests.slice(0, WARMUP), { clients: CLIENTS, accept });
      const load = loadavg()[0];
      const result = await drive([server], requests.slice(WARMUP), { clients: CLIENTS, accept });
      console.log(row(`floor: node:http, JSON in and out, no engine${flags.length ? ", one fdatasync per batch" : ", no storage"}`, 0, summarize(result), { load }));
    } finally {
      await stopServer(server);
    }
  }
} else if (args.prepare) {
  // Only build the preload snapshots (they are cached for later runs).
  for (const size of sizes) preloadSnapshot(size);
} else if (args["seed-url"]) {
  // One size: the seed server keeps what it was sent; restart it for another size.
  await measureSeed(args["seed-url"], sizes[0]);
} else {
  const stores = (args.stores ?? (args.postgres ? "sqlite,postgres,postgres3" : "sqlite")).split(",");
  for (const size of sizes) {
    for (const kind of stores) await measureOurs(kind, size);
  }
}
