locals {
  a = [<<EOT
in a list
EOT
  , "x"]
  b = upper(<<-EOT
    in a call
    EOT
  )
  c = <<EOT
${
  var.multi
}
EOT
  d = 1
}
