// The curl calls of the README's "The REST server" section work as written: each ```sh block
// that starts with `curl` runs, in order, against a server on a fresh database, and must print
// exactly the ```text block after it (localhost:5000 is replaced by the test server's address).
// The "On PostgreSQL" recipe runs as written too, in the PostgreSQL run of the tests: the URL
// that `scripts/postgres.sh start` prints is the one the recipe gives the server. The "Many
// hospitals" examples (every ```sh block there, scripts of curl calls) run against a server of
// many hospitals, with the operator credential in DR_SCHEDULE_OPERATOR_KEY.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fencedBlocks, readme } from "../../../tests/js/test/markdown.mjs";
import { fileURLToPath } from "node:url";
import { OPERATOR, POSTGRES_URL, hospitalsPlace, onlyFor, startProcess, stopAll, tempDb } from "./harness.mjs";

const start = readme.indexOf("\n## The REST server\n");
const end = readme.indexOf("\n## ", start + 1);
const pgStart = readme.indexOf("\n### On PostgreSQL\n", start);
const pgEnd = readme.indexOf("\n#", pgStart + 1);
const manyStart = readme.indexOf("\n### Many hospitals\n", start);
const manyEnd = readme.indexOf("\n#", manyStart + 1);
const sectionStartLine = readme.slice(0, start).split("\n").length;
const curlCalls = (blocks) => blocks.flatMap((block, i) => (block.lang === "sh" && block.code.startsWith("curl ") ? [{ block, output: blocks[i + 1] }] : []));
// The PostgreSQL recipe's calls and the many hospitals' are not part of the walk through the
// section on the one hospital (the sections are in this order).
assert.ok(start < manyStart && manyEnd <= pgStart, "README has '### Many hospitals' before '### On PostgreSQL'");
const blocks = fencedBlocks(readme.slice(start, manyStart) + readme.slice(manyEnd, pgStart) + readme.slice(pgEnd, end));
const manyBlocks = fencedBlocks(readme.slice(manyStart, manyEnd));
const calls = curlCalls(blocks);
const pgBlocks = fencedBlocks(readme.slice(pgStart, pgEnd));

let hasCurl = true;
try {
  execFileSync("curl", ["--version"], { stdio: "ignore" });
} catch {
  hasCurl = false;
}

let server;
before(async () => {
  if (hasCurl) server = await startProcess({ db: tempDb() });
});
after(stopAll);

test("the REST server section has curl examples for the seed API and v1", () => {
  assert.ok(start > 0 && end > start, "README has a '## The REST server' section");
  assert.ok(calls.length >= 6, `found ${calls.length} curl blocks`);
  assert.ok(calls.some(({ block }) => block.code.includes("/appointment ")));
  assert.ok(calls.some(({ block }) => block.code.includes("/v1/")));
});

for (const { block, output } of calls) {
  const line = sectionStartLine + block.line - 1;
  test(`README curl at line ${line} prints what the README says`, { skip: hasCurl ? false : "curl is not installed" }, () => {
    assert.equal(output?.lang, "text", `the sh block at line ${line} must be followed by a text block`);
    const command = block.code.replaceAll("localhost:5000", `127.0.0.1:${server.port}`);
    const stdout = execFileSync("bash", ["-c", command], { encoding: "utf8", timeout: 10_000, env: { ...process.env, DRS_KEY: server.key } });
    assert.equal(stdout, output.code.replace(/\n$/, ""));
  });
}

test("the README's PostgreSQL recipe: scripts/postgres.sh start prints the URL the server is given, and the curl call prints what it says", onlyFor("postgres"), async () => {
  assert.ok(pgStart > start && pgEnd > pgStart, "README has a '### On PostgreSQL' section");
  const recipe = pgBlocks.find((block) => block.lang === "sh" && block.code.includes("scripts/postgres.sh start"));
  assert.ok(recipe, "the section has the recipe");
  const lines = recipe.code.split("\n");
  const printed = /# prints its URL: (\S+)/.exec(lines[0])?.[1];
  const given = /DR_SCHEDULE_DATABASE_URL=(\S+) npm run server/.exec(lines[1])?.[1];
  assert.equal(given, printed);
  // The script, as the recipe runs it (from the repository's root): the tests' server is that one.
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  assert.equal(execFileSync("bash", ["-c", lines[0].replace(/#.*/, "")], { cwd: root, encoding: "utf8" }).trim(), printed);
  assert.equal(printed, POSTGRES_URL);
  // `npm run server` is `node server/main.mjs`; on that URL (its public schema: the demo).
  const server = await startProcess({ db: given });
  for (const { block, output } of curlCalls(pgBlocks)) {
    assert.equal(output?.lang, "text");
    const stdout = execFileSync("bash", ["-c", block.code.replaceAll("localhost:5000", `127.0.0.1:${server.port}`)], { encoding: "utf8", timeout: 10_000, env: { ...process.env, DRS_KEY: server.key } });
    assert.equal(stdout, output.code.replace(/\n$/, ""));
  }
});

test("the README's many-hospitals examples: a hospital created with a time zone, and options the package refuses", { skip: hasCurl ? false : "curl is not installed" }, async () => {
  const scripts = manyBlocks.flatMap((block, i) => (block.lang === "sh" && block.code.includes("localhost:5000") ? [{ block, output: manyBlocks[i + 1] }] : []));
  assert.ok(scripts.length >= 2, `found ${scripts.length} sh blocks`);
  const { env } = hospitalsPlace();
  const server = await startProcess({ db: tempDb(), env });
  for (const { block, output } of scripts) {
    assert.equal(output?.lang, "text", `the sh block at line ${block.line} must be followed by a text block`);
    const stdout = execFileSync("bash", ["-c", block.code.replaceAll("localhost:5000", `127.0.0.1:${server.port}`)], { encoding: "utf8", timeout: 10_000, env: { ...process.env, DR_SCHEDULE_OPERATOR_KEY: OPERATOR } });
    assert.equal(stdout, output.code.replace(/\n$/, ""));
  }
});
