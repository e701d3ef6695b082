//! Size limits, enforced with `INVALID_INPUT` (or `INVALID_SNAPSHOT` while loading) so that no
//! input can make the engine use unbounded memory or time. The README lists them.

/// Longest doctor or appointment id, in UTF-8 bytes.
pub const MAX_ID_LEN: usize = 64;
/// Longest doctor name, in UTF-8 bytes.
pub const MAX_NAME_LEN: usize = 200;
/// Longest location (an address), in UTF-8 bytes.
pub const MAX_LOCATION_LEN: usize = 200;
/// Longest patient reference, in UTF-8 bytes.
pub const MAX_PATIENT_LEN: usize = 200;
/// Longest request id, in UTF-8 bytes.
pub const MAX_REQUEST_ID_LEN: usize = 128;
/// Longest cancellation reason, in UTF-8 bytes.
pub const MAX_REASON_LEN: usize = 500;
/// Longest time zone name, in UTF-8 bytes.
pub const MAX_TIME_ZONE_LEN: usize = 64;
/// Most locations with a time zone of their own (`locationTimeZones`).
pub const MAX_ZONED_LOCATIONS: usize = 1_000;
/// Most locations one doctor serves.
pub const MAX_LOCATIONS_PER_DOCTOR: usize = 100;
/// Most schedule rules one doctor has.
pub const MAX_SCHEDULE_RULES: usize = 100;
/// Most date overrides per doctor.
pub const MAX_OVERRIDES: usize = 1_000;
/// Most time-off ranges per doctor.
pub const MAX_TIME_OFF: usize = 1_000;
/// Most rescheduling traces kept on one appointment: beyond it, book a new appointment.
pub const MAX_RESCHEDULES: usize = 100;
/// Longest hold, in minutes (a week).
pub const MAX_HOLD_MINUTES: u32 = 7 * 1440;
/// Longest minimum notice, in minutes (a year).
pub const MAX_NOTICE_MINUTES: u32 = 366 * 1440;
/// Longest booking horizon, in days (ten years).
pub const MAX_HORIZON_DAYS: u32 = 3_660;
/// Widest window of `findSlots`, in days: its cost grows with doctors × days.
pub const MAX_FIND_WINDOW_DAYS: i64 = 31;
/// Most slots one `findSlots` call returns.
pub const MAX_FIND_LIMIT: u32 = 1_000;
/// Most doctor ids one `findSlots` call names.
pub const MAX_FIND_DOCTORS: usize = 1_000;
/// Most doctors in one hospital.
pub const MAX_DOCTORS: usize = 10_000;
/// Most appointments (booked and cancelled) in one hospital: its snapshot (about 200 bytes per
/// appointment) must fit in a JS string.
pub const MAX_APPOINTMENTS: usize = 2_000_000;
/// Widest window `availableSlots` searches, in days.
pub const MAX_SLOT_WINDOW_DAYS: i64 = 366;
/// Largest snapshot `fromSnapshot` reads, in bytes, checked before parsing: 512 MiB, about
/// the longest string V8 holds.
pub const MAX_SNAPSHOT_BYTES: usize = 512 << 20;
/// Most change records a hospital keeps for `changesSince`; older ones need a snapshot.
pub const MAX_RETAINED_CHANGES: usize = 10_000;
/// Most bytes of change records a hospital keeps for `changesSince` (whichever bound comes
/// first): 10,000 changes of the largest doctors would otherwise take gigabytes.
pub const MAX_RETAINED_CHANGE_BYTES: usize = 16 << 20;
/// The default `maxSnapshotBytes`: 128 MiB, a quarter of the longest string V8 holds (512 MiB
/// of UTF-16 units), which a host can hold, write and read back in one piece in every runtime
/// the package supports. About 1.7 million appointments of the usual size.
pub const DEFAULT_MAX_SNAPSHOT_BYTES: u64 = 128 << 20;
/// The highest `maxSnapshotBytes` a hospital may set: 256 MiB, half of the longest string V8
/// holds.
pub const MAX_MAX_SNAPSHOT_BYTES: u64 = 256 << 20;
/// The lowest `maxSnapshotBytes`: 16 KiB, room for the header and a doctor.
pub const MIN_MAX_SNAPSHOT_BYTES: u64 = 16 << 10;
/// The longest an appointment can last, in minutes: a day (it never crosses midnight), with room
/// for a day that daylight saving lengthens.
pub const MAX_APPOINTMENT_MINUTES: i64 = 1_500;
/// Most appointments one page of `appointments` or `findAppointments` holds (`limit`).
pub const MAX_PAGE: usize = 100_000;
/// Longest appointment notes, in UTF-8 bytes.
pub const MAX_NOTES_LEN: usize = 2_000;
/// Largest appointment metadata, as compact JSON, in bytes.
pub const MAX_METADATA_BYTES: usize = 4_096;
/// Deepest nesting of appointment metadata (the object itself is level 1).
pub const MAX_METADATA_DEPTH: usize = 4;
/// Most keys of one metadata object, and items of one metadata array.
pub const MAX_METADATA_ITEMS: usize = 64;
/// The largest revision or id counter: 2^53 - 1, the largest integer a JS number holds
/// exactly. A hospital at this revision refuses further mutations (after 2^53 of them).
pub const MAX_COUNTER: u64 = (1 << 53) - 1;
/// Longest error message, in bytes: an error never echoes unbounded input.
pub const MAX_MESSAGE_LEN: usize = 512;
/// Longest field path in an error's details, in bytes.
pub const MAX_FIELD_PATH_LEN: usize = 256;
