locals {
  joined = join( ",", var.list )
  merged = merge(
    var.a,
      var.b,
    {
      c = 1
    },
  )
  nested = lookup(var.map,"k",  "default")
  spread = concat(var.lists...)
  provider_fn = provider::aws::arn_parse(var.arn)
  chained = element(split(",", var.s), 0)
  cidr = cidrsubnet(var.cidr,8,1)
}
