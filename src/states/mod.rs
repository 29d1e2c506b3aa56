//! Terraform state (version 4): the model and its JSON form, byte-compatible
//! with what Terraform writes.
//!
//! Attribute values stay JSON here; the engine decodes them with the
//! resource's schema type (a set and a list look the same in JSON).

use crate::addrs::{AbsInstance, AbsResource, InstanceKey, Mode, ModuleInstance, Resource};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const STATE_VERSION: u64 = 4;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct State {
    pub version: u64,
    pub terraform_version: String,
    pub serial: u64,
    pub lineage: String,
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputState>,
    #[serde(default)]
    pub resources: Vec<ResourceState>,
    #[serde(default)]
    pub check_results: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutputState {
    pub value: serde_json::Value,
    #[serde(rename = "type")]
    pub ty: serde_json::Value,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ResourceState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    pub provider: String,
    pub instances: Vec<InstanceState>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InstanceState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<serde_json::Value>,
    /// `"tainted"` when a create failed half-way or `taint` was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Set for an object replaced with create_before_destroy whose
    /// destruction is still pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    pub schema_version: u64,
    pub attributes: serde_json::Value,
    #[serde(default)]
    pub sensitive_attributes: Vec<serde_json::Value>,
    /// Base64 of the provider's private data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_before_destroy: bool,
}

impl InstanceState {
    pub fn is_tainted(&self) -> bool {
        self.status.as_deref() == Some("tainted")
    }
}

impl ResourceState {
    pub fn address(&self) -> AbsResource {
        AbsResource {
            module: parse_module(self.module.as_deref().unwrap_or("")),
            resource: Resource {
                mode: if self.mode == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                },
                type_name: self.type_name.clone(),
                name: self.name.clone(),
            },
        }
    }
}

fn parse_module(s: &str) -> ModuleInstance {
    if s.is_empty() {
        return ModuleInstance::root();
    }
    match crate::addrs::parse_target(s) {
        Ok(crate::addrs::Target::Module(m)) => m,
        _ => ModuleInstance::root(),
    }
}

/// `provider["registry.terraform.io/hashicorp/aws"]`, optionally `.alias`.
pub fn provider_address(source: &str, alias: Option<&str>) -> String {
    match alias {
        Some(a) => format!("provider[\"{source}\"].{a}"),
        None => format!("provider[\"{source}\"]"),
    }
}

impl State {
    pub fn new(lineage: String) -> State {
        State {
            version: STATE_VERSION,
            terraform_version: crate::command::TERRAFORM_VERSION.to_string(),
            serial: 0,
            lineage,
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
        }
    }

    pub fn from_json(text: &str) -> Result<State, String> {
        let raw: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("the state file is not valid JSON: {e}"))?;
        let version = raw.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version != STATE_VERSION {
            return Err(format!(
                "the state file uses format version {version}, which this version of tfrs does not support (only version {STATE_VERSION})"
            ));
        }
        serde_json::from_value(raw)
            .map_err(|e| format!("the state file is not a valid version 4 state: {e}"))
    }

    /// The JSON text Terraform would write (two-space indentation).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Every instance address in the state (deposed objects excluded), in
    /// the order `terraform state list` prints them.
    pub fn instance_addresses(&self) -> Vec<AbsInstance> {
        let mut out: Vec<AbsInstance> = self
            .resources
            .iter()
            .flat_map(|r| {
                let addr = r.address();
                r.instances
                    .iter()
                    .filter(|i| i.deposed.is_none())
                    .map(move |i| addr.instance(InstanceKey::from_json(i.index_key.as_ref())))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn resource(&self, addr: &AbsResource) -> Option<&ResourceState> {
        self.resources.iter().find(|r| r.address() == *addr)
    }

    /// The current (not deposed) object of an instance.
    /// The current object of an instance, to change in place.
    pub fn instance_mut(&mut self, addr: &AbsInstance) -> Option<&mut InstanceState> {
        self.resources
            .iter_mut()
            .find(|r| r.address() == addr.resource)?
            .instances
            .iter_mut()
            .find(|i| {
                i.deposed.is_none() && InstanceKey::from_json(i.index_key.as_ref()) == addr.key
            })
    }

    pub fn instance(&self, addr: &AbsInstance) -> Option<&InstanceState> {
        self.resource(&addr.resource)?.instances.iter().find(|i| {
            i.deposed.is_none() && InstanceKey::from_json(i.index_key.as_ref()) == addr.key
        })
    }

    /// Sets (or with `None` removes) the current object of an instance.
    pub fn set_instance(
        &mut self,
        addr: &AbsInstance,
        provider: &str,
        each: Option<&str>,
        inst: Option<InstanceState>,
    ) {
        let pos = self
            .resources
            .iter()
            .position(|r| r.address() == addr.resource);
        let idx = match pos {
            Some(i) => i,
            None => {
                if inst.is_none() {
                    return;
                }
                let module = if addr.resource.module.is_root() {
                    None
                } else {
                    Some(addr.resource.module.to_string())
                };
                self.resources.push(ResourceState {
                    module,
                    mode: addr.resource.resource.mode.as_str().to_string(),
                    type_name: addr.resource.resource.type_name.clone(),
                    name: addr.resource.resource.name.clone(),
                    each: each.map(String::from),
                    provider: provider.to_string(),
                    instances: Vec::new(),
                });
                self.sort_resources();
                self.resources
                    .iter()
                    .position(|r| r.address() == addr.resource)
                    .unwrap_or(0)
            }
        };
        let r = &mut self.resources[idx];
        if let Some(e) = each {
            r.each = Some(e.to_string());
        }
        let existing = r.instances.iter().position(|i| {
            i.deposed.is_none() && InstanceKey::from_json(i.index_key.as_ref()) == addr.key
        });
        match (existing, inst) {
            (Some(i), Some(mut new)) => {
                new.index_key = addr.key.to_json();
                r.instances[i] = new;
            }
            (None, Some(mut new)) => {
                new.index_key = addr.key.to_json();
                r.instances.push(new);
                r.instances.sort_by(|a, b| {
                    InstanceKey::from_json(a.index_key.as_ref())
                        .cmp(&InstanceKey::from_json(b.index_key.as_ref()))
                });
            }
            (Some(i), None) => {
                r.instances.remove(i);
            }
            (None, None) => {}
        }
        if self.resources[idx].instances.is_empty() {
            self.resources.remove(idx);
        }
    }

    /// Forgets a resource and all its instances (a data source no longer
    /// configured leaves the state this way).
    pub fn remove_resource(&mut self, addr: &AbsResource) {
        self.resources.retain(|r| r.address() != *addr);
    }

    /// Adds a deposed object for an instance (create_before_destroy).
    pub fn add_deposed(&mut self, addr: &AbsInstance, key: &str) {
        if let Some(r) = self
            .resources
            .iter_mut()
            .find(|r| r.address() == addr.resource)
        {
            if let Some(i) = r.instances.iter_mut().find(|i| {
                i.deposed.is_none() && InstanceKey::from_json(i.index_key.as_ref()) == addr.key
            }) {
                i.deposed = Some(key.to_string());
            }
        }
    }

    pub fn remove_deposed(&mut self, addr: &AbsInstance, key: &str) {
        if let Some(idx) = self
            .resources
            .iter()
            .position(|r| r.address() == addr.resource)
        {
            self.resources[idx]
                .instances
                .retain(|i| i.deposed.as_deref() != Some(key));
            if self.resources[idx].instances.is_empty() {
                self.resources.remove(idx);
            }
        }
    }

    /// Terraform orders resources by module, mode (managed first), type, name.
    fn sort_resources(&mut self) {
        self.resources.sort_by(|a, b| {
            let ka = (
                a.module.clone().unwrap_or_default(),
                a.mode != "managed",
                a.type_name.clone(),
                a.name.clone(),
            );
            let kb = (
                b.module.clone().unwrap_or_default(),
                b.mode != "managed",
                b.type_name.clone(),
                b.name.clone(),
            );
            ka.cmp(&kb)
        });
    }

    /// Whether the state tracks anything.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.outputs.is_empty()
    }
}

/// A new lineage: a random UUID, as Terraform makes one.
pub fn new_lineage() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_terraform_state() {
        let text = r#"{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 4,
  "lineage": "b6d9c7ba-6463-6c26-29f6-45365e8fa260",
  "outputs": {
    "o": {
      "value": "x",
      "type": "string",
      "sensitive": true
    }
  },
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "b",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "index_key": 0,
          "schema_version": 0,
          "attributes": {
            "id": "29a7d527"
          },
          "sensitive_attributes": [],
          "dependencies": [
            "terraform_data.a"
          ]
        }
      ]
    }
  ],
  "check_results": null
}
"#;
        let s = State::from_json(text).unwrap();
        assert_eq!(s.to_json(), text);
        assert_eq!(s.instance_addresses()[0].to_string(), "terraform_data.b[0]");
    }
}
