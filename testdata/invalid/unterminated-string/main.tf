locals {
  region = "us-east-1"
  bucket = "www.example.site
}
