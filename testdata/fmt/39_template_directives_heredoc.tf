locals {
  user_data = <<-EOT
    #!/bin/bash
    %{ if var.install_nginx }
    apt-get install -y nginx
    %{ else }
    echo "skip"
    %{ endif }
    %{~ for p in var.ports ~}
    ufw allow ${ p }
    %{~ endfor ~}
  EOT
}
