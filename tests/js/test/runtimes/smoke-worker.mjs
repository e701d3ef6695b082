// A test worker: runs the smoke test of smoke.mjs on the package in workerd (as
// the workerd condition loads it) and answers the transcript as JSON.
import { Hospital } from "dr-schedule";
import { smoke } from "./smoke.mjs";

export default {
  fetch() {
    return Response.json({ lines: smoke(Hospital) });
  },
};
