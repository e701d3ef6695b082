// The browser example: one doctor's week as a grid of slots, backed by a Hospital that lives in
// the page (kept in localStorage between visits). Click a free slot to book it for the patient
// typed above, "cancel" to cancel; export writes the snapshot to a file, import loads one.
// `?week=YYYY-MM-DD` opens the week of that date (default: this week).
import { Hospital } from "dr-schedule";
import { demoHospital } from "./demo.mjs";

const STORAGE_KEY = "dr-schedule:snapshot";
const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Dates as the engine writes them: YYYY-MM-DD, computed in UTC so that no time zone shifts a day.

const isoDate = (date) => date.toISOString().slice(0, 10);
const addDays = (day, n) => isoDate(new Date(Date.parse(`${day}T00:00Z`) + n * 86_400_000));
/** The Monday of the week holding `day`. */
const mondayOf = (day) => addDays(day, -((new Date(`${day}T00:00Z`).getUTCDay() + 6) % 7));
const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

// ---------------------------------------------------------------------------------------------
// State

let hospital;
let slotMinutes = 15;
let week = mondayOf(new URLSearchParams(location.search).get("week") ?? isoDate(new Date()));

function load() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved !== null) {
    try {
      return Hospital.fromSnapshot(saved);
    } catch (error) {
      report(error, "the saved hospital could not be loaded; starting with the demo");
    }
  }
  return demoHospital();
}

function save() {
  localStorage.setItem(STORAGE_KEY, hospital.toSnapshot());
}

function report(error, context = "") {
  const status = $("status");
  status.className = "error";
  status.textContent = `${context ? `${context}: ` : ""}${error.code ?? error.name}: ${error.message}`;
}

function say(text) {
  const status = $("status");
  status.className = "";
  status.textContent = text;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value, false, value === selected)));
}

function renderControls() {
  const doctors = hospital.listDoctors();
  const current = doctors.some((d) => d.id === $("doctor").value) ? $("doctor").value : doctors[0]?.id;
  fillSelect($("doctor"), doctors.map((d) => [d.id, d.name]), current);
  const doctor = doctors.find((d) => d.id === current);
  const locations = doctor?.locations ?? [];
  const place = locations.includes($("location").value) ? $("location").value : locations[0];
  fillSelect($("location"), locations.map((l) => [l, l]), place);
  $("week-label").textContent = `${week} – ${addDays(week, 6)}`;
}

/** The rows of the grid: every slot from the doctor's earliest start to latest end. */
function timeRows(doctor) {
  if (doctor.schedule.length === 0) return [];
  const first = Math.min(...doctor.schedule.map((rule) => minutes(rule.start)));
  const last = Math.max(...doctor.schedule.map((rule) => minutes(rule.end)));
  const rows = [];
  for (let m = first; m < last; m += slotMinutes) rows.push(hhmm(m));
  return rows;
}

function renderGrid() {
  const grid = $("grid");
  const doctor = hospital.listDoctors().find((d) => d.id === $("doctor").value);
  if (doctor === undefined) {
    grid.replaceChildren();
    return;
  }
  const days = DAY_NAMES.map((_, i) => addDays(week, i));
  const sunday = days[6];
  const free = new Set(hospital.availableSlots(doctor.id, { from: week, to: sunday, location: $("location").value }));
  // Every slot an appointment covers, and the appointment itself on its first slot.
  const taken = new Map();
  for (const appointment of hospital.appointments(doctor.id, { from: week, to: sunday })) {
    const day = appointment.start.slice(0, 10);
    const from = minutes(appointment.start.slice(11));
    for (let m = from; m < from + appointment.durationMinutes; m += slotMinutes) {
      taken.set(`${day}T${hhmm(m)}`, { appointment, first: m === from });
    }
  }

  const head = document.createElement("tr");
  head.append(document.createElement("th"));
  for (const [i, day] of days.entries()) {
    const th = document.createElement("th");
    th.textContent = `${DAY_NAMES[i]} ${day.slice(5)}`;
    head.append(th);
  }
  const rows = timeRows(doctor).map((time) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.className = "time";
    th.textContent = time;
    tr.append(th);
    for (const day of days) tr.append(cell(`${day}T${time}`, free, taken));
    return tr;
  });
  grid.replaceChildren(head, ...rows);
}

function cell(start, free, taken) {
  const td = document.createElement("td");
  td.dataset.start = start;
  const booking = taken.get(start);
  if (booking !== undefined) {
    const { appointment, first } = booking;
    td.className = first ? "booked" : "booked continued";
    td.dataset.appointment = appointment.id;
    td.title = `${appointment.id} at ${appointment.location}, ${appointment.start}–${appointment.end.slice(11)}`;
    const who = document.createElement("span");
    who.className = "patient";
    who.textContent = first ? (appointment.patient ?? appointment.id) : "…";
    td.append(who);
    if (first) {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "cancel";
      cancel.textContent = "cancel";
      cancel.setAttribute("aria-label", `cancel ${appointment.id}`);
      td.append(cancel);
    }
  } else if (free.has(start)) {
    td.className = "free";
    const book = document.createElement("button");
    book.type = "button";
    book.className = "book";
    book.textContent = "free";
    book.setAttribute("aria-label", `book ${start}`);
    td.append(book);
  } else {
    td.className = "closed";
  }
  return td;
}

function render() {
  renderControls();
  renderGrid();
}

// ---------------------------------------------------------------------------------------------
// Actions

/** Runs a mutation; on success saves and re-renders, on a HospitalError says why. */
function act(mutation, done) {
  try {
    const result = mutation();
    save();
    render();
    say(done(result));
  } catch (error) {
    report(error);
    render();
  }
}

$("grid").addEventListener("click", (event) => {
  const button = event.target.closest("button");
  const td = button?.closest("td");
  if (!td) return;
  if (button.classList.contains("book")) {
    const patient = $("patient").value.trim();
    act(
      () => hospital.book({ doctorId: $("doctor").value, location: $("location").value, start: td.dataset.start, ...(patient ? { patient } : {}) }),
      (a) => `Booked ${a.id}: ${a.start} at ${a.location}${a.patient ? ` for ${a.patient}` : ""}.`,
    );
  } else if (button.classList.contains("cancel")) {
    act(
      () => hospital.cancel(td.dataset.appointment, { reason: "cancelled in the browser tool" }),
      (a) => `Cancelled ${a.id} (${a.start}).`,
    );
  }
});

$("doctor").addEventListener("change", () => {
  $("location").value = "";
  render();
});
$("location").addEventListener("change", renderGrid);
$("previous").addEventListener("click", () => {
  week = addDays(week, -7);
  render();
});
$("next").addEventListener("click", () => {
  week = addDays(week, 7);
  render();
});

$("export").addEventListener("click", () => {
  const blob = new Blob([hospital.toSnapshot()], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `hospital-revision-${hospital.revision}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
  say(`Exported revision ${hospital.revision}.`);
});

$("import").addEventListener("change", async (event) => {
  const input = event.target;
  const [file] = input.files;
  if (!file) return;
  try {
    // All or nothing: a bad file throws INVALID_SNAPSHOT and the current hospital stays.
    const loaded = Hospital.fromSnapshot(await file.text());
    hospital.free();
    hospital = loaded;
    slotMinutes = JSON.parse(hospital.toSnapshot()).options.slotMinutes;
    $("doctor").value = "";
    save();
    render();
    say(`Imported ${file.name}: ${hospital.listDoctors().length} doctor(s), revision ${hospital.revision}.`);
  } catch (error) {
    report(error, `${file.name} was not imported`);
  } finally {
    input.value = "";
  }
});

hospital = load();
slotMinutes = JSON.parse(hospital.toSnapshot()).options.slotMinutes;
render();
say("Click a free slot to book it.");
document.body.dataset.ready = "true";
