// Concurrency: 200 simultaneous requests for one slot get exactly one success; two server
// processes on one database, booking overlapping and distinct slots in interleaved order, lose
// nothing and double-book nothing, as seen from either server and from a fresh process.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { client, getAll, nthSlot, request, roundTheClock, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

function tally(responses) {
  const counts = {};
  for (const r of responses) {
    const key = r.status === 200 || r.status === 201 ? String(r.status) : `${r.status} ${r.body?.error?.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("one server process", { timeout: 30_000 }, () => {
  test("200 concurrent seed bookings of the same slot: exactly one 200, 199 × 409 SLOT_TAKEN", async () => {
    const proc = await startProcess({ db: tempDb() });
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(proc.url, "POST", "/appointment", { body: { doctor_id: 1, location_id: 1 + (i % 2), date: "2019-02-01", time: "11:00" } }),
      ),
    );
    assert.deepEqual(tally(responses), { 200: 1, "409 SLOT_TAKEN": 199 });
    const winner = responses.find((r) => r.status === 200).body;
    for (const r of responses) if (r.status === 409) assert.equal(r.body.error.details.conflictingAppointmentId, winner.id);
    const listed = await request(proc.url, "GET", "/appointments/1");
    assert.deepEqual(listed.body, [winner]);
  });

  test("200 concurrent v1 bookings of overlapping intervals: exactly one 201, the rest 409 SLOT_TAKEN", async () => {
    const proc = await startProcess({ db: tempDb() });
    const api = client(proc.url);
    assert.equal((await api.post("/v1/doctors", roundTheClock("rt"))).status, 201);
    // Every request covers 2030-01-01T10:45-11:00 but they differ in start, length and location.
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        api.post("/v1/appointments", {
          doctorId: "rt",
          location: i % 2 ? "X" : "Y",
          start: ["2030-01-01T10:00", "2030-01-01T10:30", "2030-01-01T10:45"][i % 3],
          durationMinutes: [60, 30, 15][i % 3],
          patient: `p${i}`,
        }),
      ),
    );
    assert.deepEqual(tally(responses), { 201: 1, "409 SLOT_TAKEN": 199 });
    assert.equal((await api.get("/v1/doctors/rt/appointments")).body.length, 1);
  });
});

describe("two server processes on one database", { timeout: 60_000 }, () => {
  test("three processes starting at once on a new database all start, and it is seeded once", async () => {
    for (let round = 0; round < 3; round++) {
      const db = tempDb();
      const procs = await Promise.all([startProcess({ db }), startProcess({ db }), startProcess({ db })]);
      for (const proc of procs) {
        assert.deepEqual((await request(proc.url, "GET", "/health")).body, { ok: true, revision: 2, doctors: 2 });
      }
      await Promise.all(procs.map((proc) => proc.stop()));
    }
  });

  test("interleaved bookings of overlapping and distinct slots: no lost and no double booking", async () => {
    const db = tempDb();
    // A low compaction threshold (2 KB of change records): compactions happen while both
    // write, so catching up crosses them.
    const env = { DR_SCHEDULE_COMPACT_PERCENT: "1", DR_SCHEDULE_COMPACT_MIN_BYTES: "2000" };
    const [a, b] = await Promise.all([startProcess({ db, env }), startProcess({ db, env })]);
    const A = client(a.url);
    const B = client(b.url);
    assert.equal((await A.post("/v1/doctors", roundTheClock("rt"))).status, 201);
    assert.equal((await B.post("/v1/doctors", roundTheClock("rt2"))).status, 201);

    const jobs = [];
    for (let i = 0; i < 60; i++) {
      // The same slot through both servers.
      jobs.push({ kind: "same", key: i, server: A, body: { doctorId: "rt", location: "X", start: nthSlot(i), patient: `a${i}` } });
      jobs.push({ kind: "same", key: i, server: B, body: { doctorId: "rt", location: "Y", start: nthSlot(i), patient: `b${i}` } });
      // Overlapping, not identical: A books 30 minutes at slot 2i, B 15 minutes at slot 2i + 1.
      jobs.push({ kind: "overlap", key: i, server: A, body: { doctorId: "rt2", location: "X", start: nthSlot(2 * i), durationMinutes: 30 } });
      jobs.push({ kind: "overlap", key: i, server: B, body: { doctorId: "rt2", location: "X", start: nthSlot(2 * i + 1) } });
      // Distinct slots, each through one server.
      jobs.push({ kind: "distinct", key: i, server: A, body: { doctorId: "rt", location: "X", start: nthSlot(1000 + i) } });
      jobs.push({ kind: "distinct", key: 100 + i, server: B, body: { doctorId: "rt", location: "Y", start: nthSlot(2000 + i) } });
    }
    // Eight waves, each fired at once: the two processes race on the same rows.
    const results = [];
    const wave = Math.ceil(jobs.length / 8);
    for (let i = 0; i < jobs.length; i += wave) {
      const part = jobs.slice(i, i + wave);
      const responses = await Promise.all(part.map((job) => job.server.post("/v1/appointments", job.body)));
      part.forEach((job, k) => results.push({ ...job, response: responses[k] }));
    }

    for (const r of results) {
      assert.ok(r.response.status === 201 || (r.response.status === 409 && r.response.body.error.code === "SLOT_TAKEN"), r.response.text);
    }
    const wins = results.filter((r) => r.response.status === 201);
    for (const kind of ["same", "overlap"]) {
      for (let i = 0; i < 60; i++) {
        const winners = wins.filter((r) => r.kind === kind && r.key === i);
        assert.equal(winners.length, 1, `${kind} ${i}: ${winners.length} winners`);
      }
    }
    assert.equal(wins.filter((r) => r.kind === "distinct").length, 120);
    const bothServed = new Set(wins.map((r) => r.server));
    assert.equal(bothServed.size, 2, "both servers booked something");

    const expected = new Map(wins.map((r) => [r.response.body.id, r.response.body]));
    assert.equal(expected.size, wins.length, "appointment ids are unique");
    const listAll = async (api) => {
      const all = [];
      for (const id of ["rt", "rt2"]) {
        all.push(...(await getAll(api, `/v1/doctors/${id}/appointments?status=all&limit=1000`)).items);
      }
      return all;
    };
    const check = (listed, who) => {
      assert.equal(listed.length, expected.size, `${who}: ${listed.length} appointments, ${expected.size} acknowledged`);
      for (const appointment of listed) assert.deepEqual(appointment, expected.get(appointment.id), who);
      // No two booked appointments of a doctor overlap.
      for (const doctor of ["rt", "rt2"]) {
        const mine = listed.filter((x) => x.doctorId === doctor && x.status === "booked").sort((x, y) => (x.start < y.start ? -1 : 1));
        for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1].end <= mine[i].start, `${who}: ${mine[i - 1].id} overlaps ${mine[i].id}`);
      }
    };
    check(await listAll(A), "server A");
    check(await listAll(B), "server B");
    assert.deepEqual((await A.get("/health")).body, (await B.get("/health")).body);

    await Promise.all([a.stop(), b.stop()]);
    const fresh = await startProcess({ db });
    check(await listAll(client(fresh.url)), "a fresh process");
  });
});
