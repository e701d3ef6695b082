// A test worker: runs the trap-recovery check of smoke.mjs in workerd, on the
// test-trap build of the package (the test hands that build over as `dr-schedule`).
import { Hospital } from "dr-schedule";
import { trapRecovery } from "./smoke.mjs";

export default {
  fetch() {
    return Response.json({ lines: trapRecovery(Hospital) });
  },
};
