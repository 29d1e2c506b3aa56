locals {
  a = "${local.a}-a"
}
