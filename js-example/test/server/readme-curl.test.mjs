// The curl calls of the README's "The REST server" section work as written: each ```sh block
// that starts with `curl` runs, in order, against a server on a fresh database, and must print
// exactly the ```text block after it (localhost:5000 is replaced by the test server's address).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fencedBlocks, readme } from "../../../tests/js/test/markdown.mjs";
import { startProcess, stopAll, tempDb } from "./harness.mjs";

const start = readme.indexOf("\n## The REST server\n");
const end = readme.indexOf("\n## ", start + 1);
const sectionStartLine = readme.slice(0, start).split("\n").length;
const blocks = fencedBlocks(readme.slice(start, end));
const calls = blocks.flatMap((block, i) => (block.lang === "sh" && block.code.startsWith("curl ") ? [{ block, output: blocks[i + 1] }] : []));

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
    const stdout = execFileSync("bash", ["-c", command], { encoding: "utf8", timeout: 10_000 });
    assert.equal(stdout, output.code.replace(/\n$/, ""));
  });
}
