resource "terraform_data" "app" {
  input = "fortune"

  settings {
    name = "x"
  }
}
