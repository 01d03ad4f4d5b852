//! Progress of a long operation (an index build counts questions, an import counts articles), for
//! a progress bar; the library never draws one itself.

/// Progress events, in order: `start` once, `inc` per unit of work, `finish` once.
pub trait Progress: Sync {
    /// The amount of work is known: `total` units.
    fn start(&self, total: u64);
    /// One more unit is done.
    fn inc(&self);
    /// All is done.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn inc(&self) {}
    fn finish(&self) {}
}
