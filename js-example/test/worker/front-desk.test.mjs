// Issue 16 through the Worker in workerd (Miniflare): the scenario of ../server/front-desk.mjs,
// the same one the REST server runs, on one hospital's Durable Object; then the same hospital
// after Miniflare restarts, read back from the object's storage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { frontDesk } from "../server/front-desk.mjs";
import { checkResponse } from "../server/openapi-check.mjs";
import { hospitalWorker, withKey } from "./miniflare.mjs";

const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

async function call(mf, method, path, body) {
  const init = { method, headers: {} };
  if (method !== "GET") init.headers["content-type"] = "application/json";
  if (body !== undefined) init.body = JSON.stringify(body);
  init.headers = await withKey(mf, `/hospitals/clinic${path}`, init.headers);
  const response = await mf.dispatchFetch(`http://worker.test/hospitals/clinic${path}`, init);
  const text = await response.text();
  const answer = { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: Object.fromEntries(response.headers) };
  checkResponse(method, `/hospitals/clinic${path}`, { ...answer, text }, "worker");
  return answer;
}

test("the front desk (issue 16) through the Worker: the JS API one to one, and stored", async (t) => {
  mkdirSync(outputDir, { recursive: true });
  const dir = mkdtempSync(join(outputDir, "worker-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let mf = hospitalWorker({ persistDir: dir });
  let before;
  try {
    await frontDesk((method, path, body) => call(mf, method, path, body));
    before = (await call(mf, "GET", "/v1/appointments?doctorId=okafor&status=all")).body;
  } finally {
    await mf.dispose();
  }
  mf = hospitalWorker({ persistDir: dir });
  try {
    const after = await call(mf, "GET", "/v1/appointments?doctorId=okafor&status=all");
    assert.equal(after.status, 200);
    assert.deepEqual(after.body, before, "notes, metadata and statuses are stored with the appointments");
    assert.ok(after.body.some((a) => a.status === "expired" && a.notes === "web checkout"));
    assert.equal(after.body.length, 3);
  } finally {
    await mf.dispose();
  }
});
