resource aws_instance web {
  ami = "x"
}
resource "aws_instance"    "db"{
  ami = "y"
}
module   "m"   {
  source = "./m"
}
resource "a" /* between */ "b" {}
resource "escaped\"label" "x" {}
