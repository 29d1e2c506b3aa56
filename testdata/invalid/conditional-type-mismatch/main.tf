locals {
  ports = true ? [80, 443] : {
    http = 80
  }
}
