locals {
  a = var.x?1:2
  b = var.x ? "yes" : "no"
  c = (var.x == 1 ? var.y : var.z)
  d = var.a&&var.b||!var.c
  e = var.n>=1&&var.n<=10
  f = var.s!="x" ? 1 : 0
  g = 1+2*3/4%5
  multi = (var.enabled
    ? "on"
    : "off")
}
