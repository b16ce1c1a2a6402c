//! Rule ids a configuration names, and the near misses suggested for an unknown one.

/// The message for the unknown rule id `id`, naming the near misses among `known`.
pub(super) fn unknown_rule(id: &str, known: &[&str]) -> String {
    let close = known
        .iter()
        .filter(|k| similar(k, id))
        .copied()
        .collect::<Vec<_>>();
    if close.is_empty() {
        format!("unknown rule id `{id}` (run `starling rules` for the list)")
    } else {
        format!(
            "unknown rule id `{id}`: did you mean `{}`?",
            close.join("`, `")
        )
    }
}

/// Whether two ids differ by little: one a prefix of the other, or few edits apart.
fn similar(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a) || edit_distance(a, b) <= 2
}

/// The number of single-character edits between `a` and `b`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row.push((prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1));
        }
        prev = row;
    }
    prev[b.len()]
}
