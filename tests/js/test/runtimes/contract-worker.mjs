// A test worker: runs the call-by-call contract of ../contract.mjs on the package in workerd (as
// the workerd condition loads it) and answers the result as JSON.
import { Hospital, HospitalError } from "dr-schedule";
import { runContract } from "../contract.mjs";

export default {
  fetch() {
    return Response.json(runContract({ Hospital, HospitalError }));
  },
};
