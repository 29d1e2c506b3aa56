locals {
  app_name = upper("fortune", "app")
}
