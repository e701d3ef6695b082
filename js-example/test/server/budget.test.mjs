// Issue 14 on the REST server: a hospital can never be pushed into a state it cannot save, load
// or serve. The attack of the issue, scaled down by a small hospital budget (64 KiB instead of
// 128 MiB): maximal doctors, then bookings with notes, until the engine refuses with
// HOSPITAL_FULL; the server keeps serving and restarts. A stored hospital over its budget starts
// as 503 with the reason and the way out, never a crash loop. And every list route is a page:
// a 10,000-appointment doctor walked page by page shows each appointment exactly once.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Hospital } from "dr-schedule";
import { assertUnavailable, client, expectError, getAll, nthSlot, openTestStore, roundTheClock, startInProcess, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

const BUDGET = 64 * 1024;

/** The largest doctor the engine takes: 100 locations of 200 bytes, a rule naming them all. */
function maximalDoctor(i) {
  const locations = Array.from({ length: 100 }, (_, j) => `${String(j).padStart(3, "0")} ${"x".repeat(196)}`);
  return { id: `big-${i}`, name: `Dr. ${"n".repeat(190)} ${i}`, locations, schedule: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00", locations }] };
}

describe("a hospital at its budget (the attack of issue 14, scaled down)", { timeout: 60_000 }, () => {
  test("doctors and bookings past the budget are 507 HOSPITAL_FULL; reads are served; cancelling works; it restarts as it was", async () => {
    const db = tempDb();
    const seed = () => {
      const h = new Hospital({ maxSnapshotBytes: BUDGET });
      h.addDoctor(roundTheClock("rt"));
      return h;
    };
    let server = await startInProcess({ db, storeOptions: { seed } });
    let api = client(server.url);

    let doctors = 0;
    let full;
    for (let i = 0; i < 100; i++) {
      const res = await api.post("/v1/doctors", maximalDoctor(i));
      if (res.status === 201) {
        doctors += 1;
        continue;
      }
      full = expectError(assert, res, 507, "HOSPITAL_FULL");
      break;
    }
    assert.ok(full, "the doctors stopped at the budget");
    assert.ok(doctors >= 1, `${doctors} maximal doctors fit`);
    assert.equal(full.details.limit, BUDGET);
    assert.equal(full.details.limitOf, "snapshotBytes");
    assert.ok(full.details.current <= BUDGET);

    let booked = 0;
    const ids = [];
    for (let i = 0; ; i++) {
      assert.ok(i < 2000, "bookings never stopped");
      const res = await api.post("/v1/appointments", { doctorId: "rt", location: "X", start: nthSlot(i), patient: `p${i}`, notes: "n".repeat(400) });
      if (res.status === 201) {
        booked += 1;
        ids.push(res.body.id);
        continue;
      }
      expectError(assert, res, 507, "HOSPITAL_FULL");
      break;
    }
    // A patch that would grow it is refused the same way, and changes nothing.
    if (ids.length > 0) {
      expectError(assert, await api.patch(`/v1/appointments/${ids[0]}`, { notes: "m".repeat(1900) }), 507, "HOSPITAL_FULL");
      assert.equal((await api.get(`/v1/appointments/${ids[0]}`)).body.notes, "n".repeat(400));
    }

    // Everything is still served, and the hospital stays under its budget.
    const health = await api.get("/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.doctors, 1 + doctors);
    assert.equal((await getAll(api, "/v1/doctors")).items.length, 1 + doctors);
    assert.equal((await getAll(api, "/v1/doctors/rt/appointments?limit=1000")).items.length, booked);
    const size = await server.service.read((h) => h.snapshotBytes);
    assert.ok(size <= BUDGET, `${size} bytes`);
    assert.ok((await server.service.read((h) => h.toSnapshotBytes())).length <= BUDGET);
    if (ids.length > 0) assert.equal((await api.post(`/v1/appointments/${ids[0]}/cancel`, { reason: "made room" })).status, 200);
    const revision = (await api.get("/health")).body.revision;

    // A restart loads it from what was stored, and serves it as it was.
    await server.close();
    server = await startInProcess({ db });
    api = client(server.url);
    assert.deepEqual((await api.get("/health")).body, { ok: true, revision, doctors: 1 + doctors });
    assert.equal((await getAll(api, "/v1/doctors/rt/appointments?status=all&limit=1000")).items.length, booked);
    expectError(assert, await api.post("/v1/doctors", maximalDoctor(999)), 507, "HOSPITAL_FULL");
  });
});

describe("a stored hospital over its budget", { timeout: 60_000 }, () => {
  test("the server starts, answers 503 HOSPITAL_UNAVAILABLE (overBudget) and logs how to recover; with the budget raised, it serves", async () => {
    const h = new Hospital({ maxSnapshotBytes: 4 * BUDGET });
    for (let i = 0; i < 3; i++) h.addDoctor(maximalDoctor(i));
    const text = h.toSnapshot();
    const revision = h.revision;
    h.free();
    // A snapshot that states a smaller budget than it takes (an older server's, or edited).
    const tampered = text.replace(`"maxSnapshotBytes":${4 * BUDGET}`, `"maxSnapshotBytes":${BUDGET}`);
    assert.notEqual(tampered, text);
    const db = tempDb();
    const store = await openTestStore(db, { seed: () => ({ revision, bytes: new TextEncoder().encode(tampered) }) });
    await store.close();

    let proc = await startProcess({ db });
    const error = await assertUnavailable(proc, "HOSPITAL_UNAVAILABLE", "overBudget");
    assert.equal(error.details.revision, revision);
    assert.match(proc.output(), new RegExp(`over this server's budget of ${BUDGET} bytes`));
    assert.match(proc.output(), /DR_SCHEDULE_MAX_HOSPITAL_BYTES=\d+ or more/);
    const wanted = Number(/DR_SCHEDULE_MAX_HOSPITAL_BYTES=(\d+)/.exec(proc.output())[1]);
    await proc.stop();

    proc = await startProcess({ db, env: { DR_SCHEDULE_MAX_HOSPITAL_BYTES: String(wanted) } });
    const health = await client(proc.url).get("/health");
    assert.equal(health.status, 200, `${health.text}\n${proc.output()}`);
    assert.deepEqual(health.body, { ok: true, revision, doctors: 3 });
  });
});

describe("every list route is a page", { timeout: 120_000 }, () => {
  test("a doctor with 10,000 appointments, walked page by page on every list route: each appointment exactly once", async () => {
    const seed = () => {
      const h = new Hospital();
      h.addDoctor(roundTheClock("rt"));
      for (let i = 0; i < 120; i++) h.addDoctor({ ...roundTheClock(`d${String(i).padStart(3, "0")}`), locations: ["X"] });
      for (let i = 0; i < 10_000; i++) {
        const appointment = h.book({ doctorId: "rt", location: i % 2 === 0 ? "X" : "Y", start: nthSlot(i), patient: "p-many" });
        if (i % 10 === 0) h.cancel(appointment.id);
      }
      return h;
    };
    const server = await startInProcess({ storeOptions: { seed } });
    const api = client(server.url);
    const exactlyOnce = (items, expected, what) => {
      const ids = items.map((a) => a.id);
      assert.equal(new Set(ids).size, ids.length, `${what}: an item twice`);
      assert.equal(ids.length, expected, what);
    };
    const walks = [
      ["/v1/doctors/rt/appointments?status=all&limit=1000", 10_000, 10],
      ["/v1/doctors/rt/appointments?status=all", 10_000, 100],
      ["/v1/doctors/rt/appointments", 9_000, 90],
      ["/v1/appointments?doctorId=rt&status=all&limit=1000", 10_000, 10],
      ["/v1/appointments?patient=p-many&status=all&limit=777", 10_000, 13],
      ["/v1/appointments?location=X&status=booked&limit=1000", 4_000, 4],
      ["/appointments/rt?limit=1000", 9_000, 9],
    ];
    for (const [path, expected, pages] of walks) {
      const walk = await getAll(api, path);
      exactlyOnce(walk.items, expected, path);
      assert.equal(walk.pages, pages, path);
      const starts = walk.items.map((a) => a.start);
      assert.deepEqual(starts, [...starts].sort(), `${path}: by start`);
    }
    for (const path of ["/v1/doctors", "/doctors"]) {
      const walk = await getAll(api, path);
      exactlyOnce(walk.items, 121, path);
      assert.equal(walk.pages, 3, path);
    }
    // The default pages and the largest: never more than the maximum in one answer.
    assert.equal((await api.get("/v1/doctors/rt/appointments?status=all")).body.length, 100);
    assert.equal((await api.get("/v1/doctors?limit=100")).body.length, 100);
    expectError(assert, await api.get("/v1/doctors?limit=101"), 400, "INVALID_INPUT");
    expectError(assert, await api.get("/v1/appointments?patient=p-many&limit=1001"), 400, "INVALID_INPUT");
    const badAfter = expectError(assert, await api.get("/v1/doctors?after=nobody"), 400, "INVALID_INPUT");
    assert.equal(badAfter.details.field, "after");
    // The Link header is the next page's URL, with the query it came with.
    const first = await api.get("/v1/appointments?patient=p-many&status=all&limit=2");
    assert.match(first.headers.link, /^<\/v1\/appointments\?patient=p-many&status=all&limit=2&after=a\d+>; rel="next"$/);
  });
});
