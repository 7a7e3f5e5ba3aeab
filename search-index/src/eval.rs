//! Relevance evaluation: does the right page come up for what readers type?
//!
//! Feed it `(query, acceptable slugs)` pairs — lay words, typos, questions —
//! and it reports **recall@3** (share of queries with an acceptable page in
//! the top 3) and **MRR** (mean of 1/rank of the first acceptable page, 0
//! when absent from the top 10). Use it in a test with a floor, so ranking
//! changes that hurt real queries fail CI:
//!
//! ```text
//! let report = search_index::eval::evaluate(&index, &cases);
//! assert!(report.recall_at_3 >= 0.9, "{report}");
//! ```

use std::fmt;

use crate::{Query, SearchIndex};

/// One judged query.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Case {
    pub query: String,
    /// Any of these slugs counts as a correct answer.
    pub expected: Vec<String>,
}

impl Case {
    pub fn new(query: &str, expected: &[&str]) -> Case {
        Case { query: query.to_string(), expected: expected.iter().map(|s| s.to_string()).collect() }
    }
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    pub query: String,
    pub expected: Vec<String>,
    /// 1-based rank of the first acceptable page in the top 10.
    pub rank: Option<usize>,
    /// The top 3 slugs returned.
    pub top: Vec<String>,
    /// The page of each emergency line (empty for a concept no page covers).
    pub emergency: Vec<String>,
    /// The top 3 partial matches, when there are no results.
    pub partial: Vec<String>,
}

/// Aggregate metrics plus every outcome (for a readable failure message).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub cases: usize,
    pub recall_at_3: f64,
    pub mrr: f64,
    pub outcomes: Vec<Outcome>,
}

/// Runs every case against `index` (top 10, no region filter).
pub fn evaluate(index: &SearchIndex, cases: &[Case]) -> Report {
    let outcomes: Vec<Outcome> = cases
        .iter()
        .map(|case| {
            let answer = index.answer(&Query { text: case.query.clone(), limit: 10, ..Query::default() });
            let hits = &answer.results;
            let rank = hits.iter().position(|h| case.expected.contains(&h.slug)).map(|i| i + 1);
            Outcome {
                query: case.query.clone(),
                expected: case.expected.clone(),
                rank,
                top: hits.iter().take(3).map(|h| h.slug.clone()).collect(),
                emergency: answer.emergency.iter().map(|e| e.slug.clone()).collect(),
                partial: answer.partial.iter().take(3).map(|h| h.slug.clone()).collect(),
            }
        })
        .collect();
    let n = outcomes.len().max(1) as f64;
    let recall = outcomes.iter().filter(|o| o.rank.is_some_and(|r| r <= 3)).count() as f64 / n;
    let mrr = outcomes.iter().map(|o| o.rank.map_or(0.0, |r| 1.0 / r as f64)).sum::<f64>() / n;
    Report { cases: outcomes.len(), recall_at_3: recall, mrr, outcomes }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} queries: recall@3 {:.3}, MRR {:.3}", self.cases, self.recall_at_3, self.mrr)?;
        for o in &self.outcomes {
            let mark = match o.rank {
                Some(r) if r <= 3 => "ok  ",
                Some(_) => "low ",
                None => "MISS",
            };
            writeln!(
                f,
                "  {mark} {:?} rank {} want {:?} got {:?}{}{}",
                o.query,
                o.rank.map_or("-".to_string(), |r| r.to_string()),
                o.expected,
                o.top,
                if o.emergency.is_empty() { String::new() } else { format!(" emergency {:?}", o.emergency) },
                if o.partial.is_empty() { String::new() } else { format!(" partial {:?}", o.partial) },
            )?;
        }
        Ok(())
    }
}
