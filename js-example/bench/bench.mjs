// Benchmarks the dr-schedule package against a plain-JavaScript implementation of the same
// contract (bench/baseline.mjs), in one run, and prints a markdown table.
//
//   npm run bench                                  sizes 1k,10k,100k,1M (a few minutes)
//   BENCH_SIZES=1000,10000 npm run bench           chosen sizes
//   BENCH_QUICK=1 npm run bench   (or -- --quick)  sizes 1k,10k, short timings: to try it
//
// Each size runs in its own child process (`--size N`), so that wasm linear memory, which never
// shrinks, and the JS heap start clean for it. See BENCHMARKS.md for what each row measures.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Bench } from "tinybench";

const args = process.argv.slice(2);
const quick = args.includes("--quick") || !!process.env.BENCH_QUICK;
const sizeArg = args.indexOf("--size");


// ----- the parent: one child per size, then the table -----

async function parent() {
  const sizes = (process.env.BENCH_SIZES ?? (quick ? "1000,10000" : "1000,10000,100000,1000000")).split(",").map(Number);
  const require = createRequire(import.meta.url);
  const wasmPath = join(dirname(require.resolve("dr-schedule")), "dr_schedule_bindings_bg.wasm");
  const wasm = readFileSync(wasmPath);
  const out = [];
  out.push(`node ${process.version}, ${process.platform}/${process.arch}, load average before: ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}${quick ? ", QUICK mode" : ""}`);
  out.push(`wasm: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} bytes gzipped (level 9)`);
  out.push("");
  out.push("| size | operation | package | baseline | ratio |");
  out.push("|---:|---|---:|---:|---:|");
  for (const size of sizes) {
    const started = Date.now();
    const result = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", fileURLToPath(import.meta.url), "--size", String(size), ...(quick ? ["--quick"] : [])], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (result.status !== 0) throw new Error(`size ${size} failed with status ${result.status}`);
    const rows = JSON.parse(result.stdout);
    for (const r of rows) out.push(`| ${fmtSize(size)} | ${r.name} | ${fmt(r.pkg, r.unit)} | ${fmt(r.base, r.unit)} | ${ratio(r)} |`);
    process.stderr.write(`[bench] size ${size} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log(out.join("\n"));
}

function fmtSize(n) {
  return n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n);
}
function fmt(v, unit) {
  if (v === null || v === undefined) return "n/a";
  if (unit === "ops/s") return `${v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3)} ops/s`;
  if (unit === "ms") return `${v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString("en-US")} ms`;
  if (unit === "bytes") return `${Math.round(v).toLocaleString("en-US")} B`;
  if (unit === "B/appt") return `${v.toFixed(0)} B/appt`;
  return String(v);
}
/** package ÷ baseline for rates; baseline ÷ package for times and sizes: > 1 means the package is better. */
function ratio(r) {
  if (r.pkg == null || r.base == null || r.pkg === 0 || r.base === 0) return "n/a";
  const x = r.unit === "ops/s" ? r.pkg / r.base : r.base / r.pkg;
  return `${x.toFixed(2)}×`;
}

// ----- the child: one size -----

/** mulberry32: a fixed-seed PRNG, so every run builds the same hospital. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCHEDULE = [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }];
const FIRST_MONDAY = Date.UTC(2019, 0, 7); // 2019-01-07 is a Monday
const FILL = 0.5;
const SLOTS_PER_DAY = 32; // 09:00-17:00, 15 minutes
const pad = (n) => String(n).padStart(2, "0");
const dateOf = (dayIndex) => new Date(FIRST_MONDAY + dayIndex * 86400000).toISOString().slice(0, 10);
const slotStart = (dayIndex, slot) => `${dateOf(dayIndex)}T${pad(9 + Math.floor(slot / 4))}:${pad((slot % 4) * 15)}`;

/** The plan of a hospital of `size` appointments: doctors × weeks × fill ratio. */
function plan(size) {
  const perWeek = 5 * SLOTS_PER_DAY * FILL; // appointments per doctor-week
  const weeks = Math.min(52, Math.ceil(size / perWeek));
  const random = prng(20190201);
  const requests = [];
  const free = []; // slots left free, for book/cancel rows
  let d = 0;
  for (; requests.length < size; d++) {
    for (let day = 0; day < weeks * 7; day++) {
      if (day % 7 >= 5) continue;
      for (let slot = 0; slot < SLOTS_PER_DAY; slot++) {
        const start = slotStart(day, slot);
        if (requests.length < size && random() < FILL) {
          requests.push({ doctorId: `d${d + 1}`, location: d % 2 ? "Annex" : "Main", start, patient: `p-${requests.length}` });
        } else if (d === 0) free.push(start);
      }
    }
  }
  return { doctors: d, weeks, requests, free };
}

function build(Hospital, p) {
  const h = new Hospital();
  for (let d = 0; d < p.doctors; d++) h.addDoctor({ name: `Dr. ${d + 1}`, locations: ["Main", "Annex"], schedule: SCHEDULE });
  for (const r of p.requests) h.book(r);
  return h;
}

async function child(size) {
  const { Hospital: Baseline } = await import("./baseline.mjs");
  // Capture the bindings' WebAssembly instance to read its linear memory: the generated module
  // keeps its exports private, so record instances as it creates them.
  const instances = [];
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (...a) {
    const instance = new Instance(...a);
    instances.push(instance);
    return instance;
  };
  WebAssembly.Instance.prototype = Instance.prototype;
  const { Hospital: Package } = await import("dr-schedule");
  WebAssembly.Instance = Instance;
  const memoryBytes = () => instances[instances.length - 1].exports.memory.buffer.byteLength;

  const p = plan(size);
  const rows = [];
  const row = (name, unit, pkg, base) => rows.push({ name, unit, pkg, base });
  const log = (m) => process.stderr.write(`[bench ${size}] ${m}\n`);
  log(`${p.doctors} doctors × ${p.weeks} weeks × fill ${FILL}: ${p.requests.length} appointments`);

  // Build both (timed: bulk booking through the public API), and measure memory.
  const impls = {};
  for (const [key, H] of [["pkg", Package], ["base", Baseline]]) {
    global.gc();
    const heap0 = process.memoryUsage().heapUsed;
    const mem0 = key === "pkg" ? memoryBytes() : 0;
    const t0 = performance.now();
    const h = build(H, p);
    const ms = performance.now() - t0;
    global.gc();
    impls[key] = { h, buildMs: ms, wasmBytes: key === "pkg" ? memoryBytes() - mem0 : null, heapBytes: process.memoryUsage().heapUsed - heap0 };
  }
  row("build: addDoctor + book every appointment (bulk)", "ops/s", p.requests.length / (impls.pkg.buildMs / 1000), p.requests.length / (impls.base.buildMs / 1000));
  row(`memory per appointment (package: ${Math.round(impls.pkg.wasmBytes / size)} B wasm linear memory + ${Math.max(0, Math.round(impls.pkg.heapBytes / size))} B JS heap; baseline: JS heap)`, "B/appt", (impls.pkg.wasmBytes + Math.max(0, impls.pkg.heapBytes)) / size, impls.base.heapBytes / size);
  if (impls.pkg.h.toSnapshot() !== impls.base.h.toSnapshot()) throw new Error("the two hospitals differ after building");
  log("built; snapshots identical");

  // Snapshots: manual timing (each call is O(size)); the median of a few runs.
  const reps = size >= 1e6 ? 1 : size >= 1e5 ? 3 : quick ? 5 : 9;
  const median = (fn) => {
    const ts = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      fn();
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    return ts[ts.length >> 1];
  };
  const snaps = {};
  const times = {};
  for (const key of ["pkg", "base"]) {
    const h = impls[key].h;
    times[key] = median(() => (snaps[key] = h.toSnapshot()));
  }
  if (snaps.pkg !== snaps.base) throw new Error("the two snapshots differ");
  row("toSnapshot", "ms", times.pkg, times.base);
  row("snapshot size", "bytes", Buffer.byteLength(snaps.pkg), Buffer.byteLength(snaps.base));
  row("fromSnapshot", "ms", median(() => Package.fromSnapshot(snaps.pkg).free()), median(() => Baseline.fromSnapshot(snaps.base)));
  log("snapshots done");

  const time = quick ? 150 : 600;
  const bench = new Bench({ time, warmupTime: quick ? 30 : 150, iterations: 5, throws: true });
  const K = Math.min(512, p.free.length); // operations per iteration for the mutating rows
  const random = prng(7);
  const ids = Array.from({ length: 4096 }, () => `a${1 + Math.floor(random() * p.requests.length)}`);
  const weekStarts = Array.from({ length: 4096 }, () => {
    const week = Math.floor(random() * p.weeks);
    return [`d${1 + Math.floor(random() * p.doctors)}`, dateOf(week * 7), dateOf(week * 7 + 6)];
  });
  const monthStarts = weekStarts.map(([d, from]) => [d, from, dateOf((Date.parse(from) - FIRST_MONDAY) / 86400000 + 29)]);
  const tasks = [];
  // Every read feeds `sink`, printed at the end, so that no result is dead code to the JIT.
  let sink = 0;
  for (const key of ["pkg", "base"]) {
    const h = impls[key].h;
    let i = 0;
    // A scratch doctor with the same hours: book/cancel run on it, and it is removed and added
    // again (untimed) after every iteration, so that the hospital keeps its size.
    const scratch = { id: "scratch", name: "Dr. Scratch", locations: ["Main", "Annex"], schedule: SCHEDULE };
    h.addDoctor(scratch);
    // Its calendar holds the same appointments as d1's (so the overlap check and the sorted
    // insert/remove see a full doctor); book/cancel use d1's free slots.
    const base = p.requests.filter((r) => r.doctorId === "d1").map((r, n) => ({ ...r, doctorId: "scratch", location: "Main", id: `s${n}` }));
    const reset = () => {
      h.removeDoctor("scratch", { cancelAppointments: true });
      h.addDoctor(scratch);
      for (const r of base) h.book(r);
    };
    reset();
    let booked = [];
    const bookK = () => {
      booked = [];
      for (let k = 0; k < K; k++) booked.push(h.book({ doctorId: "scratch", location: "Main", start: p.free[k % p.free.length] }).id);
    };
    const add = (name, fn, k, opts) => {
      bench.add(`${key}:${name}`, fn, opts);
      tasks.push({ name, key, k, task: () => bench.getTask(`${key}:${name}`) });
    };
    add("book (fresh slot, all rules checked)", bookK, K, { afterEach: reset });
    add("cancel", () => {
      for (const id of booked) h.cancel(id);
    }, K, { beforeEach: bookK, afterEach: reset });
    add("getAppointment", () => {
      for (let k = 0; k < K; k++) sink += h.getAppointment(ids[i++ & 4095]).durationMinutes;
    }, K);
    add("book refused (SLOT_TAKEN)", () => {
      for (let k = 0; k < K; k++) {
        try {
          h.book(p.requests[(i++ * 7919) % p.requests.length]);
        } catch (error) {
          if (error.code !== "SLOT_TAKEN") throw error;
        }
      }
    }, K);
    add("appointments over one week", () => {
      const [d, from, to] = weekStarts[i++ & 4095];
      sink += h.appointments(d, { from, to }).length;
    }, 1);
    add("availableSlots over one week", () => {
      const [d, from, to] = weekStarts[i++ & 4095];
      sink += h.availableSlots(d, { from, to }).length;
    }, 1);
    add("availableSlots over one month (30 days)", () => {
      const [d, from, to] = monthStarts[i++ & 4095];
      sink += h.availableSlots(d, { from, to }).length;
    }, 1);
    let added = [];
    add("addDoctor", () => {
      for (let k = 0; k < 16; k++) added.push(h.addDoctor({ name: "Dr. New", locations: ["Main"], schedule: SCHEDULE }).id);
    }, 16, {
      afterEach: () => {
        for (const id of added) h.removeDoctor(id);
        added = [];
      },
    });
  }
  await bench.run();
  const rate = (name, key) => {
    const t = tasks.find((x) => x.name === name && x.key === key);
    const r = t.task().result;
    if (r.state !== "completed") throw new Error(`${t.name}: ${r.state} ${r.error ?? ""}`);
    return (t.k * 1000) / (r.latency.p50 ?? r.latency.mean);
  };
  for (const name of [...new Set(tasks.map((t) => t.name))]) row(name, "ops/s", rate(name, "pkg"), rate(name, "base"));
  log("ops done");


  // Change records (package only): 1,000 bookings on a copy of the hospital, replayed.
  const h = impls.pkg.h;
  const before = h.toSnapshot();
  const copy = Package.fromSnapshot(before);
  const from = h.revision;
  for (let k = 0; k < 1000; k++) h.book({ doctorId: "scratch", location: "Main", start: p.free[k % p.free.length] });
  let changes;
  const sinceMs = median(() => (changes = h.changesSince(from)));
  const copy1 = Package.fromSnapshot(before);
  const t0 = performance.now();
  copy.applyChanges(changes);
  const applyMs = performance.now() - t0;
  const t1 = performance.now();
  for (const change of changes) copy1.applyChanges([change]);
  const apply1Ms = performance.now() - t1;
  if (copy.revision !== h.revision || copy1.revision !== h.revision) throw new Error("applyChanges did not reach the same revision");
  row("changesSince (1,000 book records), per record", "ops/s", 1000 / (sinceMs / 1000), null);
  row("applyChanges (one call, 1,000 book records), per record", "ops/s", 1000 / (applyMs / 1000), null);
  row("applyChanges (1,000 calls of 1 book record), per record", "ops/s", 1000 / (apply1Ms / 1000), null);
  log(`sink ${sink}`);
  process.stdout.write(JSON.stringify(rows));
}

if (sizeArg === -1) {
  await parent();
} else {
  await child(Number(args[sizeArg + 1]));
}
