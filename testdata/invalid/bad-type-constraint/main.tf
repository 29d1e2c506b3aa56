variable "zones" {
  type    = lisst(string)
  default = ["a"]
}
