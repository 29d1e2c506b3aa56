run "test" {
command = plan
variables {
  name="x"
}
assert {
condition = var.name == "x"
error_message = "bad"
}
}
