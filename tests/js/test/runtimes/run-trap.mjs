// Runs the trap-recovery check on the package entry whose path is the first argument (an entry
// of the test-trap build in target/pkg-test-trap; by default its node.js, which is what
// `node --test`, running every file under test/, runs it with) and prints the transcript as JSON.
import { pathToFileURL, fileURLToPath } from "node:url";
import { trapRecovery } from "./smoke.mjs";

const entry = process.argv[2] ?? fileURLToPath(new URL("../../../../target/pkg-test-trap/node.js", import.meta.url));
const { Hospital } = await import(pathToFileURL(entry).href);
console.log(JSON.stringify({ lines: trapRecovery(Hospital) }));
