// Runs the smoke test on `require("dr-schedule")`, as a CommonJS user does, and prints what
// run.mjs prints, plus whether `import` gives the very same class (one instance of the module,
// whichever way it is loaded).
const { Hospital } = require("dr-schedule");
const { smoke } = require("./smoke.mjs");

import("dr-schedule").then((imported) => {
  const entry = require.resolve("dr-schedule");
  console.log(JSON.stringify({ entry, lines: smoke(Hospital), sameAsImport: imported.Hospital === Hospital }));
});
