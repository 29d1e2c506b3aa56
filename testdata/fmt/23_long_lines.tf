locals {
  very_long_attribute_name_that_goes_on_and_on_and_on = "a very long value that exceeds the usual line length limits by quite a bit, to see that nothing wraps"
  short = 1
  list = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccc", "dddddddddddddddddddddddddddd"]
}
