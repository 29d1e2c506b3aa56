locals {
  a = 1+2
  b = var.x*var.y
  c = var.x==var.y
  d = var.a / var.b
  e = "${var.a}" == "b"
  f = [for i in range(3): i%2==0]
  g = var.list[0]+var.list[1]
  h = length(var.l)>0
}
