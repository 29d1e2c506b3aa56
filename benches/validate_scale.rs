//! Parses and validates a generated configuration of 10,000 resources and
//! prints the time taken and the peak memory of the process.
//!
//! Run: `cargo bench --bench validate_scale` (release build). Target on the
//! reference machine (2 cores): under 1 s and under 200 MB.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;
use tfrs::diag::SourceMap;

fn generate(dir: &Path, resources: usize) {
    std::fs::create_dir_all(dir).expect("bench dir");
    let mut main = String::from(
        "variable \"prefix\" {\n  type    = string\n  default = \"bench\"\n}\n\nlocals {\n  tags = { Project = var.prefix }\n}\n\n",
    );
    for i in 0..resources {
        let _ = write!(
            main,
            "resource \"aws_s3_object\" \"o{i}\" {{\n  bucket  = \"${{var.prefix}}-bucket\"\n  key     = \"objects/{i}.txt\"\n  content = format(\"object %d of %d\", {i}, {resources})\n  tags    = merge(local.tags, {{ Index = \"{i}\" }})\n{}}}\n\n",
            if i > 0 { format!("  depends_on = [aws_s3_object.o{}]\n", i - 1) } else { String::new() }
        );
    }
    main.push_str("output \"last\" {\n  value = aws_s3_object.o0.key\n}\n");
    std::fs::write(dir.join("main.tf"), main).expect("write main.tf");
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let n: usize = std::env::var("TFRS_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("tfrs-validate-bench-{n}"));
    generate(&dir, n);
    let size = std::fs::metadata(dir.join("main.tf"))
        .map(|m| m.len())
        .unwrap_or(0);
    let start = Instant::now();
    let sources = SourceMap::default();
    let diags = tfrs::command::validate_dir(&dir, &sources);
    let elapsed = start.elapsed();
    assert!(
        !diags.has_errors(),
        "the generated configuration must be valid: {diags:?}"
    );
    println!(
        "validate {n} resources ({:.1} MB of HCL): {:.3} s, peak RSS {:.1} MB",
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        peak_rss_mb()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
