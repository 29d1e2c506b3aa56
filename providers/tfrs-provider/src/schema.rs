//! Schemas of resources, data sources and provider configurations, in the
//! shape of Terraform's provider protocol (configschema).

use crate::types::Type;
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet};

/// How a nested block repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one; its value is an object (or null).
    Single,
    /// Exactly one, never null (absent means all attributes null).
    Group,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects keyed by the block's one label.
    Map,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Changing it replaces the object (SDKv2's `ForceNew`).
    pub force_new: bool,
    /// The value used when the configuration leaves it out.
    pub default: Option<Value>,
    /// Set when the attribute is deprecated: what to use instead.
    pub deprecated: Option<String>,
    pub description: String,
}

impl Attribute {
    fn new(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            force_new: false,
            default: None,
            deprecated: None,
            description: String::new(),
        }
    }
    pub fn required(ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::new(ty)
        }
    }
    pub fn optional(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::new(ty)
        }
    }
    pub fn computed(ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::new(ty)
        }
    }
    /// Optional in configuration; the provider fills it when left out.
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::new(ty)
        }
    }
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }
    pub fn default(mut self, v: Value) -> Attribute {
        self.default = Some(v);
        self
    }
    pub fn deprecated(mut self, msg: impl Into<String>) -> Attribute {
        self.deprecated = Some(msg.into());
        self
    }
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: usize,
    pub max_items: usize,
    /// Changing the block replaces the object.
    pub force_new: bool,
}

/// The body of a resource, data source, provider or nested block.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub attributes: BTreeMap<String, Attribute>,
    pub blocks: BTreeMap<String, NestedBlock>,
    pub deprecated: Option<String>,
}

impl Block {
    pub fn new() -> Block {
        Block::default()
    }
    pub fn attr(mut self, name: &str, a: Attribute) -> Block {
        self.attributes.insert(name.to_string(), a);
        self
    }
    pub fn block(mut self, name: &str, nesting: Nesting, block: Block) -> Block {
        self.blocks.insert(
            name.to_string(),
            NestedBlock {
                nesting,
                block,
                min_items: 0,
                max_items: 0,
                force_new: false,
            },
        );
        self
    }
    pub fn block_with(mut self, name: &str, nb: NestedBlock) -> Block {
        self.blocks.insert(name.to_string(), nb);
        self
    }

    /// The object type of values that conform to this schema.
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), a.ty.clone()))
            .collect();
        for (k, b) in &self.blocks {
            let inner = b.block.value_type();
            let t = match b.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
                Nesting::Map => Type::map(inner),
            };
            attrs.insert(k.clone(), t);
        }
        Type::Object(attrs, BTreeSet::new())
    }

    /// Attribute names whose values are sensitive, for state files.
    pub fn sensitive_paths(&self) -> Vec<String> {
        self.attributes
            .iter()
            .filter(|(_, a)| a.sensitive)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// A resource or data source schema, with its version for state upgrades.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub version: u64,
    pub block: Block,
}

impl Schema {
    pub fn new(block: Block) -> Schema {
        Schema { version: 0, block }
    }
}
