// Uses every method of the package with the types it declares; `tsc --strict` must accept it.
import {
  Hospital,
  type Appointment,
  type AppointmentQuery,
  type BookRequest,
  type Doctor,
  type HospitalError,
  type HospitalErrorCode,
  type NewDoctor,
  type ScheduleRule,
} from "dr-schedule";

const schedule: ScheduleRule[] = [{ days: ["mon", "fri"], start: "09:00", end: "24:00" }];
const input: NewDoctor = { name: "Dr. Ada", locations: ["A"], schedule };

const h = new Hospital({ slotMinutes: 15, defaultDurationMinutes: 30, timeZone: "America/New_York" });
const plain = new Hospital();
const doctor: Doctor = h.addDoctor(input);
const same: Doctor = h.getDoctor(doctor.id);
const all: Doctor[] = h.listDoctors();
h.updateDoctor(doctor.id, { name: "Dr. Ada L." });
h.updateDoctor(doctor.id, { locations: ["A", "B"] }, { cancelAppointments: true });

const request: BookRequest = { doctorId: doctor.id, location: "A", start: "2019-02-01T11:00", patient: "p", requestId: "r" };
const booked: Appointment = h.book(request);
const status: "booked" | "cancelled" = h.getAppointment(booked.id).status;
const query: AppointmentQuery = { from: "2019-02-01", to: "2019-02-07", status: "all" };
const listed: Appointment[] = h.appointments(doctor.id, query);
const everything: Appointment[] = h.appointments(doctor.id);
const cancelled: Appointment = h.cancel(booked.id, { reason: "moved" });
const reason: string | undefined = cancelled.cancelReason;
const slots: string[] = h.availableSlots(doctor.id, { from: "2019-02-01", to: "2019-02-01", durationMinutes: 30, location: "A", limit: 3 });
const snapshot: string = h.toSnapshot();
const restored: Hospital = Hospital.fromSnapshot(snapshot);
const revision: number = restored.revision;
const removed: Doctor = h.removeDoctor(doctor.id, { cancelAppointments: true });

export const seen: unknown[] = [];
try {
  h.cancel("a404");
} catch (e) {
  const error = e as HospitalError;
  const code: HospitalErrorCode = error.code;
  const ids: string[] | undefined = error.details.appointmentIds;
  const field: string | undefined = error.details.field;
  const name: "HospitalError" = error.name;
  seen.push(code, ids, field, name);
}

export const used = [plain, same, all, status, listed, everything, reason, slots, revision, removed];
