output "name" {
  value = local.name
}

output "upper" {
  value = upper("a", "b")
}
