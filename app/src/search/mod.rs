//! The site search: one box (in the header, and on the help center) finds products by name,
//! phone model, colour or type, and help answers, grouped. A plain GET form to `/search`, so it
//! works without scripts; with them, the header's box suggests the first few as you type
//! (`header`), and on the results page the results follow the typing.

use crate::catalog::model::ProductSummary;
use crate::error::AppError;
use crate::help::HelpEntry;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod header;
pub mod pages;

/// Longest query taken, in characters; the rest is ignored.
pub const QUERY_MAX: usize = 100;
/// Words taken from a query.
const TERMS_MAX: usize = 6;

/// The words of a query, lower-cased, at most `TERMS_MAX` and without repeats.
pub fn terms(query: &str) -> Vec<String> {
    let query: String = query.chars().take(QUERY_MAX).collect();
    let mut terms: Vec<String> = Vec::new();
    for word in query.split_whitespace() {
        let word = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if !word.is_empty() && !terms.contains(&word) && terms.len() < TERMS_MAX {
            terms.push(word);
        }
    }
    terms
}

/// Edits (a letter added, dropped, changed or two swapped) between `a` and `b`.
fn edits(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = (0..=b.len()).collect();
    let mut previous_row: Vec<usize> = before.clone();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row[j + 1] = (before[j + 1] + 1).min(row[j] + 1).min(before[j] + cost);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                row[j + 1] = row[j + 1].min(previous_row[j - 1] + 1);
            }
        }
        previous_row = std::mem::replace(&mut before, row);
    }
    before[b.len()]
}

/// Whether `term` is in `text`, or a word of it (or the start of one) is `term` with a typo:
/// one slip from four letters on, two from eight ("refnd" finds "refunds").
fn mentions(text: &str, words: &[Vec<char>], term: &str) -> bool {
    if text.contains(term) {
        return true;
    }
    let term: Vec<char> = term.chars().collect();
    let allowed = match term.len() {
        0..=3 => return false,
        4..=7 => 1,
        _ => 2,
    };
    // The whole word, or its start as long as the term (give or take a letter).
    words.iter().any(|word| {
        [term.len(), term.len() + 1, word.len()]
            .into_iter()
            .filter(|n| *n <= word.len())
            .any(|n| edits(&term, &word[..n]) <= allowed)
    })
}

/// Help answers in which every term appears (in the question, the summary or the text), a
/// typo forgiven, those with more terms in the question first.
pub fn matching_answers(answers: &[crate::help::HelpAnswer], terms: &[String]) -> Vec<HelpEntry> {
    use crate::help::HelpBlock;
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(usize, HelpEntry)> = answers
        .iter()
        .filter_map(|answer| {
            let question = answer.question.to_lowercase();
            let mut text = format!("{question} {} {}", answer.summary, answer.topic.label());
            for block in &answer.blocks {
                match block {
                    HelpBlock::Paragraph(p) => text.push_str(p),
                    HelpBlock::List { items, .. } => items.iter().for_each(|i| text.push_str(i)),
                }
                text.push(' ');
            }
            let text = text.to_lowercase();
            let words: Vec<Vec<char>> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.chars().collect())
                .collect();
            terms.iter().all(|t| mentions(&text, &words, t)).then(|| {
                let in_question = terms
                    .iter()
                    .filter(|t| question.contains(t.as_str()))
                    .count();
                (in_question, HelpEntry::from(answer))
            })
        })
        .collect();
    // Stable: equally good answers stay in the help center's order.
    hits.sort_by_key(|hit| std::cmp::Reverse(hit.0));
    hits.into_iter().map(|(_, entry)| entry).collect()
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub products: Vec<ProductSummary>,
    pub answers: Vec<HelpEntry>,
}

/// Postcard both ways, like the other calls from the islands' bundle (the header's box).
#[server(input = Postcard, output = Postcard)]
pub async fn search(query: String) -> Result<SearchResults, AppError> {
    let terms = terms(&query);
    if terms.is_empty() {
        return Ok(SearchResults::default());
    }
    let state = crate::shop::server_state()?;
    let products = crate::catalog::repo::search_products(&state.db.pool, &terms).await?;
    let answers = matching_answers(&crate::help::answers::all(&state.store), &terms);
    Ok(SearchResults { products, answers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_forgiven_in_longer_words_only() {
        let text = "how refunds work: money back to your card";
        let words: Vec<Vec<char>> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().collect())
            .collect();
        for found in ["refund", "refnd", "refudn", "rfeunds", "mony"] {
            assert!(mentions(text, &words, found), "{found}");
        }
        for missed in ["rfnd", "crd", "delivery", "refxxd"] {
            assert!(!mentions(text, &words, missed), "{missed}");
        }
    }

    #[test]
    fn queries_become_a_few_distinct_lower_case_words() {
        assert_eq!(
            terms("  iPhone 15   Clear, clear! "),
            vec!["iphone", "15", "clear"]
        );
        assert!(terms(" ?! ").is_empty());
        assert_eq!(terms("a b c d e f g h").len(), TERMS_MAX);
        assert!(terms(&"x".repeat(500))[0].len() == QUERY_MAX);
    }
}
