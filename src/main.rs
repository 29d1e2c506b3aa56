//! The `tfrs` program: the CLI with every built-in provider, the AWS one
//! included (the library alone has only the SDK-free providers).

static AWS: tfrs_provider::provider::BuiltinProvider = tfrs_aws::PROVIDER;

fn main() {
    tfrs::engine::register_providers(vec![&AWS]);
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(tfrs::command::run(args));
}
