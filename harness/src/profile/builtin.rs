//! The built-in profiles of policy.md §6, embedded in the binary.

use std::sync::OnceLock;

use super::{Profile, ProfileError};

/// (id, JSON text) of every built-in profile, in the order they were added: adding a provider is
/// its JSON file and one row here.
const FILES: &[(&str, &str)] = &[
    ("drift", include_str!("builtin/drift.json")),
    ("privy", include_str!("builtin/privy.json")),
    ("intercom", include_str!("builtin/intercom.json")),
    ("onesignal", include_str!("builtin/onesignal.json")),
    ("zendesk", include_str!("builtin/zendesk.json")),
    ("stream", include_str!("builtin/stream.json")),
    ("sunshine", include_str!("builtin/sunshine.json")),
    ("pusher", include_str!("builtin/pusher.json")),
    ("kustomer", include_str!("builtin/kustomer.json")),
    ("userjot", include_str!("builtin/userjot.json")),
    ("salesforce", include_str!("builtin/salesforce.json")),
    ("braze", include_str!("builtin/braze.json")),
    ("knock", include_str!("builtin/knock.json")),
];

/// Every built-in profile, parsed once.
pub fn builtins() -> &'static [Profile] {
    static PARSED: OnceLock<Vec<Profile>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FILES
            .iter()
            .map(|(id, text)| match Profile::from_json(text) {
                Ok(p) => p,
                // The files are compiled in and tested; a failure here is a build defect.
                Err(e) => panic!("built-in profile {id} is invalid: {e}"),
            })
            .collect()
    })
}

/// The ids of the built-in profiles.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(id, _)| *id)
}

/// The built-in profile with this id.
pub fn builtin(id: &str) -> Result<&'static Profile, ProfileError> {
    builtins()
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| ProfileError::Unknown {
            id: id.to_owned(),
            known: builtin_ids().collect::<Vec<_>>().join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_matches_its_file_name() {
        for &(id, text) in FILES {
            let p = Profile::from_json(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(p.id, id);
        }
        assert_eq!(builtins().len(), FILES.len());
    }

    #[test]
    fn every_builtin_names_its_public_source_document() {
        for p in builtins() {
            let source = p.source.as_deref().unwrap_or_default();
            assert!(
                source.starts_with("https://"),
                "{}: source {source:?}",
                p.id
            );
        }
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let err = builtin("slack").unwrap_err();
        assert_eq!(err.code(), "unknown_profile");
        assert!(err.to_string().contains("zendesk"));
    }
}
