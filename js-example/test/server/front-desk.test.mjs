// Issue 16 through the REST server: see front-desk.mjs (the Worker runs the same scenario).
import { after, test } from "node:test";
import { Hospital } from "dr-schedule";
import { frontDesk } from "./front-desk.mjs";
import { client, startInProcess, stopAll } from "./harness.mjs";

after(stopAll);

test("the front desk (issue 16) through the REST server: the JS API one to one", async () => {
  const server = await startInProcess({ storeOptions: { seed: () => new Hospital() } });
  const api = client(server.url);
  await frontDesk((method, path, body) => api[method.toLowerCase()](path, body));
});
