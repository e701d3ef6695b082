//! The areas of wasm memory the JS layer and the binding exchange values through, so that a
//! call passes numbers, not JS objects (reading a JS object from Rust costs about a microsecond
//! per four fields; reading numbers from memory, nanoseconds):
//!
//! - the *scratch* area, where the JS layer writes a call's text arguments as UTF-8, one after
//!   the other; the call gets their lengths;
//! - the *row*, where a call that returns one appointment writes it as numbers (`rows.rs`), at an
//!   address that never changes;
//! - the *list*, where a call that returns several writes them, and the *parts*, where rows put
//!   what does not fit in a row (`Parts`: rescheduling traces as numbers, their locations and
//!   metadata as text); their addresses may change with every call, so the JS layer asks for
//!   them after it, and only when a row has such a part;
//! - the *snapshot*, the text `toSnapshot` writes, until the JS layer has copied it;
//! - the last *error*, as JSON text, until the JS layer takes it.
//!
//! The JS layer reads these through views of the memory, which it renews when the memory grows.

use dr_schedule_engine::{Error, TimeZones, WriteJson, ZoneRules};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

/// The numbers of one appointment row (`rows.rs` says which is which).
pub(crate) const ROW: usize = 33;

/// What the rows of a call point to beyond their numbers (`rows.rs` writes them).
pub(crate) struct Parts {
    /// Text: the locations of rescheduling traces, and metadata as JSON.
    pub(crate) text: String,
    /// The entries of rescheduling traces, `TRACE_ENTRY` numbers each (`rows.rs`).
    pub(crate) trace: Vec<f64>,
}

/// The single-appointment row: f64 bits.
static SINGLE: [AtomicU64; ROW] = [const { AtomicU64::new(0) }; ROW];

/// The scratch area starts at this size and grows on request.
const SCRATCH_START: usize = 64 << 10;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(vec![0; SCRATCH_START]);
    static LIST: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    static PARTS: RefCell<Parts> = const {
        RefCell::new(Parts {
            text: String::new(),
            trace: Vec::new(),
        })
    };
    static SNAPSHOT: RefCell<String> = const { RefCell::new(String::new()) };
    static ERROR: RefCell<Option<Error>> = const { RefCell::new(None) };
    static ZONES: RefCell<TimeZones> = RefCell::new(TimeZones::new());
}

/// Adds a zone's rules (`js/zones.js` reads them from Intl) to those the hospitals of this
/// instance find zones in: its name (`name_len` bytes) and data (`data_len` bytes), one after
/// the other in the scratch area. 0, or -1 for data that does not read (its error kept).
#[wasm_bindgen(js_name = registerZone)]
pub fn register_zone(name_len: usize, data_len: usize) -> i32 {
    let rules = with_scratch(|bytes| {
        let name = bytes.get(..name_len).unwrap_or_default();
        let data = bytes
            .get(name_len..name_len.saturating_add(data_len))
            .unwrap_or_default();
        let name = std::str::from_utf8(name).unwrap_or_default();
        let data = std::str::from_utf8(data).unwrap_or_default();
        ZoneRules::parse(name, data).map_err(|reason| Error::invalid_input("timeZone", reason))
    });
    match rules {
        Ok(rules) => {
            ZONES.with(|zones| zones.borrow_mut().insert(rules));
            0
        }
        Err(e) => {
            fail(e);
            -1
        }
    }
}

/// Runs `read` on the zones registered so far.
pub(crate) fn with_zones<T>(read: impl FnOnce(&TimeZones) -> T) -> T {
    ZONES.with(|zones| read(&zones.borrow()))
}

/// The instance's memory (`WebAssembly.Memory`), for the JS layer's views.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Where the single-appointment row is (a byte address; 8-byte aligned).
#[wasm_bindgen(js_name = rowPtr)]
pub fn row_ptr() -> usize {
    SINGLE.as_ptr() as usize
}

/// Writes number `index` of the single row.
pub(crate) fn set_single(row: &[f64; ROW]) {
    for (slot, value) in SINGLE.iter().zip(row) {
        slot.store(value.to_bits(), Ordering::Relaxed);
    }
}

/// Where the scratch area is.
#[wasm_bindgen(js_name = scratchPtr)]
pub fn scratch_ptr() -> usize {
    SCRATCH.with(|s| s.borrow().as_ptr() as usize)
}

/// How many bytes the scratch area holds.
#[wasm_bindgen(js_name = scratchSize)]
pub fn scratch_size() -> usize {
    SCRATCH.with(|s| s.borrow().len())
}

/// Makes the scratch area hold at least `bytes`; returns where it is now.
#[wasm_bindgen(js_name = scratchReserve)]
pub fn scratch_reserve(bytes: usize) -> usize {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < bytes {
            s.resize(bytes.next_power_of_two(), 0);
        }
        s.as_ptr() as usize
    })
}

/// Runs `read` on the scratch area.
pub(crate) fn with_scratch<T>(read: impl FnOnce(&[u8]) -> T) -> T {
    SCRATCH.with(|s| read(&s.borrow()))
}

/// Where the list the last call wrote is.
#[wasm_bindgen(js_name = listPtr)]
pub fn list_ptr() -> usize {
    LIST.with(|l| l.borrow().as_ptr() as usize)
}

/// Runs `write` on an emptied list and parts.
pub(crate) fn with_list<T>(write: impl FnOnce(&mut Vec<f64>, &mut Parts) -> T) -> T {
    LIST.with(|l| {
        PARTS.with(|p| {
            let (mut list, mut parts) = (l.borrow_mut(), p.borrow_mut());
            list.clear();
            parts.text.clear();
            parts.trace.clear();
            write(&mut list, &mut parts)
        })
    })
}

/// Where the text the last call's rows point into is.
#[wasm_bindgen(js_name = textPtr)]
pub fn text_ptr() -> usize {
    PARTS.with(|p| p.borrow().text.as_ptr() as usize)
}

/// Where the numbers of the last call's rescheduling traces are (a byte address; 8-byte
/// aligned).
#[wasm_bindgen(js_name = tracePtr)]
pub fn trace_ptr() -> usize {
    PARTS.with(|p| p.borrow().trace.as_ptr() as usize)
}

/// Runs `write` on the emptied snapshot area; returns the text's length.
pub(crate) fn with_snapshot(write: impl FnOnce(&mut String)) -> usize {
    SNAPSHOT.with(|s| {
        let mut s = s.borrow_mut();
        s.clear();
        write(&mut s);
        s.len()
    })
}

/// Where the snapshot the last `toSnapshot` wrote is.
#[wasm_bindgen(js_name = snapshotPtr)]
pub fn snapshot_ptr() -> usize {
    SNAPSHOT.with(|s| s.borrow().as_ptr() as usize)
}

/// Gives back the snapshot's memory once the JS layer has copied it.
#[wasm_bindgen(js_name = releaseSnapshot)]
pub fn release_snapshot() {
    SNAPSHOT.with(|s| *s.borrow_mut() = String::new());
}

/// Keeps a failed call's error for [`take_error`].
pub(crate) fn fail(error: Error) {
    ERROR.with(|e| *e.borrow_mut() = Some(error));
}

/// The engine's result, or `None` after keeping its error.
pub(crate) fn answer<T>(result: dr_schedule_engine::Result<T>) -> Option<T> {
    result.map_err(fail).ok()
}

/// The error of the call that just failed, as JSON: `{"code", "message", "details"}`.
#[wasm_bindgen(js_name = takeError)]
pub fn take_error() -> String {
    ERROR
        .with(|e| e.borrow_mut().take())
        .map(|e| e.to_json())
        .unwrap_or_else(|| {
            r#"{"code":"INVALID_INPUT","message":"invalid input: no error to report","details":{}}"#
                .to_owned()
        })
}
