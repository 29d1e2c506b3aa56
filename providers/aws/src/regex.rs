//! A small matcher for Go's RE2 regular expression syntax, for arguments
//! such as `aws_ami.name_regex` that the provider matches locally (this
//! crate has no regex dependency).
//!
//! Supported: literals and escapes (`\.`, `\d`, `\w`, `\s` and their
//! negations, `\b`), `.`, classes (`[a-z0-9_]`, `[^...]`, `[[:alpha:]]`),
//! anchors `^` `$`, groups `(...)` `(?:...)` `(?P<name>...)`, alternation,
//! and the quantifiers `*` `+` `?` `{n}` `{n,}` `{n,m}` (lazy forms too),
//! plus the `(?i)` flag. Matching searches anywhere in the text, as Go's
//! `regexp.MatchString` does. The backtracking search remembers the states
//! it has tried, so it runs in time proportional to pattern times text.

use std::collections::HashSet;

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    WordBoundary(bool),
    Group(Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    WordBoundary(bool),
    /// Try the first target, then the second.
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    prog: Vec<Inst>,
    fold_case: bool,
}

/// Repetition counts above this are refused, as RE2 refuses them.
const MAX_REPEAT: u32 = 1000;

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn err(&self, what: &str) -> String {
        format!("error parsing regexp: {what}: `{}`", self.src)
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut alts = vec![self.concat()?];
        while self.eat('|') {
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 {
            alts.remove(0)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quantified(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let mut node = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('*') => {
                    self.pos += 1;
                    (0, None)
                }
                Some('+') => {
                    self.pos += 1;
                    (1, None)
                }
                Some('?') => {
                    self.pos += 1;
                    (0, Some(1))
                }
                Some('{') => match self.counted()? {
                    Some(r) => r,
                    None => return Ok(node),
                },
                _ => return Ok(node),
            };
            if matches!(node, Node::Repeat { .. }) {
                return Err(self.err("invalid nested repetition operator"));
            }
            let greedy = !self.eat('?');
            node = Node::Repeat {
                node: Box::new(node),
                min,
                max,
                greedy,
            };
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`; `None` (and nothing consumed) when the brace
    /// is a literal, as in Go.
    fn counted(&mut self) -> Result<Option<(u32, Option<u32>)>, String> {
        let start = self.pos;
        self.pos += 1;
        let number = |p: &mut Parser| -> Option<u32> {
            let s = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            if p.pos == s {
                return None;
            }
            p.chars[s..p.pos].iter().collect::<String>().parse().ok()
        };
        let Some(min) = number(self) else {
            self.pos = start;
            return Ok(None);
        };
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                match number(self) {
                    Some(m) => Some(m),
                    None => {
                        self.pos = start;
                        return Ok(None);
                    }
                }
            }
        } else {
            Some(min)
        };
        if !self.eat('}') {
            self.pos = start;
            return Ok(None);
        }
        if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
            return Err(self.err("invalid repeat count"));
        }
        Ok(Some((min, max)))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or_else(|| self.err("missing argument"))?;
        self.pos += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => {
                if self.eat('?') {
                    if self.eat(':') {
                    } else if self.eat('P') || self.peek() == Some('<') {
                        if !self.eat('<') {
                            return Err(self.err("invalid named capture"));
                        }
                        while let Some(ch) = self.peek() {
                            self.pos += 1;
                            if ch == '>' {
                                break;
                            }
                        }
                    } else {
                        return Err(self.err("invalid or unsupported Perl syntax"));
                    }
                }
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return Err(self.err("missing closing )"));
                }
                Node::Group(Box::new(inner))
            }
            ')' => return Err(self.err("unexpected )")),
            '*' | '+' | '?' => return Err(self.err("missing argument to repetition operator")),
            '[' => self.class()?,
            '\\' => self.escape(false)?,
            other => Node::Char(other),
        })
    }

    /// After a backslash: an escaped literal, a Perl class, or `\b`.
    fn escape(&mut self, in_class: bool) -> Result<Node, String> {
        let c = self
            .peek()
            .ok_or_else(|| self.err("trailing backslash at end of expression"))?;
        self.pos += 1;
        let digit = vec![('0', '9')];
        let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        let space = vec![('\t', '\n'), ('\x0c', '\r'), (' ', ' ')];
        Ok(match c {
            'd' => Node::Class(digit, false),
            'D' => Node::Class(digit, true),
            'w' => Node::Class(word, false),
            'W' => Node::Class(word, true),
            's' => Node::Class(space, false),
            'S' => Node::Class(space, true),
            'b' if !in_class => Node::WordBoundary(true),
            'B' if !in_class => Node::WordBoundary(false),
            'A' if !in_class => Node::Start,
            'z' if !in_class => Node::End,
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            'f' => Node::Char('\x0c'),
            'v' => Node::Char('\x0b'),
            c if c.is_ascii_punctuation() => Node::Char(c),
            _ => return Err(self.err(&format!("invalid escape sequence: `\\{c}`"))),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.eat('^');
        let mut ranges: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or_else(|| self.err("missing closing ]"))?;
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == '[' && self.chars.get(self.pos + 1) == Some(&':') {
                let rest: String = self.chars[self.pos..].iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = &rest[2..end];
                    let set: Vec<(char, char)> = match name {
                        "alpha" => vec![('A', 'Z'), ('a', 'z')],
                        "digit" => vec![('0', '9')],
                        "alnum" => vec![('0', '9'), ('A', 'Z'), ('a', 'z')],
                        "upper" => vec![('A', 'Z')],
                        "lower" => vec![('a', 'z')],
                        "space" => vec![('\t', '\r'), (' ', ' ')],
                        "xdigit" => vec![('0', '9'), ('A', 'F'), ('a', 'f')],
                        "word" => vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
                        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
                        _ => return Err(self.err("invalid character class range")),
                    };
                    ranges.extend(set);
                    self.pos += end + 2;
                    continue;
                }
            }
            self.pos += 1;
            let lo = if c == '\\' {
                match self.escape(true)? {
                    Node::Char(ch) => ch,
                    Node::Class(set, false) => {
                        ranges.extend(set);
                        continue;
                    }
                    Node::Class(set, true) => {
                        ranges.extend(complement(&set));
                        continue;
                    }
                    _ => return Err(self.err("invalid escape in class")),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']') {
                self.pos += 1;
                let h = self.peek().ok_or_else(|| self.err("missing closing ]"))?;
                self.pos += 1;
                let hi = if h == '\\' {
                    match self.escape(true)? {
                        Node::Char(ch) => ch,
                        _ => return Err(self.err("invalid character class range")),
                    }
                } else {
                    h
                };
                if hi < lo {
                    return Err(self.err("invalid character class range"));
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class(ranges, negated))
    }
}

fn complement(set: &[(char, char)]) -> Vec<(char, char)> {
    let mut sorted = set.to_vec();
    sorted.sort();
    let mut out = Vec::new();
    let mut next = '\0';
    for (lo, hi) in sorted {
        if lo > next {
            if let Some(end) = char::from_u32(lo as u32 - 1) {
                out.push((next, end));
            }
        }
        if let Some(after) = char::from_u32(hi as u32 + 1) {
            next = next.max(after);
        } else {
            return out;
        }
    }
    out.push((next, char::MAX));
    out
}

fn compile(node: &Node, prog: &mut Vec<Inst>) {
    match node {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(r, n) => prog.push(Inst::Class(r.clone(), *n)),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::WordBoundary(b) => prog.push(Inst::WordBoundary(*b)),
        Node::Group(inner) => compile(inner, prog),
        Node::Concat(items) => items.iter().for_each(|n| compile(n, prog)),
        Node::Alt(alts) => {
            // split L1, next; L1: alt0; jmp end; next: split ...
            let mut jumps = Vec::new();
            for (i, alt) in alts.iter().enumerate() {
                if i + 1 < alts.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(alt, prog);
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                } else {
                    compile(alt, prog);
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat {
            node,
            min,
            max,
            greedy,
        } => {
            for _ in 0..*min {
                compile(node, prog);
            }
            let split = |a: usize, b: usize| {
                if *greedy {
                    Inst::Split(a, b)
                } else {
                    Inst::Split(b, a)
                }
            };
            match max {
                None => {
                    let top = prog.len();
                    prog.push(Inst::Split(0, 0));
                    compile(node, prog);
                    prog.push(Inst::Jmp(top));
                    let end = prog.len();
                    prog[top] = split(top + 1, end);
                }
                Some(max) => {
                    let mut holes = Vec::new();
                    for _ in *min..*max {
                        let s = prog.len();
                        prog.push(Inst::Split(0, 0));
                        holes.push(s);
                        compile(node, prog);
                    }
                    let end = prog.len();
                    for s in holes {
                        prog[s] = split(s + 1, end);
                    }
                }
            }
        }
    }
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Regex {
    /// Parses a pattern; the error is worded as Go's `regexp.Compile`.
    pub fn new(pattern: &str) -> Result<Regex, String> {
        let (fold_case, body) = match pattern.strip_prefix("(?i)") {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let mut p = Parser {
            chars: body.chars().collect(),
            pos: 0,
            src: pattern,
        };
        let node = p.alternation()?;
        if p.pos < p.chars.len() {
            return Err(p.err("unexpected )"));
        }
        let mut prog = Vec::new();
        compile(&node, &mut prog);
        prog.push(Inst::Match);
        Ok(Regex { prog, fold_case })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        (0..=chars.len()).any(|start| self.run(&chars, start, &mut seen))
    }

    fn char_eq(&self, a: char, b: char) -> bool {
        a == b || (self.fold_case && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn in_class(&self, c: char, ranges: &[(char, char)]) -> bool {
        let hit = |c: char| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        hit(c) || (self.fold_case && (c.to_lowercase().any(hit) || c.to_uppercase().any(hit)))
    }

    fn run(&self, text: &[char], start: usize, seen: &mut HashSet<(usize, usize)>) -> bool {
        let mut stack = vec![(0usize, start)];
        while let Some((pc, pos)) = stack.pop() {
            if !seen.insert((pc, pos)) {
                continue;
            }
            let at = text.get(pos).copied();
            match &self.prog[pc] {
                Inst::Match => return true,
                Inst::Char(c) => {
                    if at.is_some_and(|a| self.char_eq(a, *c)) {
                        stack.push((pc + 1, pos + 1));
                    }
                }
                Inst::Any => {
                    if at.is_some_and(|a| a != '\n') {
                        stack.push((pc + 1, pos + 1));
                    }
                }
                Inst::Class(ranges, negated) => {
                    if let Some(a) = at {
                        if self.in_class(a, ranges) != *negated {
                            stack.push((pc + 1, pos + 1));
                        }
                    }
                }
                Inst::Start => {
                    if pos == 0 {
                        stack.push((pc + 1, pos));
                    }
                }
                Inst::End => {
                    if pos == text.len() {
                        stack.push((pc + 1, pos));
                    }
                }
                Inst::WordBoundary(want) => {
                    let before = pos.checked_sub(1).and_then(|i| text.get(i).copied());
                    if (is_word(before) != is_word(at)) == *want {
                        stack.push((pc + 1, pos));
                    }
                }
                Inst::Jmp(t) => stack.push((*t, pos)),
                Inst::Split(a, b) => {
                    // The preferred branch is tried first (popped last).
                    stack.push((*b, pos));
                    stack.push((*a, pos));
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).expect("pattern").is_match(t)
    }

    #[test]
    fn matches_like_go() {
        assert!(m(
            "^amzn2-ami-hvm-.*-x86_64-gp2$",
            "amzn2-ami-hvm-2.0.20230912.0-x86_64-gp2"
        ));
        assert!(!m(
            "^amzn2-ami-hvm-.*-x86_64-gp2$",
            "amzn2-ami-hvm-2.0.20230912.0-arm64-gp2"
        ));
        assert!(m("arm64", "amzn2-ami-hvm-arm64-gp2"));
        assert!(m(
            r"^ubuntu/images/hvm-ssd/ubuntu-\w+-\d{2}\.\d{2}",
            "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64"
        ));
        assert!(!m(r"\d{3}", "ab12c"));
        assert!(m("a|b", "xxb"));
        assert!(m("^(foo|bar)+$", "foobarfoo"));
        assert!(!m("^(foo|bar)+$", "foobaz"));
        assert!(m("[^a-c]", "abcd"));
        assert!(!m("^[^a-c]+$", "abcd"));
        assert!(m("(?i)^AMZN", "amzn2"));
        assert!(m("[[:digit:]]{4}", "v2023"));
        assert!(m(r"\bgp2\b", "x86_64-gp2"));
        assert!(m("a{2,}", "caaat"));
        assert!(!m("^a{2,3}$", "aaaa"));
        assert!(m("x{", "x{"));
        assert!(m("", "anything"));
        // Pathological patterns stay fast.
        let long = "a".repeat(40);
        assert!(!m("^(a*)*b$", &long));
    }

    #[test]
    fn rejects_bad_patterns() {
        for p in ["(", "a)", "*a", "[a", "a**", r"\q", "[z-a]"] {
            assert!(Regex::new(p).is_err(), "{p}");
        }
    }
}
