// The README's tables of the REST server say what the code does: every error code of the API
// is in the status table, on the row of its status, and every environment variable the server
// reads is in the settings table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SETTINGS } from "../../server/settings.mjs";
import { STATUS_BY_CODE } from "../../service/api.mjs";
import { readme } from "../../../tests/js/test/markdown.mjs";

const section = readme.slice(readme.indexOf("\n## The REST server\n"), readme.indexOf("\n## Limits\n"));

test("every error code is in the README's status table, on the row of its status", () => {
  const rows = new Map();
  const table = section.slice(section.indexOf("| status | codes |"));
  for (const line of table.split("\n").slice(2)) {
    const m = /^\| (\d{3}) \| (.*) \|$/.exec(line);
    if (m === null) break;
    rows.set(Number(m[1]), m[2]);
  }
  assert.ok(rows.size >= 10, `found ${rows.size} rows`);
  for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
    assert.ok(rows.get(status)?.includes(`\`${code}\``), `${code} (${status}) is not on the README's ${status} row`);
  }
});

test("every setting is in the README's settings table", () => {
  const table = section.slice(section.indexOf("| variable | default |"));
  const names = [...table.slice(0, table.indexOf("\n\n")).matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(names.sort(), Object.values(SETTINGS).map((s) => s.name).sort());
});
