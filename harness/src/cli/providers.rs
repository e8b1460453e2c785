//! `idjwt providers`: the profiles and their rules, with the source of each.

use std::fmt::Write as _;

use crate::engine::provider::rule_names;
use crate::profile::{ExpectedValue, Profile, Shape, ValueType};

/// One line per profile.
pub fn list(profiles: &[&Profile]) -> String {
    let rows: Vec<[String; 5]> = profiles
        .iter()
        .map(|p| {
            let mut header = Vec::new();
            if let Some(t) = &p.header.typ {
                header.push(format!("typ:{}", t.value));
            }
            if p.header.kid.as_ref().is_some_and(|k| k.required) {
                header.push("kid".to_owned());
            }
            [
                p.id.clone(),
                algs(p),
                p.mode.as_str().to_owned(),
                if header.is_empty() {
                    "-".to_owned()
                } else {
                    header.join(" ")
                },
                p.required_claims().join(" "),
            ]
        })
        .collect();
    let heads = ["profile", "alg", "mode", "header", "required claims"];
    let mut widths = heads.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[&str]| {
        let mut s = String::new();
        for (cell, w) in cells.iter().zip(widths) {
            let _ = write!(s, "{cell:w$}  ");
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(&mut out, &heads);
    for row in &rows {
        line(&mut out, &row.each_ref().map(String::as_str));
    }
    out.push_str("\n`idjwt providers NAME` shows a profile's rules and their sources.\n");
    out
}

fn algs(p: &Profile) -> String {
    p.algorithms
        .allowed
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A shape in words: `string, 1 to 255 characters`.
pub fn describe(shape: &Shape) -> String {
    let mut parts = vec![match shape.kind {
        ValueType::String => "string".to_owned(),
        ValueType::Boolean => "boolean".to_owned(),
        ValueType::Number => "number".to_owned(),
        ValueType::NumericDate => "NumericDate".to_owned(),
        ValueType::Object => "object".to_owned(),
        ValueType::Array => "array".to_owned(),
        ValueType::JsonText => "string holding JSON text".to_owned(),
        ValueType::Any => "any JSON value".to_owned(),
    }];
    match (shape.min_chars, shape.max_chars) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b} characters")),
        (Some(a), None) => parts.push(format!("at least {a} character(s)")),
        (None, Some(b)) => parts.push(format!("at most {b} characters")),
        (None, None) => {}
    }
    if let Some(values) = &shape.values {
        parts.push(match values.as_slice() {
            [one] => format!("exactly {one:?}"),
            many => format!("one of {many:?}"),
        });
    }
    if shape.integral {
        parts.push("integral".to_owned());
    }
    if let Some(min) = shape.min_members {
        parts.push(format!("at least {min} member(s)"));
    }
    for m in &shape.members {
        let req = if m.required { "required" } else { "optional" };
        parts.push(format!("member {} ({req}): {}", m.name, describe(&m.shape)));
    }
    if let Some(other) = &shape.other_members {
        parts.push(format!("other members: {}", describe(other)));
    }
    if let Some(items) = &shape.items {
        parts.push(format!("items: {}", describe(items)));
    }
    if let Some(inner) = &shape.json {
        parts.push(format!("holding: {}", describe(inner)));
    }
    parts.join(", ")
}

fn expected(v: &ExpectedValue) -> String {
    match (&v.fixed, v.config, &v.template) {
        (Some(f), _, _) => format!("{f:?}"),
        (None, Some(_), _) => "the configured app id (--app-id)".to_owned(),
        (None, None, Some(t)) => format!("{t:?}, with the configured app id (--app-id)"),
        (None, None, None) => "?".to_owned(),
    }
}

/// A profile's rules, named as `verify` names them, each with its source.
pub fn rules(p: &Profile) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    rows.push((
        "header.alg".into(),
        format!("one of: {}", algs(p)),
        p.algorithms.basis.clone(),
    ));
    if let Some(t) = &p.header.typ {
        rows.push((
            "header.typ".into(),
            format!("{:?} (case-insensitive)", t.value),
            t.basis.clone(),
        ));
    }
    if let Some(k) = p.header.kid.as_ref().filter(|k| k.required) {
        rows.push(("header.kid".into(), "present".into(), k.basis.clone()));
    }
    if let Some(iss) = &p.issuer {
        rows.push(("claim.iss.issuer".into(), expected(iss), iss.basis.clone()));
    }
    if let Some(aud) = &p.audience {
        rows.push((
            "claim.aud.audience".into(),
            format!("is or contains {}", expected(aud)),
            aud.basis.clone(),
        ));
    }
    for c in &p.claims {
        let req = if c.required { "required" } else { "optional" };
        rows.push((
            format!("claim.{}", c.name),
            format!("{req}; {}", describe(&c.shape)),
            c.basis.clone(),
        ));
    }
    for group in &p.one_of {
        rows.push((
            rule_names::one_of(&group.claims),
            format!("at least one of {} present", group.claims.join(", ")),
            group.basis.clone(),
        ));
    }
    let time = [
        (
            rule_names::IAT_FUTURE,
            &p.time.iat_max_future,
            "iat at most {}s after now (+ leeway)",
        ),
        (
            rule_names::IAT_AGE,
            &p.time.iat_max_age,
            "now − iat at most {}s (+ leeway)",
        ),
        (
            rule_names::LIFETIME,
            &p.time.max_lifetime,
            "exp − iat at most {}s (exp − now without iat)",
        ),
    ];
    for (name, rule, what) in time {
        if let Some(rule) = rule {
            let what = what.replace("{}", &rule.seconds.to_string());
            rows.push((name.to_owned(), what, rule.basis.clone()));
        }
    }
    for forbidden in &p.forbidden_signatures {
        rows.push((
            rule_names::FORBIDDEN_SIGNATURE.to_owned(),
            format!("never the literal {:?}", forbidden.value),
            forbidden.basis.clone(),
        ));
    }
    let id = &p.identity;
    let uid = match &id.user_id.member {
        Some(m) => format!("{}.{m}", id.user_id.claim),
        None => id.user_id.claim.clone(),
    };
    let fallback = if id.user_id.fallback_to_other_members {
        " (else the first other member, as name:value)"
    } else {
        ""
    };
    let preferred = match id.user_id.preferred_claims.as_slice() {
        [] => String::new(),
        names => format!(
            " (but {} when present, as name:value)",
            names.join(", then ")
        ),
    };
    rows.push((
        "identity.user_id".into(),
        format!("{uid}{fallback}{preferred}"),
        id.user_id.basis.clone(),
    ));
    if let Some(e) = &id.email {
        let when = match &e.only_if_true {
            Some(flag) => format!(", kept only when {flag} is true"),
            None => String::new(),
        };
        rows.push((
            "identity.email".into(),
            format!("{}{when}", e.claim),
            e.basis.clone(),
        ));
    }
    rows.push((
        "identity.binding".into(),
        "equals the claimed user id, when one is given".into(),
        id.binding.clone(),
    ));
    let mut out = format!("{}: {}\n", p.id, p.title);
    if let Some(src) = &p.source {
        let _ = writeln!(out, "source document: {src}");
    }
    let _ = writeln!(out, "default mode: {}\n", p.mode.as_str());
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (rule, requirement, basis) in rows {
        let _ = writeln!(out, "{rule:width$}  {requirement}");
        let _ = writeln!(out, "{:width$}  source: {basis}", "");
    }
    out
}
