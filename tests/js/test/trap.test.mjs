// Trap recovery: a build with the test-only `test-trap` feature has Hospital.debugTrap(), which
// traps the WebAssembly instance as an out-of-memory abort or a bug would. The host must never
// keep using a silently broken object: the trapping call and every later call on a Hospital
// from before the trap throw INSTANCE_FAILED, and new Hospitals work in the same process.
// scripts/test.sh builds that package into target/pkg-test-trap. Node loads it as `require` and
// `import` do (the same module either way); runtimes.test.mjs runs the same recovery in Deno and
// Bun, and workerd.test.mjs and chromium.test.mjs in theirs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../../../target/pkg-test-trap/node.js", import.meta.url));

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

test("a trap fails the instance's Hospitals with INSTANCE_FAILED, and new ones work", () => {
  assert.ok(existsSync(entry), `build it first: CARGO_TARGET_DIR=target/trap scripts/build.sh --features test-trap --out-dir target/pkg-test-trap`);
  const { Hospital } = createRequire(import.meta.url)(entry);
  const doctor = { name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] };

  const before = new Hospital();
  before.addDoctor(doctor);
  before.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" });
  const snapshot = before.toSnapshot();
  const bystander = Hospital.fromSnapshot(snapshot);

  const trap = thrown(() => before.debugTrap());
  assert.ok(trap instanceof Error);
  assert.equal(trap.name, "HospitalError");
  assert.equal(trap.code, "INSTANCE_FAILED");
  assert.match(trap.message, /fromSnapshot/);
  assert.ok(trap.cause instanceof WebAssembly.RuntimeError);

  // Every Hospital of the failed instance is gone, whatever the call.
  for (const [hospital, call] of [
    [before, (h) => h.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00" })],
    [before, (h) => h.toSnapshot()],
    [before, (h) => h.revision],
    [bystander, (h) => h.listDoctors()],
    [bystander, (h) => h.getAppointment("a1")],
  ]) {
    const error = thrown(() => call(hospital));
    assert.equal(error.name, "HospitalError");
    assert.equal(error.code, "INSTANCE_FAILED");
  }

  // A fresh Hospital in the same process works, and the host reloads from its snapshot.
  const restored = Hospital.fromSnapshot(snapshot);
  assert.equal(restored.toSnapshot(), snapshot);
  assert.equal(restored.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00" }).id, "a2");
  assert.equal(new Hospital().revision, 0);
  // Errors of the new instance are ordinary HospitalErrors again.
  assert.equal(thrown(() => restored.cancel("a404")).code, "APPOINTMENT_NOT_FOUND");
  // Freeing a lost Hospital is harmless.
  before.free();
});

test("a second trap is recovered from as well", () => {
  const { Hospital } = createRequire(import.meta.url)(entry);
  for (let round = 0; round < 3; round += 1) {
    const h = new Hospital();
    assert.equal(thrown(() => h.debugTrap()).code, "INSTANCE_FAILED");
    assert.equal(thrown(() => h.listDoctors()).code, "INSTANCE_FAILED");
    assert.deepEqual(new Hospital().listDoctors(), []);
  }
});
