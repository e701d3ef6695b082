// The package in workerd (Cloudflare's runtime, through Miniflare): the smoke test's transcript
// through the workerd entry, trap recovery on the test-trap build, and the README's Worker
// example. (The Durable Object example of js-example/worker has its own tests there.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exampleOf, packageReadme } from "../markdown.mjs";
import { EXPECTED, EXPECTED_TRAP, expectedContract } from "./expected.mjs";
import { repoRoot, testWorker } from "./workerd.mjs";

const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

test("workerd: the package prints the smoke test's transcript", async () => {
  const mf = testWorker(fileURLToPath(new URL("./smoke-worker.mjs", import.meta.url)));
  try {
    const response = await mf.dispatchFetch("http://worker.test/");
    assert.deepEqual((await response.json()).lines, EXPECTED);
  } finally {
    await mf.dispose();
  }
});

test("workerd: the call-by-call contract of contract.mjs holds", async () => {
  const mf = testWorker(fileURLToPath(new URL("./contract-worker.mjs", import.meta.url)));
  try {
    const response = await mf.dispatchFetch("http://worker.test/");
    assert.deepEqual(await response.json(), await expectedContract());
  } finally {
    await mf.dispose();
  }
});

test("workerd: a trap is recovered from (workerd.js of the test-trap build)", async () => {
  const packageDir = join(repoRoot, "target/pkg-test-trap");
  assert.ok(existsSync(join(packageDir, "workerd.js")), "build it first: CARGO_TARGET_DIR=target/trap scripts/build.sh --features test-trap --out-dir target/pkg-test-trap");
  const mf = testWorker(fileURLToPath(new URL("./trap-worker.mjs", import.meta.url)), { packageDir });
  try {
    const response = await mf.dispatchFetch("http://worker.test/");
    assert.deepEqual((await response.json()).lines, EXPECTED_TRAP);
  } finally {
    await mf.dispose();
  }
});

test("the package README's Worker example answers what the README says", async () => {
  const { code, output } = exampleOf("javascript", packageReadme);
  mkdirSync(outputDir, { recursive: true });
  const file = join(outputDir, "readme-worker.mjs");
  writeFileSync(file, code);
  const mf = testWorker(file);
  try {
    const response = await mf.dispatchFetch("http://worker.test/slots");
    assert.equal(response.status, 200);
    assert.equal(`${await response.text()}\n`, output);
  } finally {
    await mf.dispose();
  }
});
