// A CommonJS consumer: `require("dr-schedule")`, typed through the package's exports map
// (TypeScript's node module resolution types require of an ES module like Node 20.19+ runs it).
import dr = require("dr-schedule");

const h: dr.Hospital = new dr.Hospital({ slotMinutes: 15 });
const doctor: dr.Doctor = h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["fri"], start: "09:00", end: "17:00" }] });
const booked: dr.Appointment = h.book({ doctorId: doctor.id, location: "A", start: "2019-02-01T11:00" });
const code: dr.HospitalErrorCode = "SLOT_TAKEN";

export = { booked, code };
