//! The rule registry: every diagnostic medkb can report, in one typed list.
//!
//! Why a registry: a code written as a loose string in the file that emits it drifts
//! from the docs, the fixtures and `medkb explain` (four codes had no docs row, two
//! had no fixture before this existed). Here each [`Rule`] owns its code, its default
//! level, whether a site may lower it, a one-line summary and the documentation that
//! `medkb explain CODE` prints with a failing and a fixed example. Tests walk
//! [`Rule::ALL`] and fail when a rule lacks a fixture, a snapshot or a docs row.
//!
//! Levels are the site's choice for rules that only concern the editors (`[lints]` in
//! `site.toml`, as clippy and ruff users expect); rules that protect readers — broken
//! links, red-flag urgency, emergency links, unsafe files — cannot be lowered.

use serde::Serialize;

/// How serious a diagnostic is. Errors fail `check` and `build`; warnings fail
/// only under `--deny-warnings`; notes are information (e.g. "awaiting review").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// What a site may set a rule to in `[lints]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Not reported at all.
    Allow,
    /// Reported as a note (information; never fails anything).
    Note,
    /// Reported as a warning (fails only under `--deny-warnings`).
    Warn,
    /// Reported as an error (fails `check` and `build`).
    Deny,
}

impl Level {
    pub const NAMES: [&'static str; 4] = ["allow", "note", "warn", "deny"];

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "note" => Some(Level::Note),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    /// The severity a diagnostic is reported at, or `None` when allowed.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Allow => None,
            Level::Note => Some(Severity::Note),
            Level::Warn => Some(Severity::Warning),
            Level::Deny => Some(Severity::Error),
        }
    }

    fn of(severity: Severity) -> Level {
        match severity {
            Severity::Error => Level::Deny,
            Severity::Warning => Level::Warn,
            Severity::Note => Level::Note,
        }
    }
}

/// The documentation of one rule, as `medkb explain` prints it.
pub struct RuleDoc {
    pub code: &'static str,
    pub level: Severity,
    /// Whether `[lints]` may lower it (rules that protect readers may not).
    pub lowerable: bool,
    pub summary: &'static str,
    /// Why the rule exists, in a short paragraph.
    pub why: &'static str,
    /// A file (or site.toml) that breaks the rule, and the same file fixed.
    pub bad: &'static str,
    pub good: &'static str,
}

macro_rules! registry {
    ($($variant:ident {
        code: $code:literal,
        level: $level:ident,
        lowerable: $low:literal,
        summary: $summary:literal,
        why: $why:literal,
        bad: $bad:literal,
        good: $good:literal $(,)?
    })*) => {
        /// Every diagnostic medkb reports. Serialised (JSON output) as its code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant,)* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn doc(self) -> &'static RuleDoc {
                match self {
                    $(Rule::$variant => &RuleDoc {
                        code: $code,
                        level: Severity::$level,
                        lowerable: $low,
                        summary: $summary,
                        why: $why,
                        bad: $bad,
                        good: $good,
                    },)*
                }
            }
        }
    };
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.doc().code
    }

    /// The level the rule is reported at unless the site sets another.
    pub fn default_severity(self) -> Severity {
        self.doc().level
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.code() == code)
    }

    /// Whether a site may set this rule to `level` (raising is always allowed).
    pub fn may_set(self, level: Level) -> bool {
        self.doc().lowerable || level == Level::Deny || Level::of(self.default_severity()) == level
    }

    /// What `medkb explain CODE` prints.
    pub fn explain(self) -> String {
        let d = self.doc();
        let level = match d.level {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let lower = if d.lowerable {
            format!("A site may change its level in site.toml: [lints] {} = \"allow\" | \"note\" | \"warn\" | \"deny\".", d.code)
        } else {
            "It protects readers, so a site cannot lower it.".to_string()
        };
        format!(
            "{code} ({level}): {summary}\n\n{why}\n\n{lower}\n\nThis fails the rule:\n\n{bad}\n\nThis passes:\n\n{good}\n",
            code = d.code,
            summary = d.summary,
            why = d.why,
            bad = indent(d.bad),
            good = indent(d.good),
        )
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("    {l}") }).collect::<Vec<_>>().join("\n")
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Lets tests and callers compare a rule with its code: `d.code == "broken-link"`.
impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

registry! {
    FrontMatter {
        code: "front-matter",
        level: Error,
        lowerable: false,
        summary: "the front matter is missing, not closed by `+++`, or not valid TOML",
        why: "Every page starts with a TOML header between two `+++` lines: it carries the title, summary, region and review dates that the page, the indexes and the search are built from. Without it there is no page to build.",
        bad: "title = \"Gout\"\n\nGout is a painful, swollen joint.",
        good: "+++\ntitle = \"Gout\"\n+++\n\nGout is a painful, swollen joint.",
    }
    UnknownKey {
        code: "unknown-key",
        level: Error,
        lowerable: false,
        summary: "a front-matter key medkb does not know (often a typo)",
        why: "A misspelt key is silently ignored by most generators, so a page can lose its region or its review date without anyone noticing. medkb rejects keys it does not know and suggests the nearest one.",
        bad: "+++\ntitle = \"Gout\"\nbody_regoin = \"ankle-foot\"\n+++",
        good: "+++\ntitle = \"Gout\"\nbody_region = \"ankle-foot\"\n+++",
    }
    MissingField {
        code: "missing-field",
        level: Error,
        lowerable: false,
        summary: "a required front-matter key is missing",
        why: "Readers and reviewers rely on every page saying what it is (summary), where it belongs (body_region), when it was last checked (last_reviewed) and what it was written from (sources).",
        bad: "+++\ntitle = \"Gout\"\n+++",
        good: "+++\ntitle = \"Gout\"\nsummary = \"A painful, swollen big toe joint.\"\nbody_region = \"ankle-foot\"\nlast_reviewed = 2026-11-21\n[[sources]]\ntitle = \"Big toe pain in runners\"\n+++",
    }
    InvalidField {
        code: "invalid-field",
        level: Error,
        lowerable: false,
        summary: "a key has the wrong type or an unknown value (for example a body region not in site.toml)",
        why: "A value medkb cannot use (a region that does not exist, a date that is not a date) would put the page in the wrong place or hide it from the indexes.",
        bad: "body_region = \"foot\"\nlast_reviewed = 2026-13-01",
        good: "body_region = \"ankle-foot\"\nlast_reviewed = 2026-12-01",
    }
    IgnoredField {
        code: "ignored-field",
        level: Warning,
        lowerable: true,
        summary: "a front-matter key that has no effect on this kind of page",
        why: "A guide has no body region or medical name; writing one suggests the author expects it to show somewhere, and it will not.",
        bad: "+++\ntitle = \"Should I run with pain?\"\nbody_region = \"lower-leg\"\n+++",
        good: "+++\ntitle = \"Should I run with pain?\"\n+++",
    }
    MissingSection {
        code: "missing-section",
        level: Error,
        lowerable: false,
        summary: "a condition page lacks Symptoms, Causes, Fixes or Red flags",
        why: "Readers come to a condition page with four questions: what does it feel like, why did it happen, what can I do, and when do I need help. A page without one of those sections leaves a worried reader without an answer, and without Red flags it can leave them without a warning.",
        bad: "## Symptoms\n\n- pain under the heel\n\n## Fixes\n\n- rest",
        good: "## Symptoms\n\n- pain under the heel\n\n## Causes\n\n- a sudden jump in mileage\n\n## Fixes\n\n- rest\n\n## Red flags\n\n- urgent: you cannot put any weight on your foot",
    }
    DuplicateSection {
        code: "duplicate-section",
        level: Error,
        lowerable: false,
        summary: "the same section (for example Red flags) appears twice on a page",
        why: "Care cards, the timeline and the search index read one section of each kind. A second Red flags or Timeline section would be dropped or merged in ways the author did not intend.",
        bad: "## Red flags\n\n- urgent: you cannot walk\n\n## Warning signs\n\n- emergency: your foot is cold and numb",
        good: "## Red flags\n\n- emergency: your foot is cold and numb\n- urgent: you cannot walk",
    }
    RedFlagUrgency {
        code: "red-flag-urgency",
        level: Error,
        lowerable: false,
        summary: "a red flag does not start with `emergency:`, `urgent:` or `routine:`",
        why: "Every warning sign becomes a care card that tells the reader how soon to get help. A sign without an urgency cannot be triaged, and a guessed urgency is the worst bug a medical site can ship.",
        bad: "## Red flags\n\n- your foot is cold and numb",
        good: "## Red flags\n\n- emergency: your foot is cold and numb",
    }
    EmergencyLink {
        code: "emergency-link",
        level: Error,
        lowerable: false,
        summary: "a link inside an emergency red flag",
        why: "An emergency card tells the reader to call for help now. A link inside it invites them to read another page first.",
        bad: "- emergency: chest pain that spreads to your arm (see [[chest-pain-while-running]])",
        good: "- emergency: chest pain that spreads to your arm",
    }
    HiddenRedFlags {
        code: "hidden-red-flags",
        level: Error,
        lowerable: false,
        summary: "raw HTML in Red flags that hides flags from readers (an unclosed `<!--`, `<script>`, `<style>`, `<textarea>` or `<pre>`)",
        why: "In Markdown, an HTML comment or a <script>, <style>, <textarea> or <pre> block runs until its closing tag. Left open in Red flags it swallows every flag after it, emergency ones included, and the sanitiser then drops it all: the page shows no care cards and nothing says so.",
        bad: "## Red flags\n\n<!-- note to the reviewer\n\n- emergency: your foot is cold and numb",
        good: "## Red flags\n\n<!-- note to the reviewer -->\n\n- emergency: your foot is cold and numb",
    }
    NoRedFlags {
        code: "no-red-flags",
        level: Error,
        lowerable: false,
        summary: "a condition page's Red flags section lists no flags",
        why: "Care cards are built from the flags listed in Red flags. A section of prose alone gives a worried reader no card telling them how soon to get help.",
        bad: "## Red flags\n\nSee a doctor if you are worried.",
        good: "## Red flags\n\n- urgent: the pain stops you walking",
    }
    TooDeep {
        code: "too-deep",
        level: Warning,
        lowerable: true,
        summary: "lists or HTML nested more than 200 deep; the page's raw HTML is then shown as text",
        why: "The HTML sanitiser's cost grows with the square of the nesting depth: 50,000 nested <div> took seconds and deeper pages minutes, stalling builds and the preview. No real page nests this deep, so medkb shows such a page's raw HTML as text and says so.",
        bad: "<div><div><div>… (300 levels) …</div></div></div>",
        good: "<div>one level of HTML, or none</div>",
    }
    Template {
        code: "template",
        level: Error,
        lowerable: false,
        summary: "a template does not compile, fails when rendered, or includes itself",
        why: "A broken template would only be found by `build`, or would crash it (a template that includes itself recurses until the stack overflows). `check` loads the theme and renders one page of each kind, so it fails first.",
        bad: "templates/partials/search.html:\n{% include \"partials/search.html\" %}",
        good: "templates/partials/search.html:\n<form role=\"search\">…</form>",
    }
    LinkedFolder {
        code: "linked-folder",
        level: Warning,
        lowerable: true,
        summary: "a link to a folder inside the site, which medkb does not follow",
        why: "medkb reads only what is inside the site and never follows links to folders, so a linked folder's pages or files are not published. Saying so beats pages that vanish without a word.",
        bad: "static/images -> ../shared-images",
        good: "static/images/  (a real folder)",
    }
    TimelinePhase {
        code: "timeline-phase",
        level: Error,
        lowerable: false,
        summary: "a timeline label that cannot be read",
        why: "Timeline phases are shown as a recovery chart; a label medkb cannot read as a day, week or month range would be drawn in the wrong place.",
        bad: "## Timeline\n\n- Soonish: start walking",
        good: "## Timeline\n\n- Weeks 1–2: start walking",
    }
    BrokenLink {
        code: "broken-link",
        level: Error,
        lowerable: false,
        summary: "a cross-link to a page that does not exist (or is a draft)",
        why: "A reader who follows a link from a warning sign must land on a page. medkb suggests the nearest slug when one is close.",
        bad: "See [[calf-strian]].",
        good: "See [[calf-strain]].",
    }
    BrokenAnchor {
        code: "broken-anchor",
        level: Error,
        lowerable: false,
        summary: "a cross-link to a section that does not exist",
        why: "A link such as [[calf-strain#red-flags]] should open the page at that section; a missing anchor opens the top of the page and the reader may miss what the link promised.",
        bad: "See [[calf-strain#warning]].",
        good: "See [[calf-strain#red-flags]].",
    }
    DuplicateSlug {
        code: "duplicate-slug",
        level: Error,
        lowerable: false,
        summary: "two pages with the same slug, or slugs that differ only in case",
        why: "Two pages at one address means one of them silently replaces the other; on case-insensitive hosts, slugs that differ only in case collide too.",
        bad: "content/conditions/gout.md\ncontent/guides/gout.md",
        good: "content/conditions/gout.md\ncontent/guides/living-with-gout.md",
    }
    InvalidFile {
        code: "invalid-file",
        level: Error,
        lowerable: false,
        summary: "a file that is not UTF-8, is empty, has only front matter, is too large, or is a link outside the site",
        why: "A page medkb cannot read is a page readers would not get; a link that leaves the site could publish files that were never meant to be public.",
        bad: "content/conditions/gout.md  (empty, or a symlink to /etc/passwd)",
        good: "content/conditions/gout.md  (a UTF-8 Markdown file inside the site)",
    }
    MissingString {
        code: "missing-string",
        level: Error,
        lowerable: false,
        summary: "a UI string (a button, a notice, a heading) has no text in one of the site's languages",
        why: "Readers of that language would meet an empty or foreign-language notice, such as the emergency line or the review warning.",
        bad: "strings/es.toml has no `skip_to_content`",
        good: "strings/es.toml: skip_to_content = \"Saltar al contenido principal\"",
    }
    UnknownLanguage {
        code: "unknown-language",
        level: Error,
        lowerable: false,
        summary: "a translation in a language folder the site does not declare",
        why: "A translator's finished pages would silently never reach readers; the site must declare the language (and its emergency wording) first.",
        bad: "content/fr/conditions/gout.md   (site.toml has no [languages.fr])",
        good: "[languages.fr]\nname = \"Français\"\ndisclaimer = \"…\"\n[languages.fr.care_cards]\nemergency = \"Appelez le 15 …\"",
    }
    TranslationStale {
        code: "translation-stale",
        level: Warning,
        lowerable: true,
        summary: "the original was reviewed again after the translation was made",
        why: "Clinical advice may have changed in the original; readers of the translation would get the old advice. The page shows a notice linking the current original until the translation is updated.",
        bad: "[translation]\nsource_reviewed = 2026-01-10   # the original now has last_reviewed = 2026-11-21",
        good: "[translation]\nsource_reviewed = 2026-11-21   # updated from the current original",
    }
    TranslationFlags {
        code: "translation-flags",
        level: Error,
        lowerable: false,
        summary: "a translation's red flags differ in number or urgency from the original's",
        why: "A warning sign dropped or made less urgent in translation sends a reader to the wrong care. Every red flag keeps its place and urgency.",
        bad: "original: - emergency: …  - urgent: …\ntranslation: - urgente: …  - urgente: …",
        good: "original: - emergency: …  - urgent: …\ntranslation: - emergencia: …  - urgente: …",
    }
    TranslationOrphan {
        code: "translation-orphan",
        level: Error,
        lowerable: false,
        summary: "a translation whose original page does not exist, or which lacks its [translation] record",
        why: "A translation is published beside its original and checked against it; without the original (or without knowing which review it was translated from) nobody can tell whether its advice is current.",
        bad: "content/es/conditions/gota.md   (there is no content/conditions/gota.md)",
        good: "content/es/conditions/gout.md   with [translation] source_reviewed = 2026-11-21",
    }
    UnpublishedFile {
        code: "unpublished-file",
        level: Warning,
        lowerable: true,
        summary: "a Markdown file in a place medkb does not read, so it is not published",
        why: "A page saved in the wrong folder looks finished to its author but never reaches readers.",
        bad: "content/gout.md",
        good: "content/conditions/gout.md",
    }
    Unfinished {
        code: "unfinished",
        level: Error,
        lowerable: false,
        summary: "a published page still contains TODO",
        why: "`medkb new` marks every part an author must fill in with TODO; publishing one would show readers a placeholder where advice should be.",
        bad: "summary = \"TODO: one or two plain sentences\"",
        good: "summary = \"A painful, swollen big toe joint.\"",
    }
    Config {
        code: "config",
        level: Error,
        lowerable: false,
        summary: "site.toml has an unknown key, a value of the wrong type, or a value medkb cannot use",
        why: "The site's settings decide the emergency wording, the regions and the review interval of every page; a typo there changes every page, so it is an error with its line and column.",
        bad: "title = \"Runner's Injury Guide\"\nbase_url = \"example.org\"\n\n[lints]\none-way-realted = \"allow\"",
        good: "title = \"Runner's Injury Guide\"\nbase_url = \"https://example.org\"\n\n[lints]\none-way-related = \"allow\"",
    }
    Synonyms {
        code: "synonyms",
        level: Error,
        lowerable: false,
        summary: "synonyms.toml has a TOML error, an unknown key, a group with fewer than two terms, or a term with no words",
        why: "The site's synonyms decide which pages readers find by abbreviations and lay names (DOMS, ITBS, hay fever); a broken file would silently lose them all, so it is an error with its line and column.",
        bad: "[[synonyms]]\nterms = [\"DOMS\"]",
        good: "[[synonyms]]\nterms = [\"DOMS\", \"delayed onset muscle soreness\"]",
    }
    LongSummary {
        code: "long-summary",
        level: Warning,
        lowerable: true,
        summary: "a summary longer than site.toml's summary_max_chars (160 by default)",
        why: "The summary is what search results, indexes and link previews show; a long one is cut off mid-sentence on a phone.",
        bad: "summary = \"A long paragraph that explains everything about the condition, its causes, its treatment, and what the author thinks of it, going on well past what fits on a phone screen in a search result.\"",
        good: "summary = \"Stabbing heel pain with your first steps in the morning.\"",
    }
    OneWayRelated {
        code: "one-way-related",
        level: Warning,
        lowerable: true,
        summary: "page A lists B as related but B does not list A",
        why: "Related links help a reader who landed on the wrong page; if A points to B but not back, a reader on B cannot find A. medkb shows the link both ways anyway; the warning tells the author to decide.",
        bad: "# gout.md\nrelated = [\"bunions\"]\n# bunions.md\nrelated = []",
        good: "# gout.md\nrelated = [\"bunions\"]\n# bunions.md\nrelated = [\"gout\"]",
    }
    OrphanPage {
        code: "orphan-page",
        level: Warning,
        lowerable: true,
        summary: "no other page links to this page or lists it as related",
        why: "Readers find pages by following links as much as by search; a page nothing links to is hard to reach.",
        bad: "# no page mentions [[gout]] or lists it in related",
        good: "# big-toe-pain.md\nrelated = [\"gout\"]",
    }
    RelatedSelf {
        code: "related-self",
        level: Warning,
        lowerable: true,
        summary: "a page lists itself as related",
        why: "A related link to the page the reader is on is a dead end.",
        bad: "# gout.md\nrelated = [\"gout\", \"bunions\"]",
        good: "# gout.md\nrelated = [\"bunions\"]",
    }
    ReviewOverdue {
        code: "review-overdue",
        level: Warning,
        lowerable: true,
        summary: "next_review_due is in the past",
        why: "Health information goes out of date. A page past its review date shows readers an \"overdue\" notice; the warning reminds editors to review it.",
        bad: "last_reviewed = 2020-01-01\nnext_review_due = 2023-01-01",
        good: "last_reviewed = 2026-11-21\nnext_review_due = 2029-11-21",
    }
    OverdueEmergencyPage {
        code: "overdue-emergency-page",
        level: Error,
        lowerable: false,
        summary: "a page with emergency red flags is past its review date, and site.toml's [review] fail_overdue_emergency is on",
        why: "Emergency advice that has gone out of date can cost a reader the time that matters most. A publisher who turns this gate on (`[review] fail_overdue_emergency = true`) does not publish such a page until a clinician has reviewed it again (`medkb review sign`). Off by default.",
        bad: "# site.toml: [review] fail_overdue_emergency = true\nlast_reviewed = 2020-01-10\n\n- emergency: your foot is cold and numb",
        good: "# site.toml: [review] fail_overdue_emergency = true\nlast_reviewed = 2026-11-20\n\n- emergency: your foot is cold and numb",
    }
    UnreviewedClinicalChange {
        code: "unreviewed-clinical-change",
        level: Error,
        lowerable: false,
        summary: "clinical content changed after the page's last review, and site.toml's [review] require_review_after_clinical_change is on",
        why: "A clinician signed the page as it was; a later change to its symptoms, causes, fixes, timeline, red flags or medical front matter (found in the site's git history) has not been signed. With this gate on, such a page is not published until someone reviews the change (`medkb review diff SLUG`, then `medkb review sign SLUG`). Editorial changes (wording elsewhere) do not trip it. The gate needs the site's git history: outside a repository it fails, since it cannot tell. Off by default.",
        bad: "# site.toml: [review] require_review_after_clinical_change = true\n# last_reviewed = 2026-01-10; a commit of 2026-03-01 changed ## Red flags",
        good: "# after `medkb review sign gout --by \"Dr A. Example, GP\"`:\nlast_reviewed = 2026-11-20",
    }
    SafetyNettingSource {
        code: "safety-netting-source",
        level: Error,
        lowerable: false,
        summary: "an item is marked {safety-netting} but the page has no kind = \"safety-netting\" source to cite",
        why: "Advice the editors add beyond a page's sources must say so: each marked item cites the page's safety-netting source entry. Without that entry the citation points nowhere and the reader cannot tell the addition from the sources.",
        bad: "+++\n[[sources]]\ntitle = \"Calf pain in runners\"\n+++\n\n- emergency: your leg is swollen and you are short of breath {safety-netting}",
        good: "+++\n[[sources]]\ntitle = \"Calf pain in runners\"\n\n[[sources]]\nkind = \"safety-netting\"\ntitle = \"Standard safety-netting advice added by the site's editors; awaiting clinical review\"\n+++\n\n- emergency: your leg is swollen and you are short of breath {safety-netting}",
    }
    SafetyNettingMarker {
        code: "safety-netting-marker",
        level: Error,
        lowerable: false,
        summary: "{safety-netting} is not at the end of a paragraph, list item or line",
        why: "The marker says which item the editors added. Inside a sentence, a heading or a table it marks nothing clear, so a reviewer could not tell what to check.",
        bad: "- emergency: your leg is swollen {safety-netting} and you are short of breath",
        good: "- emergency: your leg is swollen and you are short of breath {safety-netting}",
    }
    UnusedSafetyNetting {
        code: "unused-safety-netting",
        level: Warning,
        lowerable: true,
        summary: "a kind = \"safety-netting\" source, but nothing on the page is marked {safety-netting}",
        why: "A safety-netting entry tells readers the editors added advice to this page; if no item is marked, either the marker was forgotten (and the reviewer will miss the addition) or the entry is stale.",
        bad: "[[sources]]\nkind = \"safety-netting\"\ntitle = \"Added by the editors\"\n+++\n\n- urgent: you cannot walk",
        good: "[[sources]]\nkind = \"safety-netting\"\ntitle = \"Added by the editors\"\n+++\n\n- emergency: your leg is swollen and you are short of breath {safety-netting}",
    }
    TooManyCareCards {
        code: "too-many-care-cards",
        level: Warning,
        lowerable: true,
        summary: "more than 5 urgent red flags on one page",
        why: "As the NHS care-card guidance asks: too many cards hide the real emergencies. A reader facing a wall of same-day signs stops reading before the one that matters; merge signs that mean the same thing and make signs that can wait routine.",
        bad: "- urgent: a pop\n- urgent: swelling\n- urgent: bruising\n- urgent: pain walking\n- urgent: pain at rest\n- urgent: night pain",
        good: "- urgent: you cannot stand or walk on the leg\n- routine: swelling or bruising that spreads after a few days\n- routine: pain at rest or at night",
    }
    EmergencyNumberLocale {
        code: "emergency-number-locale",
        level: Warning,
        lowerable: true,
        summary: "text names an emergency number or service of another locale than site.toml's",
        why: "A reader told to ring 999 in the US, or to find an emergency room in the UK, loses time when it matters most. On en-US medkb warns about 999, 111 (as a number to call), NHS 111 and A&E; on en-GB about 911, emergency room, ER and urgent care center; in page text, titles, summaries and site.toml's description and disclaimer.",
        bad: "# site.toml: locale = \"en-GB\"\nIf your foot is cold and pale, call 911 or go to the ER.",
        good: "# site.toml: locale = \"en-GB\"\nIf your foot is cold and pale, call 999 or go to A&E.",
    }
    SafetyNetting {
        code: "safety-netting",
        level: Note,
        lowerable: true,
        summary: "an item the editors marked {safety-netting}, quoted for the clinical reviewer",
        why: "Safety-netting advice added beyond a page's sources needs a clinician's sign-off; `medkb check --notes` lists every such addition, page by page, so none is missed.",
        bad: "- emergency: your leg is swollen and you are short of breath {safety-netting}",
        good: "- emergency: your leg is swollen and you are short of breath {safety-netting}\n# (a note, not a failure: it lists the addition for review)",
    }
    AwaitingReview {
        code: "awaiting-review",
        level: Note,
        lowerable: true,
        summary: "reviewed_by is empty: the page shows an \"awaiting clinical review\" notice",
        why: "A page no clinician has signed must say so to readers; the note lets editors list every such page (`medkb check --notes`).",
        bad: "reviewed_by = []",
        good: "reviewed_by = [\"Dr A. Example, GP\"]",
    }
    Alias {
        code: "alias",
        level: Error,
        lowerable: false,
        summary: "an `aliases` entry that is not a slug, or whose old address another page or alias already answers",
        why: "Each former slug becomes a redirect page at the old address. An address two pages claim would send readers of an old link to the wrong page, or hide a page behind a redirect.",
        bad: "# content/conditions/gout.md\naliases = [\"bunions\"]   # a page already lives at /conditions/bunions/",
        good: "# content/conditions/gout.md\naliases = [\"gouty-arthritis\"]",
    }
    RemovedUrl {
        code: "removed-url",
        level: Error,
        lowerable: false,
        summary: "an address listed in published-urls.txt that this build would no longer answer",
        why: "Links in GP letters, leaflets and search engines point at addresses the site once published. When a page is renamed without an alias, every such link breaks. `medkb build --record-urls` keeps published-urls.txt up to date.",
        bad: "# published-urls.txt\n/conditions/gout/\n# …and content/conditions/gout.md was renamed to gouty-arthritis.md",
        good: "# content/conditions/gouty-arthritis.md\naliases = [\"gout\"]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for r in Rule::ALL {
            let c = r.code();
            assert!(seen.insert(c), "{c} twice");
            assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'), "{c}");
            assert_eq!(Rule::from_code(c), Some(*r));
        }
    }

    #[test]
    fn errors_that_protect_readers_cannot_be_lowered() {
        assert!(!Rule::BrokenLink.may_set(Level::Warn));
        assert!(!Rule::RedFlagUrgency.may_set(Level::Allow));
        assert!(Rule::BrokenLink.may_set(Level::Deny));
        assert!(Rule::OneWayRelated.may_set(Level::Allow));
        assert!(Rule::OneWayRelated.may_set(Level::Deny));
    }

    #[test]
    fn explain_has_both_examples() {
        let text = Rule::RedFlagUrgency.explain();
        assert!(text.starts_with("red-flag-urgency (error):"));
        assert!(text.contains("This fails the rule:") && text.contains("- emergency: your foot is cold and numb"));
    }
}
