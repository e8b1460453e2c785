//! Containment of code that panics (implementations under test, above all): the panic becomes
//! a message the caller records, and the run goes on. Below every other module: the engine,
//! the suite and the fuzzers all use it.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Whether the current thread is inside [`catch`]: a panic hook that aborts the process (as a
/// fuzzer's does) can let such a panic unwind to its containment instead.
pub fn is_contained() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

/// Runs `f`, turning a panic into its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    struct Inside;
    impl Drop for Inside {
        fn drop(&mut self) {
            DEPTH.with(|d| d.set(d.get() - 1));
        }
    }
    DEPTH.with(|d| d.set(d.get() + 1));
    let inside = Inside;
    // An implementation that panics may leave its own state inconsistent; the harness only
    // reads the panic payload and never touches that state again, so asserting unwind safety
    // is sound here.
    let result = catch_unwind(AssertUnwindSafe(f));
    drop(inside);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_messages() {
        assert_eq!(catch(|| 7), Ok(7));
        assert!(!is_contained());
        assert_eq!(catch(is_contained), Ok(true));
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let str_panic = catch(|| -> u8 { panic!("boom") });
        let string_panic = catch(|| -> u8 { panic!("{}", String::from("formatted boom")) });
        std::panic::set_hook(prev);
        assert_eq!(str_panic, Err("boom".to_owned()));
        assert_eq!(string_panic, Err("formatted boom".to_owned()));
        assert!(!is_contained(), "the depth is restored after a panic");
    }
}
