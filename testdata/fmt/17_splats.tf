output "ids" {
  value = aws_instance.web[*].id
}
output "legacy" {
  value = aws_instance.web.*.id
}
output "nested" {
  value = var.list [ * ] . name
}
output "idx" {
  value = var.map [ "key" ] [0]
}
