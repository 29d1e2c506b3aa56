//! aws_vpc_security_group_egress_rule: the ingress rule's implementation
//! (vpc_security_group_ingress_rule.rs) for outbound rules.

use super::vpc_security_group_ingress_rule::{self as rule, Kind};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::{Outcome, Resource};
use tfrs_provider::provider::Diags;
use tfrs_provider::{AttrPath, Schema, Value};

pub struct VpcSecurityGroupEgressRule;

const EGRESS: Kind = Kind { egress: true };

impl Resource for VpcSecurityGroupEgressRule {
    fn name(&self) -> &'static str {
        "aws_vpc_security_group_egress_rule"
    }
    fn schema(&self) -> Schema {
        Schema::new(rule::block())
    }
    fn validate(&self, config: &Value) -> Diags {
        rule::validate(config)
    }
    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        rule::create(EGRESS, c, plan)
    }
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        rule::find_created(EGRESS, c, planned)
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        rule::read(EGRESS, c, state)
    }
    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        rule::update(EGRESS, c, prior, plan)
    }
    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        rule::delete(EGRESS, c, state)
    }
    fn plan(&self, prior: &Value, planned: Value) -> Value {
        rule::plan(prior, planned)
    }
    fn replace_paths(
        &self,
        prior: &Value,
        planned: &Value,
        mut schema_paths: Vec<AttrPath>,
    ) -> Vec<AttrPath> {
        for p in rule::requires_replace(prior, planned) {
            if !schema_paths.contains(&p) {
                schema_paths.push(p);
            }
        }
        schema_paths
    }
}
