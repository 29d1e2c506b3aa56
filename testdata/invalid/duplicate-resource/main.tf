resource "terraform_data" "app" {
  input = "fortune"
}

resource "terraform_data" "app" {
  input = "fortune-v2"
}
