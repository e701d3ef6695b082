// Loads one snapshot 3,000 times, freeing each Hospital (`free`), dropping it (`forget`) or
// keeping every one (`keep`), and prints the memory it took, as JSON: the wasm memory (which
// never shrinks: its peak) and the JS heap, after a last collection. Every 20 loads it lets the
// garbage collector run and the event loop turn, as a server does between requests (that is
// where a FinalizationRegistry's callbacks run). memory.test.mjs runs it with --expose-gc.
// In programs/, outside test/ (whose every module `node --test test/` runs).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Hospital } from "dr-schedule";

const mode = process.argv[2];
const loads = Number(process.argv[3] ?? 3000);
const explicitGc = process.argv[4] !== "no-gc";
if (!["free", "forget", "keep"].includes(mode)) throw new Error("usage: forgotten-hospitals.mjs free|forget|keep [loads] [no-gc]");

// The wasm memory of the package's instance (an internal of the package, for this measurement).
const packageDir = dirname(createRequire(import.meta.url).resolve("dr-schedule/package.json"));
const bindings = await import(pathToFileURL(join(packageDir, "dr_schedule_bindings.js")).href);
const wasmBytes = () => bindings.wasmMemory().buffer.byteLength;

// A hospital of 300 appointments: about 40 KB of snapshot.
const source = new Hospital();
for (let d = 0; d < 5; d += 1) source.addDoctor({ name: `Dr. ${d}`, locations: ["North", "South"], schedule: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "18:00" }] });
for (let i = 0; i < 300; i += 1) {
  const day = String(4 + (i % 5)).padStart(2, "0");
  const minutes = 8 * 60 + 15 * Math.floor(i / 25);
  source.book({ doctorId: `d${1 + (Math.floor(i / 5) % 5)}`, location: i % 2 ? "North" : "South", start: `2019-02-${day}T${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`, patient: `p-${i}`, notes: "follow-up visit" });
}
const snapshot = source.toSnapshot();
source.free();

const settle = async () => {
  for (let round = 0; round < 3; round += 1) {
    if (explicitGc) globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

let checksum = 0;
const kept = [];
for (let i = 0; i < loads; i += 1) {
  const h = Hospital.fromSnapshot(snapshot);
  checksum += h.appointmentCount;
  if (mode === "free") h.free();
  if (mode === "keep") kept.push(h);
  if (i % 20 === 19) await settle();
}
await settle();
const heap = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ mode, loads, checksum, kept: kept.length, snapshotBytes: snapshot.length, wasm: wasmBytes(), heap }));
