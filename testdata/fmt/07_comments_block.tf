/* block comment
   spanning lines */
locals {
  /* inline block */ a = 1
  b = /* before value */ 2
  c = 3 /* after value */
  d = [1, /* mid */ 2]
  /*
   * doc style
   */
  e = 4
}
