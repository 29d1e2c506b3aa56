//! The user's original Monolithic/main.tf (testdata/originals/monolithic),
//! unmodified, against the emulator with its prerequisites seeded
//! (testdata/originals/seed.py): init, apply, an empty plan, destroy, and
//! nothing the apply created is left in the emulator.

mod aws_support;

use aws_support::{root, temp_dir, Emulator};

#[test]
fn original_monolithic_configuration_end_to_end() {
    let emu = Emulator::start(&[(
        "MOTO_AMIS_PATH",
        root().join("testdata/originals/amis.json"),
    )]);
    emu.python("testdata/originals/seed.py", &["monolithic"]);
    let dir = temp_dir("monolithic");
    let baseline = dir.join("baseline.json");
    let baseline_arg = baseline.to_string_lossy().into_owned();
    let seeded = emu.inventory(&["--save", &baseline_arg]);
    for k in [
        "iam_instance_profile:fortune-ec2-profile",
        "key_pair:fortune-key",
        "s3_object:fortune-config-files/app.py",
    ] {
        assert!(seeded.objects.iter().any(|o| o == k), "not seeded: {k}");
    }
    let work = dir.join("monolithic");
    std::fs::create_dir_all(&work).unwrap();
    let original = root().join("testdata/originals/monolithic/main.tf");
    std::fs::copy(&original, work.join("main.tf")).unwrap();

    let (code, out, err) = emu.tfrs(&work, &["init", "-no-color"]);
    assert_eq!(code, 0, "init failed:\n{out}\n{err}");
    assert!(out.contains("hashicorp/aws"), "{out}");

    let (code, out, err) = emu.tfrs(&work, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "apply failed:\n{out}\n{err}");
    assert!(
        out.contains("Apply complete! Resources: 14 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    // Both v4 constructs run, each with a warning naming its replacement,
    // at the line that uses it.
    let shown = format!("{out}\n{err}");
    for expected in [
        "Warning: Deprecated data source",
        "on main.tf line 46",
        "data \"aws_subnet_ids\" \"default\" {",
        "Use the aws_subnets data source with a filter instead",
        "Warning: Argument is deprecated",
        "on main.tf line 100, in resource \"aws_autoscaling_attachment\" \"fortune_asg_attachment\":",
        "alb_target_group_arn was renamed lb_target_group_arn",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in:\n{shown}");
    }

    // What the apply made, seen through the emulator: the Auto Scaling
    // group launched its two instances (each with its network interface);
    // only those are not in the state, which records their group.
    let applied = emu.inventory(&[
        "--baseline",
        &baseline_arg,
        "--state",
        &work.join("terraform.tfstate").to_string_lossy(),
    ]);
    for (kind, n) in [
        ("security_group", 1),
        ("security_group_rule", 6),
        ("launch_configuration", 1),
        ("autoscaling_group", 1),
        ("instance", 2),
        ("network_interface", 2),
        ("load_balancer", 1),
        ("target_group", 1),
        ("listener", 1),
        ("listener_rule", 1),
    ] {
        assert_eq!(
            applied.count_new(kind),
            n,
            "{kind} objects after apply: {:?}",
            applied.new
        );
    }
    assert!(
        applied
            .orphans
            .iter()
            .all(|k| k.starts_with("instance:") || k.starts_with("network_interface:")),
        "objects the state does not know: {:?}",
        applied.orphans
    );
    let (code, shown, err) = emu.tfrs(
        &work,
        &[
            "state",
            "show",
            "-no-color",
            "aws_launch_configuration.fortune_lc",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "image_id = \"ami-0bb4c991fa89d4b9b\"",
        "iam_instance_profile = \"fortune-ec2-profile\"",
        "key_name = \"fortune-key\"",
        "security_groups = [ \"fortune-sg\", ]",
    ] {
        assert!(words.contains(expected), "{expected:?} not in:\n{shown}");
    }

    let (code, out, err) = emu.tfrs(&work, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(code, 0, "the plan after apply is not empty:\n{out}\n{err}");
    assert!(out.contains("No changes."), "{out}");

    let (code, out, err) = emu.tfrs(&work, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "destroy failed:\n{out}\n{err}");
    assert!(
        out.contains("Destroy complete! Resources: 14 destroyed."),
        "{out}"
    );
    let (_, list, _) = emu.tfrs(&work, &["state", "list"]);
    assert!(
        list.lines().all(|l| l.starts_with("data.")),
        "managed resources left in state: {list}"
    );
    // Nothing the apply made is left (instances terminated, their
    // interfaces gone, every group, rule, balancer and listener deleted),
    // and what was there before is untouched.
    let after = emu.inventory(&["--baseline", &baseline_arg]);
    assert!(after.new.is_empty(), "left after destroy: {:?}", after.new);
    for k in &seeded.objects {
        assert!(
            after.objects.contains(k),
            "destroy removed {k}, which it did not create"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
