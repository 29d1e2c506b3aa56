//! aws_s3_object: one object, its body from `source` (a file, relative to
//! the working directory), `content` or `content_base64`. A change to the
//! body or its headers uploads it again; `etag = filemd5(...)` is how a
//! configuration notices that a file changed.

use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{string_map, Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags};
use crate::{Outcome, Resource};
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumMode, ObjectCannedAcl, ObjectLockLegalHold,
    ObjectLockLegalHoldStatus, ObjectLockMode, ObjectLockRetention, ObjectLockRetentionMode,
    ServerSideEncryption, StorageClass, Tag, Tagging,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use std::collections::{BTreeMap, HashMap};
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Object;

fn block() -> Block {
    let s = || Attribute::optional(Type::String);
    let computed = || Attribute::computed(Type::String);
    let mut b = Block::new()
        .attr("id", computed())
        .attr("arn", computed())
        .attr("bucket", Attribute::required(Type::String).force_new())
        .attr("key", Attribute::required(Type::String).force_new())
        .attr("acl", Attribute::optional_computed(Type::String))
        .attr(
            "bucket_key_enabled",
            Attribute::optional_computed(Type::Bool),
        )
        .attr("cache_control", s())
        .attr("checksum_algorithm", s())
        .attr("content", s())
        .attr("content_base64", s())
        .attr("content_disposition", s())
        .attr("content_encoding", s())
        .attr("content_language", s())
        .attr("content_type", Attribute::optional_computed(Type::String))
        .attr("etag", Attribute::optional_computed(Type::String))
        .attr(
            "force_destroy",
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        )
        .attr("kms_key_id", Attribute::optional_computed(Type::String))
        .attr("metadata", Attribute::optional(Type::map(Type::String)))
        .attr("object_lock_legal_hold_status", s())
        .attr("object_lock_mode", s())
        .attr("object_lock_retain_until_date", s())
        .attr(
            "server_side_encryption",
            Attribute::optional_computed(Type::String),
        )
        .attr("source", s())
        .attr("source_hash", s())
        .attr("storage_class", Attribute::optional_computed(Type::String))
        .attr("version_id", computed())
        .attr("website_redirect", s())
        .block(
            "override_provider",
            Nesting::List,
            Block::new().block(
                "default_tags",
                Nesting::List,
                Block::new().attr("tags", Attribute::optional(Type::map(Type::String))),
            ),
        );
    for k in CHECKSUMS {
        b = b.attr(k, computed());
    }
    with_tags(b)
}

const CHECKSUMS: [&str; 5] = [
    "checksum_crc32",
    "checksum_crc32c",
    "checksum_crc64nvme",
    "checksum_sha1",
    "checksum_sha256",
];

/// Arguments whose change uploads the object again (the provider's
/// `hasObjectContentChanges`).
const CONTENT_ARGS: [&str; 17] = [
    "bucket_key_enabled",
    "cache_control",
    "checksum_algorithm",
    "content_base64",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "content",
    "etag",
    "kms_key_id",
    "metadata",
    "server_side_encryption",
    "source",
    "source_hash",
    "storage_class",
    "website_redirect",
];

/// The key as the provider sends it (AWS SDK for Go v1's cleaning): no
/// leading `./` or `/`, no repeated `/`.
fn clean_key(key: &str) -> String {
    let key = key
        .strip_prefix("./")
        .unwrap_or(key)
        .trim_start_matches('/');
    let mut out = String::with_capacity(key.len());
    for ch in key.chars() {
        if !(ch == '/' && out.ends_with('/')) {
            out.push(ch);
        }
    }
    out
}

/// Whether `provider default_tags` are turned off for this object
/// (`override_provider { default_tags { tags = {} } }`).
fn ignores_default_tags(o: &Obj) -> bool {
    o.block("override_provider")
        .and_then(|op| op.blocks("default_tags").into_iter().next())
        .is_some_and(|dt| dt.map_str("tags").is_empty())
}

fn object_tags(c: &Ctx, o: &Obj) -> BTreeMap<String, String> {
    if ignores_default_tags(o) {
        o.map_str("tags")
    } else {
        c.tags_all(&o.map_str("tags"))
    }
}

/// Go's `url.Values.Encode` of the tags (the `x-amz-tagging` header).
fn url_encode_tags(tags: &BTreeMap<String, String>) -> String {
    let esc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    tags.iter()
        .map(|(k, v)| format!("{}={}", esc(k), esc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The object's body from `source`, `content` or `content_base64`.
fn body(o: &Obj) -> Result<Vec<u8>> {
    if let Some(source) = o.str("source") {
        let path = match source.strip_prefix("~/") {
            Some(rest) => std::env::var("HOME")
                .map(|h| std::path::Path::new(&h).join(rest))
                .unwrap_or_else(|_| source.into()),
            None => source.into(),
        };
        return std::fs::read(&path).map_err(|e| {
            Error::new(
                "Failed to read the object source",
                format!("opening S3 object source ({}): {e}", path.display()),
            )
        });
    }
    if let Some(content) = o.str("content") {
        return Ok(content.as_bytes().to_vec());
    }
    if let Some(b64) = o.str("content_base64") {
        use base64::Engine as _;
        return base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| Error::new("Invalid content_base64", e.to_string()));
    }
    Ok(Vec::new())
}

fn date(s: &str) -> Option<DateTime> {
    DateTime::from_str(s, Format::DateTime).ok()
}

/// PutObject with everything the configuration gives.
async fn upload(c: &Ctx, o: &Obj<'_>) -> Result<()> {
    let data = body(o)?;
    let mut req = c
        .s3()
        .put_object()
        .bucket(o.req("bucket"))
        .key(clean_key(o.req("key")))
        .body(ByteStream::from(data))
        .set_acl(o.str("acl").map(ObjectCannedAcl::from))
        .set_bucket_key_enabled(o.bool("bucket_key_enabled").filter(|b| *b))
        .set_cache_control(o.string("cache_control"))
        .set_content_disposition(o.string("content_disposition"))
        .set_content_encoding(o.string("content_encoding"))
        .set_content_language(o.string("content_language"))
        .set_content_type(o.string("content_type"))
        .set_website_redirect_location(o.string("website_redirect"))
        .set_server_side_encryption(
            o.str("server_side_encryption")
                .map(ServerSideEncryption::from),
        )
        .set_storage_class(o.str("storage_class").map(StorageClass::from))
        .set_object_lock_legal_hold_status(
            o.str("object_lock_legal_hold_status")
                .map(ObjectLockLegalHoldStatus::from),
        )
        .set_object_lock_mode(o.str("object_lock_mode").map(ObjectLockMode::from))
        .set_object_lock_retain_until_date(o.str("object_lock_retain_until_date").and_then(date));
    if let Some(kms) = o.str("kms_key_id") {
        req = req
            .ssekms_key_id(kms)
            .server_side_encryption(ServerSideEncryption::AwsKms);
    }
    let metadata = o.map_str("metadata");
    if !metadata.is_empty() {
        req = req.set_metadata(Some(metadata.into_iter().collect::<HashMap<_, _>>()));
    }
    let tags = object_tags(c, o);
    if !tags.is_empty() {
        req = req.tagging(url_encode_tags(&tags));
    }
    let locked = [
        "object_lock_legal_hold_status",
        "object_lock_mode",
        "object_lock_retain_until_date",
    ]
    .iter()
    .any(|k| o.get(k).is_some());
    match o.str("checksum_algorithm") {
        Some(a) => req = req.checksum_algorithm(ChecksumAlgorithm::from(a)),
        // Object Lock uploads need a checksum.
        None if locked => req = req.checksum_algorithm(ChecksumAlgorithm::Crc32),
        None => {}
    }
    req.send().await.map_err(|e| sdk("s3:PutObject", e))?;
    Ok(())
}

async fn head(c: &Ctx, bucket: &str, key: &str, checksums: bool) -> Result<HeadObjectOutput> {
    c.s3()
        .head_object()
        .bucket(bucket)
        .key(key)
        .set_checksum_mode(checksums.then_some(ChecksumMode::Enabled))
        .send()
        .await
        .map_err(|e| sdk("s3:HeadObject", e))
}

async fn get_tags(c: &Ctx, bucket: &str, key: &str) -> Result<BTreeMap<String, String>> {
    let out = c
        .s3()
        .get_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| sdk("s3:GetObjectTagging", e))?;
    Ok(out
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

async fn put_tags(c: &Ctx, bucket: &str, key: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    if tags.is_empty() {
        c.s3()
            .delete_object_tagging()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| sdk("s3:DeleteObjectTagging", e))?;
        return Ok(());
    }
    let set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::new("Invalid tag", e.to_string()))?;
    let tagging = Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| Error::new("Invalid tags", e.to_string()))?;
    c.s3()
        .put_object_tagging()
        .bucket(bucket)
        .key(key)
        .tagging(tagging)
        .send()
        .await
        .map_err(|e| sdk("s3:PutObjectTagging", e))?;
    Ok(())
}

/// An optional string as AWS reports it; a configured "" (nothing to AWS)
/// stays "".
fn reported(base: &Obj, k: &str, aws: Option<&str>) -> Option<String> {
    aws.filter(|v| !v.is_empty())
        .map(String::from)
        .or_else(|| base.string(k).filter(String::is_empty))
}

/// The object's state from HeadObject and its tags.
async fn read_object(c: &Ctx, base: &Value) -> Result<Option<Value>> {
    let b = Obj(base);
    let (bucket, key) = (b.req("bucket"), b.req("key"));
    let clean = clean_key(key);
    let checksums = b.get("checksum_algorithm").is_some();
    let Some(h) = found(head(c, bucket, &clean, checksums).await)? else {
        return Ok(None);
    };
    let tags = get_tags(c, bucket, &clean).await?;
    let metadata: BTreeMap<String, String> = h
        .metadata()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    // Computed strings AWS does not report are "", as the provider
    // stores them.
    let mut s = State::from(&block(), base)
        .set("id", key)
        .set(
            "arn",
            format!("arn:{}:s3:::{bucket}/{clean}", c.partition()),
        )
        .set(
            "bucket_key_enabled",
            h.bucket_key_enabled().unwrap_or(false),
        )
        .set(
            "cache_control",
            reported(&b, "cache_control", h.cache_control()),
        )
        .set(
            "content_disposition",
            reported(&b, "content_disposition", h.content_disposition()),
        )
        .set(
            "content_encoding",
            reported(&b, "content_encoding", h.content_encoding()),
        )
        .set(
            "content_language",
            reported(&b, "content_language", h.content_language()),
        )
        .set("content_type", h.content_type().map(String::from))
        .set("etag", h.e_tag().map(|e| e.trim_matches('"').to_string()))
        .set(
            "metadata",
            if metadata.is_empty() && b.get("metadata").is_none() {
                None
            } else {
                Some(string_map(metadata))
            },
        )
        .set(
            "object_lock_legal_hold_status",
            reported(
                &b,
                "object_lock_legal_hold_status",
                h.object_lock_legal_hold_status().map(|v| v.as_str()),
            ),
        )
        .set(
            "object_lock_mode",
            reported(
                &b,
                "object_lock_mode",
                h.object_lock_mode().map(|v| v.as_str()),
            ),
        )
        .set(
            "object_lock_retain_until_date",
            h.object_lock_retain_until_date()
                .map(crate::service::iam::rfc3339)
                .or_else(|| {
                    b.string("object_lock_retain_until_date")
                        .filter(String::is_empty)
                }),
        )
        .set(
            "server_side_encryption",
            h.server_side_encryption()
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
        )
        .set(
            "storage_class",
            h.storage_class()
                .map(|v| v.as_str().to_string())
                .unwrap_or_else(|| "STANDARD".into()),
        )
        .set("version_id", h.version_id().unwrap_or_default())
        .set(
            "website_redirect",
            reported(&b, "website_redirect", h.website_redirect_location()),
        );
    if let Some(kms) = h.ssekms_key_id() {
        s = s.set("kms_key_id", kms);
    }
    for (k, v) in CHECKSUMS.iter().zip([
        h.checksum_crc32(),
        h.checksum_crc32_c(),
        h.checksum_crc64_nvme(),
        h.checksum_sha1(),
        h.checksum_sha256(),
    ]) {
        s = s.set(k, v.unwrap_or_default());
    }
    if s.get("force_destroy").is_none_or(Value::is_null) {
        s = s.set("force_destroy", false);
    }
    Ok(Some(read_tags(c, s, base, tags).build()))
}

fn changed(prior: &Value, planned: &Value, k: &str) -> bool {
    match (prior.get_attr(k), planned.get_attr(k)) {
        (Some(a), Some(b)) => !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    }
}

impl Resource for Object {
    fn name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        if let Err(e) = c.run(upload(c, &p)) {
            return Outcome::Failed(e);
        }
        let base = State::from(&block(), plan).set("id", p.req("key")).build();
        match c.run(read_object(c, &base)) {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Partial(
                base,
                Error::new(
                    "S3 object not found after upload",
                    format!(
                        "s3:HeadObject: {}/{} does not exist",
                        p.req("bucket"),
                        p.req("key")
                    ),
                ),
            ),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    /// The object is found by bucket and key; the ID is the key.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        match (p.str("bucket"), p.str("key")) {
            (Some(_), Some(key)) => crate::read_as(self, c, planned, key),
            _ => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        if Obj(state).get("bucket").is_none() {
            return Err(Error::new(
                "Invalid import ID",
                format!(
                    "id {} should be in format <bucket>/<key> or s3://<bucket>/<key>",
                    Obj(state).id()
                ),
            ));
        }
        c.run(read_object(c, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let (bucket, key) = (p.req("bucket").to_string(), clean_key(p.req("key")));
        let r = c.run(async {
            if CONTENT_ARGS.iter().any(|k| changed(prior, plan, k)) {
                upload(c, &p).await?;
            } else {
                if changed(prior, plan, "acl") {
                    if let Some(acl) = p.str("acl") {
                        c.s3()
                            .put_object_acl()
                            .bucket(&bucket)
                            .key(&key)
                            .acl(ObjectCannedAcl::from(acl))
                            .send()
                            .await
                            .map_err(|e| sdk("s3:PutObjectAcl", e))?;
                    }
                }
                if changed(prior, plan, "object_lock_legal_hold_status") {
                    c.s3()
                        .put_object_legal_hold()
                        .bucket(&bucket)
                        .key(&key)
                        .legal_hold(
                            ObjectLockLegalHold::builder()
                                .set_status(
                                    p.str("object_lock_legal_hold_status")
                                        .map(ObjectLockLegalHoldStatus::from),
                                )
                                .build(),
                        )
                        .send()
                        .await
                        .map_err(|e| sdk("s3:PutObjectLegalHold", e))?;
                }
                if changed(prior, plan, "object_lock_mode")
                    || changed(prior, plan, "object_lock_retain_until_date")
                {
                    let old = Obj(prior)
                        .str("object_lock_retain_until_date")
                        .and_then(date);
                    let new = p.str("object_lock_retain_until_date").and_then(date);
                    // Lowering or clearing the date needs the bypass.
                    let bypass = match (old, new) {
                        (_, None) => true,
                        (Some(o), Some(n)) => n.secs() < o.secs(),
                        _ => false,
                    };
                    c.s3()
                        .put_object_retention()
                        .bucket(&bucket)
                        .key(&key)
                        .retention(
                            ObjectLockRetention::builder()
                                .set_mode(
                                    p.str("object_lock_mode").map(ObjectLockRetentionMode::from),
                                )
                                .set_retain_until_date(new)
                                .build(),
                        )
                        .set_bypass_governance_retention(bypass.then_some(true))
                        .send()
                        .await
                        .map_err(|e| sdk("s3:PutObjectRetention", e))?;
                }
                let tags = object_tags(c, &p);
                if tags != Obj(prior).map_str("tags_all") {
                    put_tags(c, &bucket, &key, &tags).await?;
                }
            }
            read_object(c, plan).await
        });
        match r {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Failed(Error::new(
                "S3 object not found after update",
                format!("s3:HeadObject: {bucket}/{key} does not exist"),
            )),
            Err(e) => Outcome::Failed(e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let (bucket, key) = (s.req("bucket").to_string(), clean_key(s.req("key")));
        let force = s.flag("force_destroy");
        c.run(async {
            if s.str("version_id").is_some_and(|v| !v.is_empty()) {
                delete_all_versions(c, &bucket, &key, force).await
            } else {
                c.s3()
                    .delete_object()
                    .bucket(&bucket)
                    .key(&key)
                    .send()
                    .await
                    .map_err(|e| sdk("s3:DeleteObject", e))?;
                Ok(())
            }
        })
    }

    /// `bucket/key` or `s3://bucket/key`; the ID is the key.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        let rest = id.strip_prefix("s3://").unwrap_or(id);
        match rest.split_once('/') {
            Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => State::new(&block())
                .set("id", key)
                .set("bucket", bucket)
                .set("key", key)
                .build(),
            _ => State::new(&block()).set("id", id).build(),
        }
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = plan_tags_all(prior, planned);
        if prior.is_null() {
            return planned;
        }
        let content = CONTENT_ARGS.iter().any(|k| changed(prior, &planned, k));
        let Value::Object(mut m) = planned else {
            return planned;
        };
        if content {
            // A new upload: a new version and, unless the configuration
            // gives it, a new ETag and new checksums.
            m.insert("version_id".into(), Value::Unknown(Type::String));
            let etag_kept = match (prior.get_attr("etag"), m.get("etag")) {
                (Some(a), Some(b)) => a.raw_equal(b),
                _ => true,
            };
            if etag_kept {
                m.insert("etag".into(), Value::Unknown(Type::String));
            }
            if m.get("checksum_algorithm").is_some_and(|v| !v.is_null()) {
                for k in CHECKSUMS {
                    m.insert(k.into(), Value::Unknown(Type::String));
                }
            }
        }
        Value::Object(m)
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        let bodies: Vec<&str> = ["source", "content", "content_base64"]
            .into_iter()
            .filter(|k| o.get(k).is_some())
            .collect();
        if bodies.len() > 1 {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                format!("\"{}\": conflicts with {}", bodies[0], bodies[1]),
            ));
        }
        if o.get("etag").is_some() && o.get("kms_key_id").is_some() {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                "\"etag\": conflicts with kms_key_id",
            ));
        }
        for k in o.map_str("metadata").keys() {
            if k.to_lowercase() != *k {
                d.push(Diag::error(
                    "Invalid metadata",
                    format!("Metadata must be lowercase only. Offending key: {k:?}"),
                ));
            }
        }
        d
    }
}

/// Deletes every version and delete marker of the key (a versioned
/// bucket keeps them all).
async fn delete_all_versions(c: &Ctx, bucket: &str, key: &str, force: bool) -> Result<()> {
    let out = c
        .s3()
        .list_object_versions()
        .bucket(bucket)
        .prefix(key)
        .send()
        .await
        .map_err(|e| sdk("s3:ListObjectVersions", e))?;
    let versions = out
        .versions()
        .iter()
        .filter(|v| v.key() == Some(key))
        .map(|v| v.version_id().map(String::from))
        .chain(
            out.delete_markers()
                .iter()
                .filter(|m| m.key() == Some(key))
                .map(|m| m.version_id().map(String::from)),
        )
        .collect::<Vec<_>>();
    for version in versions {
        let r = c
            .s3()
            .delete_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version)
            .set_bypass_governance_retention(force.then_some(true))
            .send()
            .await
            .map_err(|e| sdk("s3:DeleteObject", e));
        found(r)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_cleaned_as_the_provider_does() {
        assert_eq!(clean_key("./a//b///c"), "a/b/c");
        assert_eq!(clean_key("/x"), "x");
        assert_eq!(clean_key("plain.txt"), "plain.txt");
    }

    #[test]
    fn tags_are_url_encoded_as_go_does() {
        let tags: BTreeMap<String, String> = [("b c", "x&y"), ("a", "1/2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(url_encode_tags(&tags), "a=1%2F2&b+c=x%26y");
    }
}
