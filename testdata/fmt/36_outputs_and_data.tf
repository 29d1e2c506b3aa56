data "aws_ami" "ubuntu" {
  most_recent = true
  filter {
    name = "name"
    values = ["ubuntu/images/*"]
  }
  owners = ["099720109477"] # Canonical
}
output "ami" {
  value = data.aws_ami.ubuntu.id
  sensitive = false
  description = "The AMI"
}
