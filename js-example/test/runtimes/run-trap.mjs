// Runs the trap-recovery check on the package entry whose path is the first argument (an entry
// of the test-trap build in target/pkg-test-trap) and prints the transcript as JSON.
import { pathToFileURL } from "node:url";
import { trapRecovery } from "./smoke.mjs";

const { Hospital } = await import(pathToFileURL(process.argv[2]).href);
console.log(JSON.stringify({ lines: trapRecovery(Hospital) }));
