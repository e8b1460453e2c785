//! One self-contained HTML page that leads with what was found.
//!
//! From the top: the totals and the implementations (version, clock); an implementation ×
//! impact matrix counting divergence classes and the cases they cover, with columns for open
//! declared limitations and for what fails the run; then per implementation its classes (worst
//! impact first), its declared limitations with the impact each leaves open, its reason
//! mismatches as counted pairs, and its unexpected results and stale classes; last, the full
//! case × implementation matrix, a known divergence coloured by its class's impact.
//!
//! Filters by impact and by implementation apply to the findings and to both matrices; their
//! state lives in the URL fragment (`#impact=lets-forged-through,crashes&impl=jsonwebtoken`), so
//! a filtered view can be linked to. Inline CSS and one inline script, no external reference.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::findings::{ClassFinding, Findings, ImplementationFindings};
use super::{
    case_ids, counted, did_text, expected_text, label, namespace_of, namespaces, one_line, Row,
    Tally,
};
use crate::impact::Impact;
use crate::suite::outcome::{CaseResult, Outcome, Report};

/// How many unexpected results a section lists; the case matrix (with "only rows with
/// failures") has them all, and an implementation that stopped answering can have thousands.
const UNEXPECTED_LISTED: usize = 200;

// The impact colours go from red (forged) through orange and purple to grey (cosmetic), so that
// the worst findings stand out and no two impacts look alike. Unexpected failures are black:
// they have no impact yet, and must not pass for any class. `.k` comes before the impact rules
// so that a known divergence takes its impact's colour; `#cases td.p` outranks them so that a
// pass a class records (a reason mismatch) stays green.
const STYLE: &str = "
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { margin: 0 0 .3em; }
h2 { margin: 1.6em 0 .4em; }
h3 { margin: 1em 0 .3em; }
[hidden] { display: none !important; }
table { border-collapse: collapse; margin: .3em 0 .8em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
code { font-family: ui-monospace, monospace; font-size: .92em; background: #f1f1f1; padding: 0 2px; }
.totals { font-size: 1.1em; }
.bad { color: #a40000; }
.none { color: #777; }
.b { display: inline-block; padding: 0 6px; border-radius: 3px; white-space: nowrap; }
.k { background: #ffe38a; }
.im-lets-forged-through { background: #b00020; color: #fff; font-weight: bold; }
.im-lets-wrong-user-through { background: #d84315; color: #fff; }
.im-lets-expired-through { background: #f59b2f; color: #000; }
.im-crashes { background: #6a1b9a; color: #fff; }
.im-lets-malformed-through { background: #f4d03f; color: #000; }
.im-rejects-valid { background: #8fa9c4; color: #000; }
.im-cosmetic { background: #e6e6e6; color: #444; }
.fail { background: #111; color: #fff; font-weight: bold; }
.failing { border: 3px solid #111; padding: .1em 1em .5em; margin: 1em 0; background: #fff4f4; }
.failing h3 { color: #a40000; }
.fail-note { font-weight: bold; color: #a40000; }
.imp { border-top: 2px solid #ddd; margin-top: 1.5em; }
.filters { margin: .6em 0; display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; }
.filters table { margin: 0; }
.filters td { border: 0; padding: 1px 4px; }
#impacts td { white-space: nowrap; }
#cases thead th { position: sticky; top: 0; }
#cases td:first-child { font-family: ui-monospace, monospace; white-space: nowrap; }
#cases td + td { text-align: center; white-space: nowrap; cursor: help; }
#cases td.p, .legend .p { background: #b9e4c4; color: #222; font-weight: normal; }
#cases td.s, .legend .s { background: #e2e2e2; color: #555; }
#cases td.f { background: #111; color: #fff; font-weight: bold; }
#cases td.n { background: #fafafa; color: #999; }
#cases td.m, .legend .m { outline: 2px dashed #2e7d32; outline-offset: -3px; }
.legend span { display: inline-block; padding: 0 6px; margin-right: .5em; border: 1px solid #ccc; }
";

// Elements carrying `data-impl` or `data-impact` are hidden when their implementation or impact
// is filtered out. Case-matrix columns are hidden by one generated CSS rule each rather than by
// touching every cell, and a case row shows under an impact filter only when one of its visible
// cells carries a selected impact. Hash keys and names are looked up in prototype-less objects,
// so that a hostile name such as `__proto__` matches nothing it should not.
const SCRIPT: &str = r"
(function () {
  'use strict';
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function byId(id) { return document.getElementById(id); }
  var boxes = Object.create(null);
  boxes.impact = all('input.f-impact');
  boxes.impl = all('input.f-impl');
  var tagged = all('[data-impl],[data-impact]');
  var cols = all('#cases thead th[data-col]').map(function (th) { return th.getAttribute('data-col'); });
  var rows = all('#cases tbody tr');
  var q = byId('q'), ns = byId('ns'), onlyFail = byId('only-fail'), onlyDiv = byId('only-div');
  function chosen(list) {
    var set = Object.create(null);
    list.forEach(function (b) { if (b.checked) { set[b.value] = true; } });
    return set;
  }
  function whole(list) { return list.every(function (b) { return b.checked; }); }
  function decode(v) { try { return decodeURIComponent(v); } catch (e) { return v; } }
  function readHash() {
    boxes.impact.concat(boxes.impl).forEach(function (b) { b.checked = true; });
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      var list = eq > 0 ? boxes[part.slice(0, eq)] : undefined;
      if (!list) { return; }
      var wanted = part.slice(eq + 1).split(',').map(decode);
      list.forEach(function (b) { b.checked = wanted.indexOf(b.value) !== -1; });
    });
  }
  function writeHash() {
    var parts = [];
    ['impact', 'impl'].forEach(function (key) {
      if (whole(boxes[key])) { return; }
      var on = boxes[key].filter(function (b) { return b.checked; });
      parts.push(key + '=' + on.map(function (b) { return encodeURIComponent(b.value); }).join(','));
    });
    var url = parts.length ? '#' + parts.join('&') : location.pathname + location.search;
    try { history.replaceState(null, '', url); } catch (e) { /* some file: pages refuse */ }
  }
  function showRow(row, impls, impacts, every, text, space) {
    var fail = false, div = false, hit = every;
    for (var k = 1; k < row.cells.length; k++) {
      if (!impls[cols[k - 1]]) { continue; }
      var tokens = row.cells[k].className.split(' ');
      var last = tokens[tokens.length - 1];
      if (tokens[0] === 'f') { fail = true; }
      if (tokens[0] === 'k') { div = true; }
      if (last.indexOf('im-') === 0 && impacts[last.slice(3)]) { hit = true; }
    }
    var wantFail = onlyFail.checked, wantDiv = onlyDiv.checked;
    return hit
      && (space === 'all' || row.getAttribute('data-ns') === space)
      && row.cells[0].textContent.toLowerCase().indexOf(text) !== -1
      && (!(wantFail || wantDiv) || (wantFail && fail) || (wantDiv && div));
  }
  function apply() {
    var impacts = chosen(boxes.impact), impls = chosen(boxes.impl), every = whole(boxes.impact);
    tagged.forEach(function (el) {
      var i = el.getAttribute('data-impl'), m = el.getAttribute('data-impact');
      el.hidden = (i !== null && !impls[i]) || (m !== null && !impacts[m]);
    });
    var css = '';
    cols.forEach(function (c, k) {
      if (!impls[c]) { css += '#cases tr>:nth-child(' + (k + 2) + '){display:none}'; }
    });
    byId('col-style').textContent = css;
    var text = q.value.toLowerCase(), space = ns.value, n = 0;
    rows.forEach(function (row) {
      var ok = showRow(row, impls, impacts, every, text, space);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    byId('shown').textContent = n + ' of ' + rows.length + ' cases shown';
  }
  boxes.impact.concat(boxes.impl).forEach(function (b) {
    b.addEventListener('change', function () { writeHash(); apply(); });
  });
  [q, ns, onlyFail, onlyDiv].forEach(function (el) {
    el.addEventListener('input', apply);
    el.addEventListener('change', apply);
  });
  byId('reset').addEventListener('click', function () {
    boxes.impact.concat(boxes.impl).forEach(function (b) { b.checked = true; });
    writeHash();
    apply();
  });
  window.addEventListener('hashchange', function () { readHash(); apply(); });
  readHash();
  apply();
  document.body.setAttribute('data-ready', '1');
})();
";

/// The page.
pub(super) fn render(report: &Report) -> String {
    let findings = Findings::of(report);
    // A full run (11 implementations × ~1,900 cases) is mostly case-matrix cells.
    let mut out = String::with_capacity(4096 + report.results.len() * 80);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>Conformance results</title>\n");
    let _ = writeln!(
        out,
        "<style>{STYLE}</style>\n<style id=\"col-style\"></style>\n</head>\n<body>"
    );
    header(&mut out, report, &findings);
    filters(&mut out, &findings);
    impact_matrix(&mut out, &findings);
    out.push_str("<h2>Findings by implementation</h2>\n");
    for (index, imp) in findings.implementations.iter().enumerate() {
        section(&mut out, index, imp);
    }
    case_matrix(&mut out, report, &findings);
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// Totals, then one row per implementation: version, clock, its headline and outcome counts.
fn header(out: &mut String, report: &Report, findings: &Findings) {
    let total = Tally::total(report);
    out.push_str("<header>\n<h1>Conformance results</h1>\n");
    let failed_class = if total.failed() > 0 {
        " class=\"bad\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<p class=\"totals\"><strong>{} passed</strong>, <strong{failed_class}>{} failed</strong> \
         &middot; {}</p>",
        total.passed,
        total.failed(),
        total.totals().join(" &middot; "),
    );
    out.push_str(
        "<table class=\"impls\">\n<thead><tr><th>Implementation</th><th>Version</th><th>Clock</th>\
         <th>Findings</th><th>Outcomes</th></tr></thead>\n<tbody>\n",
    );
    for imp in &findings.implementations {
        let t = Tally::implementation(
            report,
            Row {
                name: imp.name,
                mode: imp.mode,
            },
        );
        let outcomes: Vec<String> = t.occurred().map(|(o, n)| format!("{n} {o}")).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h(&imp.label),
            imp.info.map_or_else(String::new, |i| h(&i.version)),
            imp.info.map_or_else(String::new, |i| h(&i.clock)),
            h(&imp.headline()),
            h(&outcomes.join(", ")),
        );
    }
    out.push_str("</tbody>\n</table>\n</header>\n");
}

/// The impact legend, which doubles as the impact filter, and the implementation filter.
fn filters(out: &mut String, findings: &Findings) {
    out.push_str("<h2>Filters</h2>\n<div class=\"filters\" id=\"filters\">\n<table>\n<tbody>\n");
    for impact in Impact::ALL {
        let name = impact.name();
        let _ = writeln!(
            out,
            "<tr><td><input type=\"checkbox\" class=\"f-impact\" id=\"fi-{name}\" value=\"{name}\" \
             checked></td><td><label for=\"fi-{name}\">{}</label></td><td>{}</td></tr>",
            badge(impact),
            h(impact.meaning()),
        );
    }
    out.push_str("</tbody>\n</table>\n<div>\n");
    for imp in &findings.implementations {
        let _ = writeln!(
            out,
            "<label><input type=\"checkbox\" class=\"f-impl\" value=\"{0}\" checked> {0}</label><br>",
            h(&imp.label)
        );
    }
    out.push_str(
        "<button type=\"button\" id=\"reset\">show everything</button>\n</div>\n</div>\n\
         <p class=\"none\">The filter is kept in the address (for example \
         <code>#impact=lets-forged-through,crashes&amp;impl=jsonwebtoken</code>), so a \
         filtered view can be linked to.</p>\n",
    );
}

/// Implementations × impacts: classes and covered cases per cell, then open limitations and
/// what fails the run.
fn impact_matrix(out: &mut String, findings: &Findings) {
    out.push_str("<h2>Impact by implementation</h2>\n<table id=\"impacts\">\n<thead><tr><th>Implementation</th>");
    for impact in Impact::ALL {
        let _ = write!(
            out,
            "<th data-impact=\"{}\">{}</th>",
            impact.name(),
            badge(impact)
        );
    }
    out.push_str("<th>Open limitations</th><th>Fails the run</th></tr></thead>\n<tbody>\n");
    for (index, imp) in findings.implementations.iter().enumerate() {
        let _ = write!(
            out,
            "<tr data-impl=\"{}\"><th><a href=\"#imp-{index}\">{}</a></th>",
            h(&imp.label),
            h(&imp.label)
        );
        for impact in Impact::ALL {
            impact_cell(out, imp, impact);
        }
        let _ = write!(out, "<td>{}</td>", open_limitations(imp));
        failing_cell(out, imp);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn impact_cell(out: &mut String, imp: &ImplementationFindings, impact: Impact) {
    let name = impact.name();
    match imp.count(impact) {
        (0, _) => {
            let _ = write!(out, "<td data-impact=\"{name}\"></td>");
        }
        (classes, cases) => {
            let _ = write!(
                out,
                "<td class=\"im-{name}\" data-impact=\"{name}\">{} / {}</td>",
                counted(classes, "class", "classes"),
                counted(cases, "case", "cases"),
            );
        }
    }
}

/// `lets-expired-through ×1` badges, worst first (the limitations are sorted so).
fn open_limitations(imp: &ImplementationFindings) -> String {
    let mut counts: Vec<(Option<Impact>, usize)> = Vec::new();
    for l in &imp.limitations {
        match counts.iter_mut().find(|(i, _)| *i == l.impact) {
            Some((_, n)) => *n += 1,
            None => counts.push((l.impact, 1)),
        }
    }
    counts
        .iter()
        .map(|(impact, n)| match impact {
            Some(impact) => format!("{} ×{n}", badge(*impact)),
            None => format!("unknown check ×{n}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn failing_cell(out: &mut String, imp: &ImplementationFindings) {
    let mut parts = Vec::new();
    if !imp.unexpected.is_empty() {
        parts.push(format!("{} unexpected", imp.unexpected.len()));
    }
    if !imp.stale.is_empty() {
        parts.push(counted(imp.stale.len(), "stale class", "stale classes"));
    }
    if parts.is_empty() {
        out.push_str("<td></td>");
    } else {
        let _ = write!(out, "<td class=\"fail\">{}</td>", parts.join(", "));
    }
}

/// One implementation's findings, in the order of the module documentation.
fn section(out: &mut String, index: usize, imp: &ImplementationFindings) {
    let name = h(&imp.label);
    let _ = write!(
        out,
        "<section class=\"imp\" id=\"imp-{index}\" data-impl=\"{name}\">\n<h2>{name}"
    );
    if let Some(info) = imp.info {
        let _ = write!(
            out,
            " <small>{} &middot; clock {}</small>",
            h(&info.version),
            h(&info.clock)
        );
    }
    let _ = writeln!(out, "</h2>\n<p>{}</p>", h(&imp.headline()));
    let failing = imp.unexpected.len() + imp.stale.len();
    if failing > 0 {
        let _ = writeln!(
            out,
            "<p class=\"fail-note\"><a href=\"#fail-{index}\">{} fail the run</a></p>",
            counted(failing, "finding", "findings")
        );
    }
    classes(out, imp);
    limitations(out, imp);
    mismatches(out, imp);
    failures(out, index, imp);
    out.push_str("</section>\n");
}

fn classes(out: &mut String, imp: &ImplementationFindings) {
    out.push_str("<h3>Divergence classes</h3>\n");
    if imp.classes.is_empty() {
        out.push_str("<p class=\"none\">No divergence class covered a result.</p>\n");
        return;
    }
    out.push_str(
        "<table class=\"findings\">\n<thead><tr><th>Impact</th><th>Class</th><th>Reason</th>\
         <th>Cases</th><th>Samples</th><th>Observed</th><th>Basis</th></tr></thead>\n<tbody>\n",
    );
    for c in &imp.classes {
        class_row(out, &imp.label, c);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn class_row(out: &mut String, implementation: &str, c: &ClassFinding) {
    let class = c.class;
    let inherited = class
        .inherited_from
        .as_deref()
        .map_or_else(String::new, |from| {
            format!("<br><small>from {}</small>", h(from))
        });
    let _ = writeln!(
        out,
        "<tr class=\"finding\" data-impl=\"{}\" data-impact=\"{}\"><td>{}</td>\
         <td><code>{}</code>{inherited}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
         <td>{}</td></tr>",
        h(implementation),
        class.impact.name(),
        badge(class.impact),
        h(&class.id),
        md(&class.reason),
        c.cases.len(),
        codes(c.samples()),
        h(&c.observed_text()),
        md(&class.basis),
    );
}

fn limitations(out: &mut String, imp: &ImplementationFindings) {
    if imp.limitations.is_empty() {
        return;
    }
    out.push_str(
        "<h3>Declared limitations</h3>\n<table class=\"limitations\">\n<thead><tr>\
         <th>Leaves open</th><th>Check</th><th>Why</th></tr></thead>\n<tbody>\n",
    );
    for l in &imp.limitations {
        let (impact_attr, shown) = match l.impact {
            Some(impact) => (format!(" data-impact=\"{}\"", impact.name()), badge(impact)),
            None => (String::new(), "unknown check".to_owned()),
        };
        let _ = writeln!(
            out,
            "<tr class=\"limitation\" data-impl=\"{}\"{impact_attr}><td>{shown}</td>\
             <td><code>{}</code></td><td>{}</td></tr>",
            h(&imp.label),
            h(l.check),
            md(l.why),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

// A reason mismatch no class covers has, by definition, the cosmetic impact: the verdict was
// right, so the rows follow the cosmetic filter.
fn mismatches(out: &mut String, imp: &ImplementationFindings) {
    if imp.mismatches.is_empty() {
        return;
    }
    out.push_str(
        "<h3>Reason mismatches (right verdict, other reason; not failures)</h3>\n\
         <table class=\"mismatches\">\n<thead><tr><th>Expected → given</th><th>Cases</th>\
         <th>Samples</th></tr></thead>\n<tbody>\n",
    );
    for m in &imp.mismatches {
        let _ = writeln!(
            out,
            "<tr class=\"mismatch\" data-impl=\"{}\" data-impact=\"{}\"><td><code>{}</code> → \
             <code>{}</code></td><td>{}</td><td>{}</td></tr>",
            h(&imp.label),
            Impact::Cosmetic.name(),
            h(m.expected),
            h(m.given),
            m.cases.len(),
            codes(m.samples()),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn failures(out: &mut String, index: usize, imp: &ImplementationFindings) {
    if imp.unexpected.is_empty() && imp.stale.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"failing\" id=\"fail-{index}\">\n<h3>These fail the run</h3>"
    );
    if !imp.unexpected.is_empty() {
        unexpected(out, imp);
    }
    if !imp.stale.is_empty() {
        out.push_str(
            "<p>Stale classes: they covered no result (their cases pass now, are skipped, or do \
             not exist).</p>\n<table class=\"stale\">\n<thead><tr><th>Class</th><th>Why</th>\
             </tr></thead>\n<tbody>\n",
        );
        for s in &imp.stale {
            let _ = writeln!(
                out,
                "<tr class=\"stale\" data-impl=\"{}\"><td><code>{}</code></td><td>{}</td></tr>",
                h(&label(&s.implementation, s.mode.unwrap_or_default())),
                h(&s.class),
                h(&s.why),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</div>\n");
}

fn unexpected(out: &mut String, imp: &ImplementationFindings) {
    let _ = writeln!(
        out,
        "<p>{} no class covers:</p>\n<table class=\"unexpected\">\n<thead><tr><th>Case</th>\
         <th>Outcome</th><th>Expected</th><th>What it did</th></tr></thead>\n<tbody>",
        counted(
            imp.unexpected.len(),
            "unexpected result",
            "unexpected results"
        )
    );
    for r in imp.unexpected.iter().take(UNEXPECTED_LISTED) {
        let _ = writeln!(
            out,
            "<tr class=\"unexpected\" data-impl=\"{}\"><td><code>{}</code></td>\
             <td><span class=\"b fail\">{}</span></td><td>{}</td><td>{}</td></tr>",
            h(&label(&r.implementation, r.mode)),
            h(&r.case_id),
            r.outcome.name(),
            h(&expected_text(r)),
            h(&did_text(r)),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if imp.unexpected.len() > UNEXPECTED_LISTED {
        let _ = writeln!(
            out,
            "<p>… and {} more: see the case matrix with “only rows with failures”.</p>",
            imp.unexpected.len() - UNEXPECTED_LISTED
        );
    }
}

/// Every case × every implementation, with the case filters.
fn case_matrix(out: &mut String, report: &Report, findings: &Findings) {
    let names: Vec<&str> = findings
        .implementations
        .iter()
        .filter(|i| i.not_run().is_none())
        .map(|i| i.label.as_str())
        .collect();
    let spaces = namespaces(report);
    out.push_str("<h2>All cases</h2>\n<div class=\"filters\">\n");
    out.push_str(
        "<input type=\"search\" id=\"q\" placeholder=\"filter case ids\" aria-label=\"filter case ids\">\n",
    );
    out.push_str(
        "<select id=\"ns\" aria-label=\"namespace\">\n<option value=\"all\">all namespaces</option>\n",
    );
    for (i, ns) in spaces.iter().enumerate() {
        let _ = writeln!(out, "<option value=\"{i}\">{}</option>", h(ns));
    }
    out.push_str("</select>\n");
    out.push_str(
        "<label><input type=\"checkbox\" id=\"only-fail\"> only rows with failures</label>\n\
         <label><input type=\"checkbox\" id=\"only-div\"> only rows with known divergences</label>\n\
         <span id=\"shown\"></span>\n</div>\n",
    );
    out.push_str(
        "<p class=\"legend\"><span class=\"p\">pass</span><span class=\"s\">skip</span>\
         <span class=\"fail\">failure</span>known divergence: the colour of its class&#39;s \
         impact; <span class=\"m\">pass*</span> right verdict, other reason (not a failure). \
         Hover a cell for the answer, a case id for the policy&#39;s verdict and basis.</p>\n",
    );
    let mut by_cell: HashMap<(&str, String), &CaseResult> = HashMap::new();
    for r in &report.results {
        by_cell
            .entry((r.case_id.as_str(), label(&r.implementation, r.mode)))
            .or_insert(r);
    }
    out.push_str("<table id=\"cases\">\n<thead><tr><th>Case</th>");
    for name in &names {
        let _ = write!(out, "<th data-col=\"{0}\">{0}</th>", h(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for id in case_ids(report) {
        let row: Vec<Option<&CaseResult>> = names
            .iter()
            .map(|name| by_cell.get(&(id, (*name).to_owned())).copied())
            .collect();
        case_row(out, id, &spaces, &names, &row);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn case_row(
    out: &mut String,
    id: &str,
    spaces: &[&str],
    names: &[&str],
    row: &[Option<&CaseResult>],
) {
    let ns_index = spaces
        .iter()
        .position(|ns| *ns == namespace_of(id))
        .unwrap_or_default();
    // What the policy says and why is the same for every implementation: it goes once, on the
    // case id, which keeps each cell short.
    let about = row.iter().flatten().next().map_or_else(String::new, |r| {
        format!(
            " title=\"expected: {}&#10;basis: {}\"",
            h(&expected_text(r)),
            h(&r.basis)
        )
    });
    let _ = write!(out, "<tr data-ns=\"{ns_index}\"><td{about}>{}</td>", h(id));
    for (name, r) in names.iter().zip(row) {
        match r {
            Some(r) => cell(out, r),
            None => {
                let _ = write!(
                    out,
                    "<td class=\"n\" title=\"{}: not run\">&ndash;</td>",
                    h(name)
                );
            }
        }
    }
    out.push_str("</tr>\n");
}

// The cell's class is its group letter (p, s, k, f), then `m` for a reason mismatch, then the
// impact of the class covering it, last: the script reads the first and the last token.
fn cell(out: &mut String, r: &CaseResult) {
    let (group, label) = match &r.outcome {
        Outcome::Pass => ("p", "pass"),
        Outcome::Skip { .. } => ("s", "skip"),
        Outcome::KnownDivergence { .. } => ("k", "known"),
        Outcome::UnexpectedAccept => ("f", "accepted"),
        Outcome::UnexpectedReject => ("f", "rejected"),
        Outcome::WrongIdentity { .. } => ("f", "identity"),
        Outcome::Panic { .. } => ("f", "panic"),
        Outcome::Hang { .. } => ("f", "hang"),
        Outcome::Crash { .. } => ("f", "crash"),
        Outcome::NonConformantToken { .. } => ("f", "token"),
        Outcome::NotRun { .. } => ("f", "not run"),
    };
    let mut class = group.to_owned();
    if r.reason_mismatch.is_some() {
        class.push_str(" m");
    }
    // An uncovered reason mismatch is cosmetic by definition, as in the findings.
    let impact = r
        .impact
        .or_else(|| r.reason_mismatch.is_some().then_some(Impact::Cosmetic));
    if let Some(impact) = impact {
        class.push_str(" im-");
        class.push_str(impact.name());
    }
    let star = if r.reason_mismatch.is_some() { "*" } else { "" };
    let _ = write!(
        out,
        "<td class=\"{class}\" title=\"{}\">{label}{star}</td>",
        cell_title(r)
    );
}

/// The tooltip, one escaped line per fact, joined by encoded newlines.
fn cell_title(r: &CaseResult) -> String {
    let mut lines = vec![format!(
        "{}: {}",
        label(&r.implementation, r.mode),
        r.outcome.name()
    )];
    if let Outcome::KnownDivergence { observed } = &r.outcome {
        lines.push(format!("observed: {observed}"));
    }
    if let Some(class) = &r.class {
        let impact = r.impact.map_or("no impact", Impact::name);
        lines.push(format!("class: {class} ({impact})"));
    }
    if r.outcome != Outcome::Pass {
        lines.push(format!("expected: {}", expected_text(r)));
    }
    lines.push(format!("did: {}", did_text(r)));
    if let Some(got) = &r.reason_mismatch {
        lines.push(format!("reason mismatch (not a failure): gave {got}"));
    }
    if r.reminted {
        lines.push("re-minted at the wall clock".to_owned());
    }
    lines.iter().map(|l| h(l)).collect::<Vec<_>>().join("&#10;")
}

fn badge(impact: Impact) -> String {
    format!("<span class=\"b im-{0}\">{0}</span>", impact.name())
}

/// Case ids as code, one a line.
fn codes(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("<code>{}</code>", h(id)))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// `s` made visible on one line and escaped for HTML text and quoted attribute values.
fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` escaped like [`h`], then each pair of backticks made a `<code>` span (Markdown inline
/// code). Escaping first means nothing between the backticks can become markup; an unpaired
/// backtick stays as it is.
fn md(s: &str) -> String {
    let escaped = h(s);
    let parts: Vec<&str> = escaped.split('`').collect();
    let paired = (parts.len() - 1) / 2 * 2;
    let mut out = String::with_capacity(escaped.len() + 16);
    out.push_str(parts[0]);
    for (i, part) in parts.iter().enumerate().skip(1) {
        out.push_str(match (i <= paired, i % 2) {
            (true, 1) => "<code>",
            (true, _) => "</code>",
            (false, _) => "`",
        });
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    /// The first line of `page` that starts with `prefix` and holds `needle`.
    fn line_with<'p>(page: &'p str, prefix: &str, needle: &str) -> &'p str {
        page.lines()
            .find(|l| l.starts_with(prefix) && l.contains(needle))
            .unwrap_or_else(|| panic!("no line {prefix}…{needle}"))
    }

    #[test]
    fn is_self_contained() {
        let page = render(&sample());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.trim_end().ends_with("</html>"));
        let outside_script = page.replace(SCRIPT, "");
        for external in ["http://", "https://", "src=", "@import", "url(", "//"] {
            assert!(!outside_script.contains(external), "{external}");
        }
        for external in ["http://", "https://", "src=", "url("] {
            assert!(!SCRIPT.contains(external), "{external}");
        }
        for (at, _) in page.match_indices("href=") {
            assert!(page[at..].starts_with("href=\"#"), "{}", &page[at..at + 40]);
        }
        assert_eq!(page.matches("<script").count(), 1);
        assert_eq!(page.matches("</script").count(), 1);
        assert_eq!(page.matches("<style").count(), 2);
    }

    #[test]
    fn escapes_hostile_strings() {
        let page = render(&sample());
        lacks(
            &page,
            &[
                EVIL_ID,
                "<script>alert",
                "</script>|",
                "<s>",
                "<b>",
                "\u{0}",
                "\u{1b}",
            ],
        );
        let evil = "evil::&lt;script&gt;alert(1)&lt;/script&gt;|&lt;&amp;&quot;\\0&#39;";
        assert!(
            page.contains(&format!(">{evil}</td>")),
            "in the case matrix"
        );
        assert!(
            page.contains(&format!("<td><code>{evil}</code></td>")),
            "in the unexpected results"
        );
        has(&page, "panics on dates past 2^63 &lt;s&gt;");
        // Details in tooltips are escaped too, and stay inside their attribute.
        has(
            &page,
            "line one\\nline two ]]&gt; &lt;b&gt;&amp;amp;&lt;/b&gt; \\u{1b}[31m",
        );
    }

    #[test]
    fn findings_come_before_the_case_matrix() {
        let page = render(&sample());
        let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("no {s}"));
        assert!(at("id=\"filters\"") < at("id=\"impacts\""));
        assert!(at("id=\"impacts\"") < at("id=\"imp-0\""));
        assert!(at("id=\"imp-0\"") < at("id=\"imp-1\""));
        assert!(at("id=\"imp-1\"") < at("id=\"cases\""));
        assert!(at("<section class=\"imp\" id=\"imp-0\" data-impl=\"alpha\">") > 0);
    }

    #[test]
    fn classes_are_coloured_by_their_impact() {
        let page = render(&sample());
        let beta = line_with(&page, "<tr class=\"finding\"", BETA_CLASS);
        assert!(beta.starts_with(
            "<tr class=\"finding\" data-impl=\"beta\" data-impact=\"crashes\">\
             <td><span class=\"b im-crashes\">crashes</span></td>"
        ));
        has(beta, "<td>panic ×1</td>");
        has(beta, "<code>claims::exp-huge@drift</code>");
        let alpha = line_with(&page, "<tr class=\"finding\"", ALPHA_CLASS);
        has(alpha, "data-impact=\"lets-expired-through\"");
        has(alpha, "<span class=\"b im-lets-expired-through\">");
        has(alpha, "<td>unexpected_accept ×1</td>");
        has(alpha, "<td>lib 1.0 src/alpha.rs line 7</td>");
        // The stale class covered nothing: it is no finding.
        assert!(!page
            .contains("<tr class=\"finding\" data-impl=\"beta\" data-impact=\"rejects-valid\""));
        // In the case matrix, the known divergence takes its class's colour and names it.
        let drift = line_with(&page, "<tr data-ns=", ">claims::exp-equals-now@drift<");
        assert!(
            drift.contains(&format!(
                "<td class=\"k im-lets-expired-through\" title=\"alpha: known_divergence&#10;\
             observed: unexpected_accept&#10;class: {ALPHA_CLASS} (lets-expired-through)"
            )),
            "{drift}"
        );
        let huge = line_with(&page, "<tr data-ns=", ">claims::exp-huge@drift<");
        has(huge, "<td class=\"k im-crashes\"");
    }

    #[test]
    fn impact_colours_are_distinct_and_forgery_is_red() {
        let mut colours = Vec::new();
        for impact in Impact::ALL {
            let rule = format!(".im-{} {{ background: ", impact.name());
            let at = STYLE
                .find(&rule)
                .unwrap_or_else(|| panic!("no colour for {impact}"))
                + rule.len();
            colours.push(&STYLE[at..at + 7]);
        }
        let mut distinct = colours.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), Impact::ALL.len(), "{colours:?}");
        assert_eq!(colours[0], "#b00020");
    }

    #[test]
    fn legend_explains_every_impact_and_filters_by_it() {
        let page = render(&sample());
        for impact in Impact::ALL {
            let name = impact.name();
            assert!(page.contains(&h(impact.meaning())), "{name}");
            has(
                &page,
                &format!("class=\"f-impact\" id=\"fi-{name}\" value=\"{name}\" checked"),
            );
            assert!(
                page.contains(&format!("<th data-impact=\"{name}\">")),
                "matrix column {name}"
            );
        }
        for name in ["alpha", "beta"] {
            has(&page, &format!("class=\"f-impl\" value=\"{name}\" checked"));
            has(&page, &format!("<th data-col=\"{name}\">"));
        }
        for wanted in ["location.hash", "hashchange", "replaceState", "data-ready"] {
            assert!(SCRIPT.contains(wanted), "{wanted}");
        }
    }

    #[test]
    fn backticks_become_code() {
        let page = render(&sample());
        has(&page, "<td>treats <code>exp</code> as inclusive</td>");
        assert!(!page.contains('`'));
        assert_eq!(md("`<b>` and `x"), "<code>&lt;b&gt;</code> and `x");
        assert_eq!(md("a `b` `c` d"), "a <code>b</code> <code>c</code> d");
        assert_eq!(md("no code"), "no code");
        assert_eq!(md("`"), "`");
        assert_eq!(md("`a\"`"), "<code>a&quot;</code>");
    }

    #[test]
    fn impact_matrix_counts_classes_and_cases() {
        let page = render(&sample());
        let alpha = line_with(&page, "<tr data-impl=\"alpha\">", "");
        has(
            alpha,
            "<td class=\"im-lets-expired-through\" data-impact=\"lets-expired-through\">\
             1 class / 1 case</td>",
        );
        has(alpha, "<td data-impact=\"lets-forged-through\"></td>");
        // alpha declares it cannot check nbf, and fails the run with two unexpected results.
        let nbf = crate::contract::checks::open_impact("nbf").expect("nbf is a known check");
        assert!(
            alpha.contains(&format!("<td>{} ×1</td>", badge(nbf))),
            "{alpha}"
        );
        has(alpha, "<td class=\"fail\">2 unexpected</td>");
        let beta = line_with(&page, "<tr data-impl=\"beta\">", "");
        has(
            beta,
            "<td class=\"im-crashes\" data-impact=\"crashes\">1 class / 1 case</td>",
        );
        has(beta, "<td class=\"fail\">6 unexpected, 1 stale class</td>");
    }

    #[test]
    fn limitations_mismatches_and_failures_are_listed() {
        let page = render(&sample());
        let nbf = line_with(&page, "<tr class=\"limitation\"", "");
        has(nbf, "data-impl=\"alpha\"");
        has(
            nbf,
            "<td><code>nbf</code></td><td>never checks nbf | at all</td>",
        );
        let pair = line_with(&page, "<tr class=\"mismatch\"", "");
        assert_eq!(
            pair,
            "<tr class=\"mismatch\" data-impl=\"alpha\" data-impact=\"cosmetic\"><td>\
             <code>missing_kid</code> → <code>bad_signature</code></td><td>1</td>\
             <td><code>zendesk::kid-missing</code></td></tr>"
        );
        has(&page, "<div class=\"failing\" id=\"fail-0\">");
        has(&page, "<a href=\"#fail-1\">7 findings fail the run</a>");
        let stale = line_with(&page, "<tr class=\"stale\"", "");
        assert!(stale.contains("<code>beta::gone</code>") && stale.contains("match no case"));
        let late = line_with(&page, "<tr class=\"unexpected\"", "claims::late");
        has(late, "<span class=\"b fail\">not_run</span>");
        has(late, "not run: implementation unresponsive");
    }

    #[test]
    fn case_matrix_has_a_row_per_case_and_a_cell_per_implementation() {
        let page = render(&sample());
        let rows: Vec<&str> = page
            .lines()
            .filter(|l| l.starts_with("<tr data-ns="))
            .collect();
        assert_eq!(rows.len(), CASE_IDS);
        for row in &rows {
            assert_eq!(row.matches("<td class=\"").count(), 2, "{row}");
        }
        let signer = line_with(&page, "<tr data-ns=", "signer::drift");
        has(signer, "<td class=\"n\" title=\"alpha: not run\">");
        has(signer, "<td class=\"f\" title=\"beta: non_conformant_token");
        let ok = line_with(&page, "<tr data-ns=", ">jose::ok<");
        has(ok, "<td class=\"p\" title=\"alpha: pass&#10;did: verified: user &quot;u1&quot;\">pass</td>");
        has(
            ok,
            "title=\"expected: verified&#10;basis: basis of jose::ok\"",
        );
        let mismatch = line_with(&page, "<tr data-ns=", "zendesk::kid-missing");
        has(mismatch, "<td class=\"p m im-cosmetic\"");
        has(
            mismatch,
            "reason mismatch (not a failure): gave bad_signature",
        );
    }

    #[test]
    fn is_deterministic() {
        let a = sample();
        let mut b = sample();
        b.elapsed_ms += 1;
        assert_eq!(render(&a), render(&a));
        assert_eq!(render(&a), render(&b));
    }

    #[test]
    fn is_well_formed() {
        let page = render(&sample());
        if let Err(e) = structure::check(&page) {
            panic!("{e}");
        }
        let report = big_run();
        structure::check(&render(&report)).unwrap();
    }

    #[test]
    fn the_structure_check_catches_breakage() {
        let good = "<!DOCTYPE html><html><body><p>a &amp; b<br></p></body></html>";
        assert_eq!(structure::check(good), Ok(()));
        for bad in [
            "<html><body><p>a</body></html>",
            "<html><p>a</p>",
            "<html><body>a < b</body></html>",
            "<html><body>a &amp b</body></html>",
            "<html><body><p title=\"x>y</p></body></html>",
            "<html><table><td>x</td></table></html>",
            "<html><p id=\"a\"></p><p id=\"a\"></p></html>",
        ] {
            assert!(structure::check(bad).is_err(), "{bad}");
        }
    }

    /// A report shaped like a full run: 11 implementations × 1,900 cases, mostly passes.
    fn big_run() -> Report {
        let mut report = sample();
        let template = report.results[0].clone();
        report.results.clear();
        report.implementations.clear();
        for i in 0..11 {
            let name = format!("implementation-{i}");
            report
                .implementations
                .push(crate::suite::outcome::ImplementationInfo {
                    name: name.clone(),
                    mode: Default::default(),
                    version: "1.0.0".into(),
                    clock: "injected".into(),
                    cannot_enforce: Vec::new(),
                    not_run: None,
                });
            for c in 0..1900 {
                let mut r = template.clone();
                r.implementation = name.clone();
                r.case_id = format!("claims::a-typical-case-id-of-some-length-{c}@zendesk");
                r.basis = "policy.md §5: a token whose exp has passed is rejected".into();
                if c % 50 == i {
                    r.outcome = Outcome::KnownDivergence {
                        observed: "unexpected_accept".into(),
                    };
                    r.class = Some(ALPHA_CLASS.into());
                    r.impact = Some(Impact::LetsExpiredThrough);
                }
                report.results.push(r);
            }
        }
        report.classes.retain(|c| c.id == ALPHA_CLASS);
        report.stale_exceptions.clear();
        report
    }

    #[test]
    fn a_full_run_stays_a_reasonable_size() {
        let fixture = render(&sample()).len();
        let full = render(&big_run()).len();
        eprintln!("fixture page: {fixture} bytes; 11 × 1,900 page: {full} bytes");
        assert!(full < 3_500_000, "{full} bytes");
    }

    /// A small structural check of the page, since no HTML parser is at hand: every element
    /// is closed in order (void elements aside), table parts sit in their parents, attribute
    /// values are quoted, text holds no raw `<`, `>` or stray `&`, and ids are unique.
    mod structure {
        use std::collections::HashSet;

        const VOID: &[&str] = &["br", "input", "meta"];
        const RAW: &[&str] = &["script", "style"];
        const PARENTS: &[(&str, &[&str])] = &[
            ("td", &["tr"]),
            ("th", &["tr"]),
            ("tr", &["thead", "tbody"]),
            ("thead", &["table"]),
            ("tbody", &["table"]),
            ("li", &["ul", "ol"]),
            ("option", &["select"]),
        ];

        pub fn check(page: &str) -> Result<(), String> {
            let mut stack: Vec<String> = Vec::new();
            let mut ids = HashSet::new();
            let mut rest = page;
            while let Some(lt) = rest.find('<') {
                text(&rest[..lt])?;
                rest = &rest[lt..];
                if let Some(after) = rest.strip_prefix("<!DOCTYPE html>") {
                    rest = after;
                    continue;
                }
                let end = tag_end(rest)?;
                let tag = &rest[1..end];
                rest = &rest[end + 1..];
                if let Some(name) = tag.strip_prefix('/') {
                    match stack.pop() {
                        Some(open) if open == name => {}
                        open => return Err(format!("</{name}> closes {open:?}")),
                    }
                    continue;
                }
                let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
                if name.is_empty()
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                {
                    return Err(format!("bad tag <{tag}>"));
                }
                for id in attributes(attrs)?
                    .into_iter()
                    .filter_map(|(k, v)| (k == "id").then_some(v))
                {
                    if !ids.insert(id.to_owned()) {
                        return Err(format!("duplicate id {id}"));
                    }
                }
                if let Some((_, parents)) = PARENTS.iter().find(|(child, _)| *child == name) {
                    let parent = stack.last().map(String::as_str).unwrap_or("");
                    if !parents.contains(&parent) {
                        return Err(format!("<{name}> inside <{parent}>"));
                    }
                }
                if RAW.contains(&name) {
                    let close = format!("</{name}>");
                    let at = rest
                        .find(&close)
                        .ok_or_else(|| format!("unclosed <{name}>"))?;
                    rest = &rest[at + close.len()..];
                } else if !VOID.contains(&name) {
                    stack.push(name.to_owned());
                }
            }
            text(rest)?;
            if stack.is_empty() {
                Ok(())
            } else {
                Err(format!("unclosed {stack:?}"))
            }
        }

        /// The index of the `>` ending the tag at the start of `s`, outside quotes.
        fn tag_end(s: &str) -> Result<usize, String> {
            let mut quoted = false;
            for (i, c) in s.char_indices().skip(1) {
                match c {
                    '"' => quoted = !quoted,
                    '<' => return Err(format!("`<` inside a tag: {}", &s[..i])),
                    '>' if !quoted => return Ok(i),
                    _ => {}
                }
            }
            Err("unterminated tag".to_owned())
        }

        /// `name="value"` pairs (or bare names); values must be double-quoted.
        fn attributes(mut s: &str) -> Result<Vec<(&str, &str)>, String> {
            let mut out = Vec::new();
            loop {
                s = s.trim_start();
                if s.is_empty() {
                    return Ok(out);
                }
                let name_end = s.find(['=', ' ']).unwrap_or(s.len());
                let name = &s[..name_end];
                if !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    return Err(format!("bad attribute {name:?}"));
                }
                s = &s[name_end..];
                let Some(value) = s.strip_prefix("=\"") else {
                    out.push((name, ""));
                    continue;
                };
                let close = value.find('"').ok_or("unquoted attribute")?;
                text(&value[..close])?;
                out.push((name, &value[..close]));
                s = &value[close + 1..];
            }
        }

        /// Text or an attribute value: no raw `<` or `>`, every `&` an entity.
        fn text(s: &str) -> Result<(), String> {
            if s.contains(['<', '>']) {
                return Err(format!("raw markup in text {s:?}"));
            }
            for (at, _) in s.match_indices('&') {
                let entity = &s[at + 1..];
                let end = entity
                    .find(';')
                    .ok_or_else(|| format!("stray & in {s:?}"))?;
                let body = &entity[..end];
                let named = !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphabetic());
                let numeric = body.len() > 1
                    && body.starts_with('#')
                    && body[1..].bytes().all(|b| b.is_ascii_digit());
                if !(named || numeric) {
                    return Err(format!("bad entity &{body}; in {s:?}"));
                }
            }
            Ok(())
        }
    }
}
