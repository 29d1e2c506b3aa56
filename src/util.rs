//! Small helpers shared across layers.

/// The candidate closest to `name`, if any is close enough to suggest
/// ("Did you mean ...?"), as Terraform's `didyoumean` does.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(&'a str, usize)> = None;
    for c in candidates {
        let d = strsim::levenshtein(name, c);
        if d < 3 && best.is_none_or(|(_, bd)| d < bd) {
            best = Some((c, d));
        }
    }
    best.map(|(c, _)| c)
}

/// HCL's and Terraform's `nameSuggestion`: the first candidate, in order,
/// within two edits of `name`.
pub fn name_suggestion<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .find(|c| strsim::levenshtein(name, c) < 3)
        .copied()
}
