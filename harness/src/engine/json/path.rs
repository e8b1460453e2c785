//! The JSONPath-like location that [`Reason::DuplicateMember`](crate::verdict::Reason) names,
//! written the same way by both readers.

use std::fmt::Write as _;

/// Appends the array index `index` (`[2]`).
pub(super) fn push_index(path: &mut String, index: usize) {
    let _ = write!(path, "[{index}]");
}

/// Appends the member name `name`: `.name` when it reads as an identifier, else a bracketed
/// JSON string.
pub(super) fn push_name(path: &mut String, name: &str) {
    let mut chars = name.chars();
    let simple = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if simple {
        path.push('.');
        path.push_str(name);
    } else {
        // A JSON string literal keeps quotes, control characters and dots in names unambiguous.
        let quoted = serde_json::to_string(name).unwrap_or_else(|_| format!("{name:?}"));
        path.push('[');
        path.push_str(&quoted);
        path.push(']');
    }
}
