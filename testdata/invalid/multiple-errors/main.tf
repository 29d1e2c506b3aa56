resource "terraform_data" "app" {
  input = var.app_name
}
