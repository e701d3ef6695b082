// Benchmarks the dr-schedule package against a plain-JavaScript implementation of the same
// contract (bench/baseline.mjs), in one run, and prints markdown tables.
//
//   npm run bench                                  sizes 1k,10k,100k,1M, and the instance rows
//   BENCH_SIZES=1000,10000 npm run bench           chosen sizes (the instance rows too)
//   BENCH_QUICK=1 npm run bench   (or -- --quick)  sizes 1k,10k, short timings, small instance rows
//
// Each size runs in its own child process (`--size N`), so that wasm linear memory, which never
// shrinks, and the JS heap start clean for it. So do the rows about one instance (three
// hospitals in one instance, `--three`; edge capacity, `--edge`, with a small heap). See
// BENCHMARKS.md for what each row measures.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { gzipSync } from "node:zlib";
import { Bench } from "tinybench";

const args = process.argv.slice(2);
const quick = args.includes("--quick") || !!process.env.BENCH_QUICK;
const argAfter = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const MiB = 2 ** 20;

/** Heap limit of the edge-capacity children (a Cloudflare Worker isolate has 128 MiB in all). */
const EDGE_HEAP_MB = 160;
/** The heap limit an edge child is retried with when it runs out at EDGE_HEAP_MB, to get a figure. */
const BIG_HEAP_MB = 4096;

// ----- the parent: one child per size, the instance rows, then the tables -----

async function parent() {
  const sizes = (process.env.BENCH_SIZES ?? (quick ? "1000,10000" : "1000,10000,100000,1000000")).split(",").map(Number);
  const require = createRequire(import.meta.url);
  const wasmPath = join(dirname(require.resolve("dr-schedule")), "dr_schedule_bindings_bg.wasm");
  const wasm = readFileSync(wasmPath);
  const out = [];
  const started = Date.now();
  out.push(`node ${process.version}, ${process.platform}/${process.arch}, load average before: ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}${quick ? ", QUICK mode" : ""}`);
  out.push(`wasm: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} bytes gzipped (level 9)`);
  out.push("");
  out.push("| size | operation | package | baseline | ratio |");
  out.push("|---:|---|---:|---:|---:|");
  const bySize = new Map();
  for (const size of sizes) {
    const t0 = Date.now();
    const rows = JSON.parse(runChild(["--expose-gc", "--max-old-space-size=8192"], ["--size", String(size), ...(quick ? ["--quick"] : [])]).stdout);
    bySize.set(size, rows);
    for (const r of rows) out.push(`| ${fmtSize(size)} | ${r.name} | ${fmt(r.pkg, r.unit)} | ${fmt(r.base, r.unit)} | ${ratio(r)} |`);
    log(`size ${size} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  for (const r of instanceRows()) out.push(`| ${r.size} | ${r.name} | ${r.pkg} | ${r.base} | ${r.ratio} |`);
  out.push(...flatness(bySize));
  out.push("", `wall time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(out.join("\n"));
}

const log = (m) => process.stderr.write(`[bench] ${m}\n`);

/**
 * Runs this script in a child Node process; throws unless it exits cleanly (unless
 * `allowFailure`: then its stderr, such as V8's out-of-memory report, is kept from the terminal).
 */
function runChild(nodeFlags, scriptArgs, { allowFailure = false } = {}) {
  const result = spawnSync(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), ...scriptArgs], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
    stdio: ["ignore", "pipe", allowFailure ? "pipe" : "inherit"],
  });
  if (result.status !== 0 && !allowFailure) throw new Error(`${scriptArgs.join(" ")} failed with status ${result.status} ${result.signal ?? ""}`);
  return result;
}

/** The value a child printed on its `RESULT ` line (other lines are --trace-gc output). */
const resultOf = (stdout) => JSON.parse(stdout.split("\n").find((line) => line.startsWith("RESULT ")).slice(7));

/**
 * Rows about one instance, each measured in fresh child processes: three hospitals built in one
 * instance, and the memory a snapshot load needs under a small heap.
 */
function instanceRows() {
  const rows = [];
  // Three hospitals, one after the other, the first two kept alive: does the third build as fast?
  const threeSize = quick ? 10_000 : 100_000;
  const three = {};
  for (const impl of ["pkg", "base"]) {
    three[impl] = resultOf(runChild(["--max-old-space-size=8192"], ["--three", impl, String(threeSize)]).stdout);
    log(`three hospitals of ${threeSize} (${impl}): ${three[impl].rates.map((r) => Math.round(r)).join(", ")} appointments/s`);
  }
  const threeText = ({ rates }) => `${(rates[2] / rates[0]).toFixed(2)}× (${rates.map((r) => `${Math.round(r / 1000)}k`).join(" → ")} appts/s)`;
  rows.push({ size: `${fmtSize(threeSize)} ×3`, name: `three hospitals of ${fmtSize(threeSize)} in one instance (the first two kept): build rate of the 3rd ÷ the 1st (target ≥ 1.0)`, pkg: threeText(three.pkg), base: threeText(three.base), ratio: "n/a" });

  // Edge capacity: a snapshot written by another process, loaded under a small heap.
  const dir = mkdtempSync(join(tmpdir(), "dr-schedule-bench-"));
  try {
    // The target at 500k; 1M (with a big heap, package from bytes only) says how far 1M is.
    for (const [size, heap, info] of quick ? [[50_000, EDGE_HEAP_MB, false]] : [[500_000, EDGE_HEAP_MB, false], [1_000_000, BIG_HEAP_MB, true]]) {
      // Each implementation loads the snapshot it writes itself (the same text today).
      const files = { pkg: join(dir, `package-${size}.json`), base: join(dir, `baseline-${size}.json`) };
      runChild(["--max-old-space-size=8192"], ["--write-snapshot", String(size), files.base, files.pkg]);
      const load = (impl, mode) => edgeLoad(impl, mode, files[impl], heap);
      const bytes = load("pkg", "bytes");
      const base = load("base", "text");
      const [pkgMiB, baseMiB] = [files.pkg, files.base].map((file) => (readFileSync(file).length / MiB).toFixed(0));
      const fileSizes = pkgMiB === baseMiB ? `${pkgMiB} MiB` : `package ${pkgMiB} MiB, baseline ${baseMiB} MiB`;
      const what = `${info ? `information, ${BIG_HEAP_MB} MiB heap: ` : ""}edge capacity: peak JS heap + ArrayBuffers + wasm while loading ${fmtSize(size)} from its snapshot file (${fileSizes}; target ≤ 128 MiB)`;
      rows.push({ size: fmtSize(size), name: `${what}: package from ${bytes.used}, baseline from text`, pkg: bytes.text, base: base.text, ratio: memRatio(bytes, base) });
      if (info) continue;
      const text = load("pkg", "text");
      rows.push({ size: fmtSize(size), name: `${what}: package from text`, pkg: text.text, base: base.text, ratio: memRatio(text, base) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Loads a snapshot file in a fresh child with a `heapMb` heap and `--trace-gc`: the peak is the
 * largest of the sampled totals and of the JS heap before each GC during the load plus the
 * largest ArrayBuffers and the final wasm memory (which never shrinks). A child that runs out of
 * memory is run again with a big heap, to say how far it is.
 */
function edgeLoad(impl, mode, file, heapMb) {
  const run = (heap) => {
    const result = runChild(["--expose-gc", "--trace-gc", `--max-old-space-size=${heap}`], ["--edge", impl, mode, file], { allowFailure: true });
    if (result.status !== 0) {
      const reason = result.stderr.split("\n").find((line) => /FATAL|out of memory|Error/i.test(line)) ?? `status ${result.status} ${result.signal ?? ""}`;
      log(`edge ${impl} ${mode} with a ${heap} MiB heap: ${reason.trim()}`);
      return null;
    }
    const r = resultOf(result.stdout);
    let gcPeak = 0;
    for (const m of result.stdout.matchAll(/ms: \D*?(\d+(?:\.\d+)?) \(\d+(?:\.\d+)?\) -> /g)) gcPeak = Math.max(gcPeak, Number(m[1]) * MiB);
    const peak = Math.max(r.sampledPeak, gcPeak + r.maxArrayBuffers + r.wasmBytes);
    log(`edge ${impl} ${mode} ${file}: heap ${heap} MiB, peak ${(peak / MiB).toFixed(0)} MiB (sampled ${(r.sampledPeak / MiB).toFixed(0)}, GC trace ${(gcPeak / MiB).toFixed(0)}), wasm ${(r.wasmBytes / MiB).toFixed(0)} MiB, ${r.loadMs.toFixed(0)} ms`);
    return { ...r, peak };
  };
  let r = run(heapMb);
  if (r !== null) return { ...r, text: `${(r.peak / MiB).toFixed(0)} MiB` };
  log(`edge ${impl} ${mode}: out of memory with a ${heapMb} MiB heap; again with ${BIG_HEAP_MB} MiB`);
  r = run(BIG_HEAP_MB);
  if (r === null) return { used: mode, peak: null, text: `failed with ${heapMb} and ${BIG_HEAP_MB} MiB heaps (see the log)` };
  return { ...r, text: `out of memory at a ${heapMb} MiB heap; ${(r.peak / MiB).toFixed(0)} MiB with ${BIG_HEAP_MB}` };
}
const memRatio = (p, b) => (p.peak && b.peak ? `${(b.peak / p.peak).toFixed(2)}×` : "n/a");

/** Each rate's change from 10k (or the smallest size) to the largest size: flat is within 25 %. */
function flatness(bySize) {
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const to = sizes[sizes.length - 1];
  const from = sizes.includes(10_000) && to !== 10_000 ? 10_000 : sizes[0];
  if (from === undefined || from === to) return [];
  const out = ["", `Flatness: each rate at ${fmtSize(to)} ÷ its rate at ${fmtSize(from)} (the target: within 25 %, 0.75-1.25).`, "", `| operation | package | baseline | package within 25 % |`, "|---|---:|---:|:---:|"];
  for (const r of bySize.get(to)) {
    if (r.unit !== "ops/s") continue;
    const before = bySize.get(from).find((x) => x.key === r.key);
    if (before === undefined) continue;
    const f = (a, b) => (a && b ? a / b : null);
    const pkg = f(r.pkg, before.pkg);
    const base = f(r.base, before.base);
    const ok = pkg === null ? "n/a" : pkg >= 0.75 && pkg <= 1.25 ? "yes" : "**no**";
    out.push(`| ${r.key} | ${pkg === null ? "n/a" : `${pkg.toFixed(2)}×`} | ${base === null ? "n/a" : `${base.toFixed(2)}×`} | ${ok} |`);
  }
  return out;
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
  if (unit === "times") return `${v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString("en-US")}×`;
  return String(v);
}
/** package ÷ baseline for rates; baseline ÷ package for times and sizes: > 1 means the package is better. */
function ratio(r) {
  if (r.unit === "times" || r.pkg == null || r.base == null || r.pkg === 0 || r.base === 0) return "n/a";
  const x = r.unit === "ops/s" ? r.pkg / r.base : r.base / r.pkg;
  return `${x.toFixed(2)}×`;
}

// ----- the hospital -----

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
/** The `now` of the hold and confirm rows: before every appointment, so no hold lapses. */
const NOW = "2018-12-31T08:00";
const pad = (n) => String(n).padStart(2, "0");
const dateOf = (dayIndex) => new Date(FIRST_MONDAY + dayIndex * 86400000).toISOString().slice(0, 10);
const slotStart = (dayIndex, slot) => `${dateOf(dayIndex)}T${pad(9 + Math.floor(slot / 4))}:${pad((slot % 4) * 15)}`;

/** The plan of a hospital of `size` appointments: doctors × weeks × fill ratio. */
function plan(size) {
  const perWeek = 5 * SLOTS_PER_DAY * FILL; // appointments per doctor-week
  const weeks = Math.min(52, Math.ceil(size / perWeek));
  const random = prng(20190201);
  const requests = [];
  const free = []; // slots left free, for the mutating rows
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

/**
 * The doctors the findSlots row names: d1-d100 when the hospital has 100, else all of them and
 * extra doctors `f1`… with the same hours, booked at the same fill ratio in the weeks the row
 * searches (`extra`: their addDoctor and book calls). Named in a shuffled order.
 */
function findSlotsPlan(p) {
  const random = prng(31);
  const candidates = Array.from({ length: Math.min(13, p.weeks) }, (_, w) => w);
  const weeks = [];
  while (weeks.length < Math.min(8, candidates.length)) weeks.push(...candidates.splice(Math.floor(random() * candidates.length), 1));
  const ids = Array.from({ length: Math.min(100, p.doctors) }, (_, d) => `d${d + 1}`);
  const extraDoctors = [];
  const extraBookings = [];
  for (let f = 1; ids.length < 100; f++) {
    const id = `f${f}`;
    ids.push(id);
    extraDoctors.push({ id, name: `Dr. F${f}`, locations: ["Main", "Annex"], schedule: SCHEDULE });
    for (const week of weeks) {
      for (let day = week * 7; day < week * 7 + 5; day++) {
        for (let slot = 0; slot < SLOTS_PER_DAY; slot++) {
          if (random() < FILL) extraBookings.push({ doctorId: id, location: f % 2 ? "Annex" : "Main", start: slotStart(day, slot), patient: `q-${extraBookings.length}` });
        }
      }
    }
  }
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return { ids, weeks, extraDoctors, extraBookings };
}

/** Imports the package, capturing its WebAssembly instance to read its linear memory. */
async function importPackage() {
  // The generated module keeps its exports private: record instances as it creates them.
  const instances = [];
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (...a) {
    const instance = new Instance(...a);
    instances.push(instance);
    return instance;
  };
  WebAssembly.Instance.prototype = Instance.prototype;
  const { Hospital } = await import("dr-schedule");
  WebAssembly.Instance = Instance;
  return { Hospital, memoryBytes: () => instances[instances.length - 1].exports.memory.buffer.byteLength };
}

/**
 * Whether `Hospital.fromSnapshot` takes UTF-8 bytes (a Uint8Array): tried on an empty hospital's
 * snapshot; a package that takes only text throws INVALID_INPUT.
 */
function readsBytes(Hospital) {
  const bytes = new TextEncoder().encode(new Hospital().toSnapshot());
  try {
    Hospital.fromSnapshot(bytes).free?.();
    return true;
  } catch (error) {
    if (error.code === "INVALID_INPUT") return false;
    throw error;
  }
}
/** `h.toSnapshotBytes`, if the package has it. */
const writesBytes = (h) => typeof h.toSnapshotBytes === "function";

/** A call's result, or its error's code and details, to compare the two implementations. */
function outcome(call) {
  try {
    return { ok: call() };
  } catch (error) {
    if (error?.name !== "HospitalError") throw error;
    return { code: error.code, details: error.details };
  }
}

// ----- the child: one size -----

async function child(size) {
  const { Hospital: Baseline } = await import("./baseline.mjs");
  const { Hospital: Package, memoryBytes } = await importPackage();
  const p = plan(size);
  const rows = [];
  // `key` names the row across sizes (the flatness table) when its name carries numbers.
  const row = (name, unit, pkg, base, key = name) => rows.push({ name, unit, pkg, base, key });
  const t0 = performance.now();
  const log = (m) => process.stderr.write(`[bench ${size}] ${((performance.now() - t0) / 1000).toFixed(1)} s: ${m}\n`);
  log(`${p.doctors} doctors × ${p.weeks} weeks × fill ${FILL}: ${p.requests.length} appointments`);

  // Build both (timed: bulk booking through the public API), and measure memory: wasm linear
  // memory, JS heap and ArrayBuffers (memory a JS layer could keep outside the heap), each grown.
  const impls = {};
  for (const [key, H] of [["pkg", Package], ["base", Baseline]]) {
    global.gc();
    const before = process.memoryUsage();
    const mem0 = key === "pkg" ? memoryBytes() : 0;
    const t0 = performance.now();
    const h = build(H, p);
    const ms = performance.now() - t0;
    global.gc();
    const after = process.memoryUsage();
    impls[key] = {
      H,
      h,
      buildMs: ms,
      wasmBytes: key === "pkg" ? memoryBytes() - mem0 : 0,
      heapBytes: after.heapUsed - before.heapUsed,
      arrayBufferBytes: Math.max(0, after.arrayBuffers - before.arrayBuffers),
    };
  }
  row("build: addDoctor + book every appointment (bulk)", "ops/s", p.requests.length / (impls.pkg.buildMs / 1000), p.requests.length / (impls.base.buildMs / 1000));
  const perAppointment = (bytes) => Math.round(bytes / size);
  const { pkg: mp, base: mb } = impls;
  row(
    `memory per appointment (package: ${perAppointment(mp.wasmBytes)} B wasm linear memory + ${perAppointment(Math.max(0, mp.heapBytes))} B JS heap + ${perAppointment(mp.arrayBufferBytes)} B ArrayBuffers; baseline: ${perAppointment(mb.heapBytes)} B JS heap + ${perAppointment(mb.arrayBufferBytes)} B ArrayBuffers)`,
    "B/appt",
    (mp.wasmBytes + Math.max(0, mp.heapBytes) + mp.arrayBufferBytes) / size,
    (mb.heapBytes + mb.arrayBufferBytes) / size,
    "memory per appointment",
  );
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
  // The same as UTF-8 bytes, where the package has them (feature-detected); for the baseline,
  // TextEncoder / TextDecoder around its text methods.
  let bytes = new TextEncoder().encode(snaps.base);
  delete snaps.pkg;
  delete snaps.base;
  let pkgToBytes = null;
  if (writesBytes(impls.pkg.h)) {
    let out;
    pkgToBytes = median(() => (out = impls.pkg.h.toSnapshotBytes()));
    if (!(out instanceof Uint8Array) || !Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(bytes)) throw new Error("toSnapshotBytes differs from the snapshot text");
  }
  row(`toSnapshot, bytes (package: toSnapshotBytes()${pkgToBytes === null ? ", not in this build" : ""}; baseline: TextEncoder)`, "ms", pkgToBytes, median(() => new TextEncoder().encode(impls.base.h.toSnapshot())));
  let pkgFromBytes = null;
  if (readsBytes(Package)) {
    const revision = impls.pkg.h.revision;
    pkgFromBytes = median(() => {
      const h = Package.fromSnapshot(bytes);
      if (h.revision !== revision) throw new Error("fromSnapshot(bytes) loaded another revision");
      h.free();
    });
  }
  row(`fromSnapshot, bytes (package: fromSnapshot(Uint8Array)${pkgFromBytes === null ? ", not in this build" : ""}; baseline: TextDecoder)`, "ms", pkgFromBytes, median(() => Baseline.fromSnapshot(new TextDecoder().decode(bytes))));
  bytes = null;
  log("snapshots done");

  // Calls: tinybench; each iteration does k operations (rate = k ÷ the median iteration time).
  // Rows that reset the scratch doctor after each iteration (`fixed`: the reset rebooks its whole
  // calendar, which costs far more than the iteration) run a fixed number of iterations; the others
  // run for a fixed time.
  const time = quick ? 150 : 600;
  const bench = new Bench({ time, warmupTime: quick ? 30 : 150, iterations: 5, throws: true });
  const fixedBench = new Bench({ time: 0, iterations: quick ? 10 : 40, warmupTime: 0, warmupIterations: quick ? 3 : 8, throws: true });
  const K = Math.min(512, p.free.length); // operations per iteration for the mutating rows
  const KR = Math.min(256, p.free.length >> 1); // appointments moved there and back by the reschedule row
  const random = prng(7);
  const ids = Array.from({ length: 4096 }, () => `a${1 + Math.floor(random() * p.requests.length)}`);
  const weekStarts = Array.from({ length: 4096 }, () => {
    const week = Math.floor(random() * p.weeks);
    return [`d${1 + Math.floor(random() * p.doctors)}`, dateOf(week * 7), dateOf(week * 7 + 6)];
  });
  const monthStarts = weekStarts.map(([d, from]) => [d, from, dateOf((Date.parse(from) - FIRST_MONDAY) / 86400000 + 29)]);
  // Every read feeds `sink`, printed at the end, so that no result is dead code to the JIT.
  let sink = 0;
  const suites = {};
  for (const key of ["pkg", "base"]) {
    const h = impls[key].h;
    let i = 0;
    // A scratch doctor with the same hours: the mutating rows run on it, and it is removed and
    // added again (untimed) after every iteration, so that the hospital keeps its size.
    const scratch = { id: "scratch", name: "Dr. Scratch", locations: ["Main", "Annex"], schedule: SCHEDULE };
    h.addDoctor(scratch);
    // Its calendar holds the same appointments as d1's (so the overlap check and the sorted
    // insert/remove see a full doctor); the mutating rows use d1's free slots.
    const base = p.requests.filter((r) => r.doctorId === "d1").map((r, n) => ({ ...r, doctorId: "scratch", location: "Main", id: `s${n}` }));
    const reset = () => {
      h.removeDoctor("scratch", { cancelAppointments: true });
      h.addDoctor(scratch);
      for (const r of base) h.book(r);
    };
    reset();
    let made = [];
    const at = (k) => ({ doctorId: "scratch", location: "Main", start: p.free[k % p.free.length] });
    const bookK = () => {
      made = [];
      for (let k = 0; k < K; k++) made.push(h.book(at(k)).id);
    };
    const holdK = () => {
      made = [];
      for (let k = 0; k < K; k++) made.push(h.hold({ ...at(k), now: NOW, ttlMinutes: 60 }).id);
    };
    const bookKR = () => {
      made = [];
      for (let k = 0; k < KR; k++) made.push(h.book(at(k)).id);
    };
    let added = [];
    const removeAdded = () => {
      for (const id of added) h.removeDoctor(id);
      added = [];
    };
    // Each row: its calls (`run`), the operations in one call of it (`k`), its untimed set-up and
    // reset (`before`, `after`), and one representative call (`probe`) whose result is compared
    // between the two implementations before anything is timed.
    suites[key] = [
      { name: "book (fresh slot, all rules checked)", k: K, run: bookK, after: reset, fixed: true, probe: () => h.book(at(0)) },
      { name: "cancel", k: K, run: () => made.forEach((id) => h.cancel(id)), before: bookK, after: reset, fixed: true, probe: () => (bookK(), h.cancel(made[0])) },
      { name: "getAppointment", k: K, run: () => {
        for (let k = 0; k < K; k++) sink += h.getAppointment(ids[i++ & 4095]).durationMinutes;
      }, probe: () => h.getAppointment(ids[0]) },
      { name: "book refused (SLOT_TAKEN)", k: K, run: () => {
        for (let k = 0; k < K; k++) {
          try {
            h.book(p.requests[(i++ * 7919) % p.requests.length]);
          } catch (error) {
            if (error.code !== "SLOT_TAKEN") throw error;
          }
        }
      }, probe: () => h.book(p.requests[0]) },
      { name: "appointments over one week", k: 1, run: () => {
        const [d, from, to] = weekStarts[i++ & 4095];
        sink += h.appointments(d, { from, to }).length;
      }, probe: () => h.appointments(weekStarts[0][0], { from: weekStarts[0][1], to: weekStarts[0][2] }) },
      { name: "availableSlots over one week", k: 1, run: () => {
        const [d, from, to] = weekStarts[i++ & 4095];
        sink += h.availableSlots(d, { from, to }).length;
      }, probe: () => h.availableSlots(weekStarts[0][0], { from: weekStarts[0][1], to: weekStarts[0][2] }) },
      { name: "availableSlots over one month (30 days)", k: 1, run: () => {
        const [d, from, to] = monthStarts[i++ & 4095];
        sink += h.availableSlots(d, { from, to }).length;
      }, probe: () => h.availableSlots(monthStarts[0][0], { from: monthStarts[0][1], to: monthStarts[0][2] }) },
      { name: "addDoctor", k: 16, run: () => {
        for (let k = 0; k < 16; k++) added.push(h.addDoctor({ name: "Dr. New", locations: ["Main"], schedule: SCHEDULE }).id);
      }, after: removeAdded, probe: () => (added.push(h.addDoctor({ name: "Dr. New", locations: ["Main"], schedule: SCHEDULE }).id), h.getDoctor(added[0])) },
      { name: "hold (fresh slot, all rules checked)", k: K, run: holdK, after: reset, fixed: true, probe: () => h.hold({ ...at(0), now: NOW, ttlMinutes: 60 }) },
      { name: "confirm (a hold made untimed before)", k: K, run: () => made.forEach((id) => h.confirm(id, { now: NOW })), before: holdK, after: reset, fixed: true, probe: () => (holdK(), h.confirm(made[0], { now: NOW })) },
      { name: "reschedule (to a free slot and back)", k: 2 * KR, run: () => {
        for (let k = 0; k < KR; k++) h.reschedule(made[k], { start: p.free[KR + k] });
        for (let k = 0; k < KR; k++) h.reschedule(made[k], { start: p.free[k] });
      }, before: bookKR, after: reset, fixed: true, probe: () => (bookKR(), h.reschedule(made[0], { start: p.free[KR] }), h.reschedule(made[0], { start: p.free[0] })) },
    ];
    suites[key].reset = () => {
      reset();
      removeAdded();
    };
  }
  // The two implementations must agree on each row's first call (both hospitals are the same).
  for (let n = 0; n < suites.pkg.length; n++) {
    const [a, b] = ["pkg", "base"].map((key) => outcome(suites[key][n].probe));
    if (!isDeepStrictEqual(a, b)) throw new Error(`${suites.pkg[n].name}: the package and the baseline disagree:\n${JSON.stringify(a).slice(0, 500)}\n${JSON.stringify(b).slice(0, 500)}`);
    suites.pkg.reset();
    suites.base.reset();
  }
  log("each row's first call agrees");
  for (const key of ["pkg", "base"]) {
    // async: false, or tinybench calls each function once when it is added, to see whether it
    // returns a promise: an untimed call outside the set-up and reset of its row.
    for (const t of suites[key]) (t.fixed ? fixedBench : bench).add(`${key}:${t.name}`, t.run, { async: false, beforeEach: t.before, afterEach: t.after });
  }
  await bench.run();
  await fixedBench.run();
  const rate = (name, key) => {
    const t = suites[key].find((x) => x.name === name);
    const r = (t.fixed ? fixedBench : bench).getTask(`${key}:${name}`).result;
    if (r.state !== "completed") throw new Error(`${name}: ${r.state} ${r.error ?? ""}`);
    return (t.k * 1000) / (r.latency.p50 ?? r.latency.mean);
  };
  for (const { name } of suites.pkg) row(name, "ops/s", rate(name, "pkg"), rate(name, "base"));
  log("calls done");

  changeRows(impls.pkg.h, Package, p, median, row, log);

  // findSlots across 100 doctors: last, because at sizes with fewer than 100 doctors it adds
  // doctors (untimed, the same calls to both), which would change the hospital of the rows above.
  const f = findSlotsPlan(p);
  for (const key of ["pkg", "base"]) {
    const h = impls[key].h;
    for (const doctor of f.extraDoctors) h.addDoctor(doctor);
    for (const r of f.extraBookings) h.book(r);
  }
  if (f.extraDoctors.length > 0) log(`findSlots: ${f.extraDoctors.length} doctors and ${f.extraBookings.length} appointments added to reach 100 doctors`);
  const queries = Array.from({ length: 4096 }, () => {
    const week = f.weeks[Math.floor(random() * f.weeks.length)];
    return { doctorIds: f.ids, from: dateOf(week * 7), to: dateOf(week * 7 + 6), limit: 1000 };
  });
  const [first, second] = ["pkg", "base"].map((key) => outcome(() => impls[key].h.findSlots(queries[0])));
  if (!isDeepStrictEqual(first, second)) throw new Error("findSlots: the package and the baseline disagree");
  const findBench = new Bench({ time, warmupTime: quick ? 30 : 150, iterations: 5, throws: true });
  const FIND = `findSlots over one week, 100 doctors, limit 1,000${f.extraDoctors.length ? ` (${f.extraDoctors.length} doctors with ${f.extraBookings.length.toLocaleString("en-US")} appointments added untimed)` : ""}`;
  for (const key of ["pkg", "base"]) {
    const h = impls[key].h;
    let i = 0;
    findBench.add(key, () => {
      sink += h.findSlots(queries[i++ & 4095]).length;
    }, { async: false });
  }
  await findBench.run();
  const findRate = (key) => {
    const r = findBench.getTask(key).result;
    if (r.state !== "completed") throw new Error(`findSlots: ${r.state} ${r.error ?? ""}`);
    return 1000 / (r.latency.p50 ?? r.latency.mean);
  };
  row(FIND, "ops/s", findRate("pkg"), findRate("base"), "findSlots over one week, 100 doctors, limit 1,000");
  log(`sink ${sink}`);
  process.stdout.write(JSON.stringify(rows));
}

/**
 * Change records (package only). 4,000 records made on the hospital (1,000 bookings on the
 * scratch doctor's free slots, their 1,000 cancellations, the same again) are replayed on two
 * copies made by fromSnapshot, in batches of 1,000: copy A applies batches 1 and 3 in one call
 * each and batches 2 and 4 one record per call, copy B the other way round, so that both ways
 * replay the same 4,000 records on hospitals of the same size.
 */
function changeRows(h, Package, p, median, row, log) {
  const before = h.toSnapshot();
  const from = h.revision;
  const ids = [];
  for (let round = 0; round < 2; round++) {
    ids.length = 0;
    for (let k = 0; k < 1000; k++) ids.push(h.book({ doctorId: "scratch", location: "Main", start: p.free[k % p.free.length] }).id);
    for (const id of ids) h.cancel(id);
  }
  let changes;
  const sinceMs = median(() => (changes = h.changesSince(from)));
  if (changes.length !== 4000) throw new Error(`changesSince returned ${changes.length} records`);
  const batches = [0, 1, 2, 3].map((b) => changes.slice(b * 1000, (b + 1) * 1000));
  const copies = [Package.fromSnapshot(before), Package.fromSnapshot(before)];
  let oneCallMs = 0;
  let perCallMs = 0;
  batches.forEach((batch, b) => {
    for (const [c, copy] of copies.entries()) {
      const t0 = performance.now();
      if ((b + c) % 2 === 0) copy.applyChanges(batch);
      else for (const change of batch) copy.applyChanges([change]);
      const ms = performance.now() - t0;
      if ((b + c) % 2 === 0) oneCallMs += ms;
      else perCallMs += ms;
    }
  });
  for (const copy of copies) {
    if (copy.revision !== h.revision) throw new Error("applyChanges did not reach the same revision");
    if (p.requests.length <= 100_000 && copy.toSnapshot() !== h.toSnapshot()) throw new Error("applyChanges did not rebuild the same hospital");
    copy.free();
  }
  row("changesSince (the last 4,000 records: book, cancel), per record", "ops/s", 4000 / (sinceMs / 1000), null);
  row("applyChanges (one call of 1,000 records), per record", "ops/s", 4000 / (oneCallMs / 1000), null);
  row("applyChanges (1,000 calls of 1 record), per record", "ops/s", 4000 / (perCallMs / 1000), null);
  row("applyChanges: 1,000 records in one call ÷ in 1,000 calls, as times (target ≤ 2× at 1M)", "times", oneCallMs / perCallMs, null);
  log("change records done");
}

// ----- the instance children -----

/**
 * Builds the hospital of `size` three times in one instance, keeping each; prints the rates. A
 * small hospital built and dropped first warms the JIT up, so that the first build is not slower
 * for that reason alone.
 */
async function threeChild(impl, size) {
  const { Hospital } = impl === "pkg" ? await importPackage() : await import("./baseline.mjs");
  build(Hospital, plan(5000)).free?.();
  const p = plan(size);
  const kept = [];
  const rates = [];
  for (let n = 0; n < 3; n++) {
    const t0 = performance.now();
    kept.push(build(Hospital, p));
    rates.push(p.requests.length / ((performance.now() - t0) / 1000));
    process.stderr.write(`[bench three ${impl}] hospital ${n + 1}: ${Math.round(rates[n])} appointments/s\n`);
  }
  console.log(`RESULT ${JSON.stringify({ rates, revisions: kept.map((h) => h.revision) })}`);
}

/**
 * Writes the snapshot of the hospital of `size` as the baseline writes it to `baseFile`, and as
 * the package writes it (bytes if it can) to `pkgFile`: built through the baseline's API (faster),
 * then loaded into the package and written again, so that a package with a more compact format
 * is measured loading its own.
 */
async function writeSnapshotChild(size, baseFile, pkgFile) {
  const { Hospital: Baseline } = await import("./baseline.mjs");
  const { Hospital: Package } = await import("dr-schedule");
  const text = build(Baseline, plan(size)).toSnapshot();
  writeFileSync(baseFile, text);
  const h = Package.fromSnapshot(text);
  writeFileSync(pkgFile, writesBytes(h) ? h.toSnapshotBytes() : h.toSnapshot());
}

/**
 * Loads `file` into a fresh instance, as bytes (a Buffer's Uint8Array; text decoded from it if
 * the package reads no bytes) or as a string read from the file, sampling memory around each
 * step: JS heap used + ArrayBuffers + wasm linear memory.
 */
async function edgeChild(impl, mode, file) {
  const pkg = impl === "pkg" ? await importPackage() : null;
  const { Hospital } = pkg ?? (await import("./baseline.mjs"));
  const wasmBytes = () => (pkg === null ? 0 : pkg.memoryBytes());
  let sampledPeak = 0;
  let maxArrayBuffers = 0;
  const samples = {};
  const sample = (label) => {
    const m = process.memoryUsage();
    const total = m.heapUsed + m.arrayBuffers + wasmBytes();
    sampledPeak = Math.max(sampledPeak, total);
    maxArrayBuffers = Math.max(maxArrayBuffers, m.arrayBuffers);
    samples[label] = Math.round(total / MiB);
  };
  const bytesApi = mode === "bytes" && pkg !== null && readsBytes(Hospital);
  global.gc();
  sample("start");
  let used = mode;
  let input;
  if (mode === "bytes") {
    const buffer = readFileSync(file);
    input = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } else {
    input = readFileSync(file, "utf8");
  }
  sample("read");
  const t0 = performance.now();
  if (mode === "bytes" && !bytesApi) {
    used = "bytes (no bytes API: decoded to text)";
    input = new TextDecoder().decode(input);
    sample("decoded");
  }
  const h = Hospital.fromSnapshot(input);
  const loadMs = performance.now() - t0;
  sample("loaded");
  input = null;
  global.gc();
  sample("after gc");
  console.log(`RESULT ${JSON.stringify({ used, sampledPeak, maxArrayBuffers, wasmBytes: wasmBytes(), samples, loadMs, revision: h.revision })}`);
}

if (argAfter("--size") !== undefined) await child(Number(argAfter("--size")));
else if (argAfter("--three") !== undefined) await threeChild(argAfter("--three"), Number(args[args.indexOf("--three") + 2]));
else if (argAfter("--write-snapshot") !== undefined) await writeSnapshotChild(Number(argAfter("--write-snapshot")), ...args.slice(args.indexOf("--write-snapshot") + 2));
else if (argAfter("--edge") !== undefined) await edgeChild(argAfter("--edge"), args[args.indexOf("--edge") + 2], args[args.indexOf("--edge") + 3]);
else await parent();
