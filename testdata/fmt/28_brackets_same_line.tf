locals {
  a = [{
    x = 1
  }, {
    y = 2
  }]
  b = merge({
    c = 1
  }, var.d)
  e = jsonencode({ f = [1, 2], g = { h = "i" } })
}
