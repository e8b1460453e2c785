//! Runtime helpers the library adapters share.
//!
//! Only logic that is the same for every library lives here: describing an adapter, reading JWK
//! members, picking the request's keys by `kid`, the refusals of a token no key can verify,
//! re-reading a header or claims the library accepted, the first steps of classifying a
//! serde_json error, and building a [`Failure`]. How each library is called, and how its errors
//! map to reason codes, stays in the adapter's own file. The helpers keep the adapters' exact
//! messages, so the recorded results do not depend on which adapter wrote them through which
//! path. Where adapters word or order a refusal differently, each wording has its own helper.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::pkcs8::EncodePrivateKey as _;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::contract::{Clock, Description, Failure, Jwk, Limitation, VerifyMode};
use crate::verdict::Part;

/// A [`Failure`] with a reason code from [`crate::Reason::CODES`] (checked in debug builds, so a
/// misspelt code fails the tests rather than reaching the results), or none.
pub(crate) fn fail(reason: Option<&'static str>, error: impl Into<String>) -> Failure {
    debug_assert!(reason.is_none_or(|r| crate::Reason::CODES.contains(&r)));
    Failure {
        error: error.into(),
        reason: reason.map(str::to_owned),
    }
}

/// An adapter's description: the `algorithms` it maps onto its library, the `clock` the library
/// compares dates with (and `defaults_clock`, the one it compares with in defaults mode, when
/// that differs), and each check it cannot enforce as a `(check, why)` row. Every library
/// adapter serves both verify modes.
pub(crate) fn description(
    name: &str,
    version: &str,
    algorithms: &[&str],
    (clock, defaults_clock): (Clock, Option<Clock>),
    cannot_enforce: &[(&str, &str)],
) -> Description {
    Description {
        name: name.to_owned(),
        version: version.to_owned(),
        algorithms: algorithms.iter().map(|a| (*a).to_owned()).collect(),
        clock,
        cannot_enforce: cannot_enforce
            .iter()
            .map(|(check, why)| Limitation {
                check: (*check).to_owned(),
                why: (*why).to_owned(),
            })
            .collect(),
        modes: VerifyMode::ALL.to_vec(),
        defaults_clock: defaults_clock.filter(|c| *c != clock),
        ..Default::default()
    }
}

/// A library adapter whose library takes an injected clock: the unit struct `$adapter` (with the
/// given doc comment) and its [`Implementation`](crate::contract::Implementation). `describe` is
/// [`description`] of the adapter's `name`, `version`, `algorithms` and `limitations` with
/// [`Clock::Injected`], and `defaults_clock` for defaults mode (where no option injects the
/// clock). Keys are prepared by the invoking module's `prepare_keys(key_use, keys)`, and
/// `sign_token(keys, request)` and `verify_token(keys, request)` sign and verify with them (they
/// read the request's `mode` themselves); the plain `sign` and `verify` prepare first.
///
/// A panic inside the library is left to the runner, which reports it as `panic`: it is a
/// finding (anyone who can send such a token can take a server down), never a rejection.
// Unused in a build without the library features.
#[allow(unused_macros)]
macro_rules! injected_clock_adapter {
    (
        $(#[$doc:meta])*
        $adapter:ident: $name:literal, $version:expr, $algorithms:expr, $limitations:expr,
        defaults_clock: $defaults_clock:expr $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $adapter;

        impl $crate::contract::Implementation for $adapter {
            fn describe(&self) -> $crate::contract::Description {
                $crate::impls::support::description(
                    $name,
                    $version,
                    $algorithms,
                    ($crate::contract::Clock::Injected, $defaults_clock),
                    $limitations,
                )
            }

            fn sign(
                &self,
                request: &$crate::contract::SignRequest,
            ) -> Result<String, $crate::contract::Failure> {
                $crate::contract::prepared::sign_unprepared(self, request)
            }

            fn verify(
                &self,
                request: &$crate::contract::VerifyRequest,
            ) -> Result<$crate::contract::Decoded, $crate::contract::Failure> {
                $crate::contract::prepared::verify_unprepared(self, request)
            }

            fn prepare(
                &self,
                key_use: $crate::contract::KeyUse,
                keys: &[$crate::contract::Jwk],
            ) -> $crate::contract::PreparedKeys {
                prepare_keys(key_use, keys)
            }

            fn sign_prepared(
                &self,
                keys: &$crate::contract::PreparedKeys,
                request: &$crate::contract::SignRequest,
            ) -> Result<String, $crate::contract::Failure> {
                sign_token(keys, request)
            }

            fn verify_prepared(
                &self,
                keys: &$crate::contract::PreparedKeys,
                request: &$crate::contract::VerifyRequest,
            ) -> Result<$crate::contract::Decoded, $crate::contract::Failure> {
                verify_token(keys, request)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use injected_clock_adapter;

/// Why an adapter that maps only HS256 and ES256 onto `library` signs nothing for `alg` with a
/// key of `kty`: the key is of the other family, or the algorithm is not one it maps.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn cannot_sign(alg: &str, kty: &str, library: &str) -> Failure {
    match alg {
        "HS256" | "ES256" | "RS256" | "RS512" => fail(
            Some("key_family_mismatch"),
            format!("a {kty:?} key cannot sign {alg}"),
        ),
        _ => fail(
            None,
            format!(
                "this adapter maps only HS256, ES256, RS256 and RS512 onto {library}, not {alg:?}"
            ),
        ),
    }
}

/// Canonical unpadded base64url of a key member.
pub(crate) fn b64url(member: &str, text: &str) -> Result<Vec<u8>, Failure> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| {
        fail(
            Some("invalid_key"),
            format!("key member {member:?} is not base64url: {e}"),
        )
    })
}

/// An RSA private JWK as the PKCS#1 `RSAPrivateKey` DER the libraries' RSA signers take, loaded
/// through the engine (its checks apply: signing requests carry only keys the policy allows).
pub(crate) fn rsa_pkcs1_der(jwk: &Jwk) -> Result<Zeroizing<Vec<u8>>, Failure> {
    use crate::engine::keys::{Key, KeyMaterial};
    let key = Key::from_jwk(jwk).map_err(|e| fail(Some("invalid_key"), e.to_string()))?;
    match &key.material {
        KeyMaterial::RsaPrivate(private) => Ok(private.to_pkcs1_der()),
        _ => Err(fail(
            Some("invalid_key"),
            "the RSA key has no private members (\"d\" …)",
        )),
    }
}

/// An EC P-256 JWK's private scalar `d` as PKCS#8 DER, the form the libraries read a signing key
/// in. The caller has checked `kty` and `crv` (each library words that refusal its own way).
pub(crate) fn p256_pkcs8(jwk: &Jwk) -> Result<p256::pkcs8::SecretDocument, Failure> {
    let d = jwk.d.as_deref().ok_or_else(|| {
        fail(
            Some("invalid_key"),
            "the EC key has no private scalar \"d\"",
        )
    })?;
    let d = Zeroizing::new(b64url("d", d)?);
    if d.len() != 32 {
        return Err(fail(
            Some("invalid_key"),
            format!("\"d\" is {} bytes, a P-256 scalar is 32", d.len()),
        ));
    }
    // Exactly 32 bytes (checked above): `from_slice` would zero-pad a shorter scalar.
    let secret = p256::SecretKey::from_slice(&d)
        .map_err(|_| fail(Some("invalid_key"), "\"d\" is not a valid P-256 scalar"))?;
    // A JWK whose public half does not belong to `d` would sign tokens that its own public key
    // rejects; refuse it instead of producing them.
    let point = p256::EncodedPoint::from(secret.public_key());
    for (name, given, actual) in [("x", &jwk.x, point.x()), ("y", &jwk.y, point.y())] {
        if let (Some(given), Some(actual)) = (given, actual) {
            if b64url(name, given)?.as_slice() != &actual[..] {
                return Err(fail(
                    Some("invalid_key"),
                    format!("the EC key's {name:?} does not belong to its \"d\""),
                ));
            }
        }
    }
    secret.to_pkcs8_der().map_err(|e| {
        fail(
            Some("invalid_key"),
            format!("cannot encode the key as PKCS#8: {e}"),
        )
    })
}

/// The refusal of a `kid` that no configured key carries.
pub(crate) fn unknown_kid(kid: &str) -> Failure {
    fail(
        Some("unknown_kid"),
        format!("no configured key has kid {kid:?}"),
    )
}

/// A signing JWK in a library's key type, made once. The adapters that use it map HS256 onto
/// `oct` keys, ES256 onto `EC` keys and RS256/RS512 onto `RSA` keys, so the key type decides
/// which is made.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) enum SigningKey<H, E, R> {
    /// An `oct` key, or why the library cannot use it.
    Hs256(Result<H, Failure>),
    /// An `EC` key, or why the library cannot use it.
    Es256(Result<E, Failure>),
    /// An `RSA` key, or why the library cannot use it.
    Rsa(Result<R, Failure>),
    /// A key of another type, named by its `kty`.
    Other(String),
}

#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
impl<H, E, R> SigningKey<H, E, R> {
    /// The first of `keys` made into the library's type of its family.
    pub(crate) fn new(
        keys: &[Jwk],
        hs256: impl FnOnce(&Jwk) -> Result<H, Failure>,
        es256: impl FnOnce(&Jwk) -> Result<E, Failure>,
        rsa: impl FnOnce(&Jwk) -> Result<R, Failure>,
    ) -> Self {
        match keys.first() {
            Some(jwk) if jwk.kty == "oct" => SigningKey::Hs256(hs256(jwk)),
            Some(jwk) if jwk.kty == "EC" => SigningKey::Es256(es256(jwk)),
            Some(jwk) if jwk.kty == "RSA" => SigningKey::Rsa(rsa(jwk)),
            Some(jwk) => SigningKey::Other(jwk.kty.clone()),
            None => SigningKey::Other(String::new()),
        }
    }

    /// The key to sign `alg` with, or the refusal the adapter gives when the key is unusable or
    /// not of `alg`'s family ([`cannot_sign`]).
    pub(crate) fn for_alg(&self, alg: &str, library: &str) -> Result<Either<&H, &E, &R>, Failure> {
        match (alg, self) {
            ("HS256", SigningKey::Hs256(key)) => {
                key.as_ref().map(Either::Hs256).map_err(Clone::clone)
            }
            ("ES256", SigningKey::Es256(key)) => {
                key.as_ref().map(Either::Es256).map_err(Clone::clone)
            }
            ("RS256" | "RS512", SigningKey::Rsa(key)) => {
                key.as_ref().map(Either::Rsa).map_err(Clone::clone)
            }
            (alg, SigningKey::Hs256(_)) => Err(cannot_sign(alg, "oct", library)),
            (alg, SigningKey::Es256(_)) => Err(cannot_sign(alg, "EC", library)),
            (alg, SigningKey::Rsa(_)) => Err(cannot_sign(alg, "RSA", library)),
            (alg, SigningKey::Other(kty)) => Err(cannot_sign(alg, kty, library)),
        }
    }
}

/// One of a [`SigningKey`]'s three library types.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) enum Either<H, E, R> {
    Hs256(H),
    Es256(E),
    Rsa(R),
}

/// The verifying keys of the adapters whose library takes the algorithm from the key type:
/// each configured key made into the library's type for each algorithm the adapter maps, once.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) struct KeyTable<V> {
    /// Each configured key's `kid`, in configuration order.
    kids: Vec<Option<String>>,
    /// A `kid` two configured keys share: the set is then unusable (policy.md §4.19).
    duplicate: Option<String>,
    /// The algorithms the adapter maps, in the order `made` lists them.
    algorithms: &'static [&'static str],
    /// Per key, per algorithm: `None` when the key is not of the algorithm's family, or the
    /// library's key, or why the key is unusable.
    made: Vec<Vec<Option<Result<V, String>>>>,
}

#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
impl<V> KeyTable<V> {
    /// Makes every (key, algorithm) pair with `make` (`None`: not of that family).
    pub(crate) fn new(
        keys: &[Jwk],
        algorithms: &'static [&'static str],
        make: impl Fn(&'static str, &Jwk) -> Option<Result<V, String>>,
    ) -> Self {
        let kids: Vec<Option<String>> = keys.iter().map(|k| k.kid.clone()).collect();
        let duplicate = kids.iter().enumerate().find_map(|(i, kid)| {
            let kid = kid.as_deref()?;
            kids[..i]
                .iter()
                .any(|k| k.as_deref() == Some(kid))
                .then(|| kid.to_owned())
        });
        KeyTable {
            kids,
            duplicate,
            algorithms,
            made: keys
                .iter()
                .map(|jwk| algorithms.iter().map(|alg| make(alg, jwk)).collect())
                .collect(),
        }
    }

    /// The keys a token may be verified with: a `kid` selects the configured key with that id;
    /// without one, every configured key is offered. The libraries of this table have no key
    /// set, so the adapter applies policy.md §4.19 itself: with two keys under one `kid`, none.
    pub(crate) fn for_kid(&self, kid: Option<&str>) -> Result<Vec<usize>, Failure> {
        if let Some(duplicate) = &self.duplicate {
            return Err(fail(
                Some("invalid_key"),
                format!("two configured keys have kid {duplicate:?}"),
            ));
        }
        match kid {
            Some(kid) => match self.kids.iter().position(|k| k.as_deref() == Some(kid)) {
                Some(index) => Ok(vec![index]),
                None => Err(unknown_kid(kid)),
            },
            None => Ok((0..self.kids.len()).collect()),
        }
    }

    /// The library's key for each of the `chosen` keys and each allowed algorithm of its
    /// family, in that order, and why the unusable ones are unusable (in order).
    pub(crate) fn verifiers(
        &self,
        chosen: &[usize],
        allowed: &[&'static str],
    ) -> (Vec<&V>, Vec<String>) {
        let mut verifiers = Vec::new();
        let mut key_problems = Vec::new();
        for &key in chosen {
            for alg in allowed {
                let Some(slot) = self.algorithms.iter().position(|a| a == alg) else {
                    continue;
                };
                match &self.made[key][slot] {
                    Some(Ok(v)) => verifiers.push(v),
                    Some(Err(problem)) => key_problems.push(problem.clone()),
                    None => {}
                }
            }
        }
        (verifiers, key_problems)
    }
}

/// A request key the library could not read: its `kid` and the library's complaint.
pub(crate) type Unusable = (Option<String>, String);

/// The request's keys converted to the library's type, for the adapters whose library looks a
/// `kid` up in its own key set. A key that does not convert is kept aside with its `kid`, so that
/// a `kid` naming it is reported as an unusable key rather than an unknown one
/// ([`unusable_kid`]).
pub(crate) fn library_keys<K>(
    keys: &[Jwk],
    convert: impl Fn(&Jwk) -> Result<K, String>,
) -> (Vec<K>, Vec<Unusable>) {
    let mut converted = Vec::new();
    let mut unusable = Vec::new();
    for jwk in keys {
        match convert(jwk) {
            Ok(k) => converted.push(k),
            Err(problem) => unusable.push((jwk.kid.clone(), problem)),
        }
    }
    (converted, unusable)
}

/// The refusal for a `kid` the library's key set lacks because the key with that id did not
/// convert, if that is why.
pub(crate) fn unusable_kid(unusable: &[Unusable], kid: &str) -> Option<Failure> {
    unusable
        .iter()
        .find(|(k, _)| k.as_deref() == Some(kid))
        .map(|(_, problem)| {
            fail(
                Some("invalid_key"),
                format!("the key with kid {kid:?} is unusable: {problem}"),
            )
        })
}

/// The allow-list entries of `supported` (the algorithms an adapter can map), in request order,
/// each once. Names are matched exactly: one the adapter does not map can verify nothing, so it
/// is skipped rather than treated as an error.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn allowed(names: &[String], supported: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in names {
        if let Some(alg) = supported.iter().find(|a| **a == name.as_str()) {
            if !out.contains(alg) {
                out.push(alg);
            }
        }
    }
    out
}

/// The token's `alg` is not the one of any key the library was given: `none`, an allowed
/// algorithm with no key of its family, or an algorithm outside the allow-list.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn alg_refused(alg: &str, allow_list: &[String]) -> Failure {
    if alg.eq_ignore_ascii_case("none") {
        fail(Some("alg_none"), format!("alg {alg:?} is refused"))
    } else if allow_list.iter().any(|a| a == alg) {
        fail(
            Some("key_family_mismatch"),
            format!("alg {alg:?} is allowed, but no configured key is of its family"),
        )
    } else {
        fail(
            Some("alg_not_allowed"),
            format!(
                "alg {alg:?} is not allowed (allowed: {})",
                allow_list.join(", ")
            ),
        )
    }
}

/// Why a token whose `alg` is `alg` cannot be handed to the library at all, when [`KeyTable::verifiers`]
/// made no key: the `alg` is refused ([`alg_refused`]), a key of its family is unusable, no key
/// is configured (`any_key` false), or none is of its family.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn no_verifier(
    alg: &str,
    allow_list: &[String],
    key_problems: &[String],
    any_key: bool,
) -> Failure {
    if !allow_list.iter().any(|a| a == alg) {
        return alg_refused(alg, allow_list);
    }
    if let Some(problem) = key_problems.first() {
        return fail(Some("invalid_key"), format!("no usable key: {problem}"));
    }
    if !any_key {
        return fail(Some("no_key"), "no key is configured");
    }
    fail(
        Some("key_family_mismatch"),
        format!("no configured key can verify {alg:?}"),
    )
}

/// The refusal of a header `alg` (`None`: the header has no string `alg`) that no verifier the
/// library was given takes, in the josekit and biscuit adapters' wording: an allowed `alg` has
/// no key of its family; otherwise it is outside the allow-list, `none` (any case) with its own
/// code. ([`alg_refused`] words it otherwise, and looks at `none` first.)
#[cfg_attr(not(any(feature = "josekit", feature = "biscuit")), allow(dead_code))]
pub(crate) fn alg_refusal(alg: Option<&str>, allow_list: &[String]) -> Failure {
    let names = allow_list.join(", ");
    match alg {
        None => fail(Some("alg_missing"), "the header has no string \"alg\""),
        Some(a) if allow_list.iter().any(|n| n == a) => fail(
            Some("key_family_mismatch"),
            format!("no configured key of the family of {a:?}"),
        ),
        Some(a) if a.eq_ignore_ascii_case("none") => fail(
            Some("alg_none"),
            format!("alg {a:?} is not allowed (allowed: {names})"),
        ),
        Some(a) => fail(
            Some("alg_not_allowed"),
            format!("alg {a:?} is not allowed (allowed: {names})"),
        ),
    }
}

/// Why nothing can be handed to the library, in the josekit and biscuit adapters' wording: the
/// header's `alg` is refused ([`alg_refusal`]), a key is unusable (the first `(code, problem)`),
/// a key exists but none of the family (`any_key`), or no key is configured.
#[cfg_attr(not(any(feature = "josekit", feature = "biscuit")), allow(dead_code))]
pub(crate) fn no_key_of_family(
    alg: Option<&str>,
    allow_list: &[String],
    key_problems: &[(&'static str, String)],
    any_key: bool,
) -> Failure {
    let alg_allowed = alg.is_some_and(|a| allow_list.iter().any(|n| n == a));
    if !alg_allowed {
        return alg_refusal(alg, allow_list);
    }
    if let Some((code, problem)) = key_problems.first() {
        return fail(Some(code), format!("no usable key: {problem}"));
    }
    if any_key {
        return fail(
            Some("key_family_mismatch"),
            format!(
                "no configured key of the family of {:?}",
                alg.unwrap_or_default()
            ),
        );
    }
    fail(Some("no_key"), "no configured key")
}

/// The token's header as a JSON object, read only after the library accepted the token, so the
/// returned header is the one the library verified.
pub(crate) fn verified_header(token: &str) -> Result<Map<String, Value>, Failure> {
    let first = token.split('.').next().unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD
        .decode(first)
        .map_err(|e| fail(None, format!("cannot re-read the verified header: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| fail(None, format!("cannot re-read the verified header: {e}")))
}

/// A library's own header type built from `alg` plus the requested members, through the
/// library's `Deserialize`, so registered members land in their typed fields. The result is
/// serialized back and compared with the request: a member the library cannot carry as given
/// (wrong type, `null`, one it would drop or rewrite) is a failure rather than a silently
/// different token.
pub(crate) fn library_header<H>(
    library: &str,
    alg_name: &str,
    members: &Map<String, Value>,
) -> Result<H, Failure>
where
    H: serde::Serialize + serde::de::DeserializeOwned,
{
    let wanted = header_members(alg_name, members)?;
    let header: H = serde_json::from_value(Value::Object(wanted.clone())).map_err(|e| {
        fail(
            None,
            format!("{library}'s Header cannot carry these header members: {e}"),
        )
    })?;
    let carried = json_object(
        &header,
        |other| format!("{library}'s Header serialized as {other}, not an object"),
        |e| format!("{library}'s Header cannot be serialized: {e}"),
    )
    .map_err(|e| fail(None, e))?;
    let mut differ: Vec<&str> = wanted
        .iter()
        .filter(|(k, v)| carried.get(k.as_str()) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    differ.extend(
        carried
            .keys()
            .filter(|k| !wanted.contains_key(k.as_str()))
            .map(String::as_str),
    );
    if !differ.is_empty() {
        return Err(fail(
            None,
            format!(
                "{library}'s Header cannot carry these header members as given: {}",
                differ.join(", ")
            ),
        ));
    }
    Ok(header)
}

/// `alg` first, then the requested header members in the requested order. A requested `alg`
/// other than `alg_name` is refused.
pub(crate) fn header_members(
    alg_name: &str,
    members: &Map<String, Value>,
) -> Result<Map<String, Value>, Failure> {
    let mut wanted = Map::new();
    wanted.insert("alg".to_owned(), Value::String(alg_name.to_owned()));
    for (name, value) in members {
        if name == "alg" && value.as_str() != Some(alg_name) {
            return Err(fail(
                None,
                format!("the header member \"alg\" ({value}) contradicts the request's alg {alg_name:?}"),
            ));
        }
        wanted.insert(name.clone(), value.clone());
    }
    Ok(wanted)
}

/// `value` serialized as a JSON object; otherwise the complaint `not_object` (it serialized as
/// another JSON value) or `failed` (it did not serialize) words.
pub(crate) fn json_object<T: serde::Serialize + ?Sized>(
    value: &T,
    not_object: impl FnOnce(&Value) -> String,
    failed: impl FnOnce(&serde_json::Error) -> String,
) -> Result<Map<String, Value>, String> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(not_object(&other)),
        Err(e) => Err(failed(&e)),
    }
}

/// The claims `library` decoded, serialized back into a JSON object.
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn library_claims<T: serde::Serialize + ?Sized>(
    library: &str,
    claims: &T,
) -> Result<Map<String, Value>, Failure> {
    json_object(
        claims,
        |other| format!("{library}'s claims serialized as {other}"),
        |e| format!("cannot re-read {library}'s claims: {e}"),
    )
    .map_err(|e| fail(None, e))
}

/// How an adapter reads serde_json's errors as reason codes ([`json_reason`]): the types its
/// library decodes into differ, and so do the messages their errors carry.
pub(crate) struct JsonRules {
    /// Message fragments that mean a lone surrogate in a `\u` escape ([`SURROGATE`],
    /// [`SURROGATE_OR_CUT_ESCAPE`]).
    pub surrogate: &'static [&'static str],
    /// Whether serde's "duplicate field" (a member of a derived struct given twice) is
    /// `duplicate_member`: only where the library decodes into such a struct.
    pub duplicate_field: bool,
    /// The `expected …` fragments of an "invalid type" error that mean the text is not a JSON
    /// object.
    pub objects: &'static [&'static str],
}

/// serde_json's own message for a lone surrogate.
pub(crate) const SURROGATE: &[&str] = &["surrogate"];

/// [`SURROGATE`], and the end of a hex escape: serde_json reports a leading surrogate not
/// followed by `\u` that way (read.rs, `parse_unicode_escape`), the only place it uses that
/// message.
#[cfg_attr(not(any(feature = "josekit", feature = "biscuit")), allow(dead_code))]
pub(crate) const SURROGATE_OR_CUT_ESCAPE: &[&str] = &["surrogate", "unexpected end of hex escape"];

/// serde's derive messages for a library's typed header or claims (`part`) as reason codes: a
/// date the library's NumericDate type refuses (its message contains one of `dates`), a header
/// without `alg`, or a registered member of the wrong JSON type (`kid`, `typ`, `crit`, … in the
/// header; `exp`, `iss`, `aud`, … in the claims).
#[cfg_attr(
    not(any(feature = "jwt-simple", feature = "jwt-compact")),
    allow(dead_code)
)]
pub(crate) fn typed_member_reason(msg: &str, part: Part, dates: &[&str]) -> Option<&'static str> {
    if dates.iter().any(|d| msg.contains(d)) {
        Some("date_out_of_range")
    } else if part == Part::Header && msg.starts_with("missing field `alg`") {
        Some("alg_missing")
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        Some(match part {
            Part::Header => "header_member_type",
            Part::Payload | Part::Signature => "claim_type",
        })
    } else {
        None
    }
}

/// serde's derive messages for a library's typed header whose `alg` is an enum, as reason codes:
/// a missing `alg`, an `alg` that names none of the enum's variants (`none` in any case with its
/// own code), or a registered member of the wrong type. The enum's "unknown variant" message is
/// recognised by `variants`, the start of the list of variants it names, which only that enum's
/// message has.
pub(crate) fn alg_enum_header_reason(msg: &str, variants: &str) -> Option<&'static str> {
    if msg.starts_with("missing field `alg`") {
        Some("alg_missing")
    } else if msg.starts_with("unknown variant") && msg.contains(variants) {
        let variant = msg.split('`').nth(1).unwrap_or_default();
        if variant.eq_ignore_ascii_case("none") {
            Some("alg_none")
        } else {
            Some("alg_not_allowed")
        }
    } else if msg.starts_with("invalid type") {
        Some("header_member_type")
    } else {
        None
    }
}

/// serde_json's errors as reason codes, from serde_json's category and its (stable,
/// long-standing) messages: too deep, a lone surrogate, a syntax error, then for a data error a
/// duplicate member or a value that is not an object (as `rules` say), and what `data` makes of
/// any other data error's message. Anything not recognised stays unclassified rather than
/// guessed.
pub(crate) fn json_reason(
    e: &serde_json::Error,
    rules: &JsonRules,
    data: impl FnOnce(&str) -> Option<&'static str>,
) -> Option<&'static str> {
    use serde_json::error::Category;
    let msg = e.to_string();
    if msg.contains("recursion limit exceeded") {
        return Some("json_too_deep");
    }
    if rules.surrogate.iter().any(|m| msg.contains(m)) {
        return Some("lone_surrogate");
    }
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => Some("invalid_json"),
        Category::Data if rules.duplicate_field && msg.starts_with("duplicate field") => {
            Some("duplicate_member")
        }
        Category::Data
            if msg.starts_with("invalid type") && rules.objects.iter().any(|o| msg.contains(o)) =>
        {
            Some("not_an_object")
        }
        Category::Data => data(&msg),
    }
}
