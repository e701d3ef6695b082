// The walk-through that `./scripts/start.sh` runs shows the whole flow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("example.mjs books, refuses with codes, cancels, and restores a snapshot", () => {
  const example = fileURLToPath(new URL("../example.mjs", import.meta.url));
  const output = execFileSync(process.execPath, [example], { encoding: "utf8" });
  for (const expected of [
    'doctors: ["d1 Dr. Ada Lovelace","grace Dr. Grace Hopper"]',
    "refused: HospitalError SLOT_TAKEN",
    "refused 2019-02-01T17:00: OUTSIDE_HOURS",
    "refused 2019-02-01T09:05: OFF_GRID",
    "retry returned the same appointment: true",
    'cancelled: {"id":"a1","status":"cancelled","cancelReason":"patient called"}',
    'history: ["a1 cancelled","a2 booked"]',
    "identical snapshot: true",
    'restored Ada\'s bookings: ["a2"]',
  ]) {
    assert.ok(output.includes(expected), `missing ${JSON.stringify(expected)} in:\n${output}`);
  }
});
