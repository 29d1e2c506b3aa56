locals {
  greeting = "Hello, ${ var.name }!"
  cond = "%{ if var.enabled }on%{ else }off%{ endif }"
  loop = "%{ for i, v in var.list }${i}=${v},%{ endfor }"
  strip = "${~ var.x ~}"
  nested = "${ upper("${var.a}-${var.b}") }"
  escaped = "$${not} %%{interp}"
  obj = "${ {a=1}.a }"
}
