// The smoke test every runtime runs (Node through import and require, Deno, Bun, workerd, a
// browser): it takes the package's Hospital class, however the runtime loaded it, and returns a
// transcript of what the API did. The tests compare each runtime's transcript with one expected
// text, so a runtime that loads the package differently still has to behave identically: the
// API, the HospitalError shape, snapshots, change records, and the guard of js/dr_schedule.js
// (re-entrancy, use after free). It imports nothing, so that any runtime can load it.

/** What `fn` threw, as `code` (or the error's name when it has no code); "no error" if nothing. */
function failure(fn) {
  try {
    fn();
  } catch (error) {
    const kind = error instanceof Error ? `${error.name} ${error.code}` : `non-Error ${typeof error}`;
    return `${kind} ${JSON.stringify(error?.details)}`;
  }
  return "no error";
}

/** Runs the API once over; returns the transcript lines. */
export function smoke(Hospital) {
  const lines = [];
  const log = (label, value) => lines.push(`${label}: ${typeof value === "string" ? value : JSON.stringify(value)}`);

  const h = new Hospital({ slotMinutes: 15 });
  const doctor = h.addDoctor({
    name: "Dr. Ada Lovelace",
    locations: ["1 Main St", "9 Elm Ave"],
    schedule: [{ days: ["fri"], start: "09:00", end: "12:00" }],
  });
  log("doctor", doctor);
  // 2019-02-01 is a Friday.
  const booked = h.book({ doctorId: doctor.id, location: "1 Main St", start: "2019-02-01T10:00", patient: "p-1", requestId: "r-1" });
  log("booked", booked);
  log("retry", h.book({ doctorId: doctor.id, location: "1 Main St", start: "2019-02-01T10:00", patient: "p-1", requestId: "r-1" }).id);
  log("double booking", failure(() => h.book({ doctorId: doctor.id, location: "9 Elm Ave", start: "2019-02-01T10:00" })));
  log("outside hours", failure(() => h.book({ doctorId: doctor.id, location: "1 Main St", start: "2019-02-01T12:00" })));
  log("bad input", failure(() => h.book({ doctorId: doctor.id, location: "1 Main St", start: "2019-02-30T10:00" })));
  log("slots", h.availableSlots(doctor.id, { from: "2019-02-01T09:30", to: "2019-02-01", limit: 4 }));

  const start = h.toSnapshot();
  const startRevision = h.revision;
  log("cancelled", h.cancel(booked.id, { reason: "patient called" }).status);
  log("history", h.appointments(doctor.id, { status: "all" }).map((a) => `${a.id} ${a.status}`));
  log("revision", h.revision);

  // A snapshot round-trips byte for byte; change records replay onto an older snapshot.
  const copy = Hospital.fromSnapshot(h.toSnapshot());
  log("snapshot round trip", copy.toSnapshot() === h.toSnapshot());
  const behind = Hospital.fromSnapshot(start);
  log("changes", h.changesSince(startRevision).map((c) => `${c.revision} ${c.op}`));
  log("replayed", behind.applyChanges(h.changesSince(startRevision)));
  log("replay identical", behind.toSnapshot() === h.toSnapshot());
  log("bad snapshot", failure(() => Hospital.fromSnapshot("{}")));

  // The guard: an argument's getter calling back into the busy Hospital is refused, and the
  // Hospital keeps working; a freed Hospital refuses every call.
  const sneaky = {
    doctorId: doctor.id,
    location: "1 Main St",
    get start() {
      log("re-entry", failure(() => h.listDoctors()));
      return "2019-02-01T11:00";
    },
  };
  log("booked through a getter", h.book(sneaky).start);
  log("still works", h.appointments(doctor.id).length);
  copy.free();
  log("after free", failure(() => copy.listDoctors()));
  return lines;
}

/**
 * The trap recovery of js/dr_schedule.js, on a build with the test-only `test-trap` feature
 * (Hospital.debugTrap() traps the instance): the trapping call and every later call on a
 * Hospital of the failed instance throw INSTANCE_FAILED; the module re-instantiates itself, so
 * new Hospitals and Hospitals restored from a snapshot work.
 */
export function trapRecovery(Hospital) {
  const lines = [];
  const log = (label, value) => lines.push(`${label}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  const before = new Hospital();
  before.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
  before.book({ doctorId: "d1", location: "A", start: "2019-02-01T10:00" });
  const snapshot = before.toSnapshot();
  const bystander = Hospital.fromSnapshot(snapshot);
  let trap;
  try {
    before.debugTrap();
  } catch (error) {
    trap = error;
  }
  log("trap", `${trap?.name} ${trap?.code} cause=${trap?.cause instanceof WebAssembly.RuntimeError}`);
  log("trapped hospital", failure(() => before.toSnapshot()));
  log("bystander", failure(() => bystander.listDoctors()));
  const restored = Hospital.fromSnapshot(snapshot);
  log("restored", restored.toSnapshot() === snapshot);
  log("booked after recovery", restored.book({ doctorId: "d1", location: "A", start: "2019-02-01T11:00" }).id);
  log("new hospital", new Hospital().revision);
  log("ordinary error", failure(() => restored.cancel("a404")));
  for (let round = 0; round < 2; round += 1) {
    const again = new Hospital();
    log(`trap again ${round}`, failure(() => again.debugTrap()));
    log(`new after ${round}`, new Hospital().listDoctors());
  }
  return lines;
}
