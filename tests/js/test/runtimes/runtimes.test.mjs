// The package as each server-side runtime loads it: Node through `import` and through `require`,
// Deno and Bun (their binaries come from the npm packages `deno` and `bun`, installed by
// `npm ci`). Each runs the same smoke test (smoke.mjs) on `dr-schedule` as installed in
// tests/js (file:../../pkg), must resolve the entry its exports condition names, and must print
// exactly the expected transcript; each also recovers from a trap on the test-trap build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fencedBlocks, packageReadme, readme } from "../markdown.mjs";
import { EXPECTED, EXPECTED_TRAP, expectedContract } from "./expected.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const testsDir = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
const trapBuild = fileURLToPath(new URL("../../../../target/pkg-test-trap/", import.meta.url));

/** Runs a command in tests/js (where `dr-schedule` is installed) and parses its JSON output. */
function run(command, args) {
  const stdout = execFileSync(command, args, { cwd: testsDir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return JSON.parse(stdout);
}

const script = (name) => `${here}${name}`;

test("Node, import: the node entry, the expected transcript", () => {
  const { entry, lines } = run(process.execPath, [script("run.mjs")]);
  assert.match(entry, /\/node\.js$/);
  assert.deepEqual(lines, EXPECTED);
});

test("Node, require: the node entry, the same transcript, the same class as import", () => {
  const { entry, lines, sameAsImport } = run(process.execPath, [script("run.cjs")]);
  assert.match(entry, /\/node\.js$/);
  assert.deepEqual(lines, EXPECTED);
  assert.equal(sameAsImport, true);
});

test("Deno: the deno entry, with no permissions granted, the expected transcript", () => {
  // No --allow-* flag: loading the package must not need file or network access.
  const { entry, lines } = run(bin("deno"), ["run", "--no-prompt", "--no-lock", script("run.mjs")]);
  assert.match(entry, /\/deno\.js$/);
  assert.deepEqual(lines, EXPECTED);
});

test("Bun: the node entry, the expected transcript, through import and require", () => {
  const imported = run(bin("bun"), [script("run.mjs")]);
  assert.match(imported.entry, /\/node\.js$/);
  assert.deepEqual(imported.lines, EXPECTED);
  const required = run(bin("bun"), [script("run.cjs")]);
  assert.deepEqual(required.lines, EXPECTED);
  assert.equal(required.sameAsImport, true);
});

for (const [runtime, command] of [
  ["Deno", () => [bin("deno"), ["run", "--no-prompt", "--no-lock", script("run-contract.mjs")]]],
  ["Bun", () => [bin("bun"), [script("run-contract.mjs")]]],
]) {
  test(`${runtime}: the call-by-call contract of contract.mjs holds`, async () => {
    assert.deepEqual(run(...command()), await expectedContract());
  });
}

for (const [runtime, command] of [
  ["Deno", () => [bin("deno"), ["run", "--no-prompt", "--no-lock", fileURLToPath(new URL("../../programs/run-using.mjs", import.meta.url))]]],
  ["Bun", () => [bin("bun"), [fileURLToPath(new URL("../../programs/run-using.mjs", import.meta.url))]]],
]) {
  test(`${runtime}: \`using\` frees the hospital at the end of its block`, () => {
    assert.deepEqual(run(...command()), { inside: 1, after: 'true INVALID_INPUT {"field":"this"}' });
  });
}

for (const [runtime, command, entry] of [
  ["Node", () => [process.execPath, [script("run-trap.mjs"), `${trapBuild}node.js`]], "node.js"],
  ["Deno", () => [bin("deno"), ["run", "--no-prompt", "--no-lock", `--allow-read=${trapBuild},${here}`, script("run-trap.mjs"), `${trapBuild}deno.js`]], "deno.js"],
  ["Bun", () => [bin("bun"), [script("run-trap.mjs"), `${trapBuild}node.js`]], "node.js"],
]) {
  test(`${runtime}: a trap is recovered from (${entry} of the test-trap build)`, () => {
    assert.ok(existsSync(`${trapBuild}${entry}`), "build it first: CARGO_TARGET_DIR=target/trap scripts/build.sh --features test-trap --out-dir target/pkg-test-trap");
    const { lines } = run(...command());
    assert.deepEqual(lines, EXPECTED_TRAP);
  });
}

// The package README's Deno and Bun recipe: the first example of each README runs as it is. Deno
// and Bun format objects in console.log a little differently from Node (quotes, line breaks), so
// the values are compared without quotes, commas and white space.
const firstExample = (markdown) => {
  const blocks = fencedBlocks(markdown);
  const index = blocks.findIndex((block) => block.lang === "js");
  return { code: blocks[index].code, output: blocks[index + 1].code };
};
const values = (text) => text.replace(/[\s'",]/g, "");

for (const [runtime, command] of [
  ["Deno", (file) => [bin("deno"), ["run", "--no-prompt", "--no-lock", file]]],
  ["Bun", (file) => [bin("bun"), [file]]],
]) {
  for (const [name, markdown] of [
    ["README", readme],
    ["package README", packageReadme],
  ]) {
    test(`${runtime} runs the ${name}'s first example and prints its values`, () => {
      const example = firstExample(markdown);
      const dir = `${testsDir}test-output/`;
      mkdirSync(dir, { recursive: true });
      const file = `${dir}readme-${name.replace(" ", "-")}-${runtime.toLowerCase()}.mjs`;
      writeFileSync(file, example.code);
      const [cmd, args] = command(file);
      const stdout = execFileSync(cmd, args, { cwd: testsDir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      assert.equal(values(stdout), values(example.output));
      assert.match(stdout, /SLOT_TAKEN/);
    });
  }
}
