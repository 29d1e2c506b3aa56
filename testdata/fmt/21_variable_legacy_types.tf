variable "a" {
  type = "string"
}
variable "b" {
  type = "list"
  default = []
}
variable "c" {
  type    = "map"
}
variable "d" {
  type = list
}
variable "e" {
  type = map
}
variable "f" {
  type = set
}
variable "g" {
  type = "number"
}
variable "h" {
  type = list(string)
}
variable "i" {
  type = string # comment
  description = "${var.x}"
}
