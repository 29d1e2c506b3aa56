//! Property test: random input through the scanner, the parser, the
//! formatter and the evaluator never panics; bad input only ever yields
//! diagnostics.

use proptest::prelude::*;
use tfrs::diag::{render_styled, Diagnostics, SourceMap, Style};
use tfrs::lang::eval::{EmptyScope, Evaluator};
use tfrs::syntax::parser::{parse_expression, parse_file, parse_template};

/// Renders diagnostics in both styles (which must not panic either).
fn render_all(diags: &Diagnostics, sources: &SourceMap) {
    for d in diags.iter() {
        let _ = render_styled(d, sources, Style::Plain);
        let _ = render_styled(d, sources, Style::Boxed);
    }
}

/// Fragments that make random input look like HCL often enough to reach
/// deep into the parser and evaluator.
const FRAGMENTS: &[&str] = &[
    "a",
    "b",
    "var",
    "local",
    ".",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "=",
    "==",
    "!=",
    ",",
    ":",
    "?",
    "=>",
    "...",
    "*",
    "[*]",
    ".*",
    "+",
    "-",
    "/",
    "%",
    "!",
    "&&",
    "||",
    "<",
    ">=",
    "1",
    "0",
    "-1",
    "1.5",
    "1e3",
    "\"",
    "\"x\"",
    "${",
    "%{",
    "~}",
    "if",
    "else",
    "endif",
    "for",
    "endfor",
    "in",
    "true",
    "null",
    "\n",
    " ",
    "#c\n",
    "/*",
    "*/",
    "<<EOT\n",
    "<<-EOT\n",
    "EOT\n",
    "\\",
    "\\n",
    "upper(",
    "length(",
    "join(\",\",",
    "tolist(",
    "toset(",
    "tomap(",
    "try(",
    "can(",
    "format(\"%d\",",
    "[for x in [1,2]: x]",
    "{for k, v in {a=1}: k => v}",
    "resource \"x\" \"y\" {",
    "variable \"v\" {",
    "é",
    "\t",
    "\r",
    "\\u12",
    "\\U0001F600",
    "&",
    "`",
    "'",
    ";",
    "**",
    "core::",
    "provider::p::",
    "type(",
    "templatestring(",
    "[*].a[*]",
    "%{ for x in [1] }",
    "e\u{301}",
];

fn hclish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, .. ProptestConfig::default() })]

    #[test]
    fn parse_and_evaluate_never_panic(src in hclish()) {
        let sources = SourceMap::default();
        let file = sources.add("fuzz.tf", src.clone());
        let (_, diags) = parse_file(&src, file, "fuzz.tf");
        render_all(&diags, &sources);
        let _ = parse_template(&src, file);
        let (expr, diags) = parse_expression(&src, file);
        render_all(&diags, &sources);
        if let Some(e) = expr {
            let scope = EmptyScope { base_dir: std::path::PathBuf::from(".") };
            let _ = Evaluator::new(&scope).eval(&e);
            let mut console = Evaluator::new(&scope).console().with_sources(sources.clone());
            if let Err(d) = console.eval(&e) {
                render_all(&d, &sources);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(src in "\\PC{0,200}") {
        let _ = parse_file(&src, 0, "fuzz.tf");
        let _ = parse_expression(&src, 0);
    }
}
