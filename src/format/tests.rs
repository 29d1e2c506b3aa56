//! Unit tests of the formatter; expectations are `terraform fmt`'s output.
//! The differential test against `terraform fmt` itself is
//! `tests/fmt_differential.rs`.

use super::format_source as fmt;

#[track_caller]
fn check(input: &str, want: &str) {
    assert_eq!(fmt(input), want, "input: {input:?}");
    assert_eq!(fmt(want), want, "not idempotent: {want:?}");
}

#[test]
fn spaces_around_equals_and_operators() {
    check("a=1\n", "a = 1\n");
    check("a = 1+2*3\n", "a = 1 + 2 * 3\n");
    check("a = x==y&&!z\n", "a = x == y && !z\n");
    check("a = b?c:d\n", "a = b ? c : d\n");
    check("a = x>=1||y<=2\n", "a = x >= 1 || y <= 2\n");
}

#[test]
fn no_spaces_inside_brackets_and_around_dots() {
    check("a = f( 1 , 2 )\n", "a = f(1, 2)\n");
    check("a = [ 1,2 ]\n", "a = [1, 2]\n");
    check("a = x . y [ 0 ]\n", "a = x.y[0]\n");
    check("a = x[*].id\n", "a = x[*].id\n");
    check("a = x.*.id\n", "a = x.*.id\n");
    check("a = f(xs...)\n", "a = f(xs...)\n");
    check(
        "a = provider::aws::arn_parse(x)\n",
        "a = provider::aws::arn_parse(x)\n",
    );
}

#[test]
fn braces_have_inner_spaces_except_when_empty() {
    check("a = {b=1}\n", "a = { b = 1 }\n");
    check("a = {   }\n", "a = {}\n");
    check("b {   }\n", "b {}\n");
    check("b { c = 1 }\n", "b { c = 1 }\n");
}

#[test]
fn unary_minus_is_told_from_subtraction() {
    check("a = - 1\n", "a = -1\n");
    check("a = 1 -1\n", "a = 1 - 1\n");
    // `x-1` is one identifier.
    check("a = x-1\n", "a = x-1\n");
    check("a = 5 - -3\n", "a = 5 - -3\n");
    check("a = [- 1, - 2]\n", "a = [-1, -2]\n");
    check("a = b ? - 1 : - 2\n", "a = b ? -1 : -2\n");
}

#[test]
fn for_expressions() {
    check("a = [for x in [1,2]: x]\n", "a = [for x in [1, 2] : x]\n");
    check(
        "a = {for k,v in m: k=>v...}\n",
        "a = { for k, v in m : k => v... }\n",
    );
}

#[test]
fn templates_lose_inner_spaces() {
    check("a = \"x${ y }z\"\n", "a = \"x${y}z\"\n");
    check(
        "a = \"%{ if c }y%{ endif }\"\n",
        "a = \"%{if c}y%{endif}\"\n",
    );
    check("a = \"${ {b=1} }\"\n", "a = { b = 1 }\n");
}

#[test]
fn indentation_follows_brackets() {
    check(
        "a {\nb = {\nc = [\n1,\n]\n}\n}\n",
        "a {\n  b = {\n    c = [\n      1,\n    ]\n  }\n}\n",
    );
    check(
        "a = [{\nx = 1\n}, {\ny = 2\n}]\n",
        "a = [{\n  x = 1\n  }, {\n  y = 2\n}]\n",
    );
}

#[test]
fn equals_are_aligned_in_runs_of_attributes() {
    check(
        "r {\n  a = 1\n  bbb = 2\n\n  cc = 3\n  d = 4\n}\n",
        "r {\n  a   = 1\n  bbb = 2\n\n  cc = 3\n  d  = 4\n}\n",
    );
    // A nested block or a multi-line value ends the run.
    check(
        "a = 1\nbb = {\nc = 1\n}\nddd = 2\ne = 3\n",
        "a = 1\nbb = {\n  c = 1\n}\nddd = 2\ne   = 3\n",
    );
}

#[test]
fn trailing_comments_are_aligned() {
    check("a = 1 # x\nbbb = 22 # y\n", "a   = 1  # x\nbbb = 22 # y\n");
    check(
        "b { # open\n  c = 1 # c\n}\n",
        "b {     # open\n  c = 1 # c\n}\n",
    );
    // A comment on its own line is not aligned, and breaks the run.
    check(
        "a = 1 # x\n    # alone\nbbb = 22 # y\n",
        "a = 1 # x\n# alone\nbbb = 22 # y\n",
    );
}

#[test]
fn alignment_counts_grapheme_clusters() {
    check(
        "m = {\n\"é\" = 1\n\"ab\" = 2\n}\n",
        "m = {\n  \"é\"  = 1\n  \"ab\" = 2\n}\n",
    );
}

#[test]
fn heredocs_are_left_alone() {
    check(
        "a {\nb = <<EOT\n  x  ${ y }\n EOT\nc = 1\n}\n",
        "a {\n  b = <<EOT\n  x  ${y}\n EOT\n  c = 1\n}\n",
    );
    check(
        "a = <<-EOT\n    x\n    EOT\n",
        "a = <<-EOT\n    x\n    EOT\n",
    );
}

#[test]
fn whitespace_at_line_ends_and_blank_lines() {
    check("a = 1   \n\n\n\nb = 2\t\n", "a = 1\n\n\n\nb = 2\n");
    check("\ta\t=\t1\n", "a = 1\n");
    // Spaces before the end of the file are kept, as hclwrite keeps them.
    assert_eq!(fmt("a = 1  "), "a = 1  ");
    assert_eq!(fmt("a = 1\n  "), "a = 1\n  ");
}

#[test]
fn crlf_line_endings_are_kept() {
    check("a=1\r\nbb = 2\r\n", "a  = 1\r\nbb = 2\r\n");
}

#[test]
fn byte_order_mark_is_dropped() {
    assert_eq!(fmt("\u{feff}a=1\n"), "a = 1\n");
}

#[test]
fn interpolation_only_strings_are_unwrapped() {
    check("a = \"${var.x}\"\n", "a = var.x\n");
    check("a = \"${f(\"${b}\")}\"\n", "a = f(\"${b}\")\n");
    check("a = \"${b}c\"\n", "a = \"${b}c\"\n");
    check("a = \"${b}${c}\"\n", "a = \"${b}${c}\"\n");
    // Newlines just inside the braces are trimmed; any left mean parentheses.
    check("a = \"${\nb ? 1 : 2\n}\"\n", "a = b ? 1 : 2\n");
    check("a = \"${\nb\n? 1\n: 2\n}\"\n", "a = (b\n  ? 1\n: 2)\n");
    // Only attribute values, not object attributes.
    check("a = { b = \"${c}\" }\n", "a = { b = \"${c}\" }\n");
}

#[test]
fn legacy_variable_types_are_modernised() {
    check(
        "variable \"a\" {\n  type = \"string\"\n}\n",
        "variable \"a\" {\n  type = string\n}\n",
    );
    check(
        "variable \"a\" {\n  type = \"list\"\n}\n",
        "variable \"a\" {\n  type = list(string)\n}\n",
    );
    check(
        "variable \"a\" {\n  type = \"map\"\n}\n",
        "variable \"a\" {\n  type = map(string)\n}\n",
    );
    check(
        "variable \"a\" {\n  type = set\n}\n",
        "variable \"a\" {\n  type = set(any)\n}\n",
    );
    // Only in a top-level variable block.
    check(
        "locals {\n  type = \"string\"\n}\n",
        "locals {\n  type = \"string\"\n}\n",
    );
    check("type = list\n", "type = list\n");
}

#[test]
fn block_labels_are_quoted() {
    check("resource a b {}\n", "resource \"a\" \"b\" {}\n");
    check(
        "resource /* x */ \"a\" /* y */ \"b\" /* z */ {}\n",
        "resource \"a\" \"b\" /* z */ {}\n",
    );
    check("r \"x\\u00e9\\t\" {}\n", "r \"xé\\t\" {}\n");
    // hclwrite cannot read back a label with a `$` in it, and drops it.
    check("r \"a$b\" \"c\" {}\n", "r \"c\" {}\n");
}
