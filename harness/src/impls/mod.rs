//! Built-in implementations, one file each, and the containment of misbehaving ones.

pub mod faulty;
pub mod guard;
pub mod jsonwebtoken;
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

/// The names of the built-in implementations compiled in, in report order.
pub const BUILTIN_NAMES: &[&str] = &[
    "reference",
    "jsonwebtoken",
    #[cfg(feature = "jwt-simple")]
    "jwt-simple",
    #[cfg(feature = "jwt-compact")]
    "jwt-compact",
    #[cfg(feature = "josekit")]
    "josekit",
    #[cfg(feature = "biscuit")]
    "biscuit",
];

/// The built-in implementation with this name.
pub fn builtin(name: &str) -> Option<Box<dyn Implementation>> {
    Some(match name {
        "reference" => Box::new(reference::Reference::default()),
        "jsonwebtoken" => Box::new(jsonwebtoken::JsonWebToken),
        #[cfg(feature = "jwt-simple")]
        "jwt-simple" => Box::new(jwt_simple::JwtSimple),
        #[cfg(feature = "jwt-compact")]
        "jwt-compact" => Box::new(jwt_compact::JwtCompact),
        #[cfg(feature = "josekit")]
        "josekit" => Box::new(josekit::Josekit),
        #[cfg(feature = "biscuit")]
        "biscuit" => Box::new(biscuit::Biscuit),
        _ => return None,
    })
}

/// Every built-in implementation.
pub fn builtins() -> Vec<Box<dyn Implementation>> {
    BUILTIN_NAMES.iter().filter_map(|n| builtin(n)).collect()
}
