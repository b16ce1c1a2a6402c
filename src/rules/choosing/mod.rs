//! Choosing the failure: is it a real failure, and one that is safe to tell?

pub mod rebranded_success;
pub mod risky_failure;
