locals {
  a = 1 # a
  bbbbbbbb = "two" # b
  c = [1, 2] // c

  d = 4 # d
  eeeee = { x = 1 } # e
  f = "${var.x}" # f
}
resource "r" "n" { # block
  x = 1 # x
}
