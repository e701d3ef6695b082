// Runs every ```js block (an ES module) and ```cjs block (CommonJS) of both READMEs (the
// repository's and the package's own, js/README.md) against the built package and checks that
// it prints exactly the ```text block that follows it, so the READMEs cannot drift from the code.
// (The package README's ```html block runs in Chromium, runtimes/chromium.test.mjs; its
// ```javascript block in workerd, runtimes/workerd.test.mjs; Deno and Bun run the first js block
// of each, runtimes/runtimes.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fencedBlocks, packageReadme, readme } from "./markdown.mjs";

const outputDir = fileURLToPath(new URL("../test-output/", import.meta.url));

const examples = [
  ["README.md", readme],
  ["js/README.md", packageReadme],
].flatMap(([name, markdown]) => {
  const blocks = fencedBlocks(markdown);
  return blocks.flatMap((block, i) => (block.lang === "js" || block.lang === "cjs" ? [{ name, block, output: blocks[i + 1] }] : []));
});

test("both READMEs have runnable examples", () => {
  assert.ok(examples.filter((e) => e.name === "README.md").length >= 1);
  assert.ok(examples.filter((e) => e.name === "js/README.md").length >= 10);
});

test("the repository README's first example is the package README's", () => {
  const first = (name) => examples.find((e) => e.name === name);
  assert.equal(first("README.md").block.code, first("js/README.md").block.code);
  assert.equal(first("README.md").output.code, first("js/README.md").output.code);
});

for (const { name, block, output } of examples) {
  test(`${name} example at line ${block.line} prints what the README says`, () => {
    assert.equal(output?.lang, "text", `the js block at line ${block.line} must be followed by a text block`);
    mkdirSync(outputDir, { recursive: true });
    // Written inside tests/js so that `import "dr-schedule"` resolves as it does for a user.
    const file = `${outputDir}readme-${name === "README.md" ? "repo" : "package"}-line-${block.line}.${block.lang === "cjs" ? "cjs" : "mjs"}`;
    writeFileSync(file, block.code);
    const stdout = execFileSync(process.execPath, [file], { encoding: "utf8" });
    assert.equal(stdout, output.code);
  });
}
