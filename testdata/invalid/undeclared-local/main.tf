locals {
  app_name = "fortune"
}

resource "terraform_data" "app" {
  input = local.application_name
}
