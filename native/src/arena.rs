//! The launcher's allocator: a bump arena that never frees. The launcher allocates a few hundred
//! small strings and vectors and then execs (or exits) within a millisecond, so bookkeeping for
//! reuse is pure startup cost; the arena is zero-filled .bss, paged in only as far as it is used.
//! Requests that do not fit go to the system allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

const SIZE: usize = 1 << 20;

#[repr(C, align(4096))]
struct Space(UnsafeCell<[u8; SIZE]>);

// SAFETY: every byte of the space is handed out at most once (NEXT only moves forward, by
// compare-exchange), so no two owners ever share memory.
unsafe impl Sync for Space {}

static SPACE: Space = Space(UnsafeCell::new([0; SIZE]));
/// Offset of the first free byte.
static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct Arena;

impl Arena {
    fn base() -> usize {
        SPACE.0.get() as usize
    }
    fn owns(p: *mut u8) -> bool {
        (Self::base()..Self::base() + SIZE).contains(&(p as usize))
    }
}

// SAFETY: alloc returns either a fresh, suitably aligned range of the space or System's memory;
// dealloc and realloc tell the two apart by address.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = Self::base();
        let mut next = NEXT.load(Ordering::Relaxed);
        loop {
            let start = (base + next + layout.align() - 1) & !(layout.align() - 1);
            let end = start - base + layout.size();
            if end > SIZE {
                // SAFETY: forwarded with the caller's layout.
                return unsafe { System.alloc(layout) };
            }
            match NEXT.compare_exchange_weak(next, end, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return start as *mut u8,
                Err(now) => next = now,
            }
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if !Self::owns(p) {
            // SAFETY: p came from System.alloc with this layout.
            unsafe { System.dealloc(p, layout) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Self::owns(p) {
            // The newest block grows (or shrinks) in place: strings and vectors being built.
            let end = p as usize - Self::base() + layout.size();
            let new_end = p as usize - Self::base() + new_size;
            if new_end <= SIZE && NEXT.compare_exchange(end, new_end, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
                return p;
            }
            if new_size <= layout.size() {
                return p;
            }
            // SAFETY: a valid layout (the caller's alignment, a non-zero size that does not overflow).
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            // SAFETY: as for alloc; the old block stays readable for the copy.
            let q = unsafe { self.alloc(new_layout) };
            if !q.is_null() {
                // SAFETY: both ranges are valid for layout.size() bytes and do not overlap.
                unsafe { std::ptr::copy_nonoverlapping(p, q, layout.size()) };
            }
            return q;
        }
        // SAFETY: p came from System with this layout.
        unsafe { System.realloc(p, layout, new_size) }
    }
}
