//! What a run is asked to cover: the selection of cases, shared by the runner and the signer
//! checks, and the verify modes.

use globset::GlobMatcher;

/// Which cases to run, and in which verify modes.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only case ids matching this glob.
    pub filter: Option<GlobMatcher>,
    /// Only cases of this provider (JOSE-level cases have none and are left out).
    pub provider: Option<String>,
    /// Also run every implementation in defaults mode (`VerifyMode::Defaults`), as rows of
    /// their own; an implementation that does not declare that mode is reported as not run in
    /// it, which fails nothing.
    pub defaults_mode: bool,
}

impl RunOptions {
    /// Whether `id` (of a case for `provider`) is selected.
    pub fn selects(&self, id: &str, provider: Option<&str>) -> bool {
        self.filter.as_ref().is_none_or(|g| g.is_match(id))
            && self.provider.as_deref().is_none_or(|p| provider == Some(p))
    }
}
