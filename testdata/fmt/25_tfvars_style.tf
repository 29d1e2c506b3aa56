region="us-east-1"
instance_count=3
tags={
  Owner="me"
  Project = "x"
}
zones = ["a","b"]
enabled=true
