locals {
  site_domain = "www.${var.domain}"
}
