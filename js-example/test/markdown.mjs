// Reading the README's code blocks, for the tests that run them (readme.test.mjs and
// server/readme-curl.test.mjs), so that examples and their printed output cannot drift.
import { readFileSync } from "node:fs";

/** The README's text. */
export const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The fenced blocks of a Markdown text, in order: { lang, code, line }. */
export function fencedBlocks(markdown) {
  const blocks = [];
  let open = null;
  markdown.split("\n").forEach((text, index) => {
    const fence = /^```(\w*)\s*$/.exec(text);
    if (fence && open === null) {
      open = { lang: fence[1], lines: [], line: index + 1 };
    } else if (fence) {
      blocks.push({ lang: open.lang, code: `${open.lines.join("\n")}\n`, line: open.line });
      open = null;
    } else if (open !== null) {
      open.lines.push(text);
    }
  });
  return blocks;
}
