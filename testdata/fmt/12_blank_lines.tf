

locals {


  a = 1



  bbb = 2
  c = 3
}



output "x" {
  value = local.a

}


