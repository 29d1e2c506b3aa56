resource "terraform_data" "app" {
  input = each.key
}
