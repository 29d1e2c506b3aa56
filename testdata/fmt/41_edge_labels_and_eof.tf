resource "a$b" "c" {}
resource "tab\there" "x\u00e9" {}
resource "" "empty" {}
locals {
  a = 1
}   
