terraform {
required_providers {
aws = {
source = "hashicorp/aws"
version = "~> 5.0"
}
}
}

provider "aws" {
region = var.region # the region
  default_tags {
tags = local.tags
  }
}

variable "region" {
type = "string"
default = "us-east-1"
}

resource "aws_s3_bucket" "b" {
  bucket = "${var.name}"
  tags = merge(local.tags,{Name="${var.name}-bucket"})
}
