locals {
  path = "C:\\temp\\x\qy"
}
