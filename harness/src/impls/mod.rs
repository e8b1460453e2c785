//! Built-in implementations, one file each, and the containment of misbehaving ones.
//!
//! Adding an in-process library: its adapter file here with its `mod` line, its optional
//! dependency and feature in `harness/Cargo.toml`, and one row in the registry below. (The
//! modules are declared outside the registry macro so that rustfmt, which does not look inside
//! macro calls, formats them.) The conformance run, `idjwt-serve`,
//! the implementation suite, the property tests, the fuzzers and the benchmarks all iterate the
//! registry.

pub mod faulty;
pub mod jsonwebtoken;
pub mod provider_level;
pub mod reference;
mod support;
#[cfg(test)]
mod testkit;

#[cfg(feature = "biscuit")]
pub mod biscuit;
#[cfg(feature = "josekit")]
pub mod josekit;
#[cfg(feature = "jwt-compact")]
pub mod jwt_compact;
#[cfg(feature = "jwt-simple")]
pub mod jwt_simple;

use crate::contract::Implementation;

/// Generates [`BUILTIN_NAMES`] and [`builtin`] from one row per implementation:
/// `[cfg] "name" => constructor;`.
macro_rules! registry {
    ($( $(#[$cfg:meta])* $name:literal => $make:expr; )*) => {
        /// The names of the built-in implementations compiled in, in report order.
        pub const BUILTIN_NAMES: &[&str] = &[$( $(#[$cfg])* $name, )*];

        /// The built-in implementation with this name.
        pub fn builtin(name: &str) -> Option<Box<dyn Implementation>> {
            match name {
                $( $(#[$cfg])* $name => Some(Box::new($make)), )*
                _ => None,
            }
        }
    };
}

registry! {
    "reference" => reference::Reference::default();
    "jsonwebtoken" => jsonwebtoken::JsonWebToken;
    #[cfg(feature = "jwt-simple")] "jwt-simple" => jwt_simple::JwtSimple;
    #[cfg(feature = "jwt-compact")] "jwt-compact" => jwt_compact::JwtCompact;
    #[cfg(feature = "josekit")] "josekit" => josekit::Josekit;
    #[cfg(feature = "biscuit")] "biscuit" => biscuit::Biscuit;
}

/// Every built-in implementation.
pub fn builtins() -> Vec<Box<dyn Implementation>> {
    BUILTIN_NAMES.iter().filter_map(|n| builtin(n)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_registered_name_builds_an_implementation_of_that_name() {
        for name in super::BUILTIN_NAMES {
            let imp = super::builtin(name).expect(name);
            assert_eq!(imp.describe().name, *name);
        }
        assert!(super::builtin("no-such-library").is_none());
    }

    #[test]
    fn every_builtin_serves_defaults_mode() {
        use crate::contract::VerifyMode;
        for name in super::BUILTIN_NAMES {
            let d = super::builtin(name).expect(name).describe();
            assert!(d.serves(VerifyMode::Defaults), "{name}");
        }
    }
}
