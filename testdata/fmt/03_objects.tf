locals {
  tags = {
    Name = "web"
      Environment="prod"
    "Quoted Key" = 1
    nested = {
    a = 1
    bbbb = 2
    }
  }
  inline = {a=1,b=2}
  inline2 = { a = 1, bb = { c = 3 } }
  empty = {}
  empty_spaced = {   }
  colon_style = { a: 1, "b": 2 }
}
