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

# Serverless architecture: Lambda backend behind an API Gateway REST API,
# static frontend in S3, both behind CloudFront with the *.example.site
# certificate, and two Route53 records (www. -> frontend, api. -> API).
# The frontend bucket, the lambda zip, the lambda role, the certificate and the
# hosted zone were created by hand, so they are only read here.

locals {
  app_name      = "fortune"
  api_origin_id = "fortune-api"
  stage_name    = "prod"
  # CORS headers returned by the API
  cors_methods = ["GET", "POST", "OPTIONS"]
}

data "aws_s3_bucket" "frontend" {
  bucket = "www.example.site"
}

# Zipped lambda_function.py
data "aws_s3_object" "lambda_zip" {
  bucket = "fortune-app-artifacts"
  key    = "lambda.zip"
}

# Role with DynamoDB + CloudWatch logs access
data "aws_iam_role" "lambda_role" {
  name = "fortune-lambda-role"
}

data "aws_acm_certificate" "cert" {
  domain   = "*.example.site"
  statuses = ["ISSUED"]
}

data "aws_route53_zone" "zone" {
  name = "example.site."
}

# ---------------- Lambda ----------------

resource "aws_lambda_function" "fortune_lambda" {
  function_name = "${local.app_name}-lambda"
  s3_bucket     = data.aws_s3_object.lambda_zip.bucket
  s3_key        = data.aws_s3_object.lambda_zip.key
  runtime       = "python3.11"
  handler       = "lambda_function.lambda_handler"
  role          = data.aws_iam_role.lambda_role.arn
  # layers        = [aws_lambda_layer_version.dependencies.arn]
}

# Layer with the python dependencies, not needed anymore (boto3 is in the runtime)
# resource "aws_lambda_layer_version" "dependencies" {
#   layer_name          = "fortune-dependencies"
#   s3_bucket           = "fortune-app-artifacts"
#   s3_key              = "layer.zip"
#   compatible_runtimes = ["python3.11"]
# }

resource "aws_lambda_permission" "apigw_lambda" {
  statement_id  = "AllowExecutionFromAPIGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fortune_lambda.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.fortune_api.execution_arn}/*/*"
}

# ---------------- API Gateway ----------------

resource "aws_api_gateway_rest_api" "fortune_api" {
  name = "${local.app_name}-api"
}

# /api
resource "aws_api_gateway_resource" "api" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  parent_id   = aws_api_gateway_rest_api.fortune_api.root_resource_id
  path_part   = "api"
}

# /api/v1
resource "aws_api_gateway_resource" "v1" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  parent_id   = aws_api_gateway_resource.api.id
  path_part   = "v1"
}

# /api/v1/fortune
resource "aws_api_gateway_resource" "fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  parent_id   = aws_api_gateway_resource.v1.id
  path_part   = "fortune"
}

resource "aws_api_gateway_method" "get_fortune" {
  rest_api_id   = aws_api_gateway_rest_api.fortune_api.id
  resource_id   = aws_api_gateway_resource.fortune.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "post_fortune" {
  rest_api_id   = aws_api_gateway_rest_api.fortune_api.id
  resource_id   = aws_api_gateway_resource.fortune.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "options_fortune" {
  rest_api_id   = aws_api_gateway_rest_api.fortune_api.id
  resource_id   = aws_api_gateway_resource.fortune.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get_fortune" {
  rest_api_id             = aws_api_gateway_rest_api.fortune_api.id
  resource_id             = aws_api_gateway_resource.fortune.id
  http_method             = aws_api_gateway_method.get_fortune.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.fortune_lambda.invoke_arn
}

resource "aws_api_gateway_integration" "post_fortune" {
  rest_api_id             = aws_api_gateway_rest_api.fortune_api.id
  resource_id             = aws_api_gateway_resource.fortune.id
  http_method             = aws_api_gateway_method.post_fortune.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.fortune_lambda.invoke_arn
}

# CORS preflight, answered by API Gateway itself
resource "aws_api_gateway_integration" "options_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.options_fortune.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = <<-EOF
      {
        "statusCode": 200
      }
    EOF
  }
  passthrough_behavior = "WHEN_NO_MATCH"
}

resource "aws_api_gateway_method_response" "get_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.get_fortune.http_method
  status_code = 200

  response_models = {
    "application/json" = "Empty"
  }

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = true
  }
}

resource "aws_api_gateway_method_response" "post_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.post_fortune.http_method
  status_code = 200

  response_models = {
    "application/json" = "Empty"
  }

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = true
  }
}

resource "aws_api_gateway_method_response" "options_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.options_fortune.http_method
  status_code = 200

  response_models = {
    "application/json" = "Empty"
  }

  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = true,
    "method.response.header.Access-Control-Allow-Methods" = true,
    "method.response.header.Access-Control-Allow-Origin"  = true
  }
}

resource "aws_api_gateway_integration_response" "get_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.get_fortune.http_method
  status_code = aws_api_gateway_method_response.get_fortune.status_code

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'*'"
  }

  depends_on = [aws_api_gateway_integration.get_fortune]
}

resource "aws_api_gateway_integration_response" "post_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.post_fortune.http_method
  status_code = aws_api_gateway_method_response.post_fortune.status_code

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'*'"
  }

  depends_on = [aws_api_gateway_integration.post_fortune]
}

resource "aws_api_gateway_integration_response" "options_fortune" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  resource_id = aws_api_gateway_resource.fortune.id
  http_method = aws_api_gateway_method.options_fortune.http_method
  status_code = aws_api_gateway_method_response.options_fortune.status_code

  response_parameters = {
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
    "method.response.header.Access-Control-Allow-Methods" = "'${join(",", local.cors_methods)}'",
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
  }

  depends_on = [aws_api_gateway_integration.options_fortune]
}

resource "aws_api_gateway_deployment" "fortune_deployment" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id

  depends_on = [
    aws_api_gateway_integration.get_fortune,
    aws_api_gateway_integration.post_fortune,
    aws_api_gateway_integration.options_fortune,
    aws_api_gateway_integration_response.options_fortune
  ]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.fortune_api.id
  deployment_id = aws_api_gateway_deployment.fortune_deployment.id
  stage_name    = local.stage_name
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.fortune_api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    throttling_burst_limit = 50
    throttling_rate_limit  = 100
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

# API distribution (API Gateway prod stage)
resource "aws_cloudfront_distribution" "api" {
  enabled             = true
  aliases             = ["api.${data.aws_route53_zone.zone.name}"]
  default_root_object = ""

  origin {
    domain_name = "${aws_api_gateway_rest_api.fortune_api.id}.execute-api.us-east-1.amazonaws.com"
    origin_id   = local.api_origin_id
    origin_path = "/${local.stage_name}"

    custom_origin_config {
      http_port              = "80"
      https_port             = "443"
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    allowed_methods        = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = local.api_origin_id
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

resource "aws_route53_record" "api" {
  zone_id = data.aws_route53_zone.zone.zone_id
  name    = "api.${data.aws_route53_zone.zone.name}"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.api.domain_name
    zone_id                = aws_cloudfront_distribution.api.hosted_zone_id
    evaluate_target_health = false
  }
}
