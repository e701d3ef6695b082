// The transcripts smoke.mjs must print in every runtime (runtimes.test.mjs, the workerd and
// browser tests).

/** What smoke.mjs prints in every runtime. */
export const EXPECTED = [
  'doctor: {"id":"d1","name":"Dr. Ada Lovelace","locations":["1 Main St","9 Elm Ave"],"schedule":[{"days":["fri"],"start":"09:00","end":"12:00"}]}',
  'booked: {"id":"a1","doctorId":"d1","location":"1 Main St","start":"2019-02-01T10:00","end":"2019-02-01T10:15","durationMinutes":15,"patient":"p-1","requestId":"r-1","status":"booked"}',
  "retry: a1",
  'double booking: HospitalError SLOT_TAKEN {"conflictingAppointmentId":"a1"}',
  'outside hours: HospitalError OUTSIDE_HOURS {"doctorId":"d1","hours":[{"date":"2019-02-01","location":"1 Main St","start":"2019-02-01T09:00","end":"2019-02-01T12:00"},{"date":"2019-02-01","location":"9 Elm Ave","start":"2019-02-01T09:00","end":"2019-02-01T12:00"}]}',
  'bad input: HospitalError INVALID_INPUT {"field":"start"}',
  'slots: ["2019-02-01T09:30","2019-02-01T09:45","2019-02-01T10:15","2019-02-01T10:30"]',
  "cancelled: cancelled",
  'history: ["a1 cancelled"]',
  "revision: 3",
  "snapshot round trip: true",
  'changes: ["3 cancel"]',
  "replayed: 3",
  "replay identical: true",
  'bad snapshot: HospitalError INVALID_SNAPSHOT {"path":"format"}',
  "re-entry: HospitalError INVALID_INPUT {}",
  "booked through a getter: 2019-02-01T11:00",
  "still works: 1",
  'after free: HospitalError INVALID_INPUT {"field":"this"}',
];

/** What trapRecovery() of smoke.mjs prints in every runtime. */
export const EXPECTED_TRAP = [
  "trap: HospitalError INSTANCE_FAILED cause=true",
  "trapped hospital: HospitalError INSTANCE_FAILED {}",
  "bystander: HospitalError INSTANCE_FAILED {}",
  "restored: true",
  "booked after recovery: a2",
  "new hospital: 0",
  'ordinary error: HospitalError APPOINTMENT_NOT_FOUND {"appointmentId":"a404"}',
  "trap again 0: HospitalError INSTANCE_FAILED {}",
  "new after 0: []",
  "trap again 1: HospitalError INSTANCE_FAILED {}",
  "new after 1: []",
];

/** What runContract() of ../contract.mjs returns in every runtime: every check passes, and the known failures (todo) still fail. */
export async function expectedContract() {
  const { CHECKS } = await import("../contract.mjs");
  return {
    passed: CHECKS.filter((c) => c.todo === undefined).length,
    failed: [],
    todo: CHECKS.filter((c) => c.todo !== undefined).map((c) => ({ name: c.name, failed: true })),
  };
}
