locals {
  a = "${~var.x~}"
  b = "${var.a}text"
  c = "${"nested"}"
  d = "${
var.y
}"
  e = "%{if true}x%{endif}"
  f = "${var.a}%{if true}%{endif}"
}
variable "v" {
  type = "${string}"
  default = "${var.z}"
  validation {
    condition = "${length(var.v) > 0}"
    error_message = "x"
  }
}
