//! aws_lambda_layer_version: one version of a layer, its content from a
//! local zip (`filename`) or S3. A version is immutable: every argument
//! forces a new one. The ID is the layer version's ARN.

use super::read_zip;
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::ec2::compute_shared::exactly_one_of;
use crate::{Outcome, Resource};
use aws_sdk_lambda::operation::get_layer_version::GetLayerVersionOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, LayerVersionContentInput, Runtime};
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct LayerVersion;

fn block() -> Block {
    let arg = |ty: Type| Attribute::optional(ty).force_new();
    let computed = || Attribute::computed(Type::String);
    Block::new()
        .attr("id", computed())
        .attr("arn", computed())
        .attr("code_sha256", computed())
        .attr("compatible_architectures", arg(Type::set(Type::String)))
        .attr("compatible_runtimes", arg(Type::set(Type::String)))
        .attr("created_date", computed())
        .attr("description", arg(Type::String))
        .attr("filename", arg(Type::String))
        .attr("layer_arn", computed())
        .attr("layer_name", Attribute::required(Type::String).force_new())
        .attr("license_info", arg(Type::String))
        .attr("s3_bucket", arg(Type::String))
        .attr("s3_key", arg(Type::String))
        .attr("s3_object_version", arg(Type::String))
        .attr("signing_job_arn", computed())
        .attr("signing_profile_version_arn", computed())
        .attr(
            "skip_destroy",
            Attribute::optional(Type::Bool)
                .default(Value::Bool(false))
                .force_new(),
        )
        .attr(
            "source_code_hash",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr("source_code_size", Attribute::computed(Type::Number))
        .attr("version", computed())
}

/// `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION` as (NAME, VERSION).
fn parse_arn(arn: &str) -> Result<(String, i64)> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "layer", name, version] => version
            .parse::<i64>()
            .map(|v| (name.to_string(), v))
            .map_err(|_| invalid_arn(arn)),
        _ => Err(invalid_arn(arn)),
    }
}

fn invalid_arn(arn: &str) -> Error {
    Error::new(
        "Invalid Lambda layer version ID",
        format!("{arn:?} is not a layer version ARN (arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION)"),
    )
}

async fn find(c: &Ctx, name: &str, version: i64) -> Result<GetLayerVersionOutput> {
    c.lambda()
        .get_layer_version()
        .layer_name(name)
        .version_number(version)
        .send()
        .await
        .map_err(|e| sdk("lambda:GetLayerVersion", e))
}

fn set_of(v: Vec<String>, configured: Option<&Value>) -> Option<Value> {
    if v.is_empty() && configured.is_none() {
        None
    } else {
        Some(Value::set(
            Type::String,
            v.into_iter().map(Value::string).collect(),
        ))
    }
}

fn flatten(base: &Value, name: &str, out: &GetLayerVersionOutput) -> Value {
    let b = Obj(base);
    let opt = |k: &str, aws: Option<&str>| match aws {
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ => b.string(k).filter(String::is_empty),
    };
    let content = out.content();
    let mut s = State::from(&block(), base)
        .set("id", out.layer_version_arn().unwrap_or_default())
        .set("arn", out.layer_version_arn().unwrap_or_default())
        .set("layer_arn", out.layer_arn().unwrap_or_default())
        .set("layer_name", name)
        .set("version", out.version().to_string())
        .set("created_date", out.created_date().unwrap_or_default())
        .set("description", opt("description", out.description()))
        .set("license_info", opt("license_info", out.license_info()))
        .set(
            "code_sha256",
            content.and_then(|c| c.code_sha256()).unwrap_or_default(),
        )
        .set(
            "source_code_size",
            content.map(|c| c.code_size()).unwrap_or_default(),
        )
        .set(
            "signing_job_arn",
            content
                .and_then(|c| c.signing_job_arn())
                .unwrap_or_default(),
        )
        .set(
            "signing_profile_version_arn",
            content
                .and_then(|c| c.signing_profile_version_arn())
                .unwrap_or_default(),
        )
        .set(
            "compatible_runtimes",
            set_of(
                out.compatible_runtimes()
                    .iter()
                    .map(|r| r.as_str().to_string())
                    .collect(),
                b.get("compatible_runtimes"),
            ),
        )
        .set(
            "compatible_architectures",
            set_of(
                out.compatible_architectures()
                    .iter()
                    .map(|a| a.as_str().to_string())
                    .collect(),
                b.get("compatible_architectures"),
            ),
        )
        .set(
            "source_code_hash",
            b.string("source_code_hash").unwrap_or_default(),
        );
    if s.get("skip_destroy").is_none_or(Value::is_null) {
        s = s.set("skip_destroy", false);
    }
    s.build()
}

impl Resource for LayerVersion {
    fn name(&self) -> &'static str {
        "aws_lambda_layer_version"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = p.req("layer_name").to_string();
        let content = match p.str("filename") {
            Some(f) => match read_zip(f) {
                Ok(data) => LayerVersionContentInput::builder()
                    .zip_file(Blob::new(data))
                    .build(),
                Err(e) => return Outcome::Failed(e),
            },
            None => LayerVersionContentInput::builder()
                .set_s3_bucket(p.string("s3_bucket"))
                .set_s3_key(p.string("s3_key"))
                .set_s3_object_version(p.string("s3_object_version"))
                .build(),
        };
        let runtimes: Vec<Runtime> = p
            .list_str("compatible_runtimes")
            .iter()
            .map(|r| Runtime::from(r.as_str()))
            .collect();
        let architectures: Vec<Architecture> = p
            .list_str("compatible_architectures")
            .iter()
            .map(|a| Architecture::from(a.as_str()))
            .collect();
        let published = c.run(
            c.lambda()
                .publish_layer_version()
                .layer_name(&name)
                .content(content)
                .set_description(p.string("description"))
                .set_license_info(p.string("license_info"))
                .set_compatible_runtimes((!runtimes.is_empty()).then_some(runtimes))
                .set_compatible_architectures((!architectures.is_empty()).then_some(architectures))
                .send(),
        );
        let out = match published {
            Ok(o) => o,
            Err(e) => {
                return Outcome::Failed(
                    sdk("lambda:PublishLayerVersion", e)
                        .context(format!("publishing Lambda Layer ({name}) Version")),
                )
            }
        };
        let arn = out.layer_version_arn().unwrap_or_default().to_string();
        let base = State::from(&block(), plan).set("id", arn.clone()).build();
        match c.run(find(c, &name, out.version())) {
            Ok(v) => Outcome::Done(flatten(&base, &name, &v)),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let (name, version) = parse_arn(Obj(state).id())?;
        Ok(found(c.run(find(c, &name, version)))?.map(|out| flatten(state, &name, &out)))
    }

    fn update(&self, _c: &Ctx, _prior: &Value, plan: &Value) -> Outcome {
        // Only skip_destroy-like bookkeeping could get here; every argument
        // replaces the version.
        Outcome::Done(plan.clone())
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        if s.flag("skip_destroy") {
            return Ok(());
        }
        let (name, version) = parse_arn(s.id())?;
        c.run(
            c.lambda()
                .delete_layer_version()
                .layer_name(&name)
                .version_number(version)
                .send(),
        )
        .map_err(|e| sdk("lambda:DeleteLayerVersion", e))?;
        Ok(())
    }

    /// The ID is the layer version ARN.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        let mut s = State::new(&block()).set("id", id);
        if let Ok((name, _)) = parse_arn(id) {
            s = s.set("layer_name", name);
        }
        s.build()
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut d: Diags = exactly_one_of(config, &["filename", "s3_bucket"])
            .into_iter()
            .collect();
        let o = Obj(config);
        if o.get("filename").is_some()
            && ["s3_key", "s3_object_version"]
                .iter()
                .any(|k| o.get(k).is_some())
        {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                "\"filename\": conflicts with s3_key and s3_object_version",
            ));
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_layer_version_arns() {
        assert_eq!(
            parse_arn("arn:aws:lambda:us-east-1:123456789012:layer:deps:3").expect("valid"),
            ("deps".to_string(), 3)
        );
        assert!(parse_arn("arn:aws:lambda:us-east-1:123456789012:layer:deps").is_err());
        assert!(parse_arn("deps:3").is_err());
    }
}
