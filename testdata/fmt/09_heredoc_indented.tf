locals {
    script = <<-SCRIPT
      #!/bin/bash
        echo "${var.name}"
      echo done
    SCRIPT
  other    = "y"
    templated = <<EOT
Hello, ${ var.name }!
%{ for x in var.list ~}
- ${x}
%{ endfor ~}
EOT
}
