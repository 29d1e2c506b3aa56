//! Terraform's colour markup (`[bold]`, `[red]`, `[reset]`), applied as
//! `mitchellh/colorstring` does with `Reset: true`: known codes become ANSI
//! sequences (or vanish when colour is off), unknown bracketed words stay,
//! and a coloured string ends with a reset.

fn code(name: &str) -> Option<&'static str> {
    Some(match name {
        "default" => "39",
        "_default_" => "49",
        "black" => "30",
        "red" => "31",
        "green" => "32",
        "yellow" => "33",
        "blue" => "34",
        "magenta" => "35",
        "cyan" => "36",
        "light_gray" => "37",
        "dark_gray" => "90",
        "light_red" => "91",
        "light_green" => "92",
        "light_yellow" => "93",
        "light_blue" => "94",
        "light_magenta" => "95",
        "light_cyan" => "96",
        "white" => "97",
        "_black_" => "40",
        "_red_" => "41",
        "_green_" => "42",
        "_yellow_" => "43",
        "_blue_" => "44",
        "_magenta_" => "45",
        "_cyan_" => "46",
        "_light_gray_" => "47",
        "_dark_gray_" => "100",
        "_light_red_" => "101",
        "_light_green_" => "102",
        "_light_yellow_" => "103",
        "_light_blue_" => "104",
        "_light_magenta_" => "105",
        "_light_cyan_" => "106",
        "_white_" => "107",
        "bold" => "1",
        "dim" => "2",
        "underline" => "4",
        "blink_slow" => "5",
        "blink_fast" => "6",
        "invert" => "7",
        "hidden" => "8",
        "reset" => "0",
        "reset_bold" => "21",
        _ => return None,
    })
}

/// `Colorize.Color(s)` with colours on (`enabled`) or off.
pub fn colorize(s: &str, enabled: bool) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    let mut colored = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-') {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b']' {
                out.push_str(&s[last..i]);
                match code(&s[i + 1..j]) {
                    Some(c) => {
                        colored = true;
                        if enabled {
                            out.push_str("\x1b[");
                            out.push_str(c);
                            out.push('m');
                        }
                    }
                    None => out.push_str(&s[i..=j]),
                }
                last = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&s[last..]);
    if colored && enabled {
        out.push_str("\x1b[0m");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::colorize;

    #[test]
    fn applies_codes() {
        assert_eq!(colorize("[bold]a[reset] [0] [x]", false), "a [0] [x]");
        assert_eq!(colorize("[bold]a[reset]", true), "\x1b[1ma\x1b[0m\x1b[0m");
        assert_eq!(colorize("plain [id=1]", true), "plain [id=1]");
    }
}
