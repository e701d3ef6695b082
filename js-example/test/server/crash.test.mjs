// Crash safety: a server killed with SIGKILL in the middle of a stream of bookings, then
// restarted: every acknowledged booking is there, every stored booking is one that was
// requested, none twice; retrying the unacknowledged requests (same requestIds) completes the
// set without duplicates.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { client, getAll, nthSlot, roundTheClock, startProcess, stopAll, tempDb } from "./harness.mjs";

after(stopAll);

const IN_FLIGHT = 8;

/**
 * Sends bookings n = 0, 1, 2… (requestId `req-n`, slot n) with IN_FLIGHT requests in flight
 * until the server dies. Returns { requested: Map requestId → body, acked: Map requestId → appointment }.
 */
async function streamUntilKilled(api, first, killAfterAcks, kill) {
  const requested = new Map();
  const acked = new Map();
  let next = first;
  let dead = false;
  async function worker() {
    // Bounded: the server is killed after `killAfterAcks` acknowledgements.
    while (!dead && next < first + 10_000) {
      const n = next++;
      const body = { doctorId: "rt", location: "X", start: nthSlot(n), patient: `p${n}`, requestId: `req-${n}` };
      requested.set(body.requestId, body);
      try {
        const res = await api.post("/v1/appointments", body, { timeoutMs: 5000 });
        assert.equal(res.status, 201, res.text);
        acked.set(body.requestId, res.body);
        if (acked.size === killAfterAcks) kill();
      } catch (error) {
        if (error.code === "ERR_ASSERTION") throw error;
        dead = true; // connection reset or refused: the server is gone
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { requested, acked };
}

test("SIGKILL during a stream of bookings loses no acknowledged booking and invents none", { timeout: 30_000 }, async (t) => {
  const db = tempDb();
  // A snapshot every 3 KB or so of change records (about 10 bookings), so some kills land
  // while the compactor thread writes one.
  const env = { DR_SCHEDULE_COMPACT_PERCENT: "1", DR_SCHEDULE_COMPACT_MIN_BYTES: "3000" };
  let proc = await startProcess({ db, env });
  assert.equal((await client(proc.url).post("/v1/doctors", roundTheClock("rt"))).status, 201);

  const requested = new Map();
  const acked = new Map();
  let first = 0;
  for (const [round, killAfterAcks] of [[1, 37], [2, 61], [3, 23]]) {
    const api = client(proc.url);
    const victim = proc;
    // The kill comes 0, 2 or 4 ms after the Nth acknowledgement, while the stream goes on: it
    // lands between requests, inside transactions, or (every 10 changes) inside a snapshot write.
    const result = await streamUntilKilled(api, first, killAfterAcks, () => {
      setTimeout(() => victim.child.kill("SIGKILL"), 2 * (round - 1));
    });
    const { signal } = await victim.exited;
    assert.equal(signal, "SIGKILL", `round ${round}`);
    for (const [k, v] of result.requested) requested.set(k, v);
    for (const [k, v] of result.acked) acked.set(k, v);
    first += result.requested.size + 5;

    proc = await startProcess({ db, env });
    const { items: stored } = await getAll(client(proc.url), "/v1/doctors/rt/appointments?status=all&limit=1000");
    const byRequest = new Map();
    for (const appointment of stored) {
      assert.ok(requested.has(appointment.requestId), `round ${round}: stored ${appointment.requestId} was never requested`);
      assert.ok(!byRequest.has(appointment.requestId), `round ${round}: ${appointment.requestId} stored twice`);
      byRequest.set(appointment.requestId, appointment);
      const wanted = requested.get(appointment.requestId);
      assert.equal(appointment.start, wanted.start);
      assert.equal(appointment.patient, wanted.patient);
    }
    for (const [requestId, appointment] of acked) {
      assert.deepEqual(byRequest.get(requestId), appointment, `round ${round}: acknowledged ${requestId} is missing or changed`);
    }
    assert.ok(result.acked.size >= killAfterAcks, `round ${round}: only ${result.acked.size} acknowledged before the kill`);
  }

  // Retrying every unacknowledged request with its requestId: 200 if it had been stored before
  // the kill, 201 if not; afterwards each request is stored exactly once.
  const api = client(proc.url);
  const statuses = { 200: 0, 201: 0 };
  for (const [requestId, body] of requested) {
    if (acked.has(requestId)) continue;
    const res = await api.post("/v1/appointments", body);
    assert.ok(res.status === 200 || res.status === 201, res.text);
    statuses[res.status] += 1;
  }
  t.diagnostic(
    `${requested.size} requested, ${acked.size} acknowledged before the kills; retried: ` +
      `${statuses[200]} had been stored without an answer, ${statuses[201]} had not been stored`,
  );
  const { items: stored } = await getAll(api, "/v1/doctors/rt/appointments?status=all&limit=1000");
  assert.equal(stored.length, requested.size);
  assert.equal(new Set(stored.map((a) => a.requestId)).size, requested.size);
  assert.equal(new Set(stored.map((a) => a.id)).size, requested.size);
});
