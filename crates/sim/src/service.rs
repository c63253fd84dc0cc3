//! Brokers' own costs: a broker is a single server that handles one request
//! at a time, each taking a fixed part per request plus a part per record it
//! carries (the scenario's `costs`). Requests that reach a busy broker wait
//! their turn, first come first served, so a broker's throughput saturates at
//! the rate its service time allows — the knee of a load curve.
//!
//! Batching is where a log wins: a producer's batch of `n` records is one
//! request, so each record pays `request / n` of the fixed part, and a fetch
//! of a hundred records is one request too. A queue pays a request for every
//! publish and every acknowledgement.
//!
//! The engine keeps a request on its link while it waits: it "arrives" when
//! the broker takes it, so the wait shows as a longer trip. Its send still
//! says when it reached the broker's door (`end`): the views draw it waiting
//! there, and the sequence diagram's arrow ends there. With every cost
//! 0 (the default) nothing waits and runs are exactly as without the model.

use crate::scenario::ServiceCost;
use crate::time::{self, Time};

/// A service time in µs: per request and per record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cost {
    pub request: Time,
    pub record: Time,
}

impl Cost {
    pub fn new(spec: &ServiceCost) -> Self {
        Cost { request: time::ms(spec.request_ms), record: time::ms(spec.record_ms) }
    }

    /// Whether serving anything takes time.
    pub fn is_free(&self) -> bool {
        self.request == 0 && self.record == 0
    }

    /// One request carrying `records` records.
    pub fn request_of(&self, records: u64) -> Time {
        self.request.saturating_add(self.record.saturating_mul(records))
    }

    /// One record of a batch of `batch` records sent as one request: its
    /// share of the request (rounded down to the µs) and its own part.
    pub fn record_in_batch(&self, batch: u64) -> Time {
        (self.request / batch.max(1)).saturating_add(self.record)
    }
}

/// A broker as a single first-come-first-served server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Server {
    /// When it finishes what it has taken on.
    free_at: Time,
    /// Total time spent serving.
    pub busy: Time,
}

impl Server {
    /// Forgets the requests it had taken on (a crash): the next one starts
    /// when it comes. The time spent so far stays counted.
    pub fn drop_queue(&mut self) {
        self.free_at = 0;
    }

    /// A request arriving at `now` that takes `work`: when it is done.
    pub fn serve(&mut self, now: Time, work: Time) -> Time {
        let start = self.free_at.max(now);
        self.free_at = start.saturating_add(work);
        self.busy = self.busy.saturating_add(work);
        self.free_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_wait_their_turn() {
        let mut s = Server::default();
        assert_eq!(s.serve(0, 100), 100);
        assert_eq!(s.serve(10, 100), 200, "the second waits for the first");
        assert_eq!(s.serve(500, 100), 600, "an idle server starts at once");
        assert_eq!(s.busy, 300);
    }

    #[test]
    fn a_batch_shares_the_request() {
        let c = Cost::new(&ServiceCost { request_ms: 0.16, record_ms: 0.01 });
        assert_eq!(c.request_of(16), 160 + 16 * 10);
        assert_eq!(c.record_in_batch(16) * 16, c.request_of(16));
        assert_eq!(c.record_in_batch(1), c.request_of(1));
        assert_eq!(c.record_in_batch(0), c.request_of(1), "no batch is a batch of one");
        assert!(Cost::new(&ServiceCost::default()).is_free());
    }
}
