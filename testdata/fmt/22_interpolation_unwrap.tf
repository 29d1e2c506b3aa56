resource "aws_instance" "a" {
  ami = "${var.ami}"
  name = "${var.prefix}-web"
  count = "${length(var.list)}"
  tags = "${merge(var.tags, {Name = "x"})}"
  both = "${var.a}${var.b}"
  nested = "${lookup(var.m, "${var.k}")}"
  multi = "${
    var.enabled
      ? 1
      : 0
  }"
  paren = "${(
    var.x
  )}"
  block {
    x = "${var.x}"
  }
}
locals {
  obj = {
    inner = "${var.not_unwrapped}"
  }
}
