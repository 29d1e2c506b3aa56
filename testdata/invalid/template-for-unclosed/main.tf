locals {
  names = "%{ for n in ["a", "b"] }${n},"
}
