//! Providers built into tfrs that need no cloud SDK.

pub mod archive;
pub mod terraform;
pub mod testing;

use tfrs_provider::provider::BuiltinProvider;

/// The providers of this crate, for the core's registry.
pub const PROVIDERS: &[BuiltinProvider] = &[
    BuiltinProvider {
        name: "terraform",
        source: "terraform.io/builtin/terraform",
        version: "1.11.4",
        new: || Box::new(terraform::TerraformProvider),
    },
    BuiltinProvider {
        name: "archive",
        source: "registry.terraform.io/hashicorp/archive",
        // The hashicorp/archive release whose archive_file this follows.
        version: "2.7.1",
        new: || Box::new(archive::ArchiveProvider),
    },
    BuiltinProvider {
        name: "testing",
        source: "registry.terraform.io/tfrs/testing",
        version: "0.1.0",
        new: || Box::new(testing::TestingProvider::default()),
    },
];
