locals {
  a = { for k, v in var.m : k => v... }
  b = [for x in [1, 2] : x]
  c = [ for x in var.y: x ] [0]
  d = "abc" [0]
  e = "${ {a = 1} }"
  f = foo( )
  g = (var.x)[0]
  h = var.x . y
  i = { "k" = 1 }["k"]
  j = try(var.a, null)
  k = a.b[0].c[*].d
  l = 1 /* inline */ + 2
}
