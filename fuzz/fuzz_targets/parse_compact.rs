#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| idjwt::fuzzing::parse_compact(data));
