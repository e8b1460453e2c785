//! Built-in implementations, one file each, and the containment of misbehaving ones.

pub mod faulty;
pub mod guard;
pub mod jsonwebtoken;
pub mod reference;

use crate::contract::Implementation;

/// The names of the built-in implementations, in report order.
pub const BUILTIN_NAMES: [&str; 2] = ["reference", "jsonwebtoken"];

/// The built-in implementation with this name.
pub fn builtin(name: &str) -> Option<Box<dyn Implementation>> {
    match name {
        "reference" => Some(Box::new(reference::Reference::default())),
        "jsonwebtoken" => Some(Box::new(jsonwebtoken::JsonWebToken)),
        _ => None,
    }
}

/// Every built-in implementation.
pub fn builtins() -> Vec<Box<dyn Implementation>> {
    BUILTIN_NAMES.iter().filter_map(|n| builtin(n)).collect()
}
