//! `RawLoader`: a snapshot handed over in pieces. The JS layer writes each piece (a run of whole
//! lines, about a megabyte, of text or bytes) into the scratch area and feeds it, so that a
//! snapshot is never copied whole into wasm memory nor held whole as a JS string.

use super::args::read;
use super::exchange::{answer, fail, with_scratch, with_zones};
use super::hospital::RawHospital;
use dr_schedule_engine::SnapshotLoader;
use wasm_bindgen::prelude::wasm_bindgen;

/// A snapshot being loaded.
#[wasm_bindgen]
pub struct RawLoader {
    inner: Option<SnapshotLoader>,
}

#[wasm_bindgen]
impl RawLoader {
    /// A loader; `max_snapshot_bytes` (-1: none) raises the snapshot's own size limit; a time
    /// zone (`time_zone_len` bytes in the scratch area, -1: none) reads a floating snapshot's
    /// times in that zone. The zones come from those registered.
    pub fn begin(max_snapshot_bytes: f64, time_zone_len: i32) -> Option<RawLoader> {
        let limit = (max_snapshot_bytes >= 0.0).then_some(max_snapshot_bytes as u64);
        let loader = read(|a| a.optional(time_zone_len)).and_then(|time_zone| {
            SnapshotLoader::with_time_zones(limit, with_zones(Clone::clone), time_zone)
        });
        answer(loader).map(|inner| RawLoader { inner: Some(inner) })
    }

    /// Reads the `length` bytes at the start of the scratch area: 0, or -1 (the load failed).
    pub fn feed(&mut self, length: usize) -> i32 {
        let Some(loader) = self.inner.as_mut() else {
            return -1;
        };
        let fed = with_scratch(|bytes| loader.feed(bytes.get(..length).unwrap_or(bytes)));
        match fed {
            Ok(()) => 0,
            Err(e) => {
                self.inner = None;
                fail(e);
                -1
            }
        }
    }

    /// The hospital, once every piece is fed; `undefined` (the error kept) otherwise.
    pub fn finish(&mut self) -> Option<RawHospital> {
        let loader = self.inner.take()?;
        answer(loader.finish()).map(RawHospital::from)
    }
}
