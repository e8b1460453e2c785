//! One self-contained HTML page: totals, the implementations, and a case × implementation matrix
//! coloured by outcome, with the answer as each cell's tooltip and filters for case ids,
//! namespaces, failures and divergences. Inline CSS and JS only, no external references.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{
    case_ids, counted, did_text, expected_text, implementation_names, namespace_of, namespaces,
    one_line, Tally,
};
use crate::suite::outcome::{CaseResult, Outcome, Report};

const STYLE: &str = "
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { margin: 0 0 .3em; }
.totals { font-size: 1.1em; }
.bad { color: #a40000; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
#matrix thead th { position: sticky; top: 0; background: #f3f3f3; }
#matrix td.case { font-family: ui-monospace, monospace; white-space: nowrap; }
#matrix td.o { text-align: center; cursor: help; white-space: nowrap; }
.g-pass { background: #b9e4c4; }
.g-skip { background: #e2e2e2; color: #555; }
.g-known { background: #ffe38a; }
.g-fail { background: #f3a2a2; font-weight: bold; }
.g-none { background: #fafafa; color: #999; }
.mismatch { outline: 2px dashed #6a8; outline-offset: -3px; }
.filters { margin: 1em 0 .5em; display: flex; gap: 1em; align-items: center; flex-wrap: wrap; }
.filters input[type=search] { width: 22em; }
.legend span { display: inline-block; padding: 0 6px; margin-right: .5em; border: 1px solid #ccc; }
";

const SCRIPT: &str = "
(function () {
  var q = document.getElementById('q');
  var ns = document.getElementById('ns');
  var fail = document.getElementById('only-fail');
  var div = document.getElementById('only-div');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix tbody tr'));
  function apply() {
    var text = q.value.toLowerCase();
    var space = ns.value;
    var n = 0;
    rows.forEach(function (row) {
      var ok = row.cells[0].textContent.toLowerCase().indexOf(text) !== -1
        && (space === 'all' || row.getAttribute('data-ns') === space)
        && (!(fail.checked || div.checked)
          || (fail.checked && row.getAttribute('data-fail') === '1')
          || (div.checked && row.getAttribute('data-div') === '1'));
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' of ' + rows.length + ' cases shown';
  }
  [q, ns, fail, div].forEach(function (el) {
    el.addEventListener('input', apply);
    el.addEventListener('change', apply);
  });
  apply();
})();
";

/// The page.
pub(super) fn render(report: &Report) -> String {
    let names = implementation_names(report);
    let spaces = namespaces(report);
    let total = Tally::total(report);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>Conformance results</title>\n");
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");

    // Header: totals, implementations, stale exceptions.
    out.push_str("<header>\n<h1>Conformance results</h1>\n");
    let failed_class = if total.failed() > 0 {
        " class=\"bad\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<p class=\"totals\"><strong>{} passed</strong>, <strong{failed_class}>{} failed</strong> \
         &middot; {} &middot; {} skipped or known divergences &middot; {} &middot; {}</p>",
        total.passed,
        total.failed(),
        counted(total.results, "result", "results"),
        total.skipped,
        counted(
            total.reason_mismatches,
            "reason mismatch (not a failure)",
            "reason mismatches (not failures)"
        ),
        counted(total.stale, "stale exception", "stale exceptions"),
    );
    out.push_str(
        "<table class=\"impls\">\n<thead><tr><th>Implementation</th><th>Version</th><th>Clock</th>\
         <th>Declared limitations</th><th>Outcomes</th></tr></thead>\n<tbody>\n",
    );
    for name in &names {
        let info = report.implementations.iter().find(|i| i.name == *name);
        let t = Tally::implementation(report, name);
        let outcomes: Vec<String> = t.occurred().map(|(o, n)| format!("{n} {o}")).collect();
        let limitations = info.map_or_else(String::new, |i| {
            i.cannot_enforce
                .iter()
                .map(|l| h(l))
                .collect::<Vec<_>>()
                .join("<br>")
        });
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h(name),
            info.map_or_else(String::new, |i| h(&i.version)),
            info.map_or_else(String::new, |i| h(&i.clock)),
            limitations,
            h(&outcomes.join(", ")),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if !report.stale_exceptions.is_empty() {
        out.push_str("<h2 class=\"bad\">Stale exceptions</h2>\n<ul>\n");
        for s in &report.stale_exceptions {
            let _ = writeln!(
                out,
                "<li>{}: <code>{}</code>: {}</li>",
                h(&s.implementation),
                h(&s.case_id),
                h(&s.why)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</header>\n");

    // Filters.
    out.push_str("<div class=\"filters\">\n");
    out.push_str(
        "<input type=\"search\" id=\"q\" placeholder=\"filter case ids\" aria-label=\"filter case ids\">\n",
    );
    out.push_str("<select id=\"ns\" aria-label=\"namespace\">\n<option value=\"all\">all namespaces</option>\n");
    for (i, ns) in spaces.iter().enumerate() {
        let _ = writeln!(out, "<option value=\"{i}\">{}</option>", h(ns));
    }
    out.push_str("</select>\n");
    out.push_str(
        "<label><input type=\"checkbox\" id=\"only-fail\"> only rows with failures</label>\n",
    );
    out.push_str(
        "<label><input type=\"checkbox\" id=\"only-div\"> only rows with known divergences</label>\n",
    );
    out.push_str("<span id=\"shown\"></span>\n</div>\n");

    // The matrix.
    let mut by_cell: HashMap<(&str, &str), &CaseResult> = HashMap::new();
    for r in &report.results {
        by_cell
            .entry((r.case_id.as_str(), r.implementation.as_str()))
            .or_insert(r);
    }
    out.push_str("<table id=\"matrix\">\n<thead><tr><th>Case</th>");
    for name in &names {
        let _ = write!(out, "<th>{}</th>", h(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for id in case_ids(report) {
        let ns_index = spaces
            .iter()
            .position(|ns| *ns == namespace_of(id))
            .unwrap_or_default();
        let row: Vec<Option<&CaseResult>> = names
            .iter()
            .map(|name| by_cell.get(&(id, *name)).copied())
            .collect();
        let any = |f: &dyn Fn(&CaseResult) -> bool| row.iter().flatten().any(|r| f(r));
        let fail = any(&|r| r.outcome.is_failure());
        let div = any(&|r| matches!(r.outcome, Outcome::KnownDivergence { .. }));
        let _ = write!(
            out,
            "<tr data-ns=\"{ns_index}\" data-fail=\"{}\" data-div=\"{}\"><td class=\"case\">{}</td>",
            u8::from(fail),
            u8::from(div),
            h(id)
        );
        for (name, r) in names.iter().zip(&row) {
            match r {
                Some(r) => cell(&mut out, r),
                None => {
                    let _ = write!(
                        out,
                        "<td class=\"o g-none\" title=\"{}: not run\">&ndash;</td>",
                        h(name)
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str(
        "<p class=\"legend\"><span class=\"g-pass\">pass</span><span class=\"g-skip\">skip</span>\
         <span class=\"g-known\">known divergence</span><span class=\"g-fail\">failure</span>\
         <span class=\"g-pass mismatch\">pass*</span> right verdict, other reason (not a failure). \
         Hover a cell for the answer.</p>\n",
    );
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

fn cell(out: &mut String, r: &CaseResult) {
    let (group, label) = match &r.outcome {
        Outcome::Pass => ("pass", "pass"),
        Outcome::Skip { .. } => ("skip", "skip"),
        Outcome::KnownDivergence { .. } => ("known", "known"),
        Outcome::UnexpectedAccept => ("fail", "accepted"),
        Outcome::UnexpectedReject => ("fail", "rejected"),
        Outcome::WrongIdentity { .. } => ("fail", "identity"),
        Outcome::Panic { .. } => ("fail", "panic"),
        Outcome::Hang { .. } => ("fail", "hang"),
        Outcome::Crash { .. } => ("fail", "crash"),
        Outcome::NonConformantToken { .. } => ("fail", "token"),
    };
    let mut lines = vec![
        format!("{}: {}", r.implementation, r.outcome.name()),
        format!("expected: {}", expected_text(r)),
        format!("did: {}", did_text(r)),
    ];
    if let Outcome::KnownDivergence { reason } = &r.outcome {
        lines.push(format!("exception: {reason}"));
    }
    if let Some(got) = &r.reason_mismatch {
        lines.push(format!("reason mismatch (not a failure): gave {got}"));
    }
    if r.reminted {
        lines.push("re-minted at the wall clock".to_owned());
    }
    lines.push(format!("basis: {}", r.basis));
    let title: Vec<String> = lines.iter().map(|l| h(l)).collect();
    let mismatch = if r.reason_mismatch.is_some() {
        " mismatch"
    } else {
        ""
    };
    let star = if r.reason_mismatch.is_some() { "*" } else { "" };
    let _ = write!(
        out,
        "<td class=\"o g-{group} o-{}{mismatch}\" title=\"{}\">{label}{star}</td>",
        r.outcome.name(),
        title.join("&#10;"),
    );
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

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn is_self_contained() {
        let page = render(&sample());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.trim_end().ends_with("</html>"));
        for external in ["http://", "https://", "src=", "href=", "@import", "url("] {
            assert!(!page.contains(external), "{external}");
        }
        assert_eq!(page.matches("<script").count(), 1);
        assert_eq!(page.matches("<style").count(), 1);
    }

    #[test]
    fn escapes_hostile_case_ids() {
        let page = render(&sample());
        assert!(!page.contains("<script>alert"));
        assert!(!page.contains("</script>|"));
        assert!(!page.contains('\u{0}') && !page.contains('\u{1b}'));
        assert!(page.contains(
            "<td class=\"case\">evil::&lt;script&gt;alert(1)&lt;/script&gt;|&lt;&amp;&quot;\\0&#39;</td>"
        ), "{page}");
        // Details in tooltips are escaped too, and stay inside their attribute.
        assert!(
            page.contains("line one\\nline two ]]&gt; &lt;b&gt;&amp;amp;&lt;/b&gt; \\u{1b}[31m")
        );
    }

    #[test]
    fn one_row_per_case_id_and_one_cell_per_implementation() {
        let report = sample();
        let page = render(&report);
        let rows: Vec<&str> = page
            .lines()
            .filter(|l| l.starts_with("<tr data-ns="))
            .collect();
        assert_eq!(rows.len(), CASE_IDS);
        for row in &rows {
            assert_eq!(row.matches("<td class=\"o ").count(), 2, "{row}");
        }
        // signer::drift has no alpha result.
        let signer = rows.iter().find(|r| r.contains("signer::drift")).unwrap();
        assert!(signer.contains("g-none"));
        assert!(signer.contains("data-fail=\"1\""));
    }

    #[test]
    fn cells_are_coloured_by_outcome_with_tooltips() {
        let page = render(&sample());
        let row = |id: &str| {
            page.lines()
                .find(|l| l.starts_with("<tr data-ns=") && l.contains(&format!(">{id}<")))
                .unwrap_or_else(|| panic!("no row {id}"))
                .to_owned()
        };
        let drift = row("claims::exp-equals-now@drift");
        assert!(drift.contains("data-div=\"1\"") && drift.contains("data-fail=\"1\""));
        assert!(drift.contains("class=\"o g-known o-known_divergence\""));
        assert!(drift.contains("exception: treats exp as inclusive"));
        assert!(drift.contains("class=\"o g-fail o-hang\""));
        let ok = row("jose::ok");
        assert!(ok.contains("class=\"o g-pass o-pass\""));
        assert!(ok.contains("did: verified: user &quot;u1&quot;"));
        assert!(ok.contains("class=\"o g-fail o-wrong_identity\""));
        let skipped = row("jose::skipped");
        assert!(skipped.contains("class=\"o g-skip o-skip\""));
        assert!(skipped.contains("data-div=\"0\""));
        let mismatch = row("zendesk::kid-missing");
        assert!(mismatch.contains("g-pass o-pass mismatch"));
        assert!(mismatch.contains("data-fail=\"0\""));
        assert!(mismatch.contains("reason mismatch (not a failure): gave bad_signature"));
    }

    #[test]
    fn has_totals_and_filters() {
        let page = render(&sample());
        assert!(page.contains("<strong>5 passed</strong>, <strong class=\"bad\">8 failed</strong>"));
        for id in [
            "id=\"q\"",
            "id=\"ns\"",
            "id=\"only-fail\"",
            "id=\"only-div\"",
        ] {
            assert!(page.contains(id), "{id}");
        }
        assert_eq!(page.matches("<option value=").count(), 1 + 5);
        assert!(page.contains("<option value=\"3\">evil</option>"));
        assert!(page.contains("claims::gone"));
    }
}
