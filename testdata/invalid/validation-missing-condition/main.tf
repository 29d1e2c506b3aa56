variable "environment" {
  type    = string
  default = "prod"

  validation {
    error_message = "The environment must be dev or prod."
  }
}
