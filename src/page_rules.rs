//! Rules over one parsed page: what `check` says about a page on its own.
//!
//! Parsing turns text into a [`Page`] and reports only what stops it being read
//! (bad TOML, an unknown key, an unreadable red flag). Whether a readable page is
//! *right* — every section a condition needs, a region the site has, a short summary,
//! no TODO left, a review that is not overdue — is decided here, after parsing, by
//! the same function for the full build and the preview.

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::parse::emergency_terms::{self, Audience};
use crate::parse::frontmatter::{self, Frontmatter, SourceKind};
use crate::parse::markdown::{has_link, text_runs, Body, Urgency};
use crate::parse::Page;
use crate::rules::Rule;

/// Runs every page rule on `page`, whose file text is `text`.
pub fn check(page: &Page, text: &str, config: &SiteConfig, today: NaiveDate, diags: &mut Vec<Diagnostic>) {
    let path = page.path.as_str();
    let kind = page.kind;
    let fm = &page.fm;
    let body = &page.body;
    // The front matter's range, to point at a key; parsing already found it.
    let Ok(split) = frontmatter::split(text, path) else { return };
    let key_span = |key: &str| {
        frontmatter::key_span(&text[split.toml_start..split.toml_end], key).map(|(s, e)| (s + split.toml_start, e + split.toml_start))
    };
    {
        for &required in kind.required_sections() {
            if !body.sections.iter().any(|s| s.kind == required) {
                diags.push(
                    Diagnostic::new(
                        Rule::MissingSection,
                        path,
                        Some(fm.title_span),
                        format!("this condition page has no `## {}` section", required.name()),
                    )
                    .with_help(format!(
                        "add a `## {}` section; every condition page needs Symptoms, Causes, Fixes and Red flags",
                        required.name()
                    )),
                );
            }
        }
        // Flags that fail to parse were reported where they are; a section with no
        // list at all would otherwise publish a condition page with no warning signs.
        let red_flags = crate::kind::SectionKind::RedFlags;
        if let Some(sec) = body.sections.iter().find(|s| s.kind == red_flags && kind.required_sections().contains(&red_flags)) {
            if sec.items.is_empty() {
                diags.push(
                    Diagnostic::new(Rule::NoRedFlags, path, Some(sec.heading_span), "this Red flags section lists no red flags")
                        .with_help("list each warning sign as an item starting with `emergency:`, `urgent:` or `routine:`"),
                );
            }
        }
        if let Some(region) = &fm.body_region {
            if config.region(&region.value).is_none() {
                let names: Vec<&str> = config.body_regions.iter().map(|r| r.slug.as_str()).collect();
                let help = match crate::diag::did_you_mean(&region.value, names.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("use one of: {}", names.join(", ")),
                };
                diags.push(
                    Diagnostic::new(
                        Rule::InvalidField,
                        path,
                        Some(region.span),
                        format!("`{}` is not one of the site's body regions", region.value),
                    )
                    .with_help(help),
                );
            }
        }
    }
    if fm.summary.chars().count() > config.summary_max_chars {
        let span = key_span("summary");
        diags.push(
            Diagnostic::new(Rule::LongSummary, path, span, format!("the summary is {} characters long", fm.summary.chars().count()))
                .with_help(format!("keep it to {} characters so search engines show all of it", config.summary_max_chars)),
        );
    }
    for (i, _) in text.match_indices("TODO") {
        diags.push(
            Diagnostic::new(Rule::Unfinished, path, Some((i, i + 4)), "this page still has a TODO placeholder")
                .with_help("replace the placeholder with real content"),
        );
    }
    check_safety_netting(fm, body, path, diags);
    check_care_card_count(body, path, diags);
    check_duplicate_sections(body, path, diags);
    check_emergency_links(body, path, diags);
    check_broken_links(page, diags);
    if let Some(audience) = Audience::of(&config.locale) {
        // The summary and title are shown too; their raw TOML values hold the words as written.
        let shown = [Some(fm.title_span), fm.summary_span].into_iter().flatten().map(|(s, e)| (s, &text[s..e]));
        for (offset, value) in shown {
            for m in emergency_terms::find(value, audience) {
                diags.push(emergency_terms::diagnostic(path, value, offset, &m, audience, config));
            }
        }
        let body_text = &text[split.body_start..];
        if emergency_terms::may_contain(body_text, audience) {
            for (s, e) in text_runs(body_text) {
                let run = &body_text[s..e];
                for m in emergency_terms::find(run, audience) {
                    diags.push(emergency_terms::diagnostic(path, run, split.body_start + s, &m, audience, config));
                }
            }
        }
    }
    if kind.needs().review_and_sources {
        if let Some(due) = page.next_review_due {
            if due < today {
                let span = fm.next_review_due.as_ref().map(|n| n.span).or_else(|| key_span("last_reviewed"));
                diags.push(
                    Diagnostic::new(Rule::ReviewOverdue, path, span, format!("this page was due for review on {due}"))
                        .with_help("have a clinician review the page, then update last_reviewed"),
                );
                let emergencies = body.red_flags.iter().filter(|f| f.urgency == Urgency::Emergency).count();
                if config.review.fail_overdue_emergency && emergencies > 0 {
                    diags.push(
                        Diagnostic::new(
                            Rule::OverdueEmergencyPage,
                            path,
                            span,
                            format!(
                                "this page gives emergency advice ({emergencies} emergency red flag{}) and was due for review on {due}",
                                if emergencies == 1 { "" } else { "s" }
                            ),
                        )
                        .with_help(format!("site.toml's [review] fail_overdue_emergency holds it back: have a clinician review it, then run `medkb review sign {} --by \"Name, role\"`", page.slug)),
                    );
                }
            }
        }
        if page.reviewers().is_empty() {
            diags.push(
                Diagnostic::new(
                    Rule::AwaitingReview,
                    path,
                    fm.reviewed_by_span.or(Some(fm.title_span)),
                    "no clinician has reviewed this page yet",
                )
                .with_help("the page shows an \"awaiting clinical review\" notice until reviewed_by names a reviewer"),
            );
        }
    }
}

/// Every item the editors marked as safety-netting needs the source entry that the
/// page cites for it, and is listed for a clinical reviewer as a note.
fn check_safety_netting(fm: &Frontmatter, body: &Body, path: &str, diags: &mut Vec<Diagnostic>) {
    let cited = fm.sources.iter().any(|s| s.kind == SourceKind::SafetyNetting);
    for net in &body.safety_nets {
        diags.push(if cited {
            Diagnostic::new(Rule::SafetyNetting, path, Some(net.span), format!("added by the editors as safety-netting: \"{}\"", net.text))
                .with_help("a clinician should check this addition; the page cites it as the editors' safety-netting, not its sources")
        } else {
            Diagnostic::new(
                Rule::SafetyNettingSource,
                path,
                Some(net.span),
                "this is marked `{safety-netting}`, but the page has no safety-netting source to cite",
            )
            .with_help("add a [[sources]] entry with kind = \"safety-netting\" and a title that says the editors added it (see docs/authoring.md#safety-netting)")
        });
    }
    if body.safety_nets.is_empty() {
        for s in fm.sources.iter().filter(|s| s.kind == SourceKind::SafetyNetting) {
            diags.push(
                Diagnostic::new(
                    Rule::UnusedSafetyNetting,
                    path,
                    s.kind_span,
                    "this page cites the editors' safety-netting, but nothing on it is marked `{safety-netting}`",
                )
                .with_help("end each sign or sentence the editors added with ` {safety-netting}`, or remove this source"),
            );
        }
    }
}

/// The most urgent red flags one page shows before the cards stop being read.
pub const MAX_URGENT_FLAGS: usize = 5;

fn check_care_card_count(body: &Body, path: &str, diags: &mut Vec<Diagnostic>) {
    let urgent: Vec<_> = body.red_flags.iter().filter(|f| f.urgency == Urgency::Urgent).collect();
    if let Some(extra) = urgent.get(MAX_URGENT_FLAGS) {
        diags.push(
            Diagnostic::new(
                Rule::TooManyCareCards,
                path,
                Some(extra.span),
                format!("this page shows {} urgent warning signs; more than {MAX_URGENT_FLAGS} is too many", urgent.len()),
            )
            .with_help("as the NHS care-card guidance asks: too many cards hide the real emergencies. Merge signs that mean the same, or move signs that can wait to `routine:`"),
        );
    }
}

/// Whether a translation was made from an earlier review of `original` than its current
/// one, or (when it records `source_hash`) from other clinical sections than it has now.
pub fn translation_is_stale(translation: &crate::parse::frontmatter::Translation, original: &Page) -> bool {
    let re_reviewed = match (translation.source_reviewed.as_ref(), original.fm.last_reviewed) {
        (Some(from), Some(now)) => from.value < now,
        _ => false,
    };
    re_reviewed || translation.source_hash.as_ref().is_some_and(|h| h.value != clinical_hash(original))
}

/// A fingerprint of a page's clinical sections (Symptoms, Causes, Fixes, Red flags with
/// their urgencies, Timeline), as plain text: what a translation must follow. Stable
/// across builds and machines (FNV-1a, not the standard library's seeded hasher).
pub fn clinical_hash(page: &Page) -> String {
    use crate::kind::SectionKind;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for s in page.body.sections.iter().filter(|s| s.kind != SectionKind::Other) {
        eat(s.kind.name());
        eat(&s.plain);
    }
    for f in &page.body.red_flags {
        eat(f.urgency.as_str());
        eat(&f.plain);
    }
    format!("{h:016x}")
}

/// Rules over each translation and its original, run once every page is parsed:
/// a translation needs an original, is warned about when the original was reviewed
/// again after it was made, and must keep the original's red flags (count, order and
/// urgency). Shared by the full build and the preview, like every stage.
pub fn check_translations(pages: &[Page], diags: &mut Vec<Diagnostic>) {
    // Runs on every preview edit: a site without translations needs no map of originals.
    if pages.iter().all(|p| p.lang.is_none()) {
        return;
    }
    let originals: foldhash::HashMap<(crate::kind::PageKind, &str), &Page> =
        pages.iter().filter(|p| p.lang.is_none()).map(|p| ((p.kind, p.slug.as_str()), p)).collect();
    for page in pages.iter().filter(|p| p.lang.is_some()) {
        let path = page.path.as_str();
        let lang = page.lang.as_deref().unwrap_or_default();
        let original_path = path.replacen(&format!("content/{lang}/"), "content/", 1);
        let Some(original) = originals.get(&(page.kind, page.slug.as_str())) else {
            diags.push(
                Diagnostic::new(
                    Rule::TranslationOrphan,
                    path,
                    Some(page.fm.title_span),
                    format!("this translation has no original: there is no {original_path}"),
                )
                .with_help("name the file like the page it translates (same folder, same file name), or write the original first"),
            );
            continue;
        };
        let Some(tr) = &page.fm.translation else { continue };
        let now_hash = clinical_hash(original);
        let re_reviewed = match (tr.source_reviewed.as_ref(), original.fm.last_reviewed) {
            (Some(from), Some(now)) => from.value < now,
            _ => false,
        };
        if !re_reviewed && tr.source_hash.as_ref().is_some_and(|h| h.value != now_hash) {
            diags.push(
                Diagnostic::new(
                    Rule::TranslationStale,
                    path,
                    tr.source_hash.as_ref().map(|h| h.span),
                    format!("the clinical sections of {} changed since this translation was made from them", original.path),
                )
                .with_help(format!("update the translation from the current original, then set source_hash = \"{now_hash}\"")),
            );
        }
        if re_reviewed {
            let (from, now) = (tr.source_reviewed.as_ref().map(|d| d.value), original.fm.last_reviewed);
            diags.push(
                Diagnostic::new(
                    Rule::TranslationStale,
                    path,
                    tr.source_reviewed.as_ref().map(|d| d.span),
                    format!(
                        "this translation was made from the review of {}, but {} was reviewed again on {}",
                        from.map(|d| d.to_string()).unwrap_or_default(),
                        original.path,
                        now.map(|d| d.to_string()).unwrap_or_default()
                    ),
                )
                .with_help(format!(
                    "update the translation from the current original, then set source_reviewed to its last_reviewed date (and source_hash = \"{now_hash}\" if you record it)"
                )),
            );
        }
        let theirs: Vec<Urgency> = original.body.red_flags.iter().map(|f| f.urgency).collect();
        let ours: Vec<Urgency> = page.body.red_flags.iter().map(|f| f.urgency).collect();
        if theirs.len() != ours.len() {
            let span = page.section(crate::kind::SectionKind::RedFlags).map(|s| s.heading_span).unwrap_or(page.fm.title_span);
            diags.push(
                Diagnostic::new(
                    Rule::TranslationFlags,
                    path,
                    Some(span),
                    format!(
                        "this translation has {} red flag{}, but the original has {}",
                        ours.len(),
                        if ours.len() == 1 { "" } else { "s" },
                        theirs.len()
                    ),
                )
                .with_help(format!("translate every red flag of {} in the same order and with the same urgency", original.path)),
            );
        } else if let Some(n) = (0..ours.len()).find(|&n| ours[n] != theirs[n]) {
            diags.push(
                Diagnostic::new(
                    Rule::TranslationFlags,
                    path,
                    Some(page.body.red_flags[n].span),
                    format!("red flag {} is {} here, but {} in the original", n + 1, ours[n].as_str(), theirs[n].as_str()),
                )
                .with_help(format!("keep the original's urgency (`{}` in the original, in this language's word)", theirs[n].as_str())),
            );
        }
    }
}

/// A page with two Symptoms (or two Red flags…) sections: which one is the page's
/// is a guess, and search, the care cards and the outline would each take one.
fn check_duplicate_sections(body: &Body, path: &str, diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    for sec in body.sections.iter().filter(|s| s.kind != crate::kind::SectionKind::Other) {
        if !seen.insert(sec.kind) {
            diags.push(
                Diagnostic::new(Rule::DuplicateSection, path, Some(sec.heading_span), format!("a second `{}` section", sec.kind.name()))
                    .with_help("merge the two sections into one"),
            );
        }
    }
}

/// A reader who needs to call for help should not be sent to another page first.
fn check_emergency_links(body: &Body, path: &str, diags: &mut Vec<Diagnostic>) {
    for flag in body.red_flags.iter().filter(|f| f.urgency == Urgency::Emergency && has_link(&f.text)) {
        diags.push(
            Diagnostic::new(Rule::EmergencyLink, path, Some(flag.span), "a link inside an emergency red flag")
                .with_help("readers who need to call for help should not be sent elsewhere; move the link out of the emergency flag"),
        );
    }
}

/// Relative links to files that are not pages of the site.
fn check_broken_links(page: &Page, diags: &mut Vec<Diagnostic>) {
    for (s, e, written) in &page.unresolved_links {
        diags.push(
            Diagnostic::new(Rule::BrokenLink, &page.path, Some((*s, *e)), format!("`{written}` is not a page of this site"))
                .with_help("link to another page's .md file relative to this one, or use [[slug]]"),
        );
    }
}
