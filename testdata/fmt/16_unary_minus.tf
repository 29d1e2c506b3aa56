locals {
  a = - 1
  b = 5 - -3
  c = [-1, - 2, -var.x]
  d = var.x-1
  e = (- var.y)
  f = var.c ? -1 : - 2
  g = !var.flag
  h = ! var.flag
  i = -(1 + 2)
  j = 1 * -2
  k = { x = -1 }
  l = max(-1, - 2)
}
