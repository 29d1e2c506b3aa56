locals {
  m = {
    "héllo" = 1
    "wörld_long" = 2
    "日本" = 3
    "e\u0301" = 4
  }
  emoji = "😀" # smile
  x = 1 # x
  ünïcödé = "ok" # aligned by graphemes
}
