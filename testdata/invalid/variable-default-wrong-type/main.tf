variable "instance_count" {
  type    = number
  default = "two"
}
