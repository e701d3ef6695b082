#!/usr/bin/env node
// Benchmark (not a test): bookings per second through the HTTP API, with persistence, in a
// hospital that already holds 1,000 and then 100,000 appointments. Per-booking persistence must
// not grow with the size of the hospital: the two figures should stay within a factor of 2.
//
//   npm run bench:server            (from js-example/)
//   BENCH_BOOKINGS=3000 BENCH_CONCURRENCY=8 DR_SCHEDULE_SNAPSHOT_EVERY=1000 npm run bench:server
//
// For each size: the hospital is built directly with the package and written into a fresh
// SQLite file through the store (not through HTTP); a server process (main.mjs) is started on
// that file; a warm-up, then BENCH_BOOKINGS bookings of distinct free slots are sent with
// BENCH_CONCURRENCY requests in flight over keep-alive connections, and timed. The measured run
// spans several snapshot writes (every DR_SCHEDULE_SNAPSHOT_EVERY changes), so their cost is
// included, amortized, as a real server pays it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hospital } from "dr-schedule";
import { DEFAULT_SNAPSHOT_EVERY } from "../service/hospital-service.mjs";
import { SqliteStore } from "./store.mjs";

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 3000);
const WARMUP = 300;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SNAPSHOT_EVERY = Number(process.env.DR_SCHEDULE_SNAPSHOT_EVERY ?? DEFAULT_SNAPSHOT_EVERY);
const DOCTORS = 20;
const SLOTS_PER_DAY = 96; // 15-minute slots, doctors work 00:00-24:00 every day
const ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const mainPath = fileURLToPath(new URL("./main.mjs", import.meta.url));

function date(base, dayOffset) {
  return new Date(base + dayOffset * 86_400_000).toISOString().slice(0, 10);
}

function slotTime(slot) {
  return `${String(Math.floor(slot / 4)).padStart(2, "0")}:${String((slot % 4) * 15).padStart(2, "0")}`;
}

/** The n-th slot of a sequence that fills doctor after doctor, day after day, from `base`. */
function nthSlot(base, n) {
  const perDay = DOCTORS * SLOTS_PER_DAY;
  const day = Math.floor(n / perDay);
  const doctor = Math.floor((n % perDay) / SLOTS_PER_DAY);
  return { doctorId: `doc${doctor}`, start: `${date(base, day)}T${slotTime(n % SLOTS_PER_DAY)}` };
}

/** A hospital of DOCTORS doctors holding `existing` appointments from 2020-01-01 on. */
function buildHospital(existing) {
  const h = new Hospital({ slotMinutes: 15 });
  for (let d = 0; d < DOCTORS; d++) {
    h.addDoctor({ id: `doc${d}`, name: `Dr. Bench ${d}`, locations: ["A", "B"], schedule: [{ days: ALL_DAYS, start: "00:00", end: "24:00" }] });
  }
  const base = Date.UTC(2020, 0, 1);
  for (let n = 0; n < existing; n++) {
    const { doctorId, start } = nthSlot(base, n);
    h.book({ doctorId, location: n % 2 ? "A" : "B", start, patient: `p${n}`, requestId: `seed-${n}` });
  }
  return h;
}

function startServer(db) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainPath], {
      env: { ...process.env, DR_SCHEDULE_DB: db, PORT: "0", HOST: "127.0.0.1", DR_SCHEDULE_SNAPSHOT_EVERY: String(SNAPSHOT_EVERY) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start: ${out}`));
    }, 60_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}

function post(agent, port, path, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      { host: "127.0.0.1", port, path, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Sends requests[from..to) with CONCURRENCY in flight; returns the elapsed milliseconds and latencies. */
async function run(agent, port, requests) {
  let next = 0;
  const latencies = [];
  const started = performance.now();
  async function worker() {
    while (next < requests.length) {
      const body = requests[next++];
      const t = performance.now();
      const res = await post(agent, port, "/v1/appointments", body);
      latencies.push(performance.now() - t);
      if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${res.text}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ms: performance.now() - started, latencies: latencies.sort((a, b) => a - b) };
}

async function measure(existing) {
  const dir = mkdtempSync(join(tmpdir(), "dr-schedule-bench-"));
  const db = join(dir, "bench.sqlite");
  let child;
  try {
    let t = performance.now();
    const hospital = buildHospital(existing);
    SqliteStore.open(db, { seed: () => hospital }).close();
    const buildMs = performance.now() - t;
    t = performance.now();
    const server = await startServer(db);
    child = server.child;
    const startMs = performance.now() - t;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    // Bookings of free slots from 2040 on, spread over the same doctors.
    const base = Date.UTC(2040, 0, 1);
    const requests = Array.from({ length: WARMUP + BOOKINGS }, (_, n) => ({ ...nthSlot(base, n), location: "A", patient: `bench-${n}` }));
    await run(agent, server.port, requests.slice(0, WARMUP));
    const { ms, latencies } = await run(agent, server.port, requests.slice(WARMUP));
    agent.destroy();
    const perSecond = (BOOKINGS / ms) * 1000;
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
    console.log(
      `${String(existing).padStart(7)} existing: ${perSecond.toFixed(0).padStart(6)} bookings/s ` +
        `(${BOOKINGS} in ${(ms / 1000).toFixed(2)} s; latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms; ` +
        `build+store ${(buildMs / 1000).toFixed(1)} s, server start ${(startMs / 1000).toFixed(1)} s)`,
    );
    return perSecond;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `dr-schedule server benchmark: ${BOOKINGS} bookings via POST /v1/appointments, ${CONCURRENCY} in flight, ` +
    `snapshot every ${SNAPSHOT_EVERY} changes, SQLite WAL synchronous=FULL`,
);
const small = await measure(1_000);
const large = await measure(100_000);
const ratio = small / large;
console.log(`ratio 1k/100k: ${ratio.toFixed(2)} (must stay below 2: ${ratio < 2 ? "ok" : "NOT OK"})`);
process.exitCode = ratio < 2 ? 0 : 1;
