locals {   
  a = 1    
  bb = "x"	
}   

   
output "o" {
  value = 1 
}
