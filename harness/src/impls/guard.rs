//! Containment of implementations that panic: the run records it and goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // An implementation that panics may leave its own state inconsistent; the harness only
    // reads the panic payload and never touches that state again, so asserting unwind safety
    // is sound here.
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
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
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let str_panic = catch(|| -> u8 { panic!("boom") });
        let string_panic = catch(|| -> u8 { panic!("{}", String::from("formatted boom")) });
        std::panic::set_hook(prev);
        assert_eq!(str_panic, Err("boom".to_owned()));
        assert_eq!(string_panic, Err("formatted boom".to_owned()));
    }
}
