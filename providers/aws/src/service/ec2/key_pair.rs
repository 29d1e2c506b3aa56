//! aws_key_pair: an imported public key; the ID is the key's name.

use super::{tag_map, tag_specs, update_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::{computed_id, with_tags};
use crate::service::{generated_name, name_prefix_from_name, plan_tags_all, tags_state};
use crate::{Outcome, Resource};
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::{KeyPairInfo, ResourceType};
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct KeyPair;

fn block() -> Block {
    with_tags(computed_id(Block::new()))
        .attr("arn", Attribute::computed(Type::String))
        .attr("fingerprint", Attribute::computed(Type::String))
        .attr(
            "key_name",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "key_name_prefix",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr("key_pair_id", Attribute::computed(Type::String))
        .attr("key_type", Attribute::computed(Type::String))
        .attr("public_key", Attribute::required(Type::String).force_new())
}

async fn find_key(c: &Ctx, name: &str) -> Result<Option<KeyPairInfo>> {
    let out = found(
        c.ec2()
            .describe_key_pairs()
            .key_names(name)
            .include_public_key(true)
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeKeyPairs", e)),
    )?;
    Ok(out.and_then(|o| {
        o.key_pairs()
            .iter()
            .find(|k| k.key_name() == Some(name))
            .cloned()
    }))
}

fn state_of(c: &Ctx, account: &str, base: &Value, k: &KeyPairInfo) -> Value {
    let name = k.key_name().unwrap_or_default().to_string();
    let (tags, tags_all) = tags_state(c, base, tag_map(k.tags()));
    let mut s = State::from(&block(), base)
        .set("id", name.clone())
        .set(
            "arn",
            format!(
                "arn:{}:ec2:{}:{account}:key-pair/{name}",
                c.partition(),
                c.region
            ),
        )
        .set("fingerprint", k.key_fingerprint().map(String::from))
        .set("key_name", name.clone())
        .set("key_name_prefix", name_prefix_from_name(&name))
        .set("key_pair_id", k.key_pair_id().map(String::from))
        .set("key_type", k.key_type().map(|t| t.as_str().to_string()))
        .set("tags", tags)
        .set("tags_all", tags_all);
    if let Some(pk) = k.public_key() {
        s = s.set("public_key", pk.trim());
    }
    s.build()
}

async fn read_back(c: &Ctx, account: &str, base: &Value, name: &str) -> Result<Value> {
    let k = find_key(c, name).await?.ok_or_else(|| {
        Error::new(
            format!("reading EC2 Key Pair ({name})"),
            "couldn't find resource",
        )
    })?;
    Ok(state_of(c, account, base, &k))
}

impl Resource for KeyPair {
    fn name(&self) -> &'static str {
        "aws_key_pair"
    }

    fn schema(&self) -> Schema {
        Schema {
            version: 1,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        if o.get("key_name").is_some() && o.get("key_name_prefix").is_some() {
            return vec![Diag::error(
                "\"key_name\": conflicts with key_name_prefix",
                "",
            )];
        }
        Vec::new()
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = generated_name(p.str("key_name"), p.str("key_name_prefix"));
        let tags = c.tags_all(&p.map_str("tags"));
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        // Once the key pair exists, a failure to read it keeps it (tainted).
        let mut created: Option<Value> = None;
        let r = c.run(async {
            c.ec2()
                .import_key_pair()
                .key_name(&name)
                .public_key_material(Blob::new(p.req("public_key").as_bytes()))
                .set_tag_specifications(tag_specs(ResourceType::KeyPair, &tags))
                .send()
                .await
                .map_err(|e| {
                    sdk("ec2:ImportKeyPair", e).context(format!("importing EC2 Key Pair ({name})"))
                })?;
            created = Some(
                State::from(&block(), plan)
                    .set("id", name.clone())
                    .set("key_name", name.clone())
                    .build(),
            );
            read_back(c, &account, plan, &name).await
        });
        match (r, created) {
            (Ok(v), _) => Outcome::Done(v),
            (Err(e), Some(partial)) => Outcome::Partial(partial, e),
            (Err(e), None) => Outcome::Failed(e),
        }
    }

    /// The ID is the key name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("key_name") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        let account = c.account_id()?;
        c.run(async {
            match find_key(c, &name).await {
                Ok(Some(k)) => Ok(Some(state_of(c, &account, state, &k))),
                Ok(None) => Ok(None),
                Err(e) => Err(e.context(format!("reading EC2 Key Pair ({name})"))),
            }
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let o = Obj(prior);
        let name = o.id().to_string();
        let key_pair_id = o.req("key_pair_id").to_string();
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let r: Result<Value> = c.run(async {
            let old = o.map_str("tags_all");
            let new = c.tags_all(&Obj(plan).map_str("tags"));
            if old != new {
                update_tags(c, &key_pair_id, &old, &new)
                    .await
                    .map_err(|e| e.context(format!("updating EC2 Key Pair ({name}) tags")))?;
            }
            read_back(c, &account, plan, &name).await
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(prior.clone(), e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let name = Obj(state).id().to_string();
        c.run(async {
            c.ec2()
                .delete_key_pair()
                .key_name(&name)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| {
                    sdk("ec2:DeleteKeyPair", e).context(format!("deleting EC2 Key Pair ({name})"))
                })
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let Value::Object(mut m) = planned else {
            return planned;
        };
        // The provider stores the key without surrounding whitespace
        // (a key read from a file ends with a newline).
        if let Some(pk) = m.get("public_key").and_then(Value::as_str) {
            let trimmed = pk.trim().to_string();
            m.insert("public_key".into(), Value::string(trimmed));
        }
        plan_tags_all(prior, Value::Object(m))
    }
}
