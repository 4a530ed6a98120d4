//! `--max-connections`: a limit on active work, not on open sockets.
//!
//! Every served connection holds a slot. A connection with no request in progress (an idle
//! keep-alive connection, or one that has not sent its first request yet) gives its slot up
//! when a new connection needs one: the one idle longest is closed (hyper's graceful shutdown
//! closes an idle HTTP/1 connection at once), and its slot goes to the connection that waits.
//! A new connection that finds every slot busy with a request waits for one (up to the
//! header-read time limit) instead of being refused at once; only past that, or with more
//! connections waiting than `MAX_WAITING_PER_SLOT` per slot, is it answered 503.
//!
//! This is what HTTP clients need: node's fetch opens a socket per concurrent request and keeps
//! each open for reuse, bun keeps up to 256, and neither retries a 503. Idle sockets holding
//! slots made a `Promise.all` of 1000 commands lose most of them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connections that may wait for a slot, per slot; past that a new one gets 503 at once.
pub(crate) const MAX_WAITING_PER_SLOT: usize = 4;

/// The slots of the whole process (all workers).
pub(crate) struct Slots {
    permits: Arc<Semaphore>,
    limit: usize,
    open: Mutex<HashMap<u64, Arc<Slot>>>,
    next_id: AtomicU64,
    /// Connections waiting for a slot now.
    waiting: AtomicUsize,
    /// Connections told to give their slot up that have not closed yet.
    evictions: AtomicUsize,
    /// Set when serve stops: every connection is told to close, also one admitted later.
    closing: AtomicBool,
    epoch: Instant,
}

/// One connection's slot: whether it is busy, since when it is idle, whether it must close.
pub(crate) struct Slot {
    active: AtomicUsize,
    /// Microseconds since `Slots::epoch` when it last became idle. A clock, not a counter
    /// all workers increment at every request: that moves its cache line between the cores
    /// each time, which costs more than reading the clock.
    idle_since: AtomicU64,
    /// Chosen to give its slot up (picked once): the connection must close.
    evicting: AtomicBool,
    /// Wakes the connection's task when `evicting` is set. The task registers it once and
    /// then reads `evicting` at every wake-up (one atomic load; a channel's poll costs more,
    /// and a `Notify` takes a lock).
    waker: Mutex<Option<Waker>>,
}

/// A connection's hold on a slot, given back on drop.
pub(crate) struct Admission {
    slots: Arc<Slots>,
    id: u64,
    slot: Arc<Slot>,
    _permit: OwnedSemaphorePermit,
}

/// A request in progress on a connection: the connection is not idle while it lives.
pub(crate) struct Busy<'a> {
    admission: &'a Admission,
}

impl Slots {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            waiting: AtomicUsize::new(0),
            evictions: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            epoch: Instant::now(),
        })
    }

    /// `--max-connections`.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// A free slot, if there is one now.
    pub(crate) fn try_admit(self: &Arc<Self>) -> Option<Admission> {
        let permit = Arc::clone(&self.permits).try_acquire_owned().ok()?;
        Some(self.admitted(permit))
    }

    /// Whether another connection may wait for a slot.
    pub(crate) fn may_wait(&self) -> bool {
        self.waiting.load(Ordering::Acquire) < self.limit.saturating_mul(MAX_WAITING_PER_SLOT)
    }

    /// A slot within `wait`: a free one, or one an idle connection gives up. `None` when every
    /// slot stayed busy with requests all that time.
    pub(crate) async fn admit(self: &Arc<Self>, wait: Duration) -> Option<Admission> {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        if self.wants_evictions() {
            self.evict_longest_idle();
        }
        // A busy connection that becomes idle meanwhile gives its slot up (`Busy::drop`);
        // the semaphore hands slots out in the order connections came.
        let permit = tokio::time::timeout(wait, Arc::clone(&self.permits).acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match permit {
            Ok(Ok(permit)) => Some(self.admitted(permit)),
            _ => None,
        }
    }

    /// Whether more connections wait than are giving their slot up already.
    fn wants_evictions(&self) -> bool {
        self.waiting.load(Ordering::Acquire) > self.evictions.load(Ordering::Acquire)
    }

    fn admitted(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Admission {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            active: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.now()),
            evicting: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        if let Ok(mut open) = self.open.lock() {
            open.insert(id, Arc::clone(&slot));
            // Under the lock: `close_all` sets the flag before it takes the lock.
            if self.closing.load(Ordering::Acquire) {
                self.evict(&slot);
            }
        }
        Admission {
            slots: Arc::clone(self),
            id,
            slot,
            _permit: permit,
        }
    }

    /// Serve stops: every connection, open now or admitted later, is told to close (at once
    /// when idle, after its request otherwise).
    pub(crate) fn close_all(&self) {
        self.closing.store(true, Ordering::Release);
        if let Ok(open) = self.open.lock() {
            for slot in open.values() {
                self.evict(slot);
            }
        }
    }

    /// Tells the connection idle longest to close; whether there was one.
    fn evict_longest_idle(&self) -> bool {
        let Ok(open) = self.open.lock() else {
            return false;
        };
        let oldest = open
            .values()
            .filter(|s| {
                s.active.load(Ordering::Acquire) == 0 && !s.evicting.load(Ordering::Acquire)
            })
            .min_by_key(|s| s.idle_since.load(Ordering::Acquire));
        oldest.is_some_and(|slot| self.evict(slot))
    }

    /// Tells one connection to close, once.
    fn evict(&self, slot: &Slot) -> bool {
        if slot.evicting.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.evictions.fetch_add(1, Ordering::AcqRel);
        if let Some(waker) = slot.waker.lock().ok().and_then(|mut w| w.take()) {
            waker.wake();
        }
        true
    }
}

impl Admission {
    /// Marks a request in progress until the returned guard drops.
    pub(crate) fn busy(&self) -> Busy<'_> {
        self.slot.active.fetch_add(1, Ordering::AcqRel);
        Busy { admission: self }
    }

    /// Ready once the connection must give its slot up. One task polls it: the first poll
    /// (`registered` false) registers the task's waker, later polls read a flag.
    pub(crate) fn poll_evicted(&self, cx: &mut Context<'_>, registered: &mut bool) -> Poll<()> {
        if !*registered {
            *registered = true;
            if let Ok(mut waker) = self.slot.waker.lock() {
                *waker = Some(cx.waker().clone());
            }
        }
        // Read after the waker is in place: `evict` sets the flag before it takes the waker.
        if self.slot.evicting.load(Ordering::Acquire) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Resolves once the connection must give its slot up.
    #[cfg(test)]
    async fn evicted(&self) {
        let mut registered = false;
        std::future::poll_fn(|cx| self.poll_evicted(cx, &mut registered)).await;
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Ok(mut open) = self.slots.open.lock() {
            open.remove(&self.id);
        }
        if self.slot.evicting.load(Ordering::Acquire) {
            self.slots.evictions.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Busy<'_> {
    /// Keeps the connection busy until it closes: its response (an SSE stream) goes on after
    /// the handler returned. The request counts twice, so the drop leaves it counted.
    pub(crate) fn hold(self) {
        self.admission.slot.active.fetch_add(1, Ordering::AcqRel);
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        let Admission { slots, slot, .. } = self.admission;
        if slot.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            slot.idle_since.store(slots.now(), Ordering::Release);
            // Idle now, with connections waiting for a slot: every connection idle longer
            // gave its slot up already, so this one is the longest idle.
            if slots.wants_evictions() {
                slots.evict(slot);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn the_longest_idle_connection_gives_its_slot_up() {
        runtime().block_on(async {
            let slots = Slots::new(2);
            let first = slots.try_admit().unwrap();
            let second = slots.try_admit().unwrap();
            assert!(slots.try_admit().is_none());
            // `second` works; `first` has been idle since it was admitted.
            let busy = second.busy();
            let waiter = tokio::spawn({
                let slots = Arc::clone(&slots);
                async move { slots.admit(Duration::from_secs(5)).await.is_some() }
            });
            tokio::time::timeout(Duration::from_secs(5), first.evicted())
                .await
                .expect("the idle connection is told to close");
            drop(first);
            assert!(waiter.await.unwrap(), "the waiter gets the freed slot");
            drop(busy);
            drop(second);
        });
    }

    #[test]
    fn busy_connections_keep_their_slots_until_the_wait_ends() {
        runtime().block_on(async {
            let slots = Slots::new(1);
            let only = slots.try_admit().unwrap();
            let busy = only.busy();
            assert!(slots.admit(Duration::from_millis(50)).await.is_none());
            // Idle again: the next waiter makes it give its slot up.
            drop(busy);
            let waiter = tokio::spawn({
                let slots = Arc::clone(&slots);
                async move { slots.admit(Duration::from_secs(5)).await.is_some() }
            });
            tokio::time::timeout(Duration::from_secs(5), only.evicted())
                .await
                .expect("now idle, it is told to close");
            drop(only);
            assert!(waiter.await.unwrap());
        });
    }

    #[test]
    fn closing_tells_every_connection_also_later_ones() {
        runtime().block_on(async {
            let slots = Slots::new(2);
            let open = slots.try_admit().unwrap();
            let busy = open.busy();
            slots.close_all();
            let later = slots.try_admit().unwrap();
            for admission in [&open, &later] {
                tokio::time::timeout(Duration::from_secs(5), admission.evicted())
                    .await
                    .expect("told to close");
            }
            drop(busy);
        });
    }
}
