resource "terraform_data" "app" {
  count    = 2
  for_each = toset(["a", "b"])

  input = "fortune"
}
