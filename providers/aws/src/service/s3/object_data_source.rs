//! data aws_s3_object: an existing object's metadata, and its body when
//! the content type is text (as the provider decides: `text/*`, JSON, XML
//! and a few script types). The ID is `bucket/key`.

use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{string_map, Obj, State};
use crate::DataSource;
use aws_sdk_s3::types::ChecksumMode;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use std::collections::BTreeMap;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct ObjectDataSource;

const STRINGS: [&str; 21] = [
    "arn",
    "body",
    "cache_control",
    "checksum_crc32",
    "checksum_crc32c",
    "checksum_crc64nvme",
    "checksum_sha1",
    "checksum_sha256",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "etag",
    "expiration",
    "expires",
    "last_modified",
    "object_lock_legal_hold_status",
    "object_lock_mode",
    "object_lock_retain_until_date",
    "server_side_encryption",
    "sse_kms_key_id",
];

fn block() -> Block {
    let mut b = Block::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr("bucket", Attribute::required(Type::String))
        .attr("key", Attribute::required(Type::String))
        .attr("checksum_mode", Attribute::optional(Type::String))
        .attr("range", Attribute::optional(Type::String))
        .attr("version_id", Attribute::optional_computed(Type::String))
        .attr(
            "tags",
            Attribute::optional_computed(Type::map(Type::String)),
        )
        .attr("bucket_key_enabled", Attribute::computed(Type::Bool))
        .attr("content_length", Attribute::computed(Type::Number))
        .attr("metadata", Attribute::computed(Type::map(Type::String)))
        .attr("storage_class", Attribute::computed(Type::String))
        .attr(
            "website_redirect_location",
            Attribute::computed(Type::String),
        );
    for k in STRINGS {
        b = b.attr(k, Attribute::computed(Type::String));
    }
    b
}

/// Content types whose body the data source returns (the provider's
/// `isContentTypeAllowed`).
pub fn is_text(content_type: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "application/atom+xml",
        "application/json",
        "application/ld+json",
        "application/x-csh",
        "application/x-httpd-php",
        "application/x-sh",
        "application/x-sql",
        "application/xhtml+xml",
        "application/xml",
    ];
    PREFIXES.iter().any(|p| content_type.starts_with(p))
        || content_type
            .strip_prefix("text/")
            .is_some_and(|r| !r.is_empty())
}

/// Go's `time.RFC1123` in UTC (`Sat, 28 Nov 2026 11:01:10 UTC`).
fn rfc1123(t: &DateTime) -> String {
    t.fmt(Format::HttpDate)
        .map(|s| s.replace(" GMT", " UTC"))
        .unwrap_or_default()
}

impl DataSource for ObjectDataSource {
    fn name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let (bucket, key) = (o.req("bucket").to_string(), o.req("key").to_string());
        let id = format!("{bucket}/{key}");
        let failed = |e: Error| Error::new(format!("reading S3 Object ({id})"), e.detail);
        let version = o.string("version_id").filter(|v| !v.is_empty());
        let checksums = o
            .str("checksum_mode")
            .is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"));
        c.run(async {
            let h = c
                .s3()
                .head_object()
                .bucket(&bucket)
                .key(&key)
                .set_version_id(version.clone())
                .set_range(o.string("range"))
                .set_checksum_mode(checksums.then_some(ChecksumMode::Enabled))
                .send()
                .await
                .map_err(|e| failed(sdk("s3:HeadObject", e)))?;
            if h.delete_marker() == Some(true) {
                return Err(Error::new(
                    format!("reading S3 Object ({id})"),
                    "the object is a delete marker",
                ));
            }
            let content_type = h.content_type().unwrap_or_default().to_string();
            let body = if is_text(&content_type) {
                let out = c
                    .s3()
                    .get_object()
                    .bucket(&bucket)
                    .key(&key)
                    .set_version_id(version.clone())
                    .set_range(o.string("range"))
                    .send()
                    .await
                    .map_err(|e| failed(sdk("s3:GetObject", e)))?;
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| {
                        Error::new(format!("reading S3 Object ({id}) body"), e.to_string())
                    })?
                    .into_bytes();
                Some(String::from_utf8_lossy(&bytes).into_owned())
            } else {
                None
            };
            let tags: BTreeMap<String, String> = c
                .s3()
                .get_object_tagging()
                .bucket(&bucket)
                .key(&key)
                .set_version_id(version.clone())
                .send()
                .await
                .map(|t| {
                    t.tag_set()
                        .iter()
                        .map(|t| (t.key().to_string(), t.value().to_string()))
                        .collect()
                })
                .map_err(|e| failed(sdk("s3:GetObjectTagging", e)))?;
            let metadata: BTreeMap<String, String> = h
                .metadata()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let text = |v: Option<&str>| v.unwrap_or_default().to_string();
            Ok(State::from(&block(), config)
                .set("id", id.clone())
                .set("arn", format!("arn:{}:s3:::{bucket}/{key}", c.partition()))
                .set("body", body)
                .set(
                    "bucket_key_enabled",
                    h.bucket_key_enabled().unwrap_or(false),
                )
                .set("cache_control", text(h.cache_control()))
                .set("checksum_crc32", text(h.checksum_crc32()))
                .set("checksum_crc32c", text(h.checksum_crc32_c()))
                .set("checksum_crc64nvme", text(h.checksum_crc64_nvme()))
                .set("checksum_sha1", text(h.checksum_sha1()))
                .set("checksum_sha256", text(h.checksum_sha256()))
                .set("content_disposition", text(h.content_disposition()))
                .set("content_encoding", text(h.content_encoding()))
                .set("content_language", text(h.content_language()))
                .set("content_length", h.content_length().unwrap_or(0))
                .set("content_type", content_type)
                .set("etag", text(h.e_tag()).trim_matches('"').to_string())
                .set("expiration", text(h.expiration()))
                .set("expires", text(h.expires_string()))
                .set(
                    "last_modified",
                    h.last_modified().map(rfc1123).unwrap_or_default(),
                )
                .set("metadata", string_map(metadata))
                .set(
                    "object_lock_legal_hold_status",
                    text(h.object_lock_legal_hold_status().map(|v| v.as_str())),
                )
                .set(
                    "object_lock_mode",
                    text(h.object_lock_mode().map(|v| v.as_str())),
                )
                .set(
                    "object_lock_retain_until_date",
                    h.object_lock_retain_until_date()
                        .map(crate::service::iam::rfc3339)
                        .unwrap_or_default(),
                )
                .set(
                    "server_side_encryption",
                    text(h.server_side_encryption().map(|v| v.as_str())),
                )
                .set("sse_kms_key_id", text(h.ssekms_key_id()))
                .set(
                    "storage_class",
                    h.storage_class()
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_else(|| "STANDARD".into()),
                )
                .set("tags", string_map(tags))
                .set("version_id", text(h.version_id()))
                .set(
                    "website_redirect_location",
                    text(h.website_redirect_location()),
                )
                .build())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_content_types_have_a_body() {
        for t in [
            "text/plain",
            "text/html; charset=utf-8",
            "application/json",
            "application/xml",
        ] {
            assert!(is_text(t), "{t}");
        }
        for t in [
            "application/octet-stream",
            "application/zip",
            "image/png",
            "text/",
            "",
        ] {
            assert!(!is_text(t), "{t}");
        }
    }

    #[test]
    fn dates_are_go_rfc1123_in_utc() {
        let t = DateTime::from_secs(1_795_863_670);
        assert_eq!(rfc1123(&t), "Sat, 28 Nov 2026 11:01:10 UTC");
    }
}
