module "x" {
  source = "./x"
  list = [
    "a", "b",
    "c"]
  call = foo(
  1,
  2
  )
  obj = { a = 1,
    b = 2 }
}
