# A leading comment
   # An indented comment
resource "null_resource" "a" { # after the brace
  # inside
  triggers = { # after object brace
    a = 1 # one
    bbb = 2   # two
    # full line
    cc = 3 #three
  }
  count = 1    # trailing
}
