//! Provider requirements by module (Terraform's
//! `Config.ProviderRequirementsByModule`): the providers each module asks
//! for in `required_providers`, names in `provider` blocks, or implies by
//! its resources' types, with their version constraints in Terraform's
//! canonical form (`providerreqs.VersionConstraintsString`).

use super::Module;
use crate::diag::{Diagnostic, Diagnostics};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One module's requirements and its children's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleRequirements {
    /// Provider source address (`registry.terraform.io/hashicorp/aws`) to
    /// its version constraints, canonical (empty when unconstrained).
    pub requirements: BTreeMap<String, String>,
    /// Child modules by call name.
    pub children: BTreeMap<String, ModuleRequirements>,
}

/// The provider source address a module's local provider name stands for:
/// from `required_providers`, else `hashicorp/NAME` (`terraform` is the
/// built-in provider).
pub fn provider_fqn(m: &Module, local: &str) -> String {
    match m.required_providers.get(local) {
        Some(rp) => source_fqn(&rp.source, local),
        None if local == "terraform" => "terraform.io/builtin/terraform".into(),
        None => format!("registry.terraform.io/hashicorp/{local}"),
    }
}

/// A source address in full (`hashicorp/aws` is on the public registry).
pub fn source_fqn(source: &str, local: &str) -> String {
    let source = source.to_lowercase();
    match source.split('/').count() {
        1 if source == "terraform" => "terraform.io/builtin/terraform".into(),
        1 => format!("registry.terraform.io/hashicorp/{source}"),
        2 => format!("registry.terraform.io/{source}"),
        3 => source,
        _ => format!("registry.terraform.io/hashicorp/{local}"),
    }
}

/// The requirements of `root` and every child module loaded with it.
pub fn requirements_by_module(root: &Module) -> (ModuleRequirements, Diagnostics) {
    let mut diags = Diagnostics::new();
    let reqs = module_requirements(root, &mut diags);
    (reqs, diags)
}

fn module_requirements(m: &Module, diags: &mut Diagnostics) -> ModuleRequirements {
    let mut raw: BTreeMap<String, Vec<Selection>> = BTreeMap::new();
    let mut add = |fqn: String, constraint: Option<&str>, span, diags: &mut Diagnostics| {
        let entry = raw.entry(fqn).or_default();
        if let Some(c) = constraint {
            match parse_constraints(c) {
                Ok(sels) => entry.extend(sels),
                Err(e) => {
                    let mut d = Diagnostic::error(
                        "Invalid version constraint",
                        format!("Incorrect version constraint syntax: {e}."),
                    );
                    d.subject = span;
                    diags.push(d);
                }
            }
        }
    };
    for rp in m.required_providers.values() {
        add(
            source_fqn(&rp.source, &rp.name),
            rp.version.as_deref(),
            Some(rp.span),
            diags,
        );
    }
    for r in m.resources.values() {
        let local = match r.provider.as_ref().and_then(|p| p.as_traversal()) {
            Some(t) => t.root,
            None => match r.type_name.find('_') {
                Some(i) => r.type_name[..i].to_string(),
                None => r.type_name.clone(),
            },
        };
        add(provider_fqn(m, &local), None, None, diags);
    }
    for p in &m.providers {
        let version = p
            .body
            .attribute("version")
            .and_then(|a| super::literal_string(&a.expr));
        let span = p.body.attribute("version").map(|a| a.expr.span);
        add(provider_fqn(m, &p.name), version.as_deref(), span, diags);
    }
    ModuleRequirements {
        requirements: raw
            .into_iter()
            .map(|(fqn, sels)| (fqn, constraints_string(sels)))
            .collect(),
        children: m
            .children
            .iter()
            .map(|(name, child)| (name.clone(), module_requirements(child, diags)))
            .collect(),
    }
}

// ---------------------------------------------------------------- versions

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    // Declared in Terraform's display priority for equal boundaries.
    GreaterThan,
    GreaterThanOrEqual,
    Equal,
    PessimisticPatch,
    PessimisticMinor,
    LessThanOrEqual,
    LessThan,
    NotEqual,
}

/// One term of a constraint, its unwritten version parts as zero.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Selection {
    op: Op,
    version: [u64; 3],
    prerelease: String,
    metadata: String,
}

/// Ruby-style constraints (`>= 1.2, < 2`, `~> 5.0`, `1.0.0`), as
/// go-versions' `ParseRubyStyleMulti` reads them.
fn parse_constraints(s: &str) -> Result<Vec<Selection>, String> {
    let mut out = Vec::new();
    for term in s.split(',') {
        let t = term.trim();
        if t.is_empty() {
            return Err("empty version constraint".into());
        }
        let (op, rest) = [
            (">=", Op::GreaterThanOrEqual),
            ("<=", Op::LessThanOrEqual),
            ("!=", Op::NotEqual),
            ("~>", Op::PessimisticMinor),
            (">", Op::GreaterThan),
            ("<", Op::LessThan),
            ("=", Op::Equal),
        ]
        .iter()
        .find_map(|(sym, op)| t.strip_prefix(sym).map(|r| (*op, r.trim_start())))
        .unwrap_or((Op::Equal, t));
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        let (rest, metadata) = match rest.split_once('+') {
            Some((a, b)) => (a, b.to_string()),
            None => (rest, String::new()),
        };
        let (nums, prerelease) = match rest.split_once('-') {
            Some((a, b)) => (a, b.to_string()),
            None => (rest, String::new()),
        };
        let parts: Vec<&str> = nums.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("invalid version {t:?}"));
        }
        let mut version = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            version[i] = p
                .parse()
                .map_err(|_| format!("invalid specification {t:?}"))?;
        }
        let op = match op {
            Op::PessimisticMinor if parts.len() == 3 => Op::PessimisticPatch,
            other => other,
        };
        out.push(Selection {
            op,
            version,
            prerelease,
            metadata,
        });
    }
    Ok(out)
}

fn prerelease_cmp(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (mut x, mut y) = (a.split('.'), b.split('.'));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => p.cmp(q),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn selection_cmp(a: &Selection, b: &Selection) -> Ordering {
    a.version
        .cmp(&b.version)
        .then_with(|| prerelease_cmp(&a.prerelease, &b.prerelease))
        .then_with(|| a.metadata.cmp(&b.metadata))
        .then_with(|| a.op.cmp(&b.op))
}

/// Terraform's canonical text of a set of constraints: duplicates
/// removed, sorted by version then operator, every version written in
/// full except a minor-only `~>`.
fn constraints_string(mut sels: Vec<Selection>) -> String {
    sels.sort_by(selection_cmp);
    sels.dedup();
    let terms: Vec<String> = sels
        .iter()
        .map(|s| {
            let op = match s.op {
                Op::GreaterThan => "> ",
                Op::LessThan => "< ",
                Op::GreaterThanOrEqual => ">= ",
                Op::PessimisticPatch | Op::PessimisticMinor => "~> ",
                Op::LessThanOrEqual => "<= ",
                Op::Equal => "",
                Op::NotEqual => "!= ",
            };
            let [major, minor, patch] = s.version;
            let mut v = if s.op == Op::PessimisticMinor {
                format!("{op}{major}.{minor}")
            } else {
                format!("{op}{major}.{minor}.{patch}")
            };
            if !s.prerelease.is_empty() {
                v.push('-');
                v.push_str(&s.prerelease);
            }
            if !s.metadata.is_empty() {
                v.push('+');
                v.push_str(&s.metadata);
            }
            v
        })
        .collect();
    terms.join(", ")
}

/// The canonical form of one constraint string, or why it does not parse.
pub fn canonical_constraints(s: &str) -> Result<String, String> {
    parse_constraints(s).map(constraints_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_in_canonical_form() {
        let c = |s: &str| canonical_constraints(s).unwrap();
        assert_eq!(c("~> 5.0"), "~> 5.0");
        assert_eq!(c("~> 5"), "~> 5.0");
        assert_eq!(c("~>5.0.1"), "~> 5.0.1");
        assert_eq!(c(">= 4.0, < 6.0"), ">= 4.0.0, < 6.0.0");
        assert_eq!(c("< 6, >= 4.0.0, >= 4"), ">= 4.0.0, < 6.0.0");
        assert_eq!(c("1.2"), "1.2.0");
        assert_eq!(c("= 1.2.3-beta1"), "1.2.3-beta1");
        assert_eq!(
            c("!= 1.0.0, > 1.0.0, >= 1.0.0"),
            "> 1.0.0, >= 1.0.0, != 1.0.0"
        );
        assert!(canonical_constraints(">= x").is_err());
        assert!(canonical_constraints("").is_err());
    }
}
