// Reading the READMEs' code blocks, for the tests that run them (readme.test.mjs, the runtimes
// tests, and js-example/test/server/readme-curl.test.mjs), so that examples and their printed
// output cannot drift: the repository's README and the package's own (js/README.md, which the
// build ships as the package's README.md).
import { readFileSync } from "node:fs";

/** The repository README's text. */
export const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

/** The package's README (js/README.md). */
export const packageReadme = readFileSync(new URL("../../../js/README.md", import.meta.url), "utf8");

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

/**
 * The only block of language `lang` of a README (the repository's unless `markdown` says
 * otherwise), and the ```text block after it (its output).
 */
export function exampleOf(lang, markdown = readme) {
  const blocks = fencedBlocks(markdown);
  const found = blocks.flatMap((block, i) => (block.lang === lang ? [{ block, output: blocks[i + 1] }] : []));
  if (found.length !== 1) throw new Error(`the README has ${found.length} \`\`\`${lang} blocks, expected 1`);
  if (found[0].output?.lang !== "text") throw new Error(`the ${lang} block at line ${found[0].block.line} must be followed by a text block`);
  return { code: found[0].block.code, output: found[0].output.code, line: found[0].block.line };
}
