//! data aws_elastic_beanstalk_hosted_zone

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct HostedZone;

/// The Route 53 zone of Elastic Beanstalk environment CNAMEs, by region
/// (https://docs.aws.amazon.com/general/latest/gr/elasticbeanstalk.html).
const HOSTED_ZONE_IDS: &[(&str, &str)] = &[
    ("af-south-1", "Z1EI3BVKMKK4AM"),
    ("ap-east-1", "ZPWYUBWRU171A"),
    ("ap-northeast-1", "Z1R25G3KIG2GBW"),
    ("ap-northeast-2", "Z3JE5OI70TWKCP"),
    ("ap-northeast-3", "ZNE5GEY1TIAGY"),
    ("ap-south-1", "Z18NTBI3Y7N9TZ"),
    ("ap-southeast-1", "Z16FZ9L249IFLT"),
    ("ap-southeast-2", "Z2PCDNR3VC2G1N"),
    ("ap-southeast-3", "Z05913172VM7EAZB40TA8"),
    ("ca-central-1", "ZJFCZL7SSZB5I"),
    ("eu-central-1", "Z1FRNW7UH4DEZJ"),
    ("eu-north-1", "Z23GO28BZ5AETM"),
    ("eu-south-1", "Z10VDYYOA2JFKM"),
    ("eu-west-1", "Z2NYPWQ7DFZAZH"),
    ("eu-west-2", "Z1GKAAAUGATPF1"),
    ("eu-west-3", "Z5WN6GAYWG5OB"),
    ("il-central-1", "Z02941091PERNCB1MI5H7"),
    ("me-south-1", "Z2BBTEKR2I36N2"),
    ("sa-east-1", "Z10X7K2B4QSOFV"),
    ("us-east-1", "Z117KPS5GTRQ2G"),
    ("us-east-2", "Z14LCN19Q5QHIC"),
    ("us-gov-east-1", "Z35TSARG0EJ4VU"),
    ("us-gov-west-1", "Z4KAURWC4UUUG"),
    ("us-west-1", "Z1LQECGX5PH1X"),
    ("us-west-2", "Z38NKT9BP95V3O"),
];

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("region", Attribute::optional_computed(Type::String))
}

impl DataSource for HostedZone {
    fn name(&self) -> &'static str {
        "aws_elastic_beanstalk_hosted_zone"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let region = Obj(config)
            .string("region")
            .unwrap_or_else(|| c.region.clone());
        let Some((_, zone)) = HOSTED_ZONE_IDS.iter().find(|(r, _)| *r == region) else {
            return Err(Error::new(
                format!("unsupported Elastic Beanstalk Region ({region})"),
                format!("Elastic Beanstalk has no hosted zone ID for region {region}."),
            ));
        };
        Ok(State::from(&block(), config)
            .set("id", *zone)
            .set("region", region)
            .build())
    }
}
