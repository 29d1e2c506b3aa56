resource "aws_instance" "web" {
  ami = "ami-123456"
  instance_type="t2.micro"
    availability_zone   =    "us-east-1a"
  count=2

  subnet_id = "subnet-1"
  vpc_security_group_ids=["sg-1","sg-2"]
}
