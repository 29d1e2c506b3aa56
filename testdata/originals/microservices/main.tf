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

# Microservices architecture: flask backend on Elastic Beanstalk, static
# frontend in S3, both behind CloudFront with the *.example.site certificate,
# and two Route53 records (www. -> frontend, api. -> backend).
# The frontend bucket, the backend zip, the certificate and the hosted zone
# were created by hand, so they are only read here.

locals {
  app_name          = "fortune"
  backend_origin_id = "fortune-backend"
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

# Zipped flask application (application.py + requirements.txt)
data "aws_s3_object" "backend_zip" {
  bucket = "fortune-app-artifacts"
  key    = "backend.zip"
}

# Bucket with the static website
data "aws_s3_bucket" "frontend" {
  bucket = "www.example.site"
}

data "aws_acm_certificate" "cert" {
  domain   = "*.example.site"
  statuses = ["ISSUED"]
}

data "aws_route53_zone" "zone" {
  name = "example.site."
}

# ---------------- Route53 ----------------

resource "aws_route53_record" "frontend" {
  zone_id = data.aws_route53_zone.zone.zone_id
  name    = "www.${data.aws_route53_zone.zone.name}"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.frontend.domain_name
    zone_id                = aws_cloudfront_distribution.frontend.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "backend" {
  zone_id = data.aws_route53_zone.zone.zone_id
  name    = "api.${data.aws_route53_zone.zone.name}"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.backend.domain_name
    zone_id                = aws_cloudfront_distribution.backend.hosted_zone_id
    evaluate_target_health = false
  }
}

# ---------------- Elastic Beanstalk ----------------

resource "aws_elastic_beanstalk_application" "fortune_app" {
  name        = "${local.app_name}-app"
  description = <<-EOF
    Fortune flask API.
    Gets a random fortune from DynamoDB or puts a new one in it.
  EOF
}

resource "aws_elastic_beanstalk_application_version" "fortune_app_version" {
  name        = "${local.app_name}-app-v1"
  application = aws_elastic_beanstalk_application.fortune_app.name
  bucket      = data.aws_s3_object.backend_zip.bucket
  key         = data.aws_s3_object.backend_zip.key
}

resource "aws_elastic_beanstalk_environment" "fortune_env" {
  name                = "${local.app_name}-env"
  application         = aws_elastic_beanstalk_application.fortune_app.name
  solution_stack_name = "64bit Amazon Linux 2023 v4.0.4 running Python 3.11"
  tier                = "WebServer"
  version_label       = aws_elastic_beanstalk_application_version.fortune_app_version.name

  setting {
    namespace = "aws:ec2:vpc"
    name      = "VPCId"
    value     = data.aws_vpc.default.id
  }

  setting {
    namespace = "aws:ec2:vpc"
    name      = "Subnets"
    value     = join(",", data.aws_subnets.default.ids)
  }

  setting {
    namespace = "aws:ec2:vpc"
    name      = "ELBSubnets"
    value     = join(",", data.aws_subnets.default.ids)
  }

  setting {
    namespace = "aws:ec2:vpc"
    name      = "AssociatePublicIpAddress"
    value     = true
  }

  setting {
    namespace = "aws:autoscaling:launchconfiguration"
    name      = "IamInstanceProfile"
    value     = "aws-elasticbeanstalk-ec2-role"
  }

  setting {
    namespace = "aws:autoscaling:launchconfiguration"
    name      = "InstanceType"
    value     = "t2.micro"
  }

  setting {
    namespace = "aws:autoscaling:asg"
    name      = "MinSize"
    value     = 2
  }

  setting {
    namespace = "aws:autoscaling:asg"
    name      = "MaxSize"
    value     = 4
  }

  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "EnvironmentType"
    value     = "LoadBalanced"
  }

  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "LoadBalancerType"
    value     = "application"
  }

  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "ServiceRole"
    value     = "aws-elasticbeanstalk-service-role"
  }

  setting {
    namespace = "aws:elasticbeanstalk:environment:process:default"
    name      = "HealthCheckPath"
    value     = "/health"
  }

  setting {
    namespace = "aws:elasticbeanstalk:environment:process:default"
    name      = "MatcherHTTPCode"
    value     = 200
  }

  setting {
    namespace = "aws:elasticbeanstalk:healthreporting:system"
    name      = "SystemType"
    value     = "enhanced"
  }
}

# ---------------- CloudFront ----------------

resource "aws_cloudfront_origin_access_control" "frontend_oac" {
  name                              = "${local.app_name}-frontend-oac"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# Frontend distribution (S3 static website)
resource "aws_cloudfront_distribution" "frontend" {
  enabled             = true
  aliases             = ["www.${data.aws_route53_zone.zone.name}"]
  default_root_object = "index.html"

  origin {
    domain_name              = data.aws_s3_bucket.frontend.bucket_regional_domain_name
    origin_id                = data.aws_s3_bucket.frontend.id
    origin_access_control_id = aws_cloudfront_origin_access_control.frontend_oac.id
  }

  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = data.aws_s3_bucket.frontend.id
    viewer_protocol_policy = "redirect-to-https"

    forwarded_values {
      query_string = false

      cookies {
        forward = "none"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
      locations        = []
    }
  }

  viewer_certificate {
    acm_certificate_arn      = data.aws_acm_certificate.cert.arn
    minimum_protocol_version = "TLSv1.2_2021"
    ssl_support_method       = "sni-only"
  }
}

# Backend distribution (Elastic Beanstalk load balancer)
resource "aws_cloudfront_distribution" "backend" {
  enabled             = true
  aliases             = ["api.${data.aws_route53_zone.zone.name}"]
  default_root_object = ""

  origin {
    domain_name = aws_elastic_beanstalk_environment.fortune_env.endpoint_url
    origin_id   = local.backend_origin_id

    custom_origin_config {
      http_port              = "80"
      https_port             = "443"
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    allowed_methods        = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = local.backend_origin_id
    viewer_protocol_policy = "redirect-to-https"

    forwarded_values {
      query_string = true

      cookies {
        forward = "none"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
      locations        = []
    }
  }

  viewer_certificate {
    acm_certificate_arn      = data.aws_acm_certificate.cert.arn
    minimum_protocol_version = "TLSv1.2_2021"
    ssl_support_method       = "sni-only"
  }
}

# ---------------- S3 bucket policy ----------------

# Only the frontend distribution may read the bucket
data "aws_iam_policy_document" "frontend_policy" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${data.aws_s3_bucket.frontend.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.frontend.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "frontend_policy" {
  bucket = data.aws_s3_bucket.frontend.id
  policy = data.aws_iam_policy_document.frontend_policy.json

  depends_on = [aws_cloudfront_distribution.frontend, aws_cloudfront_origin_access_control.frontend_oac]
}

# Old public website bucket, replaced by the CloudFront + OAC setup above
# resource "aws_s3_bucket_website_configuration" "frontend" {
#   bucket = data.aws_s3_bucket.frontend.id
#
#   index_document {
#     suffix = "index.html"
#   }
# }
