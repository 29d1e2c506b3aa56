resource "x" "y" {
  a = 1
  bb = 2
  # comment breaks the group
  ccc = 3
  dddd = 4
  nested {
    e = 5
  }
  fffff = 6
  g = {
    h = 7
  }
  iiiiiii = 8
  j = <<EOT
heredoc
EOT
  kk = 9
}
