//! aws_s3_bucket_ownership_controls: who owns the objects written to the
//! bucket (`BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`).
//! The ID is the bucket name.

use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::ec2::compute_shared::{blocks, elem};
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls, OwnershipControlsRule};
use std::time::Duration;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

pub struct BucketOwnershipControls;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("bucket", Attribute::required(Type::String).force_new())
        .block_with(
            "rule",
            NestedBlock {
                nesting: Nesting::List,
                block: Block::new().attr("object_ownership", Attribute::required(Type::String)),
                min_items: 1,
                max_items: 1,
                force_new: false,
            },
        )
}

async fn put(c: &Ctx, bucket: &str, p: &Obj<'_>) -> Result<()> {
    let ownership = p
        .block("rule")
        .and_then(|r| r.string("object_ownership"))
        .unwrap_or_default();
    let rule = OwnershipControlsRule::builder()
        .object_ownership(ObjectOwnership::from(ownership.as_str()))
        .build()
        .map_err(|e| Error::new("Invalid rule", e.to_string()))?;
    let controls = OwnershipControls::builder()
        .rules(rule)
        .build()
        .map_err(|e| Error::new("Invalid rule", e.to_string()))?;
    c.s3()
        .put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(controls)
        .send()
        .await
        .map_err(|e| sdk("s3:PutBucketOwnershipControls", e))?;
    Ok(())
}

/// The object ownership of the bucket's first rule.
async fn find(c: &Ctx, bucket: &str) -> Result<String> {
    let out = c
        .s3()
        .get_bucket_ownership_controls()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| sdk("s3:GetBucketOwnershipControls", e))?;
    Ok(out
        .ownership_controls()
        .and_then(|o| o.rules().first())
        .map(|r| r.object_ownership().as_str().to_string())
        .unwrap_or_default())
}

fn flatten(base: &Value, bucket: &str, ownership: &str) -> Value {
    let schema = block();
    let rule = elem(
        &schema,
        "rule",
        vec![("object_ownership", ownership.into())],
    );
    State::from(&schema, base)
        .set("id", bucket)
        .set("bucket", bucket)
        .set("rule", blocks(&schema, "rule", vec![rule]))
        .build()
}

/// Reads until S3 reports the ownership just written.
async fn read_back(c: &Ctx, base: &Value, bucket: &str) -> Result<Value> {
    let want = Obj(base)
        .block("rule")
        .and_then(|r| r.string("object_ownership"))
        .unwrap_or_default();
    until(
        &format!("S3 Bucket ({bucket}) Ownership Controls"),
        Duration::from_secs(60),
        || async {
            Ok(match found(find(c, bucket).await)? {
                Some(o) if o == want => Poll::Ready(flatten(base, bucket, &o)),
                Some(o) => Poll::Pending(o),
                None => Poll::Pending("not yet readable".into()),
            })
        },
    )
    .await
}

impl Resource for BucketOwnershipControls {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_ownership_controls"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let bucket = p.req("bucket").to_string();
        if let Err(e) = c.run(put(c, &bucket, &p)) {
            return Outcome::Failed(
                e.context(format!("creating S3 Bucket ({bucket}) Ownership Controls")),
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
        Ok(found(c.run(find(c, &bucket)))?.map(|o| flatten(state, &bucket, &o)))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let bucket = Obj(prior).id().to_string();
        c.run(async {
            put(c, &bucket, &Obj(plan)).await?;
            read_back(c, plan, &bucket).await
        })
        .into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let bucket = Obj(state).id().to_string();
        c.run(
            c.s3()
                .delete_bucket_ownership_controls()
                .bucket(&bucket)
                .send(),
        )
        .map_err(|e| sdk("s3:DeleteBucketOwnershipControls", e))?;
        Ok(())
    }

    /// The ID is the bucket name.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        State::new(&block()).set("id", id).set("bucket", id).build()
    }
}
