locals {
  app_name = "fortune"
}

output "name" {
  value = local.name
}
