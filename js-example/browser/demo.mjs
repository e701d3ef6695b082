// The demo hospital: two doctors that a new REST server database (server/store.mjs) and a first
// visit of the browser page (app.mjs) start with; the README's curl examples rely on it. It
// lives beside the page so that the page's static server can serve it; it needs only the
// package, so Node imports it as well.
import { Hospital } from "dr-schedule";

/** A new hospital with the demo doctors "1" (Dr. Ada Lovelace) and "2" (Dr. Grace Hopper). */
export function demoHospital() {
  const h = new Hospital({ slotMinutes: 15 });
  h.addDoctor({
    id: "1",
    name: "Dr. Ada Lovelace",
    locations: ["1 Main St", "9 Elm Ave"],
    schedule: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }],
  });
  h.addDoctor({
    id: "2",
    name: "Dr. Grace Hopper",
    locations: ["9 Elm Ave", "22 Oak Rd"],
    schedule: [
      { days: ["mon", "wed", "fri"], start: "08:00", end: "12:00" },
      { days: ["tue", "thu"], start: "13:00", end: "18:00" },
    ],
  });
  return h;
}
