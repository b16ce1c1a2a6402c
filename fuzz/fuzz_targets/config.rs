//! The config loader on arbitrary TOML: accepted, or refused with a location; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starling::{check_text, Config};

fuzz_target!(|source: &str| {
    match Config::from_toml(source, None) {
        Ok(config) => {
            let _ = check_text("# T\n## Learning\nI learned to be careful.\n", &config);
        }
        Err(err) => {
            assert!(err.to_string().starts_with("starling.toml:"));
        }
    }
});
