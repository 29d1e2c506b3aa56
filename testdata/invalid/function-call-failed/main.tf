locals {
  subnets = join(",")
}
