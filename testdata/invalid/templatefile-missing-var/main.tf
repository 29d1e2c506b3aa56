locals {
  greeting = templatefile("${path.module}/greeting.tftpl", {
    name = "fortune"
  })
}
