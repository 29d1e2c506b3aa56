locals {
  name = uppercase("fortune")
}
