resource "terraform_data" "app" {
  input = local.app_name
}

locals {
  app_name = "fortune"
