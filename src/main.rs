//! The `tfrs` program: the CLI with every built-in provider, the AWS one
//! included, and the S3 state backend (the library alone has only the
//! SDK-free providers and the local backend).

static AWS: tfrs_provider::provider::BuiltinProvider = tfrs_aws::PROVIDER;

fn main() {
    tfrs::engine::register_providers(vec![&AWS]);
    tfrs::backend::register_remote_backends(vec![&tfrs_aws::backend_s3::S3]);
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(tfrs::command::run(args));
}
