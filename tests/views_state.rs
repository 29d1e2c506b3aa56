//! `terraform show` of a state, for humans and as JSON, against snapshots
//! from `terraform` v1.11.4 for a state it wrote.

use std::collections::BTreeMap;
use tfrs::states::State;
use tfrs::views::json::state_to_json;
use tfrs::views::state::render_show;
use tfrs_provider::schema::{Attribute, Block};
use tfrs_provider::{ProviderSchema, Schema, Type};

fn schemas() -> BTreeMap<String, ProviderSchema> {
    let block = Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("input", Attribute::optional(Type::Dynamic))
        .attr("output", Attribute::computed(Type::Dynamic))
        .attr("triggers_replace", Attribute::optional(Type::Dynamic));
    let mut p = ProviderSchema::default();
    p.resources
        .insert("terraform_data".into(), Schema::new(block));
    BTreeMap::from([("terraform.io/builtin/terraform".to_string(), p)])
}

#[test]
fn show_matches_terraform() {
    let state = State::from_json(STATE).unwrap();
    assert_eq!(render_show(&state, &schemas()), SHOW);
    assert_eq!(state_to_json(&state, &schemas()), SHOW_JSON);
}

#[test]
fn empty_state() {
    let state = State::new("x".into());
    assert_eq!(
        render_show(&state, &schemas()),
        "The state file is empty. No resources are represented.\n"
    );
    assert_eq!(
        state_to_json(&state, &schemas()),
        r#"{"format_version":"1.0"}"#
    );
}

#[test]
fn without_schemas_values_still_show() {
    let state = State::from_json(STATE).unwrap();
    let got = render_show(&state, &tfrs::views::NoSchemas);
    assert!(got.contains("# terraform_data.c[0]:\nresource \"terraform_data\" \"c\" {\n    id     = \"99959057-b0a9-a2fa-f0f1-febde364ae4e\"\n    input  = (sensitive value)\n"), "{got}");
}

/// A state terraform wrote after applying a `terraform_data` configuration.
const STATE: &str = r#"{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 5,
  "lineage": "6f955943-25f3-4608-6891-363fcba33091",
  "outputs": {
    "a_id": {
      "value": "0904d69d-0bea-e664-f4e6-11503ab37faa",
      "type": "string"
    },
    "plain": {
      "value": "x",
      "type": "string"
    },
    "s": {
      "value": "secret-0",
      "type": "string",
      "sensitive": true
    }
  },
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "a",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "0904d69d-0bea-e664-f4e6-11503ab37faa",
            "input": {
              "value": {
                "js": "{\"a\":1,\"b\":[1,2]}",
                "list": [
                  1,
                  2,
                  3
                ],
                "multi": "line1\nline2\nline3\n",
                "name": "hello",
                "tags": {
                  "Name": "hello",
                  "env": "dev"
                }
              },
              "type": [
                "object",
                {
                  "js": "string",
                  "list": [
                    "tuple",
                    [
                      "number",
                      "number",
                      "number"
                    ]
                  ],
                  "multi": "string",
                  "name": "string",
                  "tags": [
                    "object",
                    {
                      "Name": "string",
                      "env": "string"
                    }
                  ]
                }
              ]
            },
            "output": {
              "value": {
                "js": "{\"a\":1,\"b\":[1,2]}",
                "list": [
                  1,
                  2,
                  3
                ],
                "multi": "line1\nline2\nline3\n",
                "name": "hello",
                "tags": {
                  "Name": "hello",
                  "env": "dev"
                }
              },
              "type": [
                "object",
                {
                  "js": "string",
                  "list": [
                    "tuple",
                    [
                      "number",
                      "number",
                      "number"
                    ]
                  ],
                  "multi": "string",
                  "name": "string",
                  "tags": [
                    "object",
                    {
                      "Name": "string",
                      "env": "string"
                    }
                  ]
                }
              ]
            },
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    },
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "b",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "71051661-2eb6-c1ae-7ae2-042225bf5395",
            "input": {
              "value": {
                "js": "{\"a\":1,\"b\":[1,2]}",
                "list": [
                  1,
                  2,
                  3
                ],
                "multi": "line1\nline2\nline3\n",
                "name": "hello",
                "tags": {
                  "Name": "hello",
                  "env": "dev"
                }
              },
              "type": [
                "object",
                {
                  "js": "string",
                  "list": [
                    "tuple",
                    [
                      "number",
                      "number",
                      "number"
                    ]
                  ],
                  "multi": "string",
                  "name": "string",
                  "tags": [
                    "object",
                    {
                      "Name": "string",
                      "env": "string"
                    }
                  ]
                }
              ]
            },
            "output": {
              "value": {
                "js": "{\"a\":1,\"b\":[1,2]}",
                "list": [
                  1,
                  2,
                  3
                ],
                "multi": "line1\nline2\nline3\n",
                "name": "hello",
                "tags": {
                  "Name": "hello",
                  "env": "dev"
                }
              },
              "type": [
                "object",
                {
                  "js": "string",
                  "list": [
                    "tuple",
                    [
                      "number",
                      "number",
                      "number"
                    ]
                  ],
                  "multi": "string",
                  "name": "string",
                  "tags": [
                    "object",
                    {
                      "Name": "string",
                      "env": "string"
                    }
                  ]
                }
              ]
            },
            "triggers_replace": {
              "value": [
                "hello"
              ],
              "type": [
                "tuple",
                [
                  "string"
                ]
              ]
            }
          },
          "sensitive_attributes": [],
          "dependencies": [
            "terraform_data.a"
          ]
        }
      ]
    },
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "c",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "index_key": 0,
          "schema_version": 0,
          "attributes": {
            "id": "99959057-b0a9-a2fa-f0f1-febde364ae4e",
            "input": {
              "value": "secret-0",
              "type": "string"
            },
            "output": {
              "value": "secret-0",
              "type": "string"
            },
            "triggers_replace": null
          },
          "sensitive_attributes": [
            [
              {
                "type": "get_attr",
                "value": "input"
              }
            ]
          ]
        },
        {
          "index_key": 1,
          "schema_version": 0,
          "attributes": {
            "id": "899be815-5677-ca6e-7744-eaf07edc20cf",
            "input": {
              "value": "secret-1",
              "type": "string"
            },
            "output": {
              "value": "secret-1",
              "type": "string"
            },
            "triggers_replace": null
          },
          "sensitive_attributes": [
            [
              {
                "type": "get_attr",
                "value": "input"
              }
            ]
          ]
        }
      ]
    }
  ],
  "check_results": null
}
"#;

/// `terraform show` of it.
const SHOW: &str = r#"# terraform_data.a:
resource "terraform_data" "a" {
    id     = "0904d69d-0bea-e664-f4e6-11503ab37faa"
    input  = {
        js    = jsonencode(
            {
                a = 1
                b = [
                    1,
                    2,
                ]
            }
        )
        list  = [
            1,
            2,
            3,
        ]
        multi = <<-EOT
            line1
            line2
            line3
        EOT
        name  = "hello"
        tags  = {
            Name = "hello"
            env  = "dev"
        }
    }
    output = {
        js    = jsonencode(
            {
                a = 1
                b = [
                    1,
                    2,
                ]
            }
        )
        list  = [
            1,
            2,
            3,
        ]
        multi = <<-EOT
            line1
            line2
            line3
        EOT
        name  = "hello"
        tags  = {
            Name = "hello"
            env  = "dev"
        }
    }
}

# terraform_data.b:
resource "terraform_data" "b" {
    id               = "71051661-2eb6-c1ae-7ae2-042225bf5395"
    input            = {
        js    = jsonencode(
            {
                a = 1
                b = [
                    1,
                    2,
                ]
            }
        )
        list  = [
            1,
            2,
            3,
        ]
        multi = <<-EOT
            line1
            line2
            line3
        EOT
        name  = "hello"
        tags  = {
            Name = "hello"
            env  = "dev"
        }
    }
    output           = {
        js    = jsonencode(
            {
                a = 1
                b = [
                    1,
                    2,
                ]
            }
        )
        list  = [
            1,
            2,
            3,
        ]
        multi = <<-EOT
            line1
            line2
            line3
        EOT
        name  = "hello"
        tags  = {
            Name = "hello"
            env  = "dev"
        }
    }
    triggers_replace = [
        "hello",
    ]
}

# terraform_data.c[0]:
resource "terraform_data" "c" {
    id     = "99959057-b0a9-a2fa-f0f1-febde364ae4e"
    input  = (sensitive value)
    output = "secret-0"
}

# terraform_data.c[1]:
resource "terraform_data" "c" {
    id     = "899be815-5677-ca6e-7744-eaf07edc20cf"
    input  = (sensitive value)
    output = "secret-1"
}


Outputs:

a_id = "0904d69d-0bea-e664-f4e6-11503ab37faa"
plain = "x"
s = (sensitive value)
"#;

/// `terraform show -json` of it.
const SHOW_JSON: &str = r#"{"format_version":"1.0","terraform_version":"1.11.4","values":{"outputs":{"a_id":{"sensitive":false,"value":"0904d69d-0bea-e664-f4e6-11503ab37faa","type":"string"},"plain":{"sensitive":false,"value":"x","type":"string"},"s":{"sensitive":true,"value":"secret-0","type":"string"}},"root_module":{"resources":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a","provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"0904d69d-0bea-e664-f4e6-11503ab37faa","input":{"js":"{\"a\":1,\"b\":[1,2]}","list":[1,2,3],"multi":"line1\nline2\nline3\n","name":"hello","tags":{"Name":"hello","env":"dev"}},"output":{"js":"{\"a\":1,\"b\":[1,2]}","list":[1,2,3],"multi":"line1\nline2\nline3\n","name":"hello","tags":{"Name":"hello","env":"dev"}},"triggers_replace":null},"sensitive_values":{"input":{"list":[false,false,false],"tags":{}},"output":{"list":[false,false,false],"tags":{}}}},{"address":"terraform_data.b","mode":"managed","type":"terraform_data","name":"b","provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"71051661-2eb6-c1ae-7ae2-042225bf5395","input":{"js":"{\"a\":1,\"b\":[1,2]}","list":[1,2,3],"multi":"line1\nline2\nline3\n","name":"hello","tags":{"Name":"hello","env":"dev"}},"output":{"js":"{\"a\":1,\"b\":[1,2]}","list":[1,2,3],"multi":"line1\nline2\nline3\n","name":"hello","tags":{"Name":"hello","env":"dev"}},"triggers_replace":["hello"]},"sensitive_values":{"input":{"list":[false,false,false],"tags":{}},"output":{"list":[false,false,false],"tags":{}},"triggers_replace":[false]},"depends_on":["terraform_data.a"]},{"address":"terraform_data.c[0]","mode":"managed","type":"terraform_data","name":"c","index":0,"provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"99959057-b0a9-a2fa-f0f1-febde364ae4e","input":"secret-0","output":"secret-0","triggers_replace":null},"sensitive_values":{"input":true}},{"address":"terraform_data.c[1]","mode":"managed","type":"terraform_data","name":"c","index":1,"provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"899be815-5677-ca6e-7744-eaf07edc20cf","input":"secret-1","output":"secret-1","triggers_replace":null},"sensitive_values":{"input":true}}]}}}"#;
