// Runs every ```js block of the README against the built package and checks that it prints
// exactly the ```text block that follows it, so the README cannot drift from the code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const readmeUrl = new URL("../../README.md", import.meta.url);
const outputDir = fileURLToPath(new URL("../test-output/", import.meta.url));

/** The fenced blocks of a Markdown text, in order: { lang, code, line }. */
function fencedBlocks(markdown) {
  const blocks = [];
  let open = null;
  markdown.split("\n").forEach((text, index) => {
    const fence = /^```(\w*)\s*$/.exec(text);
    if (fence && open === null) {
      open = { lang: fence[1], lines: [], line: index + 1 };
    } else if (fence) {
      blocks.push({ lang: open.lang, code: open.lines.join("\n") + "\n", line: open.line });
      open = null;
    } else if (open !== null) {
      open.lines.push(text);
    }
  });
  return blocks;
}

const blocks = fencedBlocks(readFileSync(readmeUrl, "utf8"));
const examples = blocks.flatMap((block, i) => (block.lang === "js" ? [{ block, output: blocks[i + 1] }] : []));

test("the README has runnable examples", () => {
  assert.ok(examples.length >= 3, `found ${examples.length} js blocks`);
});

for (const { block, output } of examples) {
  test(`README example at line ${block.line} prints what the README says`, () => {
    assert.equal(output?.lang, "text", `the js block at line ${block.line} must be followed by a text block`);
    mkdirSync(outputDir, { recursive: true });
    // Written inside js-example so that `import "dr-schedule"` resolves as it does for a user.
    const file = `${outputDir}readme-line-${block.line}.mjs`;
    writeFileSync(file, block.code);
    const stdout = execFileSync(process.execPath, [file], { encoding: "utf8" });
    assert.equal(stdout, output.code);
  });
}
