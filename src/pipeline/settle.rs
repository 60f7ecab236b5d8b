//! Settle bookkeeping for `sohoa watch`: which source files have stopped changing. Scanners
//! and copies over SMB write a page in pieces, so a file is taken only once its size and
//! modification time have stayed the same for the settle time, measured between polls on
//! this machine's monotonic clock (never against the file's own time, which comes from the
//! file server's clock). Once taken, a file is not offered again until its size or time
//! changes, so a file that fails without being read (unreadable) is not retried every poll.
//!
//! The clock is a parameter (`now`), so the rules are unit-tested without waiting. Pure
//! bookkeeping: the watch loop (`watch.rs`) walks, and decides what to do with the answers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What identifies one state of a file's content without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime_ns: i64,
}

/// The answer for one file at one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Unchanged for the settle time: take it now.
    Settled,
    /// Seen changing (or first seen) less than the settle time ago.
    Waiting,
    /// Already taken in this state during this watch.
    Taken,
}

/// Per file key (collection, path): the state last seen and since when, or the state taken.
#[derive(Debug)]
pub struct SettleBook {
    settle: Duration,
    seen: HashMap<(String, String), (Stat, Instant)>,
    taken: HashMap<(String, String), Stat>,
}

impl SettleBook {
    pub fn new(settle: Duration) -> SettleBook {
        SettleBook {
            settle,
            seen: HashMap::new(),
            taken: HashMap::new(),
        }
    }

    /// Record that `path` of `collection` has `stat` at `now`, and say whether to take it.
    pub fn observe(&mut self, collection: &str, path: &str, stat: Stat, now: Instant) -> Readiness {
        let key = (collection.to_string(), path.to_string());
        if self.taken.get(&key) == Some(&stat) {
            return Readiness::Taken;
        }
        let since = match self.seen.get(&key) {
            Some(&(seen, since)) if seen == stat => since,
            _ => {
                self.seen.insert(key, (stat, now));
                now
            }
        };
        if now.saturating_duration_since(since) >= self.settle {
            Readiness::Settled
        } else {
            Readiness::Waiting
        }
    }

    /// `path` was taken in state `stat`: do not offer it again in that state.
    pub fn taken(&mut self, collection: &str, path: &str, stat: Stat) {
        let key = (collection.to_string(), path.to_string());
        self.seen.remove(&key);
        self.taken.insert(key, stat);
    }

    /// Forget files of `collection` not in `present` (archived since, or gone from the
    /// source): a file that comes back starts its settle time again.
    pub fn keep_only(&mut self, collection: &str, present: &dyn Fn(&str) -> bool) {
        self.seen
            .retain(|(c, path), _| c != collection || present(path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTLE: Duration = Duration::from_secs(5);

    fn stat(size: u64, mtime_ns: i64) -> Stat {
        Stat { size, mtime_ns }
    }

    #[test]
    fn a_file_is_taken_only_after_it_stays_the_same_for_the_settle_time() {
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        let mut book = SettleBook::new(SETTLE);
        let mut observe = |s, t| book.observe("cu-tru", "HS-1/p1.png", s, t);
        // The scanner writes the page in three pieces, 2 s apart.
        assert_eq!(observe(stat(100, 1), at(0)), Readiness::Waiting);
        assert_eq!(observe(stat(200, 2), at(2)), Readiness::Waiting);
        assert_eq!(observe(stat(300, 3), at(4)), Readiness::Waiting);
        // Still being looked at: not yet 5 s without a change.
        assert_eq!(observe(stat(300, 3), at(8)), Readiness::Waiting);
        assert_eq!(observe(stat(300, 3), at(9)), Readiness::Settled);
        // A time that changes alone (a copy tool touching it) restarts the wait.
        assert_eq!(observe(stat(300, 4), at(10)), Readiness::Waiting);
        assert_eq!(observe(stat(300, 4), at(15)), Readiness::Settled);
    }

    #[test]
    fn a_taken_file_is_not_offered_again_until_it_changes() {
        let t0 = Instant::now();
        let mut book = SettleBook::new(SETTLE);
        let later = t0 + SETTLE;
        book.observe("cu-tru", "a.png", stat(10, 1), t0);
        assert_eq!(
            book.observe("cu-tru", "a.png", stat(10, 1), later),
            Readiness::Settled
        );
        book.taken("cu-tru", "a.png", stat(10, 1));
        assert_eq!(
            book.observe("cu-tru", "a.png", stat(10, 1), later + SETTLE),
            Readiness::Taken
        );
        // Re-scanned: a new state, waited for like a new file.
        let rescanned = stat(12, 2);
        assert_eq!(
            book.observe("cu-tru", "a.png", rescanned, later),
            Readiness::Waiting
        );
        assert_eq!(
            book.observe("cu-tru", "a.png", rescanned, later + SETTLE),
            Readiness::Settled
        );
    }

    #[test]
    fn files_are_kept_apart_by_collection_and_forgotten_when_gone() {
        let t0 = Instant::now();
        let mut book = SettleBook::new(SETTLE);
        book.observe("cu-tru", "a.png", stat(10, 1), t0);
        book.observe("ket-qua", "a.png", stat(10, 1), t0 + SETTLE);
        assert_eq!(
            book.observe("cu-tru", "a.png", stat(10, 1), t0 + SETTLE),
            Readiness::Settled
        );
        assert_eq!(
            book.observe("ket-qua", "a.png", stat(10, 1), t0 + SETTLE),
            Readiness::Waiting
        );
        // Gone from cu-tru's source, then back: it waits again.
        book.keep_only("cu-tru", &|_| false);
        assert_eq!(
            book.observe("cu-tru", "a.png", stat(10, 1), t0 + SETTLE * 2),
            Readiness::Waiting
        );
        // ket-qua's record was kept.
        assert_eq!(
            book.observe("ket-qua", "a.png", stat(10, 1), t0 + SETTLE * 2),
            Readiness::Settled
        );
    }

    #[test]
    fn no_settle_time_takes_a_file_at_first_sight() {
        let mut book = SettleBook::new(Duration::ZERO);
        assert_eq!(
            book.observe("c", "a", stat(1, 1), Instant::now()),
            Readiness::Settled
        );
    }
}
