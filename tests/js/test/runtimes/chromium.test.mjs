// The package in a real browser: Debian's headless Chromium driven by playwright-core (no
// browser download). The smoke test's transcript and trap recovery through the package's
// browser entry (smoke.html), and the README's browser example. (The example page of
// js-example/browser has its own test there.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { exampleOf, packageReadme } from "../markdown.mjs";
import { EXPECTED, EXPECTED_TRAP, expectedContract } from "./expected.mjs";
import { createStaticServer } from "./static-server.mjs";

const CHROMIUM = "/usr/bin/chromium";
const here = fileURLToPath(new URL(".", import.meta.url));
const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));
const installedPackage = fileURLToPath(new URL("../../node_modules/dr-schedule/", import.meta.url));
const trapBuild = fileURLToPath(new URL("../../../../target/pkg-test-trap/", import.meta.url));

let browser;
const servers = [];

/** Serves `mounts` (URL prefix → directory) on a free port; returns the base URL. */
async function serve(mounts) {
  const server = createStaticServer(mounts);
  servers.push(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), "Chromium is missing: run scripts/setup-browsers.sh");
  mkdirSync(outputDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  for (const server of servers) server.close();
});

/** A new page that fails the test on any error the page logs or throws. */
async function newPage(t) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => message.type() === "error" && problems.push(`console error: ${message.text()}`));
  t.after(() => assert.deepEqual(problems, []));
  return page;
}

/** Runs smoke.html on the package in `packageDir` and returns its JSON result. */
async function smokeResult(t, packageDir, query = "") {
  const base = await serve({ "/modules/dr-schedule/": packageDir, "/runtimes/": here, "/checks/": fileURLToPath(new URL("..", import.meta.url)) });
  const page = await newPage(t);
  await page.goto(`${base}/runtimes/smoke.html${query}`);
  await page.locator("#result[data-done=true]").waitFor();
  return JSON.parse(await page.locator("#result").textContent());
}

test("Chromium: the package prints the smoke test's transcript", async (t) => {
  const result = await smokeResult(t, installedPackage);
  assert.deepEqual(result, { lines: EXPECTED });
});

test("Chromium: the call-by-call contract of contract.mjs holds", async (t) => {
  const result = await smokeResult(t, installedPackage, "?run=contract");
  assert.deepEqual(result, await expectedContract());
});

test("Chromium: a trap is recovered from (browser.js of the test-trap build)", async (t) => {
  assert.ok(existsSync(`${trapBuild}browser.js`), "build it first: CARGO_TARGET_DIR=target/trap scripts/build.sh --features test-trap --out-dir target/pkg-test-trap");
  const result = await smokeResult(t, trapBuild, "?run=trap");
  assert.deepEqual(result, { lines: EXPECTED_TRAP });
});

test("the package README's browser example logs what the README says", async (t) => {
  const { code, output } = exampleOf("html", packageReadme);
  writeFileSync(`${outputDir}readme.html`, code);
  const base = await serve({ "/": outputDir, "/node_modules/dr-schedule/": installedPackage });
  const page = await newPage(t);
  const expected = output.trimEnd().split("\n");
  const logged = [];
  const done = new Promise((resolve, reject) => {
    page.on("pageerror", reject);
    page.on("console", (message) => {
      if (message.type() !== "log") return;
      logged.push(message.text());
      if (logged.length === expected.length) resolve();
    });
  });
  await page.goto(`${base}/readme.html`);
  await done;
  assert.deepEqual(logged, expected);
});
