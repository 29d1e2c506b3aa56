//! aws_s3_bucket_public_access_block: the bucket's four public access
//! switches. The ID is the bucket name.

use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use std::time::Duration;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct BucketPublicAccessBlock;

const SWITCHES: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

fn block() -> Block {
    let mut b = Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("bucket", Attribute::required(Type::String).force_new());
    for k in SWITCHES {
        b = b.attr(
            k,
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        );
    }
    b
}

async fn put(c: &Ctx, bucket: &str, p: &Obj<'_>) -> Result<()> {
    let cfg = PublicAccessBlockConfiguration::builder()
        .block_public_acls(p.flag("block_public_acls"))
        .block_public_policy(p.flag("block_public_policy"))
        .ignore_public_acls(p.flag("ignore_public_acls"))
        .restrict_public_buckets(p.flag("restrict_public_buckets"))
        .build();
    c.s3()
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(cfg)
        .send()
        .await
        .map_err(|e| sdk("s3:PutPublicAccessBlock", e))?;
    Ok(())
}

async fn find(c: &Ctx, bucket: &str) -> Result<PublicAccessBlockConfiguration> {
    let out = c
        .s3()
        .get_public_access_block()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| sdk("s3:GetPublicAccessBlock", e))?;
    Ok(out
        .public_access_block_configuration()
        .cloned()
        .unwrap_or_else(|| PublicAccessBlockConfiguration::builder().build()))
}

fn flatten(base: &Value, bucket: &str, cfg: &PublicAccessBlockConfiguration) -> Value {
    State::from(&block(), base)
        .set("id", bucket)
        .set("bucket", bucket)
        .set(
            "block_public_acls",
            cfg.block_public_acls().unwrap_or(false),
        )
        .set(
            "block_public_policy",
            cfg.block_public_policy().unwrap_or(false),
        )
        .set(
            "ignore_public_acls",
            cfg.ignore_public_acls().unwrap_or(false),
        )
        .set(
            "restrict_public_buckets",
            cfg.restrict_public_buckets().unwrap_or(false),
        )
        .build()
}

/// Reads until S3 reports what was just written (the provider waits
/// for the same eventual consistency).
async fn read_back(c: &Ctx, base: &Value, bucket: &str) -> Result<Value> {
    let want = Obj(base);
    until(
        &format!("S3 Bucket ({bucket}) Public Access Block"),
        Duration::from_secs(60),
        || async {
            let Some(cfg) = found(find(c, bucket).await)? else {
                return Ok(Poll::Pending("not yet readable".into()));
            };
            let v = flatten(base, bucket, &cfg);
            let same = SWITCHES.iter().all(|k| Obj(&v).flag(k) == want.flag(k));
            Ok(if same {
                Poll::Ready(v)
            } else {
                Poll::Pending("not yet updated".into())
            })
        },
    )
    .await
}

impl Resource for BucketPublicAccessBlock {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let bucket = p.req("bucket").to_string();
        if let Err(e) = c.run(put(c, &bucket, &p)) {
            return Outcome::Failed(
                e.context(format!("creating S3 Bucket ({bucket}) Public Access Block")),
            );
        }
        let base = State::from(&block(), plan)
            .set("id", bucket.clone())
            .build();
        match c.run(read_back(c, &base, &bucket)) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let bucket = Obj(state).id().to_string();
        Ok(found(c.run(find(c, &bucket)))?.map(|cfg| flatten(state, &bucket, &cfg)))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let bucket = Obj(prior).id().to_string();
        let r = c.run(async {
            put(c, &bucket, &Obj(plan)).await?;
            read_back(c, plan, &bucket).await
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let bucket = Obj(state).id().to_string();
        c.run(c.s3().delete_public_access_block().bucket(&bucket).send())
            .map_err(|e| sdk("s3:DeletePublicAccessBlock", e))?;
        Ok(())
    }

    /// The ID is the bucket name.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        State::new(&block()).set("id", id).set("bucket", id).build()
    }
}
