//! The `terraform` provider built into Terraform: `terraform_data`.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use tfrs_provider::provider::{
    ApplyRequest, ApplyResponse, Diags, PlanRequest, PlanResponse, ProviderSchema, ReadResponse,
};
use tfrs_provider::{AttrPath, Attribute, Block, Diag, Provider, Schema, Type, Value};

pub struct TerraformProvider;

fn schema() -> &'static ProviderSchema {
    static SCHEMA: OnceLock<ProviderSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let data = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("input", Attribute::optional(Type::Dynamic))
            .attr("output", Attribute::computed(Type::Dynamic))
            .attr("triggers_replace", Attribute::optional(Type::Dynamic));
        let mut resources = BTreeMap::new();
        resources.insert("terraform_data".to_string(), Schema::new(data));
        let remote_state = Block::new()
            .attr("backend", Attribute::required(Type::String))
            .attr("config", Attribute::optional(Type::Dynamic))
            .attr("workspace", Attribute::optional(Type::String))
            .attr("outputs", Attribute::computed(Type::Dynamic));
        let mut data_sources = BTreeMap::new();
        data_sources.insert(
            "terraform_remote_state".to_string(),
            Schema::new(remote_state),
        );
        ProviderSchema {
            provider: Schema::default(),
            resources,
            data_sources,
        }
    })
}

impl Provider for TerraformProvider {
    fn name(&self) -> &str {
        "terraform"
    }

    fn schema(&self) -> &ProviderSchema {
        schema()
    }

    fn configure(&self, _config: &Value) -> Diags {
        Vec::new()
    }

    fn read_resource(&self, _type_name: &str, state: &Value, private: &[u8]) -> ReadResponse {
        // terraform_data lives only in state.
        ReadResponse {
            new_state: state.clone(),
            private: private.to_vec(),
            diags: Vec::new(),
        }
    }

    fn plan_resource(&self, req: PlanRequest<'_>) -> PlanResponse {
        let get = |v: &Value, k: &str| v.get_attr(k).cloned().unwrap_or(Value::Null(Type::Dynamic));
        let input = get(req.config, "input");
        let triggers = get(req.config, "triggers_replace");
        let creating = req.prior.is_null();
        let mut requires_replace = Vec::new();
        if !creating && !triggers.raw_equal(&get(req.prior, "triggers_replace")) {
            requires_replace.push(AttrPath::attr("triggers_replace"));
        }
        let replacing = !requires_replace.is_empty();
        let id = if creating || replacing {
            Value::Unknown(Type::String)
        } else {
            get(req.prior, "id")
        };
        // As Terraform's terraform_data: the output is known only after
        // apply whenever it is computed anew (of the input's type; a null
        // input gives a null output at once).
        let output = if !creating && input.raw_equal(&get(req.prior, "input")) && !replacing {
            get(req.prior, "output")
        } else if input.is_null() {
            input.clone()
        } else {
            Value::Unknown(input.ty())
        };
        let planned = Value::Object(
            [
                ("id".to_string(), id),
                ("input".to_string(), input),
                ("output".to_string(), output),
                ("triggers_replace".to_string(), triggers),
            ]
            .into_iter()
            .collect(),
        );
        PlanResponse {
            planned,
            requires_replace,
            private: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn apply_resource(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        if req.planned.is_null() {
            return ApplyResponse {
                new_state: Value::Null(schema().resources["terraform_data"].block.value_type()),
                private: Vec::new(),
                diags: Vec::new(),
            };
        }
        let mut attrs = req.planned.entries().cloned().unwrap_or_default();
        if !attrs.get("id").is_some_and(Value::is_known) {
            attrs.insert("id".into(), Value::string(uuid::Uuid::new_v4().to_string()));
        }
        let input = attrs.get("input").cloned().unwrap_or(Value::null());
        attrs.insert("output".into(), input);
        ApplyResponse {
            new_state: Value::Object(attrs),
            private: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn import_resource(&self, type_name: &str, id: &str) -> Result<Vec<Value>, Diags> {
        if type_name != "terraform_data" {
            return Err(vec![Diag::error(
                "Unsupported resource type",
                format!("{type_name} cannot be imported."),
            )]);
        }
        Ok(vec![Value::Object(
            [
                ("id".to_string(), Value::string(id)),
                ("input".to_string(), Value::Null(Type::Dynamic)),
                ("output".to_string(), Value::Null(Type::Dynamic)),
                ("triggers_replace".to_string(), Value::Null(Type::Dynamic)),
            ]
            .into_iter()
            .collect(),
        )])
    }

    fn read_data_source(&self, type_name: &str, _config: &Value) -> Result<Value, Diags> {
        Err(vec![Diag::error(
            "Unsupported data source",
            format!("The data source {type_name:?} is not supported by tfrs yet."),
        )])
    }
}
