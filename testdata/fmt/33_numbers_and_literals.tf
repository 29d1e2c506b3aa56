locals {
  int = 42
  float = 3.14
  exp = 1e10
  neg_exp = 2.5E-3
  bool = true
  nothing = null
  str = "with \"escapes\" and \\ backslash\n"
  unicode = "héllo wörld"
  legacy_index = var.list.0.name
}
