locals {
  template = "Hello $${file(\"name.txt\")}!"
  greeting = templatestring(local.template, {})
}
