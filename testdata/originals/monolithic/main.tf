terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.16.2"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

# Monolithic architecture: nginx (frontend) + flask (backend) on EC2 instances
# in an autoscaling group behind an application load balancer.
# The flask api reads/writes the "fortunes" DynamoDB table and the config files
# for the instances are kept in a permanent S3 bucket (created by hand).

locals {
  app_name      = "fortune"
  config_bucket = "fortune-config-files"
  # python packages needed by the flask backend
  python_packages = ["flask", "boto3", "gunicorn"]
}

# Latest Amazon Linux 2 AMI
data "aws_ami" "amazon_linux" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }

  filter {
    name   = "image-id"
    values = ["ami-*"]
  }
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnet_ids" "default" {
  vpc_id = data.aws_vpc.default.id
}

# Launch configuration for the instances in the autoscaling group
resource "aws_launch_configuration" "fortune_lc" {
  name_prefix          = "${local.app_name}-lc-"
  image_id             = data.aws_ami.amazon_linux.id
  instance_type        = "t2.micro"
  iam_instance_profile = "fortune-ec2-profile"
  key_name             = "fortune-key"
  security_groups      = [aws_security_group.fortune_sg.name]

  # installs nginx and flask and pulls the app + config files from S3
  user_data = <<-EOF
    #!/bin/bash
    yum update -y
    amazon-linux-extras install nginx1 -y
    yum install -y python3-pip
    pip3 install ${join(" ", local.python_packages)}
    mkdir -p /home/ec2-user/app
    aws s3 cp s3://${local.config_bucket}/nginx.conf /etc/nginx/nginx.conf
    aws s3 cp s3://${local.config_bucket}/index.html /usr/share/nginx/html/index.html
    aws s3 cp s3://${local.config_bucket}/app.py /home/ec2-user/app/app.py
    systemctl enable nginx
    systemctl start nginx
    cd /home/ec2-user/app
    nohup gunicorn --bind 0.0.0.0:5000 app:app > /home/ec2-user/app/app.log 2>&1 &
  EOF

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_autoscaling_group" "fortune_asg" {
  name                 = "${local.app_name}-asg"
  launch_configuration = aws_launch_configuration.fortune_lc.name
  min_size             = 2
  max_size             = 4
  desired_capacity     = 2
  availability_zones   = ["us-east-1a", "us-east-1b", "us-east-1c"]
  health_check_type    = "ELB"

  depends_on = [aws_lb.fortune_lb]

  lifecycle {
    create_before_destroy = true
  }
}

# Attach the autoscaling group to the load balancer target group
resource "aws_autoscaling_attachment" "fortune_asg_attachment" {
  autoscaling_group_name = aws_autoscaling_group.fortune_asg.id
  alb_target_group_arn   = aws_lb_target_group.fortune_tg.arn
}

# Security group for the instances and the load balancer
resource "aws_security_group" "fortune_sg" {
  name = "fortune-sg"
}

resource "aws_security_group_rule" "ingress_ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}

resource "aws_security_group_rule" "ingress_http" {
  type              = "ingress"
  from_port         = 80
  to_port           = 80
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}

resource "aws_security_group_rule" "ingress_flask" {
  type              = "ingress"
  from_port         = 5000
  to_port           = 5000
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}

resource "aws_security_group_rule" "egress_http" {
  type              = "egress"
  from_port         = 80
  to_port           = 80
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}

resource "aws_security_group_rule" "egress_flask" {
  type              = "egress"
  from_port         = 5000
  to_port           = 5000
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}

resource "aws_security_group_rule" "egress_all" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}

# Application load balancer
resource "aws_lb" "fortune_lb" {
  name               = "fortune-lb"
  load_balancer_type = "application"
  subnets            = data.aws_subnet_ids.default.ids
  security_groups    = [aws_security_group.fortune_sg.id]
}

resource "aws_lb_target_group" "fortune_tg" {
  name     = "fortune-tg"
  port     = 80
  protocol = "HTTP"
  vpc_id   = data.aws_vpc.default.id

  health_check {
    path                = "/"
    protocol            = "HTTP"
    matcher             = 200
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "fortune_listener" {
  load_balancer_arn = aws_lb.fortune_lb.arn
  port              = 80
  protocol          = "HTTP"

  # anything that doesn't match a rule gets a 404
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "404: page not found"
      status_code  = 404
    }
  }
}

resource "aws_lb_listener_rule" "fortune_rule" {
  listener_arn = aws_lb_listener.fortune_listener.arn
  priority     = 100

  condition {
    path_pattern {
      values = ["/*"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.fortune_tg.arn
  }
}

# Single instance used before the autoscaling group was added
# resource "aws_instance" "fortune_instance" {
#   ami             = data.aws_ami.amazon_linux.id
#   instance_type   = "t2.micro"
#   key_name        = "fortune-key"
#   security_groups = [aws_security_group.fortune_sg.name]
#
#   tags = {
#     Name = "fortune-instance"
#   }
# }
