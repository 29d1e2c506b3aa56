//! Path patterns as `excludes` takes them (doublestar v4's `PathMatch`):
//! `*` and `?` within one path component, `**` as a whole component for
//! any number of components, `[...]` classes (`!` or `^` negates),
//! `{a,b}` alternatives and `\` escapes.

/// Whether `name` (components separated by `/`) matches `pattern`.
pub fn path_match(pattern: &str, name: &str) -> Result<bool, String> {
    for alternative in expand_braces(pattern)? {
        let pat: Vec<&str> = alternative.split('/').collect();
        let parts: Vec<&str> = name.split('/').collect();
        if match_parts(&pat, &parts)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn bad(pattern: &str) -> String {
    format!("syntax error in pattern {pattern:?}")
}

/// Every pattern `{a,b}` alternatives stand for.
fn expand_braces(pattern: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut open = None;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '{' => {
                open = Some(i);
                break;
            }
            _ => {}
        }
        i += 1;
    }
    let Some(start) = open else {
        return Ok(vec![pattern.to_string()]);
    };
    // The matching brace, and the top-level commas between.
    let mut depth = 0;
    let mut commas = Vec::new();
    let mut end = None;
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '{' => depth += 1,
            '}' if depth == 0 => {
                end = Some(j);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => commas.push(j),
            _ => {}
        }
        j += 1;
    }
    let end = end.ok_or_else(|| bad(pattern))?;
    let prefix: String = chars[..start].iter().collect();
    let suffix: String = chars[end + 1..].iter().collect();
    let mut bounds = vec![start];
    bounds.extend(&commas);
    bounds.push(end);
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let middle: String = chars[w[0] + 1..w[1]].iter().collect();
        out.extend(expand_braces(&format!("{prefix}{middle}{suffix}"))?);
    }
    Ok(out)
}

fn match_parts(pat: &[&str], name: &[&str]) -> Result<bool, String> {
    match pat.split_first() {
        None => Ok(name.is_empty()),
        Some((&"**", rest)) => {
            for k in 0..=name.len() {
                if match_parts(rest, &name[k..])? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Some((p, rest)) => match name.split_first() {
            Some((n, name_rest)) => {
                let p: Vec<char> = p.chars().collect();
                let n: Vec<char> = n.chars().collect();
                Ok(match_component(&p, &n)? && match_parts(rest, name_rest)?)
            }
            None => Ok(false),
        },
    }
}

fn match_component(p: &[char], n: &[char]) -> Result<bool, String> {
    let Some(&first) = p.first() else {
        return Ok(n.is_empty());
    };
    match first {
        '*' => {
            for k in 0..=n.len() {
                if match_component(&p[1..], &n[k..])? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        '?' => Ok(!n.is_empty() && match_component(&p[1..], &n[1..])?),
        '[' => {
            let (matched, len) = class(p, n.first().copied())?;
            Ok(matched && match_component(&p[len..], &n[1..])?)
        }
        '\\' => match p.get(1) {
            Some(&c) => Ok(n.first() == Some(&c) && match_component(&p[2..], &n[1..])?),
            None => Err(bad(&p.iter().collect::<String>())),
        },
        c => Ok(n.first() == Some(&c) && match_component(&p[1..], &n[1..])?),
    }
}

/// Whether `c` is in the class at the start of `p`, and the class's length.
fn class(p: &[char], c: Option<char>) -> Result<(bool, usize), String> {
    let err = || bad(&p.iter().collect::<String>());
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let Some(&ch) = p.get(i) else {
            return Err(err());
        };
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if ch == '\\' {
            i += 1;
            *p.get(i).ok_or_else(err)?
        } else {
            ch
        };
        i += 1;
        let hi = if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|x| *x != ']') {
            i += 1;
            let h = if p[i] == '\\' {
                i += 1;
                *p.get(i).ok_or_else(err)?
            } else {
                p[i]
            };
            i += 1;
            h
        } else {
            lo
        };
        if let Some(c) = c {
            if lo <= c && c <= hi {
                hit = true;
            }
        }
    }
    Ok((c.is_some() && hit != negate, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_doublestar_does() {
        let m = |p: &str, n: &str| path_match(p, n).expect("valid pattern");
        assert!(m("test.txt", "test.txt"));
        assert!(!m("test.txt", "dir/test.txt"));
        assert!(m("*.txt", "a.txt"));
        assert!(!m("*.txt", "dir/a.txt"));
        assert!(m("**/*.txt", "a.txt"));
        assert!(m("**/*.txt", "dir/sub/a.txt"));
        assert!(m("dir/**", "dir"));
        assert!(m("dir/**", "dir/a/b"));
        assert!(m("node_modules", "node_modules"));
        assert!(m("file?.py", "file1.py"));
        assert!(m("file[0-9].py", "file7.py"));
        assert!(!m("file[!0-9].py", "file7.py"));
        assert!(m("*.{py,txt}", "a.txt"));
        assert!(!m("*.{py,txt}", "a.md"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(path_match("[a-", "a").is_err());
        assert!(path_match("{a,b", "a").is_err());
    }
}
