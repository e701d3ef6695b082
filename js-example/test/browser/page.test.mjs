// The example page of js-example/browser in a real browser: Debian's headless Chromium driven by
// playwright-core (no browser download), used by clicking: book a slot, see it on the grid,
// cancel it, export and import a snapshot. Screenshots go to test-output/. (The package itself
// in Chromium is tested in tests/js/test/runtimes/chromium.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Hospital } from "dr-schedule";
import { createStaticServer } from "../../browser/serve.mjs";

const CHROMIUM = "/usr/bin/chromium";
const outputDir = fileURLToPath(new URL("../../test-output/", import.meta.url));

let browser;
const servers = [];

/** Serves the page and the package, as browser/serve.mjs does, on a free port; returns the base URL. */
async function serve() {
  const server = createStaticServer();
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
  const context = await browser.newContext({ acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => message.type() === "error" && problems.push(`console error: ${message.text()}`));
  t.after(() => assert.deepEqual(problems, []));
  return page;
}

test("the page: book a slot by clicking, see it on the grid, cancel it, export and import", async (t) => {
  const page = await newPage(t);
  // 2019-02-01 is a Friday: Dr. Ada Lovelace (the first doctor) works 09:00-17:00.
  await page.goto(`${await serve()}/?week=2019-02-01`);
  await page.locator("body[data-ready=true]").waitFor();
  assert.equal(await page.locator("#week-label").textContent(), "2019-01-28 – 2019-02-03");
  assert.equal(await page.locator("#doctor option:checked").textContent(), "Dr. Ada Lovelace");
  const slot = page.locator('td[data-start="2019-02-01T11:00"]');
  assert.equal(await slot.getAttribute("class"), "free");
  // Saturday is not a working day: closed, nothing to click.
  assert.equal(await page.locator('td[data-start="2019-02-02T11:00"]').getAttribute("class"), "closed");
  const freeBefore = await page.locator("td.free").count();
  assert.equal(freeBefore, 5 * 32);

  await page.locator("#patient").fill("p-4711");
  await page.locator("#location").selectOption("9 Elm Ave");
  await slot.getByRole("button", { name: "book 2019-02-01T11:00" }).click();
  await page.locator('td.booked[data-start="2019-02-01T11:00"]').waitFor();
  assert.equal(await slot.locator(".patient").textContent(), "p-4711");
  assert.equal(await slot.getAttribute("data-appointment"), "a1");
  assert.match(await page.locator("#status").textContent(), /^Booked a1: 2019-02-01T11:00 at 9 Elm Ave for p-4711\.$/);
  assert.equal(await page.locator("td.free").count(), freeBefore - 1);
  await page.screenshot({ path: `${outputDir}browser-booked.png`, fullPage: true });

  // Export: the downloaded file is the hospital's snapshot, with the booking in it.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export").click()]);
  const exported = readFileSync(await download.path(), "utf8");
  assert.equal(download.suggestedFilename(), "hospital-revision-3.json");
  const restored = Hospital.fromSnapshot(exported);
  assert.deepEqual(
    restored.appointments("1").map((a) => [a.id, a.start, a.location, a.patient]),
    [["a1", "2019-02-01T11:00", "9 Elm Ave", "p-4711"]],
  );

  await slot.getByRole("button", { name: "cancel a1" }).click();
  await page.locator('td.free[data-start="2019-02-01T11:00"]').waitFor();
  assert.equal(await page.locator("#status").textContent(), "Cancelled a1 (2019-02-01T11:00).");
  assert.equal(await page.locator("td.free").count(), freeBefore);

  // Import: the exported file brings the booking back, all or nothing.
  const file = `${outputDir}browser-exported.json`;
  writeFileSync(file, exported);
  await page.locator("#import").setInputFiles(file);
  await page.locator('td.booked[data-start="2019-02-01T11:00"]').waitFor();
  assert.match(await page.locator("#status").textContent(), /^Imported browser-exported\.json: 2 doctor\(s\), revision 3\.$/);

  const broken = `${outputDir}browser-broken.json`;
  writeFileSync(broken, exported.replace('"2019-02-01T11:00"', '"2019-02-30T11:00"'));
  await page.locator("#import").setInputFiles(broken);
  await page.locator("#status.error").waitFor();
  assert.match(await page.locator("#status").textContent(), /^browser-broken\.json was not imported: INVALID_SNAPSHOT: /);
  // The hospital on the page is still the imported one.
  assert.equal(await slot.getAttribute("class"), "booked");
  await page.screenshot({ path: `${outputDir}browser-imported.png`, fullPage: true });
});
