//! Amazon S3.

pub mod bucket;
pub mod bucket_data_source;
pub mod bucket_ownership_controls;
pub mod bucket_policy;
pub mod bucket_public_access_block;
pub mod bucket_website_configuration;
pub mod object;
pub mod object_data_source;

/// The website endpoint of a bucket and the website domain of its region
/// (`bucket.s3-website-us-east-1.amazonaws.com`; regions opened after 2014
/// use a dot: `s3-website.eu-central-1.amazonaws.com`).
pub fn website_endpoint(bucket: &str, region: &str) -> (String, String) {
    const DASH_REGIONS: [&str; 9] = [
        "ap-northeast-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "eu-west-1",
        "sa-east-1",
        "us-east-1",
        "us-gov-west-1",
        "us-west-1",
        "us-west-2",
    ];
    let region = if region.is_empty() {
        "us-east-1"
    } else {
        region
    };
    let domain = if DASH_REGIONS.contains(&region) {
        format!("s3-website-{region}.amazonaws.com")
    } else if region.starts_with("cn-") {
        format!("s3-website.{region}.amazonaws.com.cn")
    } else {
        format!("s3-website.{region}.amazonaws.com")
    };
    (format!("{bucket}.{domain}"), domain)
}

/// The ID of a bucket sub-resource: the bucket, or `bucket,owner` when
/// `expected_bucket_owner` is given.
pub fn bucket_id(bucket: &str, owner: Option<&str>) -> String {
    match owner.filter(|o| !o.is_empty()) {
        Some(o) => format!("{bucket},{o}"),
        None => bucket.to_string(),
    }
}

/// A sub-resource ID as (bucket, expected owner).
pub fn parse_bucket_id(id: &str) -> (String, Option<String>) {
    match id.split_once(',') {
        Some((b, o)) if !o.is_empty() => (b.to_string(), Some(o.to_string())),
        _ => (id.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_endpoints_follow_the_region_style() {
        assert_eq!(
            website_endpoint("www.example.site", "us-east-1"),
            (
                "www.example.site.s3-website-us-east-1.amazonaws.com".to_string(),
                "s3-website-us-east-1.amazonaws.com".to_string()
            )
        );
        assert_eq!(
            website_endpoint("b", "eu-central-1").1,
            "s3-website.eu-central-1.amazonaws.com"
        );
    }

    #[test]
    fn bucket_ids_carry_the_expected_owner() {
        assert_eq!(bucket_id("b", None), "b");
        assert_eq!(bucket_id("b", Some("123")), "b,123");
        assert_eq!(parse_bucket_id("b,123"), ("b".into(), Some("123".into())));
        assert_eq!(parse_bucket_id("b"), ("b".into(), None));
    }
}
