resource "aws_instance" "x" {
  for_each = toset(var.names)
  lifecycle {
    create_before_destroy = true
    ignore_changes = [tags,ami]
  }
  depends_on = [aws_vpc.main,]
  provisioner "local-exec" {
    command = "echo ${self.id}"
  }
}
