variable "items" {
  type    = list(string)
  default = []
}

locals {
  upper = [for i in var.items : upper(i, 1)]
  keys  = {for i in [1, 2] : "k" => i}
}
