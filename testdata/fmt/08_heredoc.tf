resource "aws_iam_policy" "p" {
policy = <<EOF2
{
  "Version": "2012-10-17",
     "Statement": []
}
EOF2
  description = "x"
}
