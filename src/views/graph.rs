//! `terraform graph`'s default output: the resource graph in the DOT
//! language, as `GraphCommand.resourceOnlyGraph` writes it (one cluster
//! per module, nodes labelled with their address in their module).

use crate::config::graph::ResourceGraph;
use crate::lang::repl::go_quote;
use std::fmt::Write;

/// The DOT text, ending with a newline.
pub fn resource_dot(g: &ResourceGraph) -> String {
    let mut out = String::new();
    out.push_str("digraph G {\n");
    out.push_str("  rankdir = \"RL\";\n");
    out.push_str("  node [shape = rect, fontname = \"sans-serif\"];\n");
    if g.nodes.is_empty() {
        out.push_str("  /* This configuration does not contain any resources.         */\n");
        out.push_str("  /* For a more detailed graph, try: terraform graph -type=plan */\n");
    }
    // Nodes come sorted by module: a cluster opens at each new module.
    let mut current = String::new();
    for n in &g.nodes {
        let module = n.module_string();
        if module != current {
            if !current.is_empty() {
                out.push_str("  }\n");
            }
            current = module;
            let _ = writeln!(out, "  subgraph \"cluster_{current}\" {{");
            let _ = writeln!(out, "    label = {}", go_quote(&current));
            let _ = writeln!(out, "    fontname = \"sans-serif\"");
        }
        let indent = if current.is_empty() { "  " } else { "    " };
        let _ = writeln!(
            out,
            "{indent}{} [label={}];",
            go_quote(&n.to_string()),
            go_quote(&n.resource.to_string())
        );
    }
    if !current.is_empty() {
        out.push_str("  }\n");
    }
    for (from, to) in g.ordered_edges() {
        let _ = writeln!(
            out,
            "  {} -> {};",
            go_quote(&from.to_string()),
            go_quote(&to.to_string())
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{Mode, Resource};
    use crate::config::graph::ConfigResource;

    fn res(module: &[&str], mode: Mode, ty: &str, name: &str) -> ConfigResource {
        ConfigResource {
            module: module.iter().map(|s| s.to_string()).collect(),
            resource: Resource {
                mode,
                type_name: ty.into(),
                name: name.into(),
            },
        }
    }

    #[test]
    fn writes_clusters_and_edges() {
        let g = ResourceGraph {
            nodes: vec![
                res(&[], Mode::Data, "d", "x"),
                res(&[], Mode::Managed, "a", "b"),
                res(&["m"], Mode::Managed, "a", "c"),
            ],
            edges: [(1, 0), (2, 1)].into_iter().collect(),
        };
        assert_eq!(
            resource_dot(&g),
            r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "data.d.x" [label="data.d.x"];
  "a.b" [label="a.b"];
  subgraph "cluster_module.m" {
    label = "module.m"
    fontname = "sans-serif"
    "module.m.a.c" [label="a.c"];
  }
  "a.b" -> "data.d.x";
  "module.m.a.c" -> "a.b";
}
"#
        );
        assert!(resource_dot(&ResourceGraph::default())
            .contains("/* This configuration does not contain any resources.         */"));
    }
}
