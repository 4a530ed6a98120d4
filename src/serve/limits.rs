//! The process-wide memory budget for request bodies in flight.
//!
//! Each worker could otherwise buffer a 10 MiB body per connection: 60 connections held
//! over 600 MiB. Every body reserves its bytes here before they are read (its
//! `Content-Length`, or chunk by chunk as a chunked body arrives) and gives them back when the
//! request is answered; a request that does not fit is answered 503 at once, without reading
//! its body.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a body costs against the budget per byte: it is held twice for a while — as the
/// body, then as the parsed command while it is packed and sent to Redis.
pub(crate) const COPIES: usize = 2;

/// Bytes of request bodies that may be held at once, over all workers.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: usize,
    used: AtomicUsize,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            used: AtomicUsize::new(0),
        })
    }

    fn take(&self, bytes: usize) -> bool {
        let cost = bytes.saturating_mul(COPIES);
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(cost).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    /// An empty reservation, to grow as bytes arrive.
    pub(crate) fn reservation(self: &Arc<Self>) -> Reservation {
        Reservation {
            budget: Arc::clone(self),
            bytes: 0,
        }
    }
}

/// Bytes reserved for one request; given back on drop.
#[derive(Debug)]
pub(crate) struct Reservation {
    budget: Arc<Budget>,
    bytes: usize,
}

impl Reservation {
    /// Reserves `bytes` more; `false` (and nothing reserved) when the budget is spent.
    #[must_use]
    pub(crate) fn grow(&mut self, bytes: usize) -> bool {
        if bytes == 0 {
            return true;
        }
        let ok = self.budget.take(bytes);
        if ok {
            self.bytes += bytes;
        }
        ok
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let cost = self.bytes.saturating_mul(COPIES);
        self.budget.used.fetch_sub(cost, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_share_the_budget_and_give_it_back() {
        let budget = Budget::new(100);
        let mut a = budget.reservation();
        assert!(a.grow(30));
        let mut b = budget.reservation();
        assert!(b.grow(20));
        assert!(!b.grow(1), "60 + 40 + 2 > 100");
        drop(a);
        assert!(b.grow(30));
        drop(b);
        assert_eq!(budget.used.load(Ordering::Acquire), 0);
    }
}
