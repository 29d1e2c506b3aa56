variable "zones" {
  default = [
  "a",
      "b",
    "c"
  ]
}

locals {
  matrix = [
    [1,2,3],
    [ 4, 5, 6 ],
    [
      7,
  8,
    ],
  ]
  empty = [ ]
  trailing = ["x",]
}
