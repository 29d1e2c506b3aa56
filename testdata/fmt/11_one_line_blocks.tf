terraform { required_version = ">= 1.0" }
provider "aws" {}
provider "google" {   }
resource "null_resource" "x" {   triggers = {}   }
locals { a = 1 }
