//! data aws_elastic_beanstalk_solution_stack

use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::regex::Regex;
use crate::DataSource;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct SolutionStack;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name_regex", Attribute::required(Type::String))
        .attr(
            "most_recent",
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        )
        .attr("name", Attribute::computed(Type::String))
}

impl DataSource for SolutionStack {
    fn name(&self) -> &'static str {
        "aws_elastic_beanstalk_solution_stack"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn validate(&self, config: &Value) -> Diags {
        match Obj(config).str("name_regex").map(Regex::new) {
            Some(Err(e)) => vec![Diag::error(
                "Invalid name_regex",
                format!("\"name_regex\": {e}"),
            )],
            _ => Vec::new(),
        }
    }

    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let pattern = o.req("name_regex");
        let re = Regex::new(pattern).map_err(|e| Error::new("Invalid name_regex", e))?;
        let out = c
            .run(c.elasticbeanstalk().list_available_solution_stacks().send())
            .map_err(|e| sdk("elasticbeanstalk:ListAvailableSolutionStacks", e))?;
        let matches: Vec<&String> = out
            .solution_stacks()
            .iter()
            .filter(|s| re.is_match(s))
            .collect();
        // AWS lists the newest platform versions first.
        let stack = match matches.as_slice() {
            [] => {
                return Err(Error::new(
                    "Your query returned no results. Please change your search criteria and try again.",
                    format!("No Elastic Beanstalk solution stack matches {pattern:?}."),
                ))
            }
            [one] => (*one).clone(),
            [first, ..] if o.flag("most_recent") => (*first).clone(),
            _ => {
                return Err(Error::new(
                    "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
                    format!(
                        "{} Elastic Beanstalk solution stacks match {pattern:?}.",
                        matches.len()
                    ),
                ))
            }
        };
        Ok(State::from(&block(), config)
            .set("id", stack.clone())
            .set("name", stack)
            .set("most_recent", o.flag("most_recent"))
            .build())
    }
}
