// The seed's API, as the REST server this project replaces documented it: POST /appointment,
// GET /appointments/{doctor_id}, DELETE /appointment(s), doctor CRUD; 200 on success with the
// appointment, list or doctor as JSON; the error body on failure. Runs against the demo hospital
// a new database gets (doctor 1 works Mon-Fri 09:00-17:00 at "1 Main St" and "9 Elm Ave").
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { client, expectError, startInProcess, stopAll } from "./harness.mjs";

let api;
before(async () => {
  api = client((await startInProcess()).url);
});
after(stopAll);

const seedBody = { doctor_id: 1, location_id: 1, date: "2019-02-01", time: "11:00" };

describe("the seed's booking API", () => {
  test("POST /appointment books the documented example: 200 and the appointment", async () => {
    const res = await api.post("/appointment", seedBody);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      id: res.body.id,
      doctorId: "1",
      location: "1 Main St",
      start: "2019-02-01T11:00",
      end: "2019-02-01T11:15",
      durationMinutes: 15,
      status: "booked",
    });
  });

  test("doctor_id may be a string, location_id is the 1-based index of the doctor's location", async () => {
    const res = await api.post("/appointment", { doctor_id: "1", location_id: 2, date: "2019-02-01", time: "11:15" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.location, "9 Elm Ave");
    assert.equal(res.body.doctorId, "1");
  });

  test("GET /appointments/{doctor_id} lists the booked appointments by start", async () => {
    const res = await api.get("/appointments/1");
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((a) => [a.start, a.location, a.status]),
      [
        ["2019-02-01T11:00", "1 Main St", "booked"],
        ["2019-02-01T11:15", "9 Elm Ave", "booked"],
      ],
    );
    const empty = await api.get("/appointments/2");
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body, []);
  });

  test("the same slot again, at either location, is 409 SLOT_TAKEN", async () => {
    const first = (await api.get("/appointments/1")).body[0];
    for (const location_id of [1, 2]) {
      const error = expectError(assert, await api.post("/appointment", { ...seedBody, location_id }), 409, "SLOT_TAKEN");
      assert.equal(error.details.conflictingAppointmentId, first.id);
    }
  });

  test("DELETE /appointment cancels the booked appointment starting then; it leaves the list", async () => {
    const res = await api.delete("/appointment", { doctor_id: 1, date: "2019-02-01", time: "11:00" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, "cancelled");
    assert.equal(res.body.start, "2019-02-01T11:00");
    assert.deepEqual(
      (await api.get("/appointments/1")).body.map((a) => a.start),
      ["2019-02-01T11:15"],
    );
    // The slot is free again.
    assert.equal((await api.post("/appointment", seedBody)).status, 200);
  });

  test("DELETE /appointments does the same; location_id, if given, must match", async () => {
    const cancel = { doctor_id: "1", date: "2019-02-01", time: "11:15" };
    expectError(assert, await api.delete("/appointments", { ...cancel, location_id: 1 }), 404, "APPOINTMENT_NOT_FOUND");
    const res = await api.delete("/appointments", { ...cancel, location_id: 2 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, "cancelled");
  });

  test("cancelling what is not booked (never, or already cancelled) is 404 APPOINTMENT_NOT_FOUND", async () => {
    const error = expectError(
      assert,
      await api.delete("/appointment", { doctor_id: 1, date: "2019-02-01", time: "11:15" }),
      404,
      "APPOINTMENT_NOT_FOUND",
    );
    assert.deepEqual(error.details, { doctorId: "1", start: "2019-02-01T11:15" });
    expectError(assert, await api.delete("/appointment", { doctor_id: 1, date: "2019-02-04", time: "09:00" }), 404, "APPOINTMENT_NOT_FOUND");
  });

  test("unknown doctor: 404 DOCTOR_NOT_FOUND on book, list and cancel", async () => {
    expectError(assert, await api.post("/appointment", { ...seedBody, doctor_id: 99 }), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.get("/appointments/99"), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.delete("/appointment", { doctor_id: 99, date: "2019-02-01", time: "11:00" }), 404, "DOCTOR_NOT_FOUND");
  });

  test("a location_id beyond the doctor's locations is 422 LOCATION_NOT_SERVED", async () => {
    const error = expectError(assert, await api.post("/appointment", { ...seedBody, location_id: 3 }), 422, "LOCATION_NOT_SERVED");
    assert.deepEqual(error.details, { doctorId: "1", locationId: 3 });
  });

  test("outside the doctor's hours is 422 OUTSIDE_HOURS; off the 15-minute grid is 400 OFF_GRID", async () => {
    expectError(assert, await api.post("/appointment", { ...seedBody, time: "17:00" }), 422, "OUTSIDE_HOURS");
    expectError(assert, await api.post("/appointment", { ...seedBody, date: "2019-02-02" }), 422, "OUTSIDE_HOURS"); // a Saturday
    expectError(assert, await api.post("/appointment", { ...seedBody, time: "11:05" }), 400, "OFF_GRID");
  });

  test("malformed seed bodies are 400 INVALID_INPUT naming the field", async () => {
    const cases = [
      [{ location_id: 1, date: "2019-02-01", time: "11:00" }, "doctor_id"],
      [{ ...seedBody, doctor_id: null }, "doctor_id"],
      [{ ...seedBody, doctor_id: "" }, "doctor_id"],
      [{ ...seedBody, doctor_id: [1] }, "doctor_id"],
      [{ ...seedBody, doctor_id: "x".repeat(65) }, "doctor_id"],
      [{ doctor_id: 1, date: "2019-02-01", time: "11:00" }, "location_id"],
      [{ ...seedBody, location_id: 0 }, "location_id"],
      [{ ...seedBody, location_id: 1.5 }, "location_id"],
      [{ ...seedBody, location_id: "one" }, "location_id"],
      [{ ...seedBody, date: undefined }, "date"],
      [{ ...seedBody, date: "2019-02-30" }, "date"],
      [{ ...seedBody, date: "2019-2-1" }, "date"],
      [{ ...seedBody, date: 20190201 }, "date"],
      [{ ...seedBody, time: "25:00" }, "time"],
      [{ ...seedBody, time: "11:00:00" }, "time"],
      [{ ...seedBody, time: 11 }, "time"],
      [{ ...seedBody, patient: "p1" }, "patient"],
      [[seedBody], "body"],
      ["2019-02-01", "body"],
    ];
    for (const [body, field] of cases) {
      const error = expectError(assert, await api.post("/appointment", body), 400, "INVALID_INPUT");
      assert.equal(error.details.field, field, JSON.stringify(body));
    }
    const missing = expectError(assert, await api.post("/appointment"), 400, "INVALID_INPUT");
    assert.equal(missing.details.field, "body");
    const cancel = expectError(assert, await api.delete("/appointment", { doctor_id: 1, date: "2019-02-01" }), 400, "INVALID_INPUT");
    assert.equal(cancel.details.field, "time");
    const list = expectError(assert, await api.get(`/appointments/${"x".repeat(65)}`), 400, "INVALID_INPUT");
    assert.equal(list.details.field, "doctor_id");
  });
});

describe("the seed's doctor CRUD", () => {
  test("GET /doctors lists the demo doctors 1 and 2", async () => {
    const res = await api.get("/doctors");
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((d) => d.id),
      ["1", "2"],
    );
    assert.ok(res.body.every((d) => d.locations.length >= 2));
  });

  test("POST /doctor (numeric id accepted), GET, PUT, DELETE /doctor/{id}", async () => {
    const doctor = { id: 3, name: "Dr. Barbara Liskov", locations: ["5 Pine St"], schedule: [{ days: ["mon"], start: "09:00", end: "12:00" }] };
    const created = await api.post("/doctor", doctor);
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.body, { ...doctor, id: "3" });
    assert.deepEqual((await api.get("/doctor/3")).body, created.body);
    const renamed = await api.put("/doctor/3", { name: "Dr. B. Liskov" });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.name, "Dr. B. Liskov");
    const removed = await api.delete("/doctor/3");
    assert.equal(removed.status, 200);
    assert.equal(removed.body.id, "3");
    expectError(assert, await api.get("/doctor/3"), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.put("/doctor/3", { name: "x" }), 404, "DOCTOR_NOT_FOUND");
    expectError(assert, await api.delete("/doctor/3"), 404, "DOCTOR_NOT_FOUND");
  });

  test("doctor errors: duplicate id 409, invalid 400, orphaning bookings 409 unless cancel_appointments=true", async () => {
    expectError(assert, await api.post("/doctor", { id: "1", name: "x", locations: ["a"], schedule: [] }), 409, "DUPLICATE_ID");
    const invalid = expectError(assert, await api.post("/doctor", { name: "", locations: ["a"], schedule: [] }), 400, "INVALID_INPUT");
    assert.equal(invalid.details.field, "name");
    // Doctor 1 has a booking on Friday 2019-02-01 11:00 (booked above).
    const noFriday = { schedule: [{ days: ["mon", "tue", "wed", "thu"], start: "09:00", end: "17:00" }] };
    const blocked = expectError(assert, await api.put("/doctor/1", noFriday), 409, "HAS_APPOINTMENTS");
    assert.equal(blocked.details.appointmentIds.length, 1);
    expectError(assert, await api.delete("/doctor/1"), 409, "HAS_APPOINTMENTS");
    expectError(assert, await api.put("/doctor/1?cancel_appointments=maybe", noFriday), 400, "INVALID_INPUT");
    const updated = await api.put("/doctor/1?cancel_appointments=true", noFriday);
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual((await api.get("/appointments/1")).body, []);
    const restored = await api.put("/doctor/1", { schedule: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }] });
    assert.equal(restored.status, 200);
  });
});
