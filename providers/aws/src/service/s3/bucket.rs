//! aws_s3_bucket

use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::{Outcome, Resource};
use std::collections::BTreeMap;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Bucket;

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr(
                "bucket",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "bucket_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "force_destroy",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                "object_lock_enabled",
                Attribute::optional_computed(Type::Bool).force_new(),
            )
            .attr("arn", Attribute::computed(Type::String))
            .attr("bucket_domain_name", Attribute::computed(Type::String))
            .attr(
                "bucket_regional_domain_name",
                Attribute::computed(Type::String),
            )
            .attr("hosted_zone_id", Attribute::computed(Type::String))
            .attr("region", Attribute::computed(Type::String)),
    )
}

/// Route 53 hosted zone IDs of S3 website endpoints, by region.
pub fn hosted_zone_id(region: &str) -> &'static str {
    match region {
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        _ => "Z3AQBSTGFYJSTF",
    }
}

/// The bucket's computed attributes, as the provider derives them.
pub fn derived(c: &Ctx, s: State, name: &str) -> State {
    s.set("id", name)
        .set("bucket", name)
        .set("arn", format!("arn:{}:s3:::{name}", c.partition()))
        .set("bucket_domain_name", format!("{name}.s3.amazonaws.com"))
        .set(
            "bucket_regional_domain_name",
            format!("{name}.s3.{}.amazonaws.com", c.region),
        )
        .set("hosted_zone_id", hosted_zone_id(&c.region))
        .set("region", c.region.clone())
}

async fn put_tags(c: &Ctx, name: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    use aws_sdk_s3::types::{Tag, Tagging};
    if tags.is_empty() {
        c.s3()
            .delete_bucket_tagging()
            .bucket(name)
            .send()
            .await
            .map_err(|e| sdk("s3:DeleteBucketTagging", e))?;
        return Ok(());
    }
    let tag_set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| crate::error::Error::new("Invalid tag", e.to_string()))?;
    let tagging = Tagging::builder()
        .set_tag_set(Some(tag_set))
        .build()
        .map_err(|e| crate::error::Error::new("Invalid tags", e.to_string()))?;
    c.s3()
        .put_bucket_tagging()
        .bucket(name)
        .tagging(tagging)
        .send()
        .await
        .map_err(|e| sdk("s3:PutBucketTagging", e))?;
    Ok(())
}

pub async fn get_tags(c: &Ctx, name: &str) -> Result<BTreeMap<String, String>> {
    match c.s3().get_bucket_tagging().bucket(name).send().await {
        Ok(o) => Ok(o
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) => {
            let e = sdk("s3:GetBucketTagging", e);
            if e.code.as_deref() == Some("NoSuchTagSet")
                || e.is_not_found() && !e.detail.contains("NoSuchBucket")
            {
                Ok(BTreeMap::new())
            } else {
                Err(e)
            }
        }
    }
}

/// Empties a bucket (every version and delete marker), for force_destroy.
async fn empty(c: &Ctx, name: &str) -> Result<()> {
    use aws_sdk_s3::types::{Delete, ObjectIdentifier};
    loop {
        let out = c
            .s3()
            .list_object_versions()
            .bucket(name)
            .send()
            .await
            .map_err(|e| sdk("s3:ListObjectVersions", e))?;
        let mut ids = Vec::new();
        for v in out.versions() {
            ids.push(
                ObjectIdentifier::builder()
                    .key(v.key().unwrap_or_default())
                    .set_version_id(v.version_id().map(String::from))
                    .build(),
            );
        }
        for m in out.delete_markers() {
            ids.push(
                ObjectIdentifier::builder()
                    .key(m.key().unwrap_or_default())
                    .set_version_id(m.version_id().map(String::from))
                    .build(),
            );
        }
        let ids: Vec<ObjectIdentifier> = ids.into_iter().filter_map(|r| r.ok()).collect();
        if ids.is_empty() {
            // Unversioned listings can miss objects in some implementations.
            let objs = c
                .s3()
                .list_objects_v2()
                .bucket(name)
                .send()
                .await
                .map_err(|e| sdk("s3:ListObjectsV2", e))?;
            if objs.contents().is_empty() {
                return Ok(());
            }
            for o in objs.contents() {
                c.s3()
                    .delete_object()
                    .bucket(name)
                    .key(o.key().unwrap_or_default())
                    .send()
                    .await
                    .map_err(|e| sdk("s3:DeleteObject", e))?;
            }
            continue;
        }
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| crate::error::Error::new("Invalid delete request", e.to_string()))?;
        c.s3()
            .delete_objects()
            .bucket(name)
            .delete(delete)
            .send()
            .await
            .map_err(|e| sdk("s3:DeleteObjects", e))?;
    }
}

impl Resource for Bucket {
    fn name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = match p.str("bucket") {
            Some(b) => b.to_string(),
            None => format!(
                "{}{}",
                p.str("bucket_prefix").unwrap_or("terraform-"),
                chrono_like_suffix()
            ),
        };
        let tags = c.tags_all(&p.map_str("tags"));
        let result = c.run(async {
            let mut req = c.s3().create_bucket().bucket(&name);
            if c.region != "us-east-1" {
                req = req.create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                            c.region.as_str(),
                        ))
                        .build(),
                );
            }
            if p.flag("object_lock_enabled") {
                req = req.object_lock_enabled_for_bucket(true);
            }
            req.send().await.map_err(|e| sdk("s3:CreateBucket", e))?;
            Ok::<(), crate::error::Error>(())
        });
        if let Err(e) = result {
            return Outcome::Failed(e);
        }
        let state = derived(c, State::from(&block(), plan), &name).set("tags_all", tags.clone());
        if !tags.is_empty() {
            if let Err(e) = c.run(put_tags(c, &name, &tags)) {
                return Outcome::Partial(state.build(), e);
            }
        }
        let object_lock = p.bool("object_lock_enabled").unwrap_or(false);
        Outcome::Done(
            state
                .set("object_lock_enabled", object_lock)
                .set("bucket_prefix", p.string("bucket_prefix"))
                .build(),
        )
    }

    /// The ID is the bucket name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("bucket") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let name = s
            .str("bucket")
            .or(s.str("id"))
            .unwrap_or_default()
            .to_string();
        c.run(async {
            let head = found(
                c.s3()
                    .head_bucket()
                    .bucket(&name)
                    .send()
                    .await
                    .map_err(|e| sdk("s3:HeadBucket", e)),
            )?;
            if head.is_none() {
                return Ok(None);
            }
            let tags = c.visible_tags(get_tags(c, &name).await?);
            let configured = s.map_str("tags");
            // `tags` keeps only what is configured beyond default_tags.
            let own: BTreeMap<String, String> = tags
                .iter()
                .filter(|(k, v)| configured.get(*k) == Some(v) || c.default_tags.get(*k) != Some(v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut st =
                derived(c, State::from(&block(), state), &name).set("tags_all", tags.clone());
            st = st.set(
                "tags",
                if own.is_empty() && s.get("tags").is_none() {
                    None
                } else {
                    Some(crate::obj::string_map(own))
                },
            );
            if st.get("force_destroy").is_none_or(Value::is_null) {
                st = st.set("force_destroy", false);
            }
            if st.get("object_lock_enabled").is_none_or(Value::is_null) {
                st = st.set("object_lock_enabled", false);
            }
            Ok(Some(st.build()))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = Obj(prior).id().to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        if tags != Obj(prior).map_str("tags_all") {
            if let Err(e) = c.run(put_tags(c, &name, &tags)) {
                return Outcome::Failed(e);
            }
        }
        Outcome::Done(
            derived(c, State::from(&block(), plan), &name)
                .set("tags_all", tags)
                .build(),
        )
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let name = s.id().to_string();
        c.run(async {
            if s.flag("force_destroy") {
                empty(c, &name).await?;
            }
            c.s3()
                .delete_bucket()
                .bucket(&name)
                .send()
                .await
                .map_err(|e| sdk("s3:DeleteBucket", e))?;
            Ok(())
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        crate::service::plan_tags_all(prior, planned)
    }
}

/// A unique suffix for generated names, as the provider makes them
/// (a timestamp and a counter).
pub fn chrono_like_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}{:08}",
        now.as_secs(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}
