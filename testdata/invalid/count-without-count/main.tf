resource "terraform_data" "app" {
  input = "app-${count.index}"
}
