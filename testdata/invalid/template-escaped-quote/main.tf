locals {
  names = "%{ for n in [\"a\"] }${n}"
}
