// Each line below misuses the API; `tsc --strict` must reject every one of them
// (js-example/test/types.test.mjs checks the count and the lines).
import { Hospital } from "dr-schedule";

const h = new Hospital();
h.book({ doctorID: "d1", location: "A", start: "2019-02-01T11:00" }); // misuse: wrong field name
h.addDoctor({ name: "Dr. Ada", locations: "A", schedule: [] }); // misuse: locations is an array
h.addDoctor({ name: "Dr. Ada", locations: ["A"], schedule: [{ days: ["monday"], start: "09:00", end: "17:00" }] }); // misuse: not a Weekday
h.appointments("d1", { status: "open" }); // misuse: not a status
h.availableSlots("d1", { from: "2019-02-01" }); // misuse: `to` is required
const n: number = h.getAppointment("a1").start; // misuse: start is a string
new Hospital({ slotMinute: 15 }); // misuse: wrong option name
export { n };
