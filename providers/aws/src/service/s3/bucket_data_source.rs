//! data aws_s3_bucket: an existing bucket by name, with the names other
//! resources address it by (ARN, domain names, the Route 53 zone of its
//! region and, when it hosts a website, its website endpoint).

use super::bucket::hosted_zone_id;
use super::website_endpoint;
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct BucketDataSource;

fn block() -> Block {
    let computed = || Attribute::computed(Type::String);
    Block::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr("bucket", Attribute::required(Type::String))
        .attr("arn", computed())
        .attr("bucket_domain_name", computed())
        .attr("bucket_regional_domain_name", computed())
        .attr("hosted_zone_id", computed())
        .attr("region", computed())
        .attr("website_domain", computed())
        .attr("website_endpoint", computed())
}

/// The bucket's region: what HeadBucket reports, else GetBucketLocation
/// (no constraint is us-east-1, `EU` is eu-west-1).
async fn region_of(c: &Ctx, bucket: &str, from_head: Option<&str>) -> Result<String> {
    if let Some(r) = from_head.filter(|r| !r.is_empty()) {
        return Ok(r.to_string());
    }
    let out = c
        .s3()
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| sdk("s3:GetBucketLocation", e))?;
    Ok(match out.location_constraint().map(|l| l.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(other) => other.to_string(),
    })
}

impl DataSource for BucketDataSource {
    fn name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let bucket = Obj(config).req("bucket").to_string();
        let failed = |e: Error| Error::new(format!("reading S3 Bucket ({bucket})"), e.detail);
        c.run(async {
            let head = c
                .s3()
                .head_bucket()
                .bucket(&bucket)
                .send()
                .await
                .map_err(|e| sdk("s3:HeadBucket", e))
                .map_err(|e| {
                    if e.is_not_found() {
                        Error::new(
                            format!("reading S3 Bucket ({bucket})"),
                            "couldn't find resource",
                        )
                    } else {
                        failed(e)
                    }
                })?;
            let region = region_of(c, &bucket, head.bucket_region())
                .await
                .map_err(failed)?;
            let website = found(
                c.s3()
                    .get_bucket_website()
                    .bucket(&bucket)
                    .send()
                    .await
                    .map_err(|e| sdk("s3:GetBucketWebsite", e)),
            )
            .unwrap_or(None);
            let (endpoint, domain) = match website {
                Some(_) => {
                    let (e, d) = website_endpoint(&bucket, &region);
                    (Some(e), Some(d))
                }
                None => (None, None),
            };
            Ok(State::from(&block(), config)
                .set("id", bucket.clone())
                .set("arn", format!("arn:{}:s3:::{bucket}", c.partition()))
                .set("bucket_domain_name", format!("{bucket}.s3.amazonaws.com"))
                .set(
                    "bucket_regional_domain_name",
                    format!("{bucket}.s3.{region}.amazonaws.com"),
                )
                .set("hosted_zone_id", hosted_zone_id(&region))
                .set("region", region.clone())
                .set("website_domain", domain)
                .set("website_endpoint", endpoint)
                .build())
        })
    }
}
