// double-slash comment
locals {
  // inside
  a = 1 // one
  bbbbb = 2 // two
      // indented
  c = "x" //   keeps inner spacing
}
