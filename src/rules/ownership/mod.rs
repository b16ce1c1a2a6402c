//! Ownership: is the teller the actor, and does the teller own the failure?

pub mod blame_shifting;
pub mod hero_framing;
pub mod no_agency;
pub mod we_not_i;

/// At most this many findings of one ownership rule per story: enough to show the pattern.
pub const MAX_FINDINGS: usize = 3;
