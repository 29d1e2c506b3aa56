//! Addresses of things in a configuration and a state:
//! `aws_s3_bucket.site`, `data.aws_vpc.default`, `module.app[0].aws_x.y["k"]`.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }
}

/// The key of one instance of a resource or module with `count` or
/// `for_each`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    None,
    Int(i64),
    Str(String),
}

impl InstanceKey {
    pub fn to_json(&self) -> Option<serde_json::Value> {
        match self {
            InstanceKey::None => None,
            InstanceKey::Int(i) => Some(serde_json::Value::from(*i)),
            InstanceKey::Str(s) => Some(serde_json::Value::from(s.clone())),
        }
    }
    pub fn from_json(v: Option<&serde_json::Value>) -> InstanceKey {
        match v {
            Some(serde_json::Value::Number(n)) => InstanceKey::Int(n.as_i64().unwrap_or(0)),
            Some(serde_json::Value::String(s)) => InstanceKey::Str(s.clone()),
            _ => InstanceKey::None,
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{s:?}]"),
        }
    }
}

/// A path of module instances from the root; empty for the root module.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstance(pub Vec<(String, InstanceKey)>);

impl ModuleInstance {
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    pub fn child(&self, name: &str, key: InstanceKey) -> ModuleInstance {
        let mut m = self.clone();
        m.0.push((name.to_string(), key));
        m
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, key)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}{key}")?;
        }
        Ok(())
    }
}

/// A resource in a module, without instance key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resource {
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Managed => write!(f, "{}.{}", self.type_name, self.name),
            Mode::Data => write!(f, "data.{}.{}", self.type_name, self.name),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsResource {
    pub module: ModuleInstance,
    pub resource: Resource,
}

impl AbsResource {
    pub fn instance(&self, key: InstanceKey) -> AbsInstance {
        AbsInstance {
            resource: self.clone(),
            key,
        }
    }
}

impl fmt::Display for AbsResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}", self.resource)
    }
}

/// One instance of a resource: `module.a.aws_x.y[0]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsInstance {
    pub resource: AbsResource,
    pub key: InstanceKey,
}

impl fmt::Display for AbsInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.resource, self.key)
    }
}

/// Why an address given on the command line is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What `-target`, `-replace`, `state mv` and `import` accept: a module, a
/// resource, or one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Module(ModuleInstance),
    Resource(AbsResource),
    Instance(AbsInstance),
}

impl Target {
    /// Whether `inst` is inside what this target names.
    pub fn contains(&self, inst: &AbsInstance) -> bool {
        match self {
            Target::Module(m) => inst.resource.module.0.starts_with(&m.0),
            Target::Resource(r) => inst.resource == *r,
            Target::Instance(i) => inst == i,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => write!(f, "{m}"),
            Target::Resource(r) => write!(f, "{r}"),
            Target::Instance(i) => write!(f, "{i}"),
        }
    }
}

/// Parses `module.a["x"].aws_instance.web[0]` and its shorter forms.
pub fn parse_target(s: &str) -> Result<Target, ParseError> {
    let bad = |why: &str| ParseError(format!("Invalid address {s:?}: {why}."));
    let mut rest = s.trim();
    let mut module = ModuleInstance::root();
    let mut parts: Vec<(String, InstanceKey)> = Vec::new();
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        if name.is_empty() {
            return Err(bad("empty name"));
        }
        rest = &rest[end..];
        let mut key = InstanceKey::None;
        if rest.starts_with('[') {
            let close = find_close(rest).ok_or_else(|| bad("unclosed bracket"))?;
            let inner = &rest[1..close];
            key = if let Some(q) = inner.strip_prefix('"').and_then(|i| i.strip_suffix('"')) {
                InstanceKey::Str(q.replace("\\\"", "\""))
            } else {
                InstanceKey::Int(
                    inner
                        .trim()
                        .parse()
                        .map_err(|_| bad("index must be a number or a quoted string"))?,
                )
            };
            rest = &rest[close + 1..];
        }
        parts.push((name.to_string(), key));
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
        } else if !rest.is_empty() {
            return Err(bad("unexpected characters"));
        }
    }
    let mut i = 0;
    while i < parts.len() && parts[i].0 == "module" {
        let (name, key) = parts
            .get(i + 1)
            .cloned()
            .ok_or_else(|| bad("module name required"))?;
        if parts[i].1 != InstanceKey::None {
            return Err(bad("module name required"));
        }
        module = module.child(&name, key);
        i += 2;
    }
    let rem = &parts[i..];
    let (mode, rem) = match rem.first() {
        Some((d, InstanceKey::None)) if d == "data" && rem.len() >= 3 => (Mode::Data, &rem[1..]),
        _ => (Mode::Managed, rem),
    };
    match rem {
        [] => Ok(Target::Module(module)),
        [(type_name, InstanceKey::None), (name, key)] => {
            let r = AbsResource {
                module,
                resource: Resource {
                    mode,
                    type_name: type_name.clone(),
                    name: name.clone(),
                },
            };
            Ok(match key {
                InstanceKey::None => Target::Resource(r),
                k => Target::Instance(r.instance(k.clone())),
            })
        }
        _ => Err(bad(
            "a resource address is TYPE.NAME, optionally with an index",
        )),
    }
}

fn find_close(s: &str) -> Option<usize> {
    let mut in_str = false;
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            ']' if !in_str => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_addresses() {
        for s in [
            "aws_instance.web",
            "aws_instance.web[0]",
            "data.aws_vpc.default",
            "module.app[\"a\"].aws_s3_bucket.b[\"x.y\"]",
            "module.app.module.inner",
        ] {
            assert_eq!(parse_target(s).unwrap().to_string(), s);
        }
        assert!(parse_target("aws_instance").is_err());
        assert!(parse_target("aws_instance.web[").is_err());
    }
}
