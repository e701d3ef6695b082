//! The `Hospital` class as JavaScript sees it (the README's "API", "Errors" and "What it
//! promises"), run under Node with `wasm-pack test --node`.
//!
//! Most tests call the Rust methods of [`JsHospital`] with real JS values (built with
//! `JSON.parse`, `Reflect.set`, `new Function`) and inspect what comes back as JS values: plain
//! objects with camelCase keys, real arrays, thrown values that are real `Error`s named
//! `HospitalError` with a `code` and a `details` object. The last section goes through the
//! generated JS glue (`new Hospital(...)`, `h.addDoctor(...)`, `Hospital.fromSnapshot(...)`,
//! `h.revision`) exactly as a JS caller would.
//!
//! Every failing call is checked to change nothing (`toSnapshot()` and `revision` before ==
//! after) and to leave the object working.

#![cfg(target_arch = "wasm32")]
// `#[wasm_bindgen_test]` functions carry no `#[test]` attribute on wasm32, so clippy's
// allow-*-in-tests settings do not reach them; a test may unwrap, index and panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dr_schedule::JsHospital;
use js_sys::{Array, Function, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A JS value from JSON text (`JSON.parse`).
fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|e| panic!("bad JSON in test: {text}: {e:?}"))
}

/// A JS string.
fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// `JSON.stringify(value)`.
fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().into()
}

/// Evaluates a JS function body (`new Function(body)()`), for values JSON cannot express.
fn eval_js(body: &str) -> JsValue {
    Function::new_no_args(body)
        .call0(&JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("test JS threw: {body}: {e:?}"))
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &s(key)).unwrap()
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    assert!(Reflect::set(target, &s(key), value).unwrap());
}

fn get_str(value: &JsValue, key: &str) -> String {
    let item = get(value, key);
    item.as_string()
        .unwrap_or_else(|| panic!("{key} is not a string: {item:?} in {}", stringify(value)))
}

fn get_num(value: &JsValue, key: &str) -> f64 {
    let item = get(value, key);
    item.as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {item:?} in {}", stringify(value)))
}

/// The own enumerable keys of an object, sorted.
fn keys(value: &JsValue) -> Vec<String> {
    let object: &Object = value.unchecked_ref();
    let mut keys: Vec<String> = Object::keys(object)
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    keys.sort();
    keys
}

/// Asserts a plain object (`Object.getPrototypeOf(v) === Object.prototype`, not an array, not a
/// `Map`) whose own keys are exactly `expected`.
fn assert_plain_object(value: &JsValue, expected: &[&str]) {
    assert!(
        value.is_object() && !Array::is_array(value),
        "not a plain object: {value:?}"
    );
    let proto = Object::get_prototype_of(value);
    let object_proto = Object::get_prototype_of(&Object::new());
    assert!(
        Object::is(&proto, &object_proto),
        "prototype is not Object.prototype: {}",
        stringify(value)
    );
    let mut expected: Vec<String> = expected.iter().map(|k| (*k).to_owned()).collect();
    expected.sort();
    assert_eq!(keys(value), expected, "keys of {}", stringify(value));
}

/// Asserts a real JS array (`Array.isArray`) and returns its items.
fn items(value: &JsValue) -> Vec<JsValue> {
    assert!(Array::is_array(value), "not an array: {value:?}");
    value.unchecked_ref::<Array>().iter().collect()
}

/// Asserts a real JS array of strings and returns them.
fn strings(value: &JsValue) -> Vec<String> {
    items(value)
        .iter()
        .map(|v| {
            v.as_string()
                .unwrap_or_else(|| panic!("not a string: {v:?} in {}", stringify(value)))
        })
        .collect()
}

/// The error of a call that must fail.
fn expect_err<T>(result: Result<T, JsValue>, what: &str) -> JsValue {
    match result {
        Ok(_) => panic!("{what}: expected a thrown HospitalError, the call succeeded"),
        Err(e) => e,
    }
}

/// Asserts that `err` is a real JS `Error` (not a string, `instanceof Error`) with
/// `name: "HospitalError"`, a readable message, `code` and a plain `details` object; returns
/// the details.
fn assert_hospital_error(err: &JsValue, code: &str) -> JsValue {
    assert!(!err.is_string(), "a string was thrown: {err:?}");
    let error = err
        .dyn_ref::<js_sys::Error>()
        .unwrap_or_else(|| panic!("thrown value is not instanceof Error: {err:?}"));
    let message = String::from(error.message());
    assert_eq!(String::from(error.name()), "HospitalError", "{message}");
    assert!(!message.trim().is_empty(), "empty message");
    assert_eq!(
        get(err, "code").as_string().as_deref(),
        Some(code),
        "wrong code; message: {message}; details: {}",
        stringify(&get(err, "details"))
    );
    let details = get(err, "details");
    assert!(
        details.is_object() && !Array::is_array(&details),
        "details is not an object: {details:?}"
    );
    details
}

/// `details.field` of an `INVALID_INPUT` error; asserts that it is the only detail.
fn invalid_field(err: &JsValue) -> String {
    let details = assert_hospital_error(err, "INVALID_INPUT");
    assert_plain_object(&details, &["field"]);
    get_str(&details, "field")
}

/// Runs a call that must fail with `code`; asserts that it changed nothing (same snapshot
/// text, same revision) and that the hospital keeps working; returns the error.
fn fails_cleanly<T>(
    h: &mut JsHospital,
    code: &str,
    call: impl FnOnce(&mut JsHospital) -> Result<T, JsValue>,
) -> JsValue {
    let before = h.to_snapshot().unwrap();
    let revision = h.revision();
    let err = expect_err(call(h), code);
    assert_hospital_error(&err, code);
    assert_eq!(
        h.to_snapshot().unwrap(),
        before,
        "a failed call changed the state"
    );
    assert_eq!(h.revision(), revision, "a failed call bumped the revision");
    assert_still_works(h);
    err
}

/// Like [`fails_cleanly`] for `INVALID_INPUT`, returning `details.field`.
fn invalid_input<T>(
    h: &mut JsHospital,
    call: impl FnOnce(&mut JsHospital) -> Result<T, JsValue>,
) -> String {
    let err = fails_cleanly(h, "INVALID_INPUT", call);
    invalid_field(&err)
}

/// A read and two mutations succeed, each mutation bumping the revision by one.
fn assert_still_works(h: &mut JsHospital) {
    items(&h.list_doctors().unwrap());
    h.to_snapshot().unwrap();
    let revision = h.revision();
    let doctor = h
        .add_doctor(js(
            r#"{"name":"Probe","locations":["Probe St"],"schedule":[{"days":["sun"],"start":"00:00","end":"24:00"}]}"#,
        ).into())
        .expect("the hospital stopped working after a failed call");
    let id = get(&doctor, "id");
    h.remove_doctor(id, None).unwrap();
    assert_eq!(h.revision(), revision + 2.0);
}

/// A call on a hospital, for tables of cases.
type Call = fn(&mut JsHospital) -> Result<JsValue, JsValue>;

/// Dr. Ada: Mon 09:00-17:00 (two touching rules), Tue 09:00-12:00, at two locations.
const ADA: &str = r#"{
    "id": "ada",
    "name": "Dr. Ada Lovelace",
    "locations": ["1 Main St", "9 Elm Ave"],
    "schedule": [
        { "days": ["mon", "tue"], "start": "09:00", "end": "12:00" },
        { "days": ["mon"], "start": "12:00", "end": "17:00" }
    ]
}"#;

// 2019-02-04 is a Monday, 2019-02-05 a Tuesday, 2019-02-06 a Wednesday.

/// A hospital with default options and Dr. Ada.
fn with_ada() -> JsHospital {
    let mut h = JsHospital::new(None).unwrap();
    h.add_doctor(js(ADA).into()).unwrap();
    h
}

/// Books Dr. Ada at 1 Main St with the given extra fields (`"start": ...` etc.).
fn book(h: &mut JsHospital, fields: &str) -> JsValue {
    h.book(
        js(&format!(
            r#"{{"doctorId":"ada","location":"1 Main St",{fields}}}"#
        ))
        .into(),
    )
    .unwrap_or_else(|e| panic!("booking {fields} failed: {e:?}"))
}

fn snapshot_value(h: &JsHospital) -> JsValue {
    js(&h.to_snapshot().unwrap())
}

// ---------------------------------------------------------------------------------------------
// Constructor and options
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn constructor_without_options_uses_the_defaults() {
    let h = JsHospital::new(None).unwrap();
    assert_eq!(h.revision(), 0.0);
    assert!(items(&h.list_doctors().unwrap()).is_empty());
    let options = get(&snapshot_value(&h), "options");
    assert_eq!(
        stringify(&options),
        r#"{"slotMinutes":15,"defaultDurationMinutes":15,"timeZone":null}"#
    );
}

#[wasm_bindgen_test]
fn constructor_treats_undefined_null_and_empty_options_as_defaults() {
    let default = JsHospital::new(None).unwrap().to_snapshot().unwrap();
    for options in [JsValue::UNDEFINED, JsValue::NULL, js("{}")] {
        let h = JsHospital::new(Some(options.clone().into())).unwrap();
        assert_eq!(h.to_snapshot().unwrap(), default, "options {options:?}");
    }
}

#[wasm_bindgen_test]
fn constructor_options_are_used() {
    let options =
        js(r#"{"slotMinutes":30,"defaultDurationMinutes":60,"timeZone":"America/New_York"}"#);
    let before = stringify(&options);
    let mut h = JsHospital::new(Some(options.clone().into())).unwrap();
    assert_eq!(stringify(&options), before, "options were mutated");
    assert_eq!(
        stringify(&get(&snapshot_value(&h), "options")),
        r#"{"slotMinutes":30,"defaultDurationMinutes":60,"timeZone":"America/New_York"}"#
    );
    h.add_doctor(js(ADA).into()).unwrap();
    // The default duration applies to a booking that names none.
    let appointment = book(&mut h, r#""start":"2019-02-04T10:30""#);
    assert_eq!(get_num(&appointment, "durationMinutes"), 60.0);
    assert_eq!(get_str(&appointment, "end"), "2019-02-04T11:30");
    // The 30-minute grid applies.
    let err = fails_cleanly(&mut h, "OFF_GRID", |h| {
        h.book(js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T09:15"}"#).into())
    });
    assert_eq!(get_num(&get(&err, "details"), "slotMinutes"), 30.0);
}

#[wasm_bindgen_test]
fn constructor_slot_minutes_zero_is_invalid_input_not_a_panic() {
    // "What it promises": no input may make the wasm code panic. With no defaultDurationMinutes
    // given, the default is derived from slotMinutes, which must not divide by zero.
    let err = expect_err(
        JsHospital::new(Some(js(r#"{"slotMinutes":0}"#).into())),
        "slotMinutes 0",
    );
    assert_eq!(invalid_field(&err), "slotMinutes");
    let err = expect_err(
        JsHospital::new(Some(
            js(r#"{"slotMinutes":0,"defaultDurationMinutes":15}"#).into(),
        )),
        "slotMinutes 0 with a duration",
    );
    assert_eq!(invalid_field(&err), "slotMinutes");
}

#[wasm_bindgen_test]
fn constructor_accepts_a_null_time_zone() {
    let h = JsHospital::new(Some(js(r#"{"timeZone":null}"#).into())).unwrap();
    assert!(get(&get(&snapshot_value(&h), "options"), "timeZone").is_null());
}

#[wasm_bindgen_test]
fn constructor_refuses_bad_options_instead_of_defaulting() {
    let cases: [(JsValue, &str); 8] = [
        (js(r#"{"slotMinutes":7}"#), "slotMinutes"),
        (js(r#"{"slotMinutes":"15"}"#), "slotMinutes"),
        (js(r#"{"slotMinutes":15.5}"#), "slotMinutes"),
        (
            js(r#"{"defaultDurationMinutes":10}"#),
            "defaultDurationMinutes",
        ),
        (js(r#"{"timeZone":"New York"}"#), "timeZone"),
        (js(r#"{"slotMinute":15}"#), "slotMinute"),
        (s("fifteen"), "options"),
        (JsValue::from_f64(15.0), "options"),
    ];
    for (options, field) in cases {
        let shown = format!("{options:?}");
        let err = expect_err(JsHospital::new(Some(options.into())), &shown);
        assert_eq!(invalid_field(&err), field, "options {shown}");
    }
}

// ---------------------------------------------------------------------------------------------
// Doctors
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn add_doctor_returns_a_plain_doctor() {
    let mut h = JsHospital::new(None).unwrap();
    let input = js(ADA);
    let before = stringify(&input);
    let doctor = h.add_doctor(input.clone().into()).unwrap();
    assert_eq!(stringify(&input), before, "input was mutated");
    assert!(
        !Object::is(&doctor, &input),
        "returned the input object itself"
    );
    assert_plain_object(&doctor, &["id", "name", "locations", "schedule"]);
    assert_eq!(get_str(&doctor, "id"), "ada");
    assert_eq!(get_str(&doctor, "name"), "Dr. Ada Lovelace");
    assert_eq!(
        strings(&get(&doctor, "locations")),
        ["1 Main St", "9 Elm Ave"]
    );
    let schedule = items(&get(&doctor, "schedule"));
    assert_eq!(schedule.len(), 2);
    for rule in &schedule {
        assert_plain_object(rule, &["days", "start", "end"]);
    }
    assert_eq!(strings(&get(&schedule[0], "days")), ["mon", "tue"]);
    assert_eq!(get_str(&schedule[0], "start"), "09:00");
    assert_eq!(get_str(&schedule[1], "end"), "17:00");
    assert_eq!(h.revision(), 1.0);
}

#[wasm_bindgen_test]
fn add_doctor_assigns_an_id_when_absent() {
    let mut h = JsHospital::new(None).unwrap();
    let doctor = js(r#"{"name":"Dr. Grace","locations":["A"],"schedule":[]}"#);
    let first = get_str(&h.add_doctor(doctor.clone().into()).unwrap(), "id");
    let second = get_str(&h.add_doctor(doctor.into()).unwrap(), "id");
    assert!(!first.is_empty() && !second.is_empty());
    assert_ne!(first, second);
    assert_eq!(
        get_str(&h.get_doctor(s(&first)).unwrap(), "name"),
        "Dr. Grace"
    );
    // An "end": "24:00" rule is accepted.
    let late = h
        .add_doctor(js(
            r#"{"name":"Dr. Night","locations":["A"],"schedule":[{"days":["sat"],"start":"20:00","end":"24:00"}]}"#,
        ).into())
        .unwrap();
    assert_eq!(get_str(&items(&get(&late, "schedule"))[0], "end"), "24:00");
}

#[wasm_bindgen_test]
fn get_doctor_and_list_doctors_in_insertion_order() {
    let mut h = JsHospital::new(None).unwrap();
    for id in ["zed", "amy", "max"] {
        h.add_doctor(
            js(&format!(
                r#"{{"id":"{id}","name":"Dr. {id}","locations":["A"],"schedule":[]}}"#
            ))
            .into(),
        )
        .unwrap();
    }
    let list = h.list_doctors().unwrap();
    let ids: Vec<String> = items(&list).iter().map(|d| get_str(d, "id")).collect();
    assert_eq!(ids, ["zed", "amy", "max"]);
    for doctor in items(&list) {
        assert_plain_object(&doctor, &["id", "name", "locations", "schedule"]);
        assert!(Array::is_array(&get(&doctor, "schedule")));
    }
    let amy = h.get_doctor(s("amy")).unwrap();
    assert_plain_object(&amy, &["id", "name", "locations", "schedule"]);
    assert_eq!(get_str(&amy, "name"), "Dr. amy");
    assert_eq!(h.revision(), 3.0, "reads do not count as mutations");
}

#[wasm_bindgen_test]
fn returned_objects_are_copies() {
    let mut h = with_ada();
    let doctor = h.get_doctor(s("ada")).unwrap();
    set(&doctor, "name", &s("Mallory"));
    get(&doctor, "locations")
        .unchecked_ref::<Array>()
        .push(&s("Anywhere"));
    let again = h.get_doctor(s("ada")).unwrap();
    assert_eq!(get_str(&again, "name"), "Dr. Ada Lovelace");
    assert_eq!(strings(&get(&again, "locations")).len(), 2);
    let appointment = book(&mut h, r#""start":"2019-02-04T10:00""#);
    set(&appointment, "status", &s("cancelled"));
    let id = get(&appointment, "id");
    assert_eq!(get_str(&h.get_appointment(id).unwrap(), "status"), "booked");
}

#[wasm_bindgen_test]
fn update_doctor_replaces_only_the_named_fields() {
    let mut h = with_ada();
    let patch = js(r#"{"name":"Dr. Ada King"}"#);
    let before = stringify(&patch);
    let doctor = h
        .update_doctor(s("ada"), patch.clone().into(), None)
        .unwrap();
    assert_eq!(stringify(&patch), before, "patch was mutated");
    assert_plain_object(&doctor, &["id", "name", "locations", "schedule"]);
    assert_eq!(get_str(&doctor, "name"), "Dr. Ada King");
    assert_eq!(get_str(&doctor, "id"), "ada");
    assert_eq!(
        strings(&get(&doctor, "locations")),
        ["1 Main St", "9 Elm Ave"]
    );
    assert_eq!(items(&get(&doctor, "schedule")).len(), 2);
    assert_eq!(h.revision(), 2.0);

    // Options may be undefined, null, {} or name cancelAppointments.
    for options in [
        Some(JsValue::UNDEFINED),
        Some(JsValue::NULL),
        Some(js("{}")),
        Some(js(r#"{"cancelAppointments":false}"#)),
    ] {
        let doctor = h
            .update_doctor(
                s("ada"),
                js(r#"{"locations":["3 Oak Rd"]}"#).into(),
                options.map(Into::into),
            )
            .unwrap();
        assert_eq!(strings(&get(&doctor, "locations")), ["3 Oak Rd"]);
    }
    assert_eq!(
        get_str(&h.get_doctor(s("ada")).unwrap(), "name"),
        "Dr. Ada King"
    );
    assert_eq!(h.revision(), 6.0);
}

#[wasm_bindgen_test]
fn update_doctor_with_cancel_appointments_cancels_exactly_those_in_the_way() {
    let mut h = with_ada();
    book(&mut h, r#""id":"early","start":"2019-02-04T10:00""#);
    book(&mut h, r#""id":"late","start":"2019-02-04T14:00""#);
    book(&mut h, r#""id":"tue","start":"2019-02-05T09:00""#);
    let patch = js(r#"{"schedule":[{"days":["mon"],"start":"09:00","end":"12:00"}]}"#);
    let options = js(r#"{"cancelAppointments":true}"#);
    let before = (stringify(&patch), stringify(&options));
    let doctor = h
        .update_doctor(s("ada"), patch.clone().into(), Some(options.clone().into()))
        .unwrap();
    assert_eq!((stringify(&patch), stringify(&options)), before);
    assert_eq!(items(&get(&doctor, "schedule")).len(), 1);
    let status = |h: &JsHospital, id: &str| get_str(&h.get_appointment(s(id)).unwrap(), "status");
    assert_eq!(status(&h, "early"), "booked");
    assert_eq!(status(&h, "late"), "cancelled");
    assert_eq!(status(&h, "tue"), "cancelled");
}

#[wasm_bindgen_test]
fn remove_doctor_returns_the_doctor_and_drops_their_history() {
    let mut h = with_ada();
    book(&mut h, r#""id":"a-1","start":"2019-02-04T10:00""#);
    let options = js(r#"{"cancelAppointments":true}"#);
    let removed = h.remove_doctor(s("ada"), Some(options.into())).unwrap();
    assert_plain_object(&removed, &["id", "name", "locations", "schedule"]);
    assert_eq!(get_str(&removed, "id"), "ada");
    assert!(items(&h.list_doctors().unwrap()).is_empty());
    fails_cleanly(&mut h, "DOCTOR_NOT_FOUND", |h| h.get_doctor(s("ada")));
    fails_cleanly(&mut h, "APPOINTMENT_NOT_FOUND", |h| {
        h.get_appointment(s("a-1"))
    });
    // Without appointments, options may be absent.
    let mut h = with_ada();
    for options in [None, Some(JsValue::UNDEFINED), Some(JsValue::NULL)] {
        h.remove_doctor(s("ada"), options.map(Into::into)).unwrap();
        h.add_doctor(js(ADA).into()).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Appointments
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn book_returns_a_plain_appointment_without_unset_fields() {
    let mut h = with_ada();
    let request = js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00"}"#);
    let before = stringify(&request);
    let appointment = h.book(request.clone().into()).unwrap();
    assert_eq!(stringify(&request), before, "request was mutated");
    // patient, requestId and cancelReason are absent, not null or undefined.
    assert_plain_object(
        &appointment,
        &[
            "id",
            "doctorId",
            "location",
            "start",
            "end",
            "durationMinutes",
            "status",
        ],
    );
    assert!(!Reflect::has(&appointment, &s("patient")).unwrap());
    assert_eq!(get_str(&appointment, "doctorId"), "ada");
    assert_eq!(get_str(&appointment, "location"), "1 Main St");
    assert_eq!(get_str(&appointment, "start"), "2019-02-04T10:00");
    assert_eq!(get_str(&appointment, "end"), "2019-02-04T10:15");
    assert_eq!(get_num(&appointment, "durationMinutes"), 15.0);
    assert_eq!(get_str(&appointment, "status"), "booked");
    assert!(!get_str(&appointment, "id").is_empty());
    assert_eq!(h.revision(), 2.0);
}

#[wasm_bindgen_test]
fn book_with_every_field() {
    let mut h = with_ada();
    let appointment = h
        .book(
            js(
                r#"{"doctorId":"ada","location":"9 Elm Ave","start":"2019-02-04T16:15",
            "durationMinutes":45,"patient":"p-42","id":"appt-1","requestId":"req-1"}"#,
            )
            .into(),
        )
        .unwrap();
    assert_plain_object(
        &appointment,
        &[
            "id",
            "doctorId",
            "location",
            "start",
            "end",
            "durationMinutes",
            "patient",
            "requestId",
            "status",
        ],
    );
    assert_eq!(get_str(&appointment, "id"), "appt-1");
    assert_eq!(get_str(&appointment, "patient"), "p-42");
    assert_eq!(get_str(&appointment, "requestId"), "req-1");
    // Ends exactly at closing time.
    assert_eq!(get_str(&appointment, "end"), "2019-02-04T17:00");
    assert_eq!(get_num(&appointment, "durationMinutes"), 45.0);
    let fetched = h.get_appointment(s("appt-1")).unwrap();
    assert_eq!(stringify(&fetched), stringify(&appointment));
}

#[wasm_bindgen_test]
fn book_with_a_known_request_id_replays_without_a_mutation() {
    let mut h = with_ada();
    let request = r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00","requestId":"r1","patient":"p"}"#;
    let first = h.book(js(request).into()).unwrap();
    let revision = h.revision();
    let again = h.book(js(request).into()).unwrap();
    assert_eq!(stringify(&again), stringify(&first));
    assert_eq!(h.revision(), revision, "a replay is not a mutation");
    let listed = h.appointments(s("ada"), None).unwrap();
    assert_eq!(items(&listed).len(), 1);
    // The replay returns the appointment as it is now.
    h.cancel(get(&first, "id"), None).unwrap();
    let replay = h.book(js(request).into()).unwrap();
    assert_eq!(get_str(&replay, "status"), "cancelled");
    assert_eq!(get_str(&replay, "id"), get_str(&first, "id"));
}

#[wasm_bindgen_test]
fn appointments_lists_by_start_with_windows_and_status() {
    let mut h = with_ada();
    book(&mut h, r#""id":"b","start":"2019-02-04T11:00""#);
    book(&mut h, r#""id":"a","start":"2019-02-04T10:00""#);
    book(&mut h, r#""id":"c","start":"2019-02-05T09:00""#);
    book(&mut h, r#""id":"x","start":"2019-02-04T09:00""#);
    h.cancel(s("x"), None).unwrap();
    book(&mut h, r#""id":"y","start":"2019-02-04T09:00""#);

    let ids = |list: JsValue| -> Vec<String> {
        items(&list)
            .iter()
            .map(|a| {
                assert!(Reflect::has(a, &s("doctorId")).unwrap());
                get_str(a, "id")
            })
            .collect()
    };
    // Default: booked only, all time, by start.
    assert_eq!(
        ids(h.appointments(s("ada"), None).unwrap()),
        ["y", "a", "b", "c"]
    );
    assert_eq!(
        ids(h
            .appointments(s("ada"), Some(JsValue::UNDEFINED.into()))
            .unwrap()),
        ["y", "a", "b", "c"]
    );
    assert_eq!(
        ids(h
            .appointments(s("ada"), Some(JsValue::NULL.into()))
            .unwrap()),
        ["y", "a", "b", "c"]
    );
    // Same start: booking order.
    let all = js(r#"{"status":"all"}"#);
    assert_eq!(
        ids(h.appointments(s("ada"), Some(all.into())).unwrap()),
        ["x", "y", "a", "b", "c"]
    );
    assert_eq!(
        ids(h
            .appointments(s("ada"), Some(js(r#"{"status":"cancelled"}"#).into()))
            .unwrap()),
        ["x"]
    );
    // A bare date `to` includes that whole day; a date-time `from` is itself.
    let query = js(r#"{"from":"2019-02-04T10:00","to":"2019-02-04"}"#);
    let before = stringify(&query);
    assert_eq!(
        ids(h
            .appointments(s("ada"), Some(query.clone().into()))
            .unwrap()),
        ["a", "b"]
    );
    assert_eq!(stringify(&query), before, "query was mutated");
    // [from, to): an appointment starting at `to` is out.
    assert_eq!(
        ids(h
            .appointments(
                s("ada"),
                Some(js(r#"{"from":"2019-02-04","to":"2019-02-04T11:00"}"#).into())
            )
            .unwrap()),
        ["y", "a"]
    );
    assert!(ids(h
        .appointments(s("ada"), Some(js(r#"{"from":"2019-02-06"}"#).into()))
        .unwrap())
    .is_empty());
}

#[wasm_bindgen_test]
fn cancel_keeps_the_appointment_and_frees_its_time() {
    let mut h = with_ada();
    let id = get(&book(&mut h, r#""start":"2019-02-04T10:00""#), "id");
    let options = js(r#"{"reason":"patient called"}"#);
    let before = stringify(&options);
    let cancelled = h.cancel(id.clone(), Some(options.clone().into())).unwrap();
    assert_eq!(stringify(&options), before, "options were mutated");
    assert_plain_object(
        &cancelled,
        &[
            "id",
            "doctorId",
            "location",
            "start",
            "end",
            "durationMinutes",
            "status",
            "cancelReason",
        ],
    );
    assert_eq!(get_str(&cancelled, "status"), "cancelled");
    assert_eq!(get_str(&cancelled, "cancelReason"), "patient called");
    assert_eq!(
        get_str(&h.get_appointment(id).unwrap(), "status"),
        "cancelled"
    );
    // Its time is free again.
    book(&mut h, r#""start":"2019-02-04T10:00""#);
    // Without a reason, no cancelReason key.
    for options in [
        None,
        Some(JsValue::UNDEFINED),
        Some(JsValue::NULL),
        Some(js("{}")),
    ] {
        let id = get(&book(&mut h, r#""start":"2019-02-04T11:00""#), "id");
        let cancelled = h.cancel(id, options.map(Into::into)).unwrap();
        assert!(
            !Reflect::has(&cancelled, &s("cancelReason")).unwrap(),
            "{}",
            stringify(&cancelled)
        );
    }
}

#[wasm_bindgen_test]
fn available_slots_returns_an_array_of_slot_starts() {
    let mut h = JsHospital::new(None).unwrap();
    h.add_doctor(js(
        r#"{"id":"d","name":"Dr. D","locations":["A","B"],"schedule":[{"days":["mon"],"start":"09:00","end":"10:00"}]}"#,
    ).into())
    .unwrap();
    h.book(js(r#"{"doctorId":"d","location":"B","start":"2019-02-04T09:15"}"#).into())
        .unwrap();
    let slots = |h: &JsHospital, query: &str| -> Vec<String> {
        let query = js(query);
        let before = stringify(&query);
        let result = h.available_slots(s("d"), query.clone().into()).unwrap();
        assert_eq!(stringify(&query), before, "query was mutated");
        strings(&result)
    };
    assert_eq!(
        slots(&h, r#"{"from":"2019-02-04","to":"2019-02-04"}"#),
        ["2019-02-04T09:00", "2019-02-04T09:30", "2019-02-04T09:45"]
    );
    assert_eq!(
        slots(
            &h,
            r#"{"from":"2019-02-04","to":"2019-02-04","durationMinutes":30}"#
        ),
        ["2019-02-04T09:30"]
    );
    assert_eq!(
        slots(&h, r#"{"from":"2019-02-04","to":"2019-02-04","limit":2}"#),
        ["2019-02-04T09:00", "2019-02-04T09:30"]
    );
    // The other location: the doctor is busy everywhere at once.
    assert_eq!(
        slots(
            &h,
            r#"{"from":"2019-02-04","to":"2019-02-04","location":"A"}"#
        ),
        ["2019-02-04T09:00", "2019-02-04T09:30", "2019-02-04T09:45"]
    );
    // A window from an off-grid time to a date-time: whole intervals inside it only.
    assert_eq!(
        slots(&h, r#"{"from":"2019-02-04T09:40","to":"2019-02-11T09:30"}"#),
        ["2019-02-04T09:45", "2019-02-11T09:00", "2019-02-11T09:15"]
    );
    assert!(slots(&h, r#"{"from":"2019-02-05","to":"2019-02-09"}"#).is_empty());
    assert!(slots(&h, r#"{"from":"2019-02-04","to":"2019-02-04","limit":0}"#).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Snapshots and revision
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn to_snapshot_and_from_snapshot_round_trip() {
    let mut h = JsHospital::new(Some(js(r#"{"timeZone":"Europe/Paris"}"#).into())).unwrap();
    h.add_doctor(js(ADA).into()).unwrap();
    book(
        &mut h,
        r#""start":"2019-02-04T10:00","patient":"p-1","requestId":"r-1""#,
    );
    let cancelled = get(&book(&mut h, r#""start":"2019-02-04T11:00""#), "id");
    h.cancel(cancelled, Some(js(r#"{"reason":"moved"}"#).into()))
        .unwrap();
    let text = h.to_snapshot().unwrap();
    let value = js(&text);
    assert_eq!(get_str(&value, "format"), "dr-schedule");
    assert_eq!(get_num(&value, "version"), 2.0);
    assert_eq!(get_num(&value, "revision"), h.revision());
    assert_eq!(items(&get(&value, "doctors")).len(), 1);
    assert_eq!(items(&get(&value, "appointments")).len(), 2);
    // Deterministic, and fromSnapshot(s).toSnapshot() === s.
    assert_eq!(h.to_snapshot().unwrap(), text);
    let mut restored = JsHospital::from_snapshot(s(&text)).unwrap();
    assert_eq!(restored.to_snapshot().unwrap(), text);
    assert_eq!(restored.revision(), h.revision());
    assert_eq!(
        stringify(&restored.list_doctors().unwrap()),
        stringify(&h.list_doctors().unwrap())
    );
    assert_eq!(
        stringify(
            &restored
                .appointments(s("ada"), Some(js(r#"{"status":"all"}"#).into()))
                .unwrap()
        ),
        stringify(
            &h.appointments(s("ada"), Some(js(r#"{"status":"all"}"#).into()))
                .unwrap()
        )
    );
    // The restored hospital assigns the ids the original would have.
    let doctor = js(r#"{"name":"Dr. New","locations":["A"],"schedule":[]}"#);
    assert_eq!(
        get_str(&restored.add_doctor(doctor.clone().into()).unwrap(), "id"),
        get_str(&h.add_doctor(doctor.into()).unwrap(), "id")
    );
    assert_eq!(restored.to_snapshot().unwrap(), h.to_snapshot().unwrap());
}

#[wasm_bindgen_test]
fn revision_counts_successful_mutations_only() {
    let mut h = JsHospital::new(None).unwrap();
    assert_eq!(h.revision(), 0.0);
    h.add_doctor(js(ADA).into()).unwrap();
    assert_eq!(h.revision(), 1.0);
    h.update_doctor(s("ada"), js(r#"{"name":"Dr. A"}"#).into(), None)
        .unwrap();
    assert_eq!(h.revision(), 2.0);
    let id = get(&book(&mut h, r#""start":"2019-02-04T10:00""#), "id");
    assert_eq!(h.revision(), 3.0);
    h.cancel(id.clone(), None).unwrap();
    assert_eq!(h.revision(), 4.0);
    // Reads.
    h.get_doctor(s("ada")).unwrap();
    h.list_doctors().unwrap();
    h.get_appointment(id).unwrap();
    h.appointments(s("ada"), None).unwrap();
    h.available_slots(
        s("ada"),
        js(r#"{"from":"2019-02-04","to":"2019-02-05"}"#).into(),
    )
    .unwrap();
    h.to_snapshot().unwrap();
    assert_eq!(h.revision(), 4.0);
    h.remove_doctor(s("ada"), None).unwrap();
    assert_eq!(h.revision(), 5.0);
    let restored = JsHospital::from_snapshot(s(&h.to_snapshot().unwrap())).unwrap();
    assert_eq!(restored.revision(), 5.0);
}

// ---------------------------------------------------------------------------------------------
// Error codes: one test per code
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn error_invalid_input() {
    let mut h = with_ada();
    let err = fails_cleanly(&mut h, "INVALID_INPUT", |h| {
        h.book(js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-30T10:00"}"#).into())
    });
    assert_eq!(invalid_field(&err), "start");
    let err = fails_cleanly(&mut h, "INVALID_INPUT", |h| {
        h.add_doctor(js(r#"{"name":"  ","locations":["A"],"schedule":[]}"#).into())
    });
    assert_eq!(invalid_field(&err), "name");
}

#[wasm_bindgen_test]
fn error_doctor_not_found() {
    let mut h = with_ada();
    let calls: [Call; 6] = [
        |h| h.get_doctor(s("nobody")),
        |h| h.update_doctor(s("nobody"), js(r#"{"name":"X"}"#).into(), None),
        |h| h.remove_doctor(s("nobody"), None),
        |h| h.appointments(s("nobody"), None),
        |h| {
            h.available_slots(
                s("nobody"),
                js(r#"{"from":"2019-02-04","to":"2019-02-04"}"#).into(),
            )
        },
        |h| {
            h.book(
                js(r#"{"doctorId":"nobody","location":"1 Main St","start":"2019-02-04T10:00"}"#)
                    .into(),
            )
        },
    ];
    for call in calls {
        let err = fails_cleanly(&mut h, "DOCTOR_NOT_FOUND", call);
        assert_eq!(get_str(&get(&err, "details"), "doctorId"), "nobody");
    }
}

#[wasm_bindgen_test]
fn error_appointment_not_found() {
    let mut h = with_ada();
    let err = fails_cleanly(&mut h, "APPOINTMENT_NOT_FOUND", |h| {
        h.get_appointment(s("a-404"))
    });
    assert_eq!(get_str(&get(&err, "details"), "appointmentId"), "a-404");
    let err = fails_cleanly(&mut h, "APPOINTMENT_NOT_FOUND", |h| {
        h.cancel(s("a-404"), None)
    });
    assert_eq!(get_str(&get(&err, "details"), "appointmentId"), "a-404");
}

#[wasm_bindgen_test]
fn error_duplicate_id() {
    let mut h = with_ada();
    let err = fails_cleanly(&mut h, "DUPLICATE_ID", |h| h.add_doctor(js(ADA).into()));
    assert_eq!(get_str(&get(&err, "details"), "id"), "ada");
    book(&mut h, r#""id":"appt","start":"2019-02-04T10:00""#);
    let err = fails_cleanly(&mut h, "DUPLICATE_ID", |h| {
        h.book(js(
            r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","id":"appt"}"#,
        ).into())
    });
    assert_eq!(get_str(&get(&err, "details"), "id"), "appt");
}

#[wasm_bindgen_test]
fn error_location_not_served() {
    let mut h = with_ada();
    let err = fails_cleanly(&mut h, "LOCATION_NOT_SERVED", |h| {
        h.book(js(r#"{"doctorId":"ada","location":"1 main st","start":"2019-02-04T10:00"}"#).into())
    });
    let details = get(&err, "details");
    assert_eq!(get_str(&details, "location"), "1 main st");
    assert_eq!(get_str(&details, "doctorId"), "ada");
    let err = fails_cleanly(&mut h, "LOCATION_NOT_SERVED", |h| {
        h.available_slots(
            s("ada"),
            js(r#"{"from":"2019-02-04","to":"2019-02-04","location":"Nowhere"}"#).into(),
        )
    });
    assert_eq!(get_str(&get(&err, "details"), "location"), "Nowhere");
}

#[wasm_bindgen_test]
fn error_off_grid() {
    let mut h = with_ada();
    let err = fails_cleanly(&mut h, "OFF_GRID", |h| {
        h.book(js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:05"}"#).into())
    });
    let details = get(&err, "details");
    assert_eq!(get_str(&details, "field"), "start");
    assert_eq!(get_num(&details, "slotMinutes"), 15.0);
    for duration in ["20", "0"] {
        let err = fails_cleanly(&mut h, "OFF_GRID", |h| {
            h.book(js(&format!(
                r#"{{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00","durationMinutes":{duration}}}"#
            )).into())
        });
        let details = get(&err, "details");
        assert_eq!(get_str(&details, "field"), "durationMinutes");
        assert_eq!(get_num(&details, "slotMinutes"), 15.0);
    }
    let err = fails_cleanly(&mut h, "OFF_GRID", |h| {
        h.available_slots(
            s("ada"),
            js(r#"{"from":"2019-02-04","to":"2019-02-04","durationMinutes":20}"#).into(),
        )
    });
    assert_eq!(get_str(&get(&err, "details"), "field"), "durationMinutes");
}

#[wasm_bindgen_test]
fn error_outside_hours() {
    let mut h = with_ada();
    for start in [
        "2019-02-05T12:00", // Tuesday closing time: may not start at it
        "2019-02-06T10:00", // Wednesday: no hours
        "2019-02-04T08:45", // before opening
    ] {
        let err = fails_cleanly(&mut h, "OUTSIDE_HOURS", |h| {
            h.book(
                js(&format!(
                    r#"{{"doctorId":"ada","location":"1 Main St","start":"{start}"}}"#
                ))
                .into(),
            )
        });
        assert_eq!(get_str(&get(&err, "details"), "doctorId"), "ada", "{start}");
    }
    // Runs past closing time.
    fails_cleanly(&mut h, "OUTSIDE_HOURS", |h| {
        h.book(js(
            r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T16:45","durationMinutes":30}"#,
        ).into())
    });
    // Ending exactly at closing time is fine; 09:00-12:00 + 12:00-17:00 is one block.
    book(&mut h, r#""start":"2019-02-05T11:45""#);
    book(&mut h, r#""start":"2019-02-04T11:30","durationMinutes":60"#);
}

#[wasm_bindgen_test]
fn error_slot_taken() {
    let mut h = with_ada();
    let first = book(
        &mut h,
        r#""id":"first","start":"2019-02-04T10:00","durationMinutes":30"#,
    );
    assert_eq!(get_str(&first, "id"), "first");
    // At another location: a doctor is in one place at a time.
    let err = fails_cleanly(&mut h, "SLOT_TAKEN", |h| {
        h.book(js(r#"{"doctorId":"ada","location":"9 Elm Ave","start":"2019-02-04T10:15"}"#).into())
    });
    let details = get(&err, "details");
    assert_plain_object(&details, &["conflictingAppointmentId"]);
    assert_eq!(get_str(&details, "conflictingAppointmentId"), "first");
    // Half-open intervals: back to back is fine.
    h.book(js(r#"{"doctorId":"ada","location":"9 Elm Ave","start":"2019-02-04T10:30"}"#).into())
        .unwrap();
}

#[wasm_bindgen_test]
fn error_already_cancelled() {
    let mut h = with_ada();
    book(&mut h, r#""id":"a-1","start":"2019-02-04T10:00""#);
    h.cancel(s("a-1"), None).unwrap();
    let err = fails_cleanly(&mut h, "ALREADY_CANCELLED", |h| {
        h.cancel(s("a-1"), Some(js(r#"{"reason":"again"}"#).into()))
    });
    assert_eq!(get_str(&get(&err, "details"), "appointmentId"), "a-1");
}

#[wasm_bindgen_test]
fn error_request_id_reused() {
    let mut h = with_ada();
    let first = book(
        &mut h,
        r#""start":"2019-02-04T10:00","requestId":"r-1","patient":"p""#,
    );
    for different in [
        r#""start":"2019-02-04T10:30","requestId":"r-1","patient":"p""#,
        r#""start":"2019-02-04T10:00","requestId":"r-1","patient":"q""#,
        r#""start":"2019-02-04T10:00","requestId":"r-1","patient":"p","durationMinutes":30"#,
        r#""start":"2019-02-04T10:00","requestId":"r-1""#,
    ] {
        let err = fails_cleanly(&mut h, "REQUEST_ID_REUSED", |h| {
            h.book(
                js(&format!(
                    r#"{{"doctorId":"ada","location":"1 Main St",{different}}}"#
                ))
                .into(),
            )
        });
        let details = get(&err, "details");
        assert_eq!(get_str(&details, "requestId"), "r-1", "{different}");
        assert_eq!(get_str(&details, "appointmentId"), get_str(&first, "id"));
    }
}

#[wasm_bindgen_test]
fn error_has_appointments() {
    let mut h = with_ada();
    book(&mut h, r#""id":"early","start":"2019-02-04T10:00""#);
    book(&mut h, r#""id":"tue","start":"2019-02-05T09:00""#);
    book(&mut h, r#""id":"late","start":"2019-02-04T14:00""#);
    h.book(
        js(r#"{"doctorId":"ada","location":"9 Elm Ave","id":"elm","start":"2019-02-04T15:00"}"#)
            .into(),
    )
    .unwrap();

    let ids = |err: &JsValue| {
        let details = get(err, "details");
        assert_eq!(get_str(&details, "doctorId"), "ada");
        strings(&get(&details, "appointmentIds"))
    };
    // New hours that leave Monday afternoon and Tuesday out: the ids by start.
    let err = fails_cleanly(&mut h, "HAS_APPOINTMENTS", |h| {
        h.update_doctor(
            s("ada"),
            js(r#"{"schedule":[{"days":["mon"],"start":"09:00","end":"12:00"}]}"#).into(),
            None,
        )
    });
    assert_eq!(ids(&err), ["late", "elm", "tue"]);
    // Dropping a location.
    let err = fails_cleanly(&mut h, "HAS_APPOINTMENTS", |h| {
        h.update_doctor(
            s("ada"),
            js(r#"{"locations":["1 Main St"]}"#).into(),
            Some(js(r#"{"cancelAppointments":false}"#).into()),
        )
    });
    assert_eq!(ids(&err), ["elm"]);
    // Removing the doctor: every booked appointment.
    let err = fails_cleanly(&mut h, "HAS_APPOINTMENTS", |h| {
        h.remove_doctor(s("ada"), None)
    });
    assert_eq!(ids(&err), ["early", "late", "elm", "tue"]);
}

#[wasm_bindgen_test]
fn error_invalid_snapshot() {
    let mut h = with_ada();
    book(&mut h, r#""id":"a-1","start":"2019-02-04T10:00""#);
    book(&mut h, r#""id":"a-2","start":"2019-02-04T11:00""#);
    let good = h.to_snapshot().unwrap();

    // Edits a parsed copy of the good snapshot and returns the text.
    let edited = |edit: &dyn Fn(&JsValue)| {
        let value = js(&good);
        edit(&value);
        stringify(&value)
    };
    let appointment = |value: &JsValue, i: u32| get(&get(value, "appointments"), &i.to_string());
    let cases: Vec<(String, &str)> = vec![
        (
            edited(&|v| set(&appointment(v, 0), "start", &s("2019-02-04T10:05"))),
            "appointments[0].start",
        ),
        (
            // Two booked appointments at the same time.
            edited(&|v| {
                set(&appointment(v, 1), "start", &s("2019-02-04T10:00"));
                set(&appointment(v, 1), "end", &s("2019-02-04T10:15"));
            }),
            "appointments[1].start",
        ),
        (
            edited(&|v| {
                let doctor = get(&get(v, "doctors"), "0");
                set(&doctor, "color", &s("blue"));
            }),
            "doctors[0].color",
        ),
        (
            edited(&|v| set(&appointment(v, 1), "doctorId", &s("nobody"))),
            "appointments[1].doctorId",
        ),
        (edited(&|v| set(v, "format", &s("other"))), "format"),
    ];
    for (text, path) in cases {
        let err = fails_cleanly(&mut h, "INVALID_SNAPSHOT", |_| {
            JsHospital::from_snapshot(s(&text))
        });
        assert_eq!(get_str(&get(&err, "details"), "path"), path, "{text}");
    }
    // Not JSON at all, or not an object: a path is still given (possibly the root, "").
    for text in ["", "{", "[]", "null", "42", "{\"format\":\"dr-schedule\"}"] {
        let err = fails_cleanly(&mut h, "INVALID_SNAPSHOT", |_| {
            JsHospital::from_snapshot(s(text))
        });
        assert!(
            get(&get(&err, "details"), "path").is_string(),
            "details.path missing for {text:?}"
        );
    }
}

#[wasm_bindgen_test]
fn error_unsupported_version() {
    let mut h = with_ada();
    let value = snapshot_value(&h);
    set(&value, "version", &JsValue::from_f64(3.0));
    let text = stringify(&value);
    let err = fails_cleanly(&mut h, "UNSUPPORTED_VERSION", |_| {
        JsHospital::from_snapshot(s(&text))
    });
    let details = get(&err, "details");
    assert_eq!(get_num(&details, "version"), 3.0);
    assert_eq!(get_num(&details, "supportedVersion"), 2.0);
}

#[wasm_bindgen_test]
fn error_too_soon_and_beyond_horizon() {
    let mut h = JsHospital::new(Some(
        js(r#"{"minNoticeMinutes":60,"horizonDays":2}"#).into(),
    ))
    .unwrap();
    h.add_doctor(js(ADA).into()).unwrap();
    let ask = |start: &str, now: &str| {
        js(&format!(
            r#"{{"doctorId":"ada","location":"1 Main St","start":"{start}","now":"{now}"}}"#
        ))
        .into()
    };
    let err = fails_cleanly(&mut h, "TOO_SOON", |h| {
        h.book(ask("2019-02-04T10:45", "2019-02-04T10:00"))
    });
    let details = get(&err, "details");
    assert_eq!(get_str(&details, "earliestStart"), "2019-02-04T11:00");
    let err = fails_cleanly(&mut h, "TOO_SOON", |h| {
        h.book(ask("2019-02-04T09:00", "2019-02-04T10:00"))
    });
    assert_eq!(get_str(&get(&err, "details"), "reason"), "inThePast");
    let err = fails_cleanly(&mut h, "BEYOND_HORIZON", |h| {
        h.book(ask("2019-02-05T09:00", "2019-02-01T10:00"))
    });
    assert_eq!(
        get_str(&get(&err, "details"), "latestStart"),
        "2019-02-03T10:00"
    );
    // Without now: INVALID_INPUT naming it.
    let field = invalid_input(&mut h, |h| {
        h.book(js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00"}"#).into())
    });
    assert_eq!(field, "now");
    h.book(ask("2019-02-04T11:00", "2019-02-04T10:00")).unwrap();
}

#[wasm_bindgen_test]
fn error_patient_busy() {
    let mut h = JsHospital::new(Some(js(r#"{"preventPatientOverlap":true}"#).into())).unwrap();
    h.add_doctor(js(ADA).into()).unwrap();
    h.add_doctor(js(&ADA.replace("\"ada\"", "\"bea\"")).into())
        .unwrap();
    let first = book(&mut h, r#""start":"2019-02-04T10:00","patient":"p-1""#);
    let err = fails_cleanly(&mut h, "PATIENT_BUSY", |h| {
        h.book(
            js(r#"{"doctorId":"bea","location":"9 Elm Ave","start":"2019-02-04T10:00","patient":"p-1"}"#)
                .into(),
        )
    });
    let details = get(&err, "details");
    assert_plain_object(&details, &["conflictingAppointmentId", "patient"]);
    assert_eq!(
        get_str(&details, "conflictingAppointmentId"),
        get(&first, "id").as_string().unwrap()
    );
}

#[wasm_bindgen_test]
fn holds_confirm_and_their_errors() {
    let mut h = with_ada();
    let held = h
        .hold(js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00","now":"2019-02-01T08:00","ttlMinutes":10}"#).into())
        .unwrap();
    assert_eq!(get_str(&held, "status"), "held");
    assert_eq!(get_str(&held, "holdExpires"), "2019-02-01T08:10");
    let id = get_str(&held, "id");
    let err = fails_cleanly(&mut h, "HOLD_EXPIRED", |h| {
        h.confirm(s(&id), js(r#"{"now":"2019-02-01T08:10"}"#).into())
    });
    assert_eq!(
        get_str(&get(&err, "details"), "holdExpires"),
        "2019-02-01T08:10"
    );
    let booked = h
        .confirm(s(&id), js(r#"{"now":"2019-02-01T08:09"}"#).into())
        .unwrap();
    assert_eq!(get_str(&booked, "status"), "booked");
    assert!(get(&booked, "holdExpires").is_undefined());
    let err = fails_cleanly(&mut h, "NOT_HELD", |h| {
        h.confirm(s(&id), js(r#"{"now":"2019-02-01T08:09"}"#).into())
    });
    assert_eq!(get_str(&get(&err, "details"), "appointmentId"), id);
    // `now` is required, and nothing unknown is accepted.
    let field = invalid_input(&mut h, |h| h.confirm(s(&id), js("{}").into()));
    assert_eq!(field, "now");
    let field = invalid_input(&mut h, |h| {
        h.hold(js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","now":"2019-02-01T08:00","ttl":10}"#).into())
    });
    assert_eq!(field, "ttl");
}

#[wasm_bindgen_test]
fn reschedule_find_slots_and_explain_return_plain_values() {
    let mut h = with_ada();
    let a = book(&mut h, r#""start":"2019-02-04T10:00""#);
    let id = get_str(&a, "id");
    let moved = h
        .reschedule(s(&id), js(r#"{"start":"2019-02-04T10:15"}"#).into())
        .unwrap();
    let trace = items(&get(&moved, "rescheduledFrom"));
    assert_eq!(trace.len(), 1);
    assert_plain_object(&trace[0], &["end", "location", "start"]);
    let err = fails_cleanly(&mut h, "OUTSIDE_HOURS", |h| {
        h.reschedule(s(&id), js(r#"{"start":"2019-02-05T12:00"}"#).into())
    });
    assert!(get(&get(&err, "details"), "reason").is_undefined());
    let found = h
        .find_slots(js(r#"{"from":"2019-02-04","to":"2019-02-04","limit":2}"#).into())
        .unwrap();
    let found = items(&found);
    assert_eq!(found.len(), 2);
    assert_plain_object(&found[0], &["doctorId", "location", "start"]);
    assert_eq!(get_str(&found[0], "start"), "2019-02-04T09:00");
    let problems = h
        .explain(
            js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:20"}"#).into(),
        )
        .unwrap();
    let problems = items(&problems);
    let codes: Vec<String> = problems.iter().map(|p| get_str(p, "code")).collect();
    assert_eq!(codes, ["OFF_GRID", "SLOT_TAKEN"]);
    assert_plain_object(&problems[0], &["code", "details", "message"]);
    let none = h
        .explain(
            js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00"}"#).into(),
        )
        .unwrap();
    assert!(items(&none).is_empty());
    let field = invalid_input(&mut h, |h| {
        h.find_slots(js(r#"{"from":"2019-02-04","to":"2019-02-04","limit":0}"#).into())
    });
    assert_eq!(field, "limit");
}

#[wasm_bindgen_test]
fn a_version_beyond_two_to_the_53_is_an_invalid_snapshot_at_version() {
    // `JSON.parse` reads it as a float (JS holds integers exactly only up to 2^53), so it is
    // no version number at all: INVALID_SNAPSHOT naming the field, with its details.
    let mut h = with_ada();
    let text =
        h.to_snapshot()
            .unwrap()
            .replacen("\"version\":2", "\"version\":18446744073709551615", 1);
    let err = fails_cleanly(&mut h, "INVALID_SNAPSHOT", |_| {
        JsHospital::from_snapshot(s(&text))
    });
    let details = get(&err, "details");
    assert_eq!(
        get_str(&details, "path"),
        "version",
        "details: {}",
        stringify(&details)
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshot counters at the edge of their range must not panic (README, "What it promises": no
// input, however malformed, may make the wasm code panic; "Persisting a hospital": fromSnapshot
// trusts nothing)
// ---------------------------------------------------------------------------------------------

/// Loads a snapshot whose counter `key` (`"revision"` or `"nextIds"`) is set to `u64::MAX`,
/// then adds a doctor with no id. Either step may fail with a HospitalError; none may panic.
fn counter_at_max(replace: (&str, &str)) {
    let h = with_ada();
    let text = h.to_snapshot().unwrap().replacen(replace.0, replace.1, 1);
    assert_ne!(text, h.to_snapshot().unwrap(), "the edit did not apply");
    match JsHospital::from_snapshot(s(&text)) {
        Err(err) => {
            assert_hospital_error(&err, "INVALID_SNAPSHOT");
        }
        Ok(mut restored) => {
            let result = restored
                .add_doctor(js(r#"{"name":"Dr. N","locations":["A"],"schedule":[]}"#).into());
            if let Err(err) = result {
                assert_hospital_error(&err, "INVALID_INPUT");
            }
            restored.to_snapshot().unwrap();
        }
    }
}

#[wasm_bindgen_test]
fn snapshot_revision_at_u64_max_does_not_panic() {
    counter_at_max(("\"revision\":1", "\"revision\":18446744073709551615"));
}

#[wasm_bindgen_test]
fn snapshot_next_doctor_id_at_u64_max_does_not_panic() {
    counter_at_max(("\"doctor\":1", "\"doctor\":18446744073709551615"));
}

#[wasm_bindgen_test]
fn snapshot_revision_beyond_two_to_the_53_is_refused_or_exact() {
    // `revision` crosses to JS as a plain number (docs/ARCHITECTURE.md, "The path of one call":
    // no u64 at the boundary).
    let h = with_ada();
    let text =
        h.to_snapshot()
            .unwrap()
            .replacen("\"revision\":1", "\"revision\":9007199254740993", 1);
    match JsHospital::from_snapshot(s(&text)) {
        Err(err) => {
            assert_hospital_error(&err, "INVALID_SNAPSHOT");
        }
        Ok(restored) => {
            let revision = restored.revision();
            assert_eq!(
                revision.to_string(),
                "9007199254740993",
                "revision is not exact as a JS number"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Input conversion
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn numbers_and_other_non_strings_for_string_ids() {
    let mut h = with_ada();
    book(&mut h, r#""id":"a-1","start":"2019-02-04T10:00""#);
    let slots = || js(r#"{"from":"2019-02-04","to":"2019-02-04"}"#);
    let n = || JsValue::from_f64(42.0);
    assert_eq!(invalid_input(&mut h, |h| h.get_doctor(n())), "id");
    assert_eq!(
        invalid_input(&mut h, |h| h.get_doctor(JsValue::UNDEFINED)),
        "id"
    );
    assert_eq!(invalid_input(&mut h, |h| h.get_doctor(JsValue::NULL)), "id");
    assert_eq!(
        invalid_input(&mut h, |h| h.get_doctor(js(r#"["ada"]"#))),
        "id"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.update_doctor(n(), js("{}").into(), None)),
        "id"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.remove_doctor(JsValue::TRUE, None)),
        "id"
    );
    assert_eq!(invalid_input(&mut h, |h| h.get_appointment(n())), "id");
    assert_eq!(
        invalid_input(&mut h, |h| h.appointments(n(), None)),
        "doctorId"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.cancel(n(), None)),
        "appointmentId"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.available_slots(n(), slots().into())),
        "doctorId"
    );
    assert_eq!(
        invalid_input(&mut h, |_| JsHospital::from_snapshot(n())),
        "json"
    );
    assert_eq!(
        invalid_input(&mut h, |_| JsHospital::from_snapshot(JsValue::UNDEFINED)),
        "json"
    );
    // Inside objects.
    assert_eq!(
        invalid_input(&mut h, |h| h.add_doctor(
            js(r#"{"id":7,"name":"Dr. B","locations":["A"],"schedule":[]}"#).into()
        )),
        "id"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.book(
            js(r#"{"doctorId":1,"location":"1 Main St","start":"2019-02-04T11:00"}"#).into()
        )),
        "doctorId"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.book(
            js(r#"{"doctorId":"ada","location":["1 Main St"],"start":"2019-02-04T11:00"}"#).into()
        )),
        "location"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.add_doctor(
            js(r#"{"name":"Dr. B","locations":["A", 2],"schedule":[]}"#).into()
        )),
        "locations[1]"
    );
}

/// A booking request for Dr. Ada at 11:00 with `durationMinutes` set to `value`.
fn request_with_duration(value: &JsValue) -> JsValue {
    let request = js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00"}"#);
    set(&request, "durationMinutes", value);
    request
}

#[wasm_bindgen_test]
fn bad_numbers_for_duration_minutes() {
    let mut h = with_ada();
    for value in [
        s("30"),
        JsValue::from_f64(15.5),
        JsValue::from_f64(f64::NAN),
        JsValue::from_f64(f64::INFINITY),
        JsValue::from_f64(f64::NEG_INFINITY),
        JsValue::from_f64(-15.0),
        JsValue::from_f64(1e300),
        JsValue::from_f64(4_294_967_296.0 + 15.0),
        JsValue::TRUE,
        js("[30]"),
        js(r#"{"minutes":30}"#),
        JsValue::NULL,
    ] {
        let shown = format!("{value:?}");
        if value.is_null() {
            // null for an optional field means absent.
            let mut h = with_ada();
            let a = h.book(request_with_duration(&value).into()).unwrap();
            assert_eq!(get_num(&a, "durationMinutes"), 15.0);
            continue;
        }
        let request = request_with_duration(&value);
        let before = stringify(&request);
        let field = invalid_input(&mut h, |h| h.book(request.clone().into()));
        assert_eq!(field, "durationMinutes", "durationMinutes = {shown}");
        assert_eq!(stringify(&request), before, "request was mutated");
    }
    // The same conversion holds in availableSlots and the constructor.
    for value in [
        JsValue::from_f64(f64::NAN),
        JsValue::from_f64(-15.0),
        s("15"),
    ] {
        let query = js(r#"{"from":"2019-02-04","to":"2019-02-04"}"#);
        set(&query, "limit", &value);
        assert_eq!(
            invalid_input(&mut h, |h| h
                .available_slots(s("ada"), query.clone().into())),
            "limit"
        );
        let options = js("{}");
        set(&options, "slotMinutes", &value);
        let err = expect_err(JsHospital::new(Some(options.into())), "slotMinutes");
        assert_eq!(invalid_field(&err), "slotMinutes");
    }
}

#[wasm_bindgen_test]
fn null_and_undefined_for_required_arguments() {
    let mut h = with_ada();
    for missing in [JsValue::NULL, JsValue::UNDEFINED] {
        assert_eq!(
            invalid_input(&mut h, |h| h.add_doctor(missing.clone().into())),
            "doctor"
        );
        assert_eq!(
            invalid_input(&mut h, |h| h.book(missing.clone().into())),
            "request"
        );
        assert_eq!(
            invalid_input(&mut h, |h| h.update_doctor(
                s("ada"),
                missing.clone().into(),
                None
            )),
            "patch"
        );
        assert_eq!(
            invalid_input(&mut h, |h| h
                .available_slots(s("ada"), missing.clone().into())),
            "options"
        );
    }
    // null for a required field.
    assert_eq!(
        invalid_input(&mut h, |h| h.book(
            js(r#"{"doctorId":"ada","location":"1 Main St","start":null}"#).into()
        )),
        "start"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.add_doctor(
            js(r#"{"name":null,"locations":["A"],"schedule":[]}"#).into()
        )),
        "name"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h.available_slots(
            s("ada"),
            js(r#"{"from":"2019-02-04","to":null}"#).into()
        )),
        "to"
    );
}

#[wasm_bindgen_test]
fn a_missing_required_field_is_named_in_details_field() {
    // README, "Errors": details says what the caller needs to act, e.g. the field name; for a
    // missing field that is the field, not the whole argument.
    let mut h = with_ada();
    assert_eq!(
        invalid_input(&mut h, |h| h
            .book(js(r#"{"doctorId":"ada","location":"1 Main St"}"#).into())),
        "start"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h
            .add_doctor(js(r#"{"name":"Dr. B","schedule":[]}"#).into())),
        "locations"
    );
    assert_eq!(
        invalid_input(&mut h, |h| {
            h.add_doctor(js(
            r#"{"name":"Dr. B","locations":["A"],"schedule":[{"days":["mon"],"start":"09:00"}]}"#
        ).into())
        }),
        "schedule[0].end"
    );
    assert_eq!(
        invalid_input(&mut h, |h| h
            .available_slots(s("ada"), js(r#"{"from":"2019-02-04"}"#).into())),
        "to"
    );
}

#[wasm_bindgen_test]
fn unknown_fields_are_refused_with_their_path() {
    let mut h = with_ada();
    let cases: Vec<(Call, &str)> = vec![
        (
            |h| {
                h.book(js(
                    r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","color":"red"}"#,
                ).into())
            },
            "color",
        ),
        (
            |h| {
                h.book(js(
                    r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","duration":30}"#,
                ).into())
            },
            "duration",
        ),
        (
            |h| {
                h.add_doctor(js(
                    r#"{"name":"Dr. B","locations":["A"],"schedule":[{"days":["mon"],"start":"09:00","end":"17:00","lunch":"12:00"}]}"#,
                ).into())
            },
            "schedule[0].lunch",
        ),
        (
            |h| {
                h.add_doctor(
                    js(r#"{"name":"Dr. B","locations":["A"],"schedule":[],"specialty":"x"}"#)
                        .into(),
                )
            },
            "specialty",
        ),
        (
            // The id is not part of a patch.
            |h| h.update_doctor(s("ada"), js(r#"{"id":"other"}"#).into(), None),
            "id",
        ),
        (
            |h| {
                h.update_doctor(
                    s("ada"),
                    js("{}").into(),
                    Some(js(r#"{"cancel":true}"#).into()),
                )
            },
            "cancel",
        ),
        (
            |h| h.remove_doctor(s("ada"), Some(js(r#"{"force":true}"#).into())),
            "force",
        ),
        (
            |h| h.appointments(s("ada"), Some(js(r#"{"statuses":"all"}"#).into())),
            "statuses",
        ),
        (
            |h| h.cancel(s("a-1"), Some(js(r#"{"why":"x"}"#).into())),
            "why",
        ),
        (
            |h| {
                h.available_slots(
                    s("ada"),
                    js(r#"{"from":"2019-02-04","to":"2019-02-04","max":3}"#).into(),
                )
            },
            "max",
        ),
    ];
    book(&mut h, r#""id":"a-1","start":"2019-02-04T10:00""#);
    for (call, field) in cases {
        assert_eq!(invalid_input(&mut h, call), field);
    }
    let err = expect_err(
        JsHospital::new(Some(js(r#"{"slotMinutes":15,"tz":"UTC"}"#).into())),
        "unknown option",
    );
    assert_eq!(invalid_field(&err), "tz");
}

#[wasm_bindgen_test]
fn wrong_values_inside_schedule_rules_name_their_path() {
    let mut h = JsHospital::new(None).unwrap();
    let doctor = |schedule: &str| {
        js(&format!(
            r#"{{"name":"Dr. B","locations":["A"],"schedule":{schedule}}}"#
        ))
    };
    for (schedule, field) in [
        (
            r#"[{"days":["monday"],"start":"09:00","end":"17:00"}]"#,
            "schedule[0].days[0]",
        ),
        (
            r#"[{"days":["mon",3],"start":"09:00","end":"17:00"}]"#,
            "schedule[0].days[1]",
        ),
        (
            r#"[{"days":["mon","mon"],"start":"09:00","end":"17:00"}]"#,
            "schedule[0].days[1]",
        ),
        (
            r#"[{"days":[],"start":"09:00","end":"17:00"}]"#,
            "schedule[0].days",
        ),
        (
            r#"[{"days":["mon"],"start":"09:00","end":"17:00"},{"days":["tue"],"start":"9:00","end":"17:00"}]"#,
            "schedule[1].start",
        ),
        (
            r#"[{"days":["mon"],"start":"09:00","end":"24:01"}]"#,
            "schedule[0].end",
        ),
        (
            r#"[{"days":["mon"],"start":"17:00","end":"09:00"}]"#,
            "schedule[0].end",
        ),
        (
            r#"[{"days":"mon","start":"09:00","end":"17:00"}]"#,
            "schedule[0].days",
        ),
        (r#"["mon 09:00-17:00"]"#, "schedule[0]"),
        (r#"{"mon":["09:00","17:00"]}"#, "schedule"),
    ] {
        let input = doctor(schedule);
        let before = stringify(&input);
        assert_eq!(
            invalid_input(&mut h, |h| h.add_doctor(input.clone().into())),
            field,
            "{schedule}"
        );
        assert_eq!(stringify(&input), before, "input was mutated");
    }
    // A hole in a sparse array is undefined: not a weekday.
    let input = doctor(r#"[{"days":["mon"],"start":"09:00","end":"17:00"}]"#);
    let days = get(&items(&get(&input, "schedule"))[0], "days");
    set(&days, "length", &JsValue::from_f64(3.0));
    assert_eq!(
        invalid_input(&mut h, |h| h.add_doctor(input.clone().into())),
        "schedule[0].days[1]"
    );
}

#[wasm_bindgen_test]
fn arrays_are_not_accepted_in_place_of_objects() {
    // README, "Errors": a wrong type is INVALID_INPUT. An array is not the object the API
    // documents, even when its items line up with the fields in declaration order.
    let mut h = with_ada();
    book(&mut h, r#""id":"x","start":"2019-02-04T10:00""#);
    let cases: Vec<(Call, &str, &str)> = vec![
        (
            |h| h.add_doctor(js(r#"["d-9", "Dr. Array", ["A"], []]"#).into()),
            "addDoctor([...])",
            "doctor",
        ),
        (
            |h| {
                h.add_doctor(
                    js(r#"{"name":"Dr. B","locations":["A"],"schedule":[[["mon"],"09:00","17:00"]]}"#)
                        .into(),
                )
            },
            "schedule: [[days, start, end]]",
            "schedule[0]",
        ),
        (
            |h| h.book(js(r#"["ada", "1 Main St", "2019-02-04T11:00"]"#).into()),
            "book([...])",
            "request",
        ),
        (
            |h| h.cancel(s("x"), Some(js(r#"["a reason"]"#).into())),
            "cancel(id, [...])",
            "options",
        ),
    ];
    let mut accepted = Vec::new();
    for (call, what, field) in cases {
        let before = h.to_snapshot().unwrap();
        match call(&mut h) {
            Ok(value) => {
                accepted.push(format!("{what} returned {}", stringify(&value)));
                // Undo, so the next case starts from the same state.
                h = JsHospital::from_snapshot(s(&before)).unwrap();
            }
            Err(err) => {
                let details = assert_hospital_error(&err, "INVALID_INPUT");
                assert_eq!(get_str(&details, "field"), field, "{what}");
            }
        }
    }
    match JsHospital::new(Some(js("[30, 60, null]").into())) {
        Ok(h) => accepted.push(format!(
            "new Hospital([30, 60, null]) gave options {}",
            stringify(&get(&snapshot_value(&h), "options"))
        )),
        Err(err) => assert_eq!(invalid_field(&err), "options"),
    }
    assert!(
        accepted.is_empty(),
        "arrays accepted as objects: {accepted:#?}"
    );
}

#[wasm_bindgen_test]
fn proto_keys_from_json_parse_are_unknown_fields() {
    let mut h = with_ada();
    let input =
        js(r#"{"name":"Dr. B","locations":["A"],"schedule":[],"__proto__":{"id":"injected"}}"#);
    let before = stringify(&input);
    assert_eq!(
        invalid_input(&mut h, |h| h.add_doctor(input.clone().into())),
        "__proto__"
    );
    assert_eq!(stringify(&input), before);
    assert_eq!(
        invalid_input(&mut h, |h| {
            h.add_doctor(js(
            r#"{"name":"Dr. B","locations":["A"],"schedule":[{"days":["mon"],"start":"09:00","end":"17:00","__proto__":{"end":"24:00"}}]}"#
        ).into())
        }),
        "schedule[0].__proto__"
    );
    assert_eq!(
        invalid_input(&mut h, |h| {
            h.book(js(
            r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","__proto__":{"id":"x"}}"#
        ).into())
        }),
        "__proto__"
    );
    let err = expect_err(
        JsHospital::new(Some(js(r#"{"__proto__":{"slotMinutes":7}}"#).into())),
        "__proto__ option",
    );
    assert_eq!(invalid_field(&err), "__proto__");
    // Nothing leaked onto Object.prototype.
    assert!(get(&Object::new(), "id").is_undefined());
    assert!(get(&Object::new(), "slotMinutes").is_undefined());
}

#[wasm_bindgen_test]
fn values_json_cannot_express_are_refused_with_their_path() {
    let mut h = with_ada();
    let with = |base: &str, key: &str, value: &JsValue| {
        let input = js(base);
        set(&input, key, value);
        input
    };
    const DOCTOR: &str = r#"{"name":"Dr. B","locations":["A"],"schedule":[]}"#;
    const REQUEST: &str = r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00"}"#;
    let function = eval_js("return function name() { return 'Dr. F'; };");
    let cases: Vec<(JsValue, &str)> = vec![
        (with(DOCTOR, "name", &function), "name"),
        (
            with(DOCTOR, "name", &js_sys::BigInt::from(7u32).into()),
            "name",
        ),
        (
            with(DOCTOR, "name", &js_sys::Symbol::for_("x").into()),
            "name",
        ),
        (
            with(DOCTOR, "locations", &Array::of1(&function).into()),
            "locations[0]",
        ),
        (function.clone(), "doctor"),
        (s("Dr. Ada"), "doctor"),
        (JsValue::from_f64(1.0), "doctor"),
        (JsValue::TRUE, "doctor"),
    ];
    for (input, field) in cases {
        assert_eq!(
            invalid_input(&mut h, |h| h.add_doctor(input.clone().into())),
            field,
            "{input:?}"
        );
    }
    // A JS Date is not a time string (times cross as ISO strings: docs/ARCHITECTURE.md, "The
    // path of one call").
    let date = eval_js("return new Date(2019, 1, 4, 11, 0);");
    assert_eq!(
        invalid_input(&mut h, |h| h.book(with(REQUEST, "start", &date).into())),
        "start"
    );
    // A getter that throws.
    let throwing = js(DOCTOR);
    let descriptor = Object::new();
    set(
        &descriptor,
        "get",
        &Function::new_no_args("throw new Error('getter')").into(),
    );
    set(&descriptor, "enumerable", &JsValue::TRUE);
    Object::define_property(throwing.unchecked_ref::<Object>(), &s("name"), &descriptor);
    assert_eq!(
        invalid_input(&mut h, |h| h.add_doctor(throwing.clone().into())),
        "name"
    );
    // A function as options.
    assert_eq!(
        invalid_input(&mut h, |h| h
            .appointments(s("ada"), Some(function.clone().into()))),
        "options"
    );
}

#[wasm_bindgen_test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let mut h = with_ada();
    for depth in [20, 100_000] {
        let mut nested: JsValue = Array::new().into();
        for _ in 0..depth {
            nested = Array::of1(&nested).into();
        }
        let input = js(r#"{"name":"Dr. B","locations":["A"]}"#);
        set(&input, "schedule", &nested);
        let field = invalid_input(&mut h, |h| h.add_doctor(input.clone().into()));
        assert!(field.starts_with("schedule[0]"), "field {field}");
        // Deep objects under an unknown key, too.
        let mut nested: JsValue = Object::new().into();
        for _ in 0..depth {
            let outer = Object::new();
            set(&outer, "a", &nested);
            nested = outer.into();
        }
        let input = js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00"}"#);
        set(&input, "extra", &nested);
        let field = invalid_input(&mut h, |h| h.book(input.clone().into()));
        assert!(field.starts_with("extra"), "field {field}");
    }
    // The nesting real inputs need is fine.
    h.update_doctor(
        s("ada"),
        js(r#"{"schedule":[{"days":["mon"],"start":"09:00","end":"17:00"}]}"#).into(),
        None,
    )
    .unwrap();
}

#[wasm_bindgen_test]
fn other_invalid_values_name_their_field() {
    let mut h = with_ada();
    book(&mut h, r#""id":"a-1","start":"2019-02-04T10:00""#);
    let cases: Vec<(Call, &str)> = vec![
        (
            |h| h.add_doctor(js(r#"{"name":"","locations":["A"],"schedule":[]}"#).into()),
            "name",
        ),
        (
            |h| h.add_doctor(js(r#"{"name":"B","locations":[],"schedule":[]}"#).into()),
            "locations",
        ),
        (
            |h| {
                h.add_doctor(
                    js(r#"{"id":"a b","name":"B","locations":["A"],"schedule":[]}"#).into(),
                )
            },
            "id",
        ),
        (
            |h| h.add_doctor(js(r#"{"id":"","name":"B","locations":["A"],"schedule":[]}"#).into()),
            "id",
        ),
        (
            |h| {
                h.book(
                    js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04 11:00"}"#)
                        .into(),
                )
            },
            "start",
        ),
        (
            |h| {
                h.book(
                    js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04"}"#).into(),
                )
            },
            "start",
        ),
        (
            |h| {
                h.book(js(
                    r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T11:00","patient":""}"#,
                ).into())
            },
            "patient",
        ),
        (
            |h| h.appointments(s("ada"), Some(js(r#"{"status":"open"}"#).into())),
            "status",
        ),
        (
            |h| h.appointments(s("ada"), Some(js(r#"{"from":"yesterday"}"#).into())),
            "from",
        ),
        (
            |h| {
                h.appointments(
                    s("ada"),
                    Some(js(r#"{"from":"2019-02-05","to":"2019-02-04T10:00"}"#).into()),
                )
            },
            "to",
        ),
        (
            |h| {
                h.available_slots(
                    s("ada"),
                    js(r#"{"from":"2019-01-01","to":"2021-01-01"}"#).into(),
                )
            },
            "to",
        ),
        (
            |h| h.cancel(s("a-1"), Some(js(r#"{"reason":""}"#).into())),
            "reason",
        ),
        (
            |h| {
                h.update_doctor(
                    s("ada"),
                    js(r#"{"name":"X"}"#).into(),
                    Some(JsValue::TRUE.into()),
                )
            },
            "options",
        ),
        (
            |h| h.remove_doctor(s("ada"), Some(js(r#"{"cancelAppointments":"yes"}"#).into())),
            "cancelAppointments",
        ),
    ];
    for (call, field) in cases {
        assert_eq!(invalid_input(&mut h, call), field);
    }
}

#[wasm_bindgen_test]
fn no_input_is_mutated_and_frozen_inputs_work() {
    /// `Object.freeze`, all the way down.
    fn deep_freeze(value: &JsValue) -> JsValue {
        if value.is_object() {
            let object: &Object = value.unchecked_ref();
            for key in Object::keys(object).iter() {
                deep_freeze(&Reflect::get(value, &key).unwrap());
            }
            Object::freeze(object);
        }
        value.clone()
    }
    let frozen = |text: &str| deep_freeze(&js(text));
    let mut inputs: Vec<(JsValue, String)> = Vec::new();
    let mut keep = |value: JsValue| {
        inputs.push((value.clone(), stringify(&value)));
        value
    };
    let mut h = JsHospital::new(Some(keep(frozen(r#"{"slotMinutes":15}"#)).into())).unwrap();
    h.add_doctor(keep(frozen(ADA)).into()).unwrap();
    h.update_doctor(
        s("ada"),
        keep(frozen(
            r#"{"name":"Dr. A","locations":["1 Main St","9 Elm Ave"]}"#,
        ))
        .into(),
        Some(keep(frozen(r#"{"cancelAppointments":true}"#)).into()),
    )
    .unwrap();
    h.book(keep(frozen(
        r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00","id":"a-1","requestId":"r","patient":"p"}"#,
    )).into())
    .unwrap();
    h.appointments(
        s("ada"),
        Some(keep(frozen(r#"{"from":"2019-02-04","status":"all"}"#)).into()),
    )
    .unwrap();
    h.available_slots(
        s("ada"),
        keep(frozen(
            r#"{"from":"2019-02-04","to":"2019-02-04","limit":3}"#,
        ))
        .into(),
    )
    .unwrap();
    h.cancel(s("a-1"), Some(keep(frozen(r#"{"reason":"r"}"#)).into()))
        .unwrap();
    // Failing calls do not touch their input either.
    expect_err(
        h.book(
            keep(frozen(
                r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:05"}"#,
            ))
            .into(),
        ),
        "off grid",
    );
    expect_err(
        h.add_doctor(keep(frozen(
            r#"{"name":"B","locations":["A"],"schedule":[{"days":["mon"],"start":"9","end":"10:00"}]}"#,
        )).into()),
        "bad time",
    );
    h.remove_doctor(
        s("ada"),
        Some(keep(frozen(r#"{"cancelAppointments":true}"#)).into()),
    )
    .unwrap();
    for (input, text) in &inputs {
        assert!(Object::is_frozen(input.unchecked_ref::<Object>()));
        assert_eq!(&stringify(input), text);
    }
    // And unfrozen inputs are left exactly as they were.
    let mut h = JsHospital::new(None).unwrap();
    let doctor = js(ADA);
    let patch = js(r#"{"schedule":[{"days":["mon"],"start":"09:00","end":"10:00"}]}"#);
    let request = js(r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T09:00"}"#);
    let texts = [stringify(&doctor), stringify(&patch), stringify(&request)];
    h.add_doctor(doctor.clone().into()).unwrap();
    h.book(request.clone().into()).unwrap();
    h.update_doctor(s("ada"), patch.clone().into(), None)
        .unwrap();
    expect_err(h.book(request.clone().into()), "slot taken");
    assert_eq!(
        [stringify(&doctor), stringify(&patch), stringify(&request)],
        texts
    );
}

// ---------------------------------------------------------------------------------------------
// Through the generated JS glue, as a JS caller uses the class
// ---------------------------------------------------------------------------------------------

/// The `Hospital` class as exported to JS.
fn hospital_class() -> Function {
    let instance = JsValue::from(JsHospital::new(None).unwrap());
    get(&instance, "constructor").dyn_into().unwrap()
}

/// `new Hospital(...args)`.
fn construct(args: &[JsValue]) -> Result<JsValue, JsValue> {
    Reflect::construct(&hospital_class(), &args.iter().collect::<Array>())
}

/// `target[method](...args)`.
fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = get(target, method)
        .dyn_into()
        .unwrap_or_else(|_| panic!("{method} is not a function"));
    function.apply(target, &args.iter().collect::<Array>())
}

/// The glue object keeps working: a read, a mutation, a read.
fn assert_glue_still_works(h: &JsValue) {
    let revision = get_num(h, "revision");
    call(h, "listDoctors", &[]).expect("listDoctors threw after a failed call");
    let doctor = call(
        h,
        "addDoctor",
        &[js(r#"{"name":"Probe","locations":["P"],"schedule":[]}"#)],
    )
    .expect("addDoctor threw after a failed call");
    call(h, "removeDoctor", &[get(&doctor, "id")]).unwrap();
    assert_eq!(get_num(h, "revision"), revision + 2.0);
}

/// Calls `h[method](input)`, which must throw an `INVALID_INPUT` HospitalError, and checks that
/// `h` keeps working afterwards. Reports both outcomes together.
fn assert_glue_survives_bad_input(h: &JsValue, method: &str, input: JsValue) {
    let thrown = match call(h, method, &[input]) {
        Ok(value) => format!("returned {value:?}"),
        Err(err) => format!(
            "threw name={:?} code={:?} message={:?}",
            get(&err, "name"),
            get(&err, "code"),
            get(&err, "message")
        ),
    };
    let after = match call(h, "listDoctors", &[]) {
        Ok(_) => "later calls work".to_owned(),
        Err(err) => format!("a later listDoctors() threw {:?}", get(&err, "message")),
    };
    assert!(
        thrown.contains("\"HospitalError\"")
            && thrown.contains("\"INVALID_INPUT\"")
            && after == "later calls work",
        "{method}: {thrown}; {after}"
    );
    assert_glue_still_works(h);
}

#[wasm_bindgen_test]
fn glue_exposes_the_documented_names() {
    let class = hospital_class();
    assert_eq!(get_str(&class, "name"), "Hospital");
    assert!(get(&class, "fromSnapshot").is_function());
    let h = construct(&[]).unwrap();
    assert!(h.is_instance_of::<Object>());
    for method in [
        "addDoctor",
        "getDoctor",
        "listDoctors",
        "updateDoctor",
        "removeDoctor",
        "book",
        "getAppointment",
        "appointments",
        "cancel",
        "availableSlots",
        "toSnapshot",
    ] {
        assert!(get(&h, method).is_function(), "no method {method}");
    }
    let revision = get(&h, "revision");
    assert_eq!(revision.js_typeof().as_string().as_deref(), Some("number"));
    assert_eq!(revision.as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn glue_round_trip() {
    for options in [
        vec![],
        vec![JsValue::UNDEFINED],
        vec![JsValue::NULL],
        vec![js(r#"{"slotMinutes":15,"defaultDurationMinutes":15}"#)],
    ] {
        let h = construct(&options).unwrap();
        let doctor = call(&h, "addDoctor", &[js(ADA)]).unwrap();
        assert_plain_object(&doctor, &["id", "name", "locations", "schedule"]);
        let appointment = call(
            &h,
            "book",
            &[js(
                r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00"}"#,
            )],
        )
        .unwrap();
        assert_eq!(get_str(&appointment, "end"), "2019-02-04T10:15");
        let listed = call(&h, "appointments", &[s("ada")]).unwrap();
        assert_eq!(items(&listed).len(), 1);
        let slots = call(
            &h,
            "availableSlots",
            &[
                s("ada"),
                js(r#"{"from":"2019-02-04","to":"2019-02-04","limit":2}"#),
            ],
        )
        .unwrap();
        assert_eq!(strings(&slots), ["2019-02-04T09:00", "2019-02-04T09:15"]);
        call(&h, "cancel", &[get(&appointment, "id")]).unwrap();
        call(&h, "updateDoctor", &[s("ada"), js(r#"{"name":"Dr. A"}"#)]).unwrap();
        assert_eq!(get_num(&h, "revision"), 4.0);
        let text = call(&h, "toSnapshot", &[]).unwrap();
        assert!(text.is_string());
        let class = hospital_class();
        let restored = call(&class, "fromSnapshot", std::slice::from_ref(&text)).unwrap();
        assert!(restored.is_instance_of::<Object>());
        assert!(
            Object::is(&get(&restored, "constructor"), &class),
            "fromSnapshot did not return a Hospital"
        );
        assert_eq!(call(&restored, "toSnapshot", &[]).unwrap(), text);
        assert_eq!(get_num(&restored, "revision"), 4.0);
        call(&h, "removeDoctor", &[s("ada")]).unwrap();
    }
}

#[wasm_bindgen_test]
fn glue_throws_hospital_errors_and_keeps_working() {
    let h = construct(&[]).unwrap();
    call(&h, "addDoctor", &[js(ADA)]).unwrap();
    let err = call(&h, "getDoctor", &[s("nobody")]).unwrap_err();
    assert_hospital_error(&err, "DOCTOR_NOT_FOUND");
    // Missing arguments are undefined.
    let err = call(&h, "getDoctor", &[]).unwrap_err();
    assert_eq!(invalid_field(&err), "id");
    let err = call(&h, "availableSlots", &[s("ada")]).unwrap_err();
    assert_eq!(invalid_field(&err), "options");
    let err = call(&h, "addDoctor", &[]).unwrap_err();
    assert_eq!(invalid_field(&err), "doctor");
    let err = call(&hospital_class(), "fromSnapshot", &[s("{")]).unwrap_err();
    assert_hospital_error(&err, "INVALID_SNAPSHOT");
    let err = construct(&[js(r#"{"slotMinutes":7}"#)]).unwrap_err();
    assert_eq!(invalid_field(&err), "slotMinutes");
    call(
        &h,
        "book",
        &[js(
            r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00","id":"a"}"#,
        )],
    )
    .unwrap();
    let err = call(
        &h,
        "book",
        &[js(
            r#"{"doctorId":"ada","location":"1 Main St","start":"2019-02-04T10:00"}"#,
        )],
    )
    .unwrap_err();
    let details = assert_hospital_error(&err, "SLOT_TAKEN");
    assert_eq!(get_str(&details, "conflictingAppointmentId"), "a");
    assert_eq!(get_num(&h, "revision"), 2.0);
    assert_glue_still_works(&h);
}

#[wasm_bindgen_test]
fn glue_proxy_whose_own_keys_trap_throws() {
    // README, "What it promises": every failure throws a HospitalError; no input may break the
    // instance. A JS exception escaping from inside a method would also leave the object's borrow
    // flag set, so every later call on it would fail.
    let h = construct(&[]).unwrap();
    call(&h, "addDoctor", &[js(ADA)]).unwrap();
    let proxy =
        eval_js("return new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } });");
    assert_glue_survives_bad_input(&h, "addDoctor", proxy);
}

#[wasm_bindgen_test]
fn glue_revoked_proxy() {
    let h = construct(&[]).unwrap();
    call(&h, "addDoctor", &[js(ADA)]).unwrap();
    let revoked = eval_js("const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy;");
    assert_glue_survives_bad_input(&h, "book", revoked);
}

#[wasm_bindgen_test]
fn glue_proxy_whose_get_trap_throws() {
    let h = construct(&[]).unwrap();
    call(&h, "addDoctor", &[js(ADA)]).unwrap();
    let proxy = eval_js(
        r#"return new Proxy({ doctorId: "ada", location: "1 Main St", start: "2019-02-04T10:00" },
            { get() { throw new Error('get trap'); } });"#,
    );
    assert_glue_survives_bad_input(&h, "book", proxy);
}

#[wasm_bindgen_test]
fn glue_proxy_array_whose_get_trap_throws() {
    let h = construct(&[]).unwrap();
    let doctor = js(r#"{"name":"Dr. B","locations":["A"]}"#);
    let schedule = eval_js("return new Proxy([], { get() { throw new Error('get trap'); } });");
    set(&doctor, "schedule", &schedule);
    assert_glue_survives_bad_input(&h, "addDoctor", doctor);
}
