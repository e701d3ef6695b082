// Runs every ```js block (an ES module) and ```cjs block (CommonJS) of the README against the
// built package and checks that it prints exactly the ```text block that follows it, so the
// README cannot drift from the code. (The ```html block runs in Chromium,
// runtimes/chromium.test.mjs; the ```javascript block in workerd, runtimes/workerd.test.mjs; Deno
// and Bun run the first js block, runtimes/runtimes.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fencedBlocks, readme } from "./markdown.mjs";

const outputDir = fileURLToPath(new URL("../test-output/", import.meta.url));

const blocks = fencedBlocks(readme);
const examples = blocks.flatMap((block, i) => (block.lang === "js" || block.lang === "cjs" ? [{ block, output: blocks[i + 1] }] : []));

test("the README has runnable examples", () => {
  assert.ok(examples.length >= 3, `found ${examples.length} js blocks`);
});

for (const { block, output } of examples) {
  test(`README example at line ${block.line} prints what the README says`, () => {
    assert.equal(output?.lang, "text", `the js block at line ${block.line} must be followed by a text block`);
    mkdirSync(outputDir, { recursive: true });
    // Written inside tests/js so that `import "dr-schedule"` resolves as it does for a user.
    const file = `${outputDir}readme-line-${block.line}.${block.lang === "cjs" ? "cjs" : "mjs"}`;
    writeFileSync(file, block.code);
    const stdout = execFileSync(process.execPath, [file], { encoding: "utf8" });
    assert.equal(stdout, output.code);
  });
}
