// A test worker: runs the smoke test of ../runtimes/smoke.mjs on the package in workerd (as
// the workerd condition loads it) and answers the transcript as JSON.
import { Hospital } from "dr-schedule";
import { smoke } from "../runtimes/smoke.mjs";

export default {
  fetch() {
    return Response.json({ lines: smoke(Hospital) });
  },
};
