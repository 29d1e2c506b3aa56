//! aws_s3_bucket_policy: the bucket's policy document, compared
//! structurally (a policy AWS returns re-ordered or re-formatted is no
//! change). The ID is the bucket name.

use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::iam::policy_json::{check_policy, normalize, plan_policy, policy_to_set};
use crate::wait::{retry_eventual, until, Poll};
use crate::{Outcome, Resource};
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct BucketPolicy;

/// A principal created in the same apply can take a while to be usable
/// in a policy (MalformedPolicy: Invalid principal).
const PROPAGATION: Duration = Duration::from_secs(2 * 60);

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("bucket", Attribute::required(Type::String).force_new())
        .attr("policy", Attribute::required(Type::String))
}

async fn put(c: &Ctx, bucket: &str, policy: &str) -> Result<()> {
    retry_eventual(
        PROPAGATION,
        &["MalformedPolicy", "NoSuchBucket"],
        || async {
            c.s3()
                .put_bucket_policy()
                .bucket(bucket)
                .policy(policy)
                .send()
                .await
                .map_err(|e| sdk("s3:PutBucketPolicy", e))
        },
    )
    .await?;
    Ok(())
}

/// The bucket's policy document; NoSuchBucketPolicy when there is none.
async fn find(c: &Ctx, bucket: &str) -> Result<String> {
    let out = c
        .s3()
        .get_bucket_policy()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| sdk("s3:GetBucketPolicy", e))?;
    Ok(out.policy().unwrap_or_default().to_string())
}

fn flatten(base: &Value, bucket: &str, document: &str) -> Result<Value> {
    let existing = Obj(base).str("policy").unwrap_or_default().to_string();
    let policy =
        policy_to_set(&existing, document).map_err(|e| Error::new("Invalid policy document", e))?;
    Ok(State::from(&block(), base)
        .set("id", bucket)
        .set("bucket", bucket)
        .set("policy", policy)
        .build())
}

fn normalized(p: &Obj) -> Result<String> {
    normalize(p.req("policy")).map_err(|e| Error::new("Invalid policy document", e))
}

impl Resource for BucketPolicy {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let bucket = p.req("bucket").to_string();
        let policy = match normalized(&p) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(e),
        };
        if let Err(e) = c.run(put(c, &bucket, &policy)) {
            return Outcome::Failed(e.context(format!("putting S3 Bucket ({bucket}) Policy")));
        }
        let base = State::from(&block(), plan)
            .set("id", bucket.clone())
            .set("policy", policy)
            .build();
        let read = c.run(until(
            &format!("S3 Bucket ({bucket}) Policy"),
            PROPAGATION,
            || async {
                Ok(match found(find(c, &bucket).await)? {
                    Some(doc) => Poll::Ready(doc),
                    None => Poll::Pending("not yet readable".into()),
                })
            },
        ));
        match read.and_then(|doc| flatten(&base, &bucket, &doc)) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let bucket = Obj(state).id().to_string();
        match found(c.run(find(c, &bucket)))? {
            Some(doc) => flatten(state, &bucket, &doc).map(Some),
            None => Ok(None),
        }
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let bucket = Obj(prior).id().to_string();
        let policy = match normalized(&Obj(plan)) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(e),
        };
        let r = c.run(async {
            put(c, &bucket, &policy).await?;
            find(c, &bucket).await
        });
        r.and_then(|doc| flatten(plan, &bucket, &doc)).into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let bucket = Obj(state).id().to_string();
        c.run(c.s3().delete_bucket_policy().bucket(&bucket).send())
            .map_err(|e| sdk("s3:DeleteBucketPolicy", e))?;
        Ok(())
    }

    /// The ID is the bucket name.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        State::new(&block()).set("id", id).set("bucket", id).build()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_policy(prior, planned, "policy", normalize)
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut d = Vec::new();
        if let Some(p) = Obj(config).str("policy") {
            if let Err(e) = check_policy(p) {
                d.push(Diag::error("Invalid policy", e));
            }
        }
        d
    }
}
