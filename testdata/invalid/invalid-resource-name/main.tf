resource "terraform_data" "1app" {
  input = "x"
}
