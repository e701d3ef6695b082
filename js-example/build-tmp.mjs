const instances = [];
const I = WebAssembly.Instance;
WebAssembly.Instance = function (...a) { const i = new I(...a); instances.push(i); return i; };
WebAssembly.Instance.prototype = I.prototype;
const { Hospital } = await import(process.env.PKG ?? "dr-schedule");
WebAssembly.Instance = I;
const mem = () => instances[instances.length - 1].exports.memory.buffer.byteLength;
function prng(a) { return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
const SCHEDULE = [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }];
const FIRST_MONDAY = Date.UTC(2019, 0, 7);
const pad = (n) => String(n).padStart(2, "0");
const dateOf = (d) => new Date(FIRST_MONDAY + d * 86400000).toISOString().slice(0, 10);
const slotStart = (d, s) => `${dateOf(d)}T${pad(9 + Math.floor(s / 4))}:${pad((s % 4) * 15)}`;
const size = Number(process.argv[2] ?? 100000);
const weeks = Math.min(52, Math.ceil(size / 80)); const random = prng(20190201); const requests = []; let d = 0;
for (; requests.length < size; d++) for (let day = 0; day < weeks * 7; day++) { if (day % 7 >= 5) continue; for (let slot = 0; slot < 32; slot++) { const start = slotStart(day, slot); if (requests.length < size && random() < 0.5) requests.push({ doctorId: `d${d + 1}`, location: d % 2 ? "Annex" : "Main", start, patient: `p-${requests.length}` }); } }
const m0 = mem(); const T0 = performance.now();
const h = new Hospital();
for (let i = 0; i < d; i++) h.addDoctor({ name: `Dr. ${i + 1}`, locations: ["Main", "Annex"], schedule: SCHEDULE });
for (const r of requests) h.book(r);
const m1 = mem();
console.log("built", ((m1 - m0) / size).toFixed(1), "B/appt; snapshot", (h.snapshotBytes / size).toFixed(1), "B/appt; changes text ≈", (h.changesSince ? "" : ""));
const t1 = performance.now(); console.log("build ms", (t1 - T0).toFixed(0), "per op ns", ((t1 - T0) * 1e6 / size).toFixed(0)); process.exit(0);
const m2 = mem();
h.free();
const h2 = Hospital.fromSnapshot(bytes);
console.log("after snapshot+load (memory never shrinks):", ((mem() - m0) / size).toFixed(1), "growth since build", ((mem() - m2)/size).toFixed(1));
