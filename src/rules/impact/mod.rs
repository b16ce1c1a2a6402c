//! Impact: is the outcome measured, the cost named, the damage limited?

pub mod no_cost;
pub mod no_immediate_recovery;
pub mod no_metric;
