// Hospitals dropped without free() are reclaimed: the package registers each Hospital with a
// FinalizationRegistry, which frees its engine object once the Hospital is garbage collected.
// programs/forgotten-hospitals.mjs loads one snapshot 3,000 times in a child Node (with
// --expose-gc, so that collections happen where a busy server's would), freeing each, dropping
// each, or keeping each (1,000 of them); the memory it took (wasm memory, whose size is its peak, plus the JS
// heap) of the dropped ones must stay within twice that of the freed ones, and far below that of
// the kept ones, which shows the measurement would see hospitals that are never reclaimed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const program = fileURLToPath(new URL("../programs/forgotten-hospitals.mjs", import.meta.url));
const testsDir = fileURLToPath(new URL("../", import.meta.url));

function measure(mode, loads = 3000) {
  const stdout = execFileSync(process.execPath, ["--expose-gc", program, mode, String(loads)], { cwd: testsDir, encoding: "utf8" });
  const result = JSON.parse(stdout);
  assert.equal(result.checksum, loads * 300, `${mode}: every load saw the whole hospital`);
  return { ...result, total: result.wasm + result.heap };
}

test("3,000 snapshots loaded without free() take at most twice the memory of freeing them", (t) => {
  const freed = measure("free");
  const forgotten = measure("forget");
  const kept = measure("keep", 1000);
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  t.diagnostic(`freed ${mb(freed.total)} (wasm ${mb(freed.wasm)}), forgotten ${mb(forgotten.total)} (wasm ${mb(forgotten.wasm)}), kept ${mb(kept.total)} (wasm ${mb(kept.wasm)})`);
  assert.ok(forgotten.total <= 2 * freed.total, `forgotten ${mb(forgotten.total)} > 2 × freed ${mb(freed.total)}`);
  // Kept alive, a third as many take far more: a registry that reclaimed nothing would fail the
  // assertion above.
  assert.ok(kept.total > 10 * freed.total, `kept ${mb(kept.total)}, freed ${mb(freed.total)}`);
});
