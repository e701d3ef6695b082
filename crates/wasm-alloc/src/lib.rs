//! The global allocator of the WebAssembly build.
//!
//! Rust's default allocator on `wasm32-unknown-unknown` is dlmalloc, which asks the linear memory
//! to grow by what it needs right now: 64 KiB (one page) at a time, give or take. V8 treats every
//! `memory.grow` of a large memory as external memory pressure, and past about 64 MiB each grow
//! triggers a full garbage collection of 35–45 ms: building a hospital of 100k appointments next to
//! another one ran 20 times slower than the first (326 collections in one build).
//!
//! [`GrowingAllocator`] is the same dlmalloc, given memory in steps of an eighth of the memory's
//! current size (at least 1 MiB, at most 128 MiB, and never less than the request), so that a
//! memory of any size reaches its peak after a few dozen grows instead of thousands. The cost is
//! at most an eighth of the memory left unused at the top until it is needed (measured with a
//! quarter too: 189 bytes per appointment at 100k against 179 with an eighth, and three
//! hospitals built one after the other just as fast; BENCHMARKS.md).
//!
//! This crate is the only place of the project with `unsafe` code: a global allocator is an
//! `unsafe` trait. Every `unsafe` block states why it holds.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]

/// One page of WebAssembly linear memory, in bytes.
pub const PAGE_BYTES: usize = 65_536;
/// The smallest step, in pages (1 MiB).
pub const MIN_STEP_PAGES: usize = 16;
/// The largest step, in pages (128 MiB), unless a single request needs more.
pub const MAX_STEP_PAGES: usize = 2_048;

/// How many pages to grow a memory of `current` pages by, for a request of `needed` pages: an
/// eighth of the current size, within [`MIN_STEP_PAGES`] and [`MAX_STEP_PAGES`], and never less
/// than `needed`.
pub fn step_pages(current: usize, needed: usize) -> usize {
    needed.max((current / 8).clamp(MIN_STEP_PAGES, MAX_STEP_PAGES))
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{step_pages, PAGE_BYTES};
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32::{memory_grow, memory_size};
    use core::cell::UnsafeCell;
    use core::ptr;

    /// dlmalloc's view of the system: linear memory, grown in large steps, never given back
    /// (linear memory cannot shrink).
    struct Pages;

    // SAFETY: `alloc` returns memory that `memory.grow` just added, so nothing else owns it; it
    // never hands out the same range twice, and the other methods refuse everything.
    unsafe impl dlmalloc::Allocator for Pages {
        fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
            let needed = size.div_ceil(PAGE_BYTES);
            let step = step_pages(memory_size(0), needed);
            // A step may not fit the 4 GiB address space when a smaller request would.
            for pages in [step, needed] {
                let previous = memory_grow(0, pages);
                if previous != usize::MAX {
                    let start = previous * PAGE_BYTES;
                    let mut bytes = pages * PAGE_BYTES;
                    // The last page of the address space: a pointer may not wrap to 0.
                    if start.wrapping_add(bytes) == 0 {
                        bytes -= 16;
                    }
                    return (start as *mut u8, bytes, 0);
                }
            }
            (ptr::null_mut(), 0, 0)
        }

        fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
            ptr::null_mut()
        }

        fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
            false
        }

        fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
            false
        }

        fn can_release_part(&self, _flags: u32) -> bool {
            false
        }

        fn allocates_zeros(&self) -> bool {
            // Fresh pages of linear memory are zeroed.
            true
        }

        fn page_size(&self) -> usize {
            PAGE_BYTES
        }
    }

    /// dlmalloc over [`Pages`]; see the crate documentation. Use it as
    /// `#[global_allocator] static ALLOCATOR: GrowingAllocator = GrowingAllocator::new();`.
    pub struct GrowingAllocator(UnsafeCell<dlmalloc::Dlmalloc<Pages>>);

    impl GrowingAllocator {
        /// The allocator, with nothing allocated yet.
        pub const fn new() -> Self {
            GrowingAllocator(UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(
                Pages,
            )))
        }
    }

    impl Default for GrowingAllocator {
        fn default() -> Self {
            Self::new()
        }
    }

    // SAFETY: this build has no threads (wasm32-unknown-unknown without the atomics feature), so
    // the allocator is never used from two threads at once.
    #[cfg(not(target_feature = "atomics"))]
    unsafe impl Sync for GrowingAllocator {}

    // SAFETY: each method forwards to dlmalloc, which upholds `GlobalAlloc`'s contract; the
    // exclusive access it needs holds because there is one thread (see `Sync` above) and dlmalloc
    // never calls back into the global allocator.
    unsafe impl GlobalAlloc for GrowingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: exclusive access, as above; `layout` comes from the caller's contract.
            unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as for `alloc`.
            unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` was allocated by this allocator with `layout` (the caller's contract).
            unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as for `dealloc`.
            unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use wasm::GrowingAllocator;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_an_eighth_of_the_memory_within_bounds() {
        assert_eq!(step_pages(0, 1), MIN_STEP_PAGES);
        assert_eq!(step_pages(17, 1), MIN_STEP_PAGES);
        assert_eq!(step_pages(1_024, 1), 128, "64 MiB grows by 8 MiB");
        assert_eq!(step_pages(40_000, 1), MAX_STEP_PAGES);
        assert_eq!(
            step_pages(1_024, 5_000),
            5_000,
            "never less than the request"
        );
    }

    #[test]
    fn a_memory_reaches_a_gigabyte_in_a_few_dozen_steps() {
        let (mut pages, mut steps) = (17, 0);
        while pages < 16_384 {
            pages += step_pages(pages, 1);
            steps += 1;
        }
        assert!(steps < 50, "{steps} steps");
    }
}
