//! Criterion benchmarks of idjwt implementations live here (see `cargo xtask bench`).
