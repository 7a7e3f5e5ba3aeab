//! Render: pages and index pages through the theme's Tera templates.
//!
//! Input is the validated model and the [`LinkGraph`]; output is a list of
//! (relative path, bytes) in memory. Writing to disk is someone else's job
//! ([`crate::output`]), which keeps rendering pure and lets `serve` hold the
//! whole site in memory.

pub mod deps;
pub mod jsonld;
pub mod markdown;
pub mod offline;
pub mod qr;
pub mod theme;
pub mod views;

use std::collections::BTreeMap;

use anyhow::Context as _;
use chrono::NaiveDate;
use rayon::prelude::*;
use search_index::search::escape_html;
use serde::Serialize;

use crate::built::{Output, OutputSink};
use crate::config::SiteConfig;
use crate::graph::LinkGraph;
use crate::parse::markdown::{Part, RedFlag, SectionKind, Urgency};
use crate::parse::{Page, PageKind};
use markdown::MarkdownRenderer;
use theme::Theme;
use views::*;

pub struct SiteRenderer<'a> {
    config: &'a SiteConfig,
    pages: &'a [Page],
    graph: &'a LinkGraph,
    tera: tera::Tera,
    md: MarkdownRenderer<'a>,
    site: SiteView,
    review_changes: std::collections::HashMap<String, &'static str>,
}

/// Prints a Tera error with its whole cause chain: the useful part is usually last.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

impl<'a> SiteRenderer<'a> {
    /// What changed after each page's last review, by slug: "clinical" or "editorial"
    /// (from the pipeline, which reads the git history). Pages not in it show no notice.
    pub fn set_review_changes(&mut self, changes: std::collections::HashMap<String, &'static str>) {
        self.review_changes = changes;
    }

    pub fn new(config: &'a SiteConfig, pages: &'a [Page], graph: &'a LinkGraph, theme: &Theme) -> anyhow::Result<Self> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which bloats every URL; these five are what HTML and XML need.
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| anyhow::anyhow!("the theme's templates do not load: {}", chain(&e)))?;
        let regions = config
            .body_regions
            .iter()
            .map(|r| RegionView {
                slug: r.slug.clone(),
                name: r.name.clone(),
                url: crate::urls::region(&r.slug),
                count: pages.iter().filter(|p| p.fm.body_region.as_ref().is_some_and(|b| b.value == r.slug)).count(),
            })
            .collect();
        let site = SiteView {
            title: config.title.clone(),
            // Validated by `check`; dropped here too, so no path around validation publishes a script URL.
            base_url: crate::url::publishable(&config.base_url, false).unwrap_or_default().to_string(),
            description: config.description.clone(),
            disclaimer: config.disclaimer.clone(),
            locale: config.locale.clone(),
            lang: config.locale.clone(),
            regions,
            emergency_heading: config.care_cards.emergency.clone(),
            urls: crate::urls::SiteUrls::new(),
            service_worker: config.offline.then_some(crate::urls::SERVICE_WORKER),
        };
        Ok(SiteRenderer { config, pages, graph, tera, md: MarkdownRenderer::new(pages, graph), site, review_changes: Default::default() })
    }

    fn render(&self, template: &str, extra: impl Serialize) -> anyhow::Result<Vec<u8>> {
        let mut ctx = tera::Context::from_serialize(extra).context("building the template context")?;
        ctx.insert("site", &self.site);
        self.tera.render(template, &ctx).map(String::into_bytes).map_err(|e| anyhow::anyhow!("rendering {template} failed: {}", chain(&e)))
    }

    fn link(&self, i: usize) -> LinkView {
        let p = &self.pages[i];
        LinkView {
            title: p.fm.title.clone(),
            url: p.url.clone(),
            summary: p.fm.summary.clone(),
            last_reviewed: p.fm.last_reviewed.map(human_date),
            last_reviewed_iso: p.fm.last_reviewed.map(|d| d.to_string()),
        }
    }

    fn card_heading(&self, u: Urgency) -> String {
        let w = &self.config.care_cards;
        match u {
            Urgency::Emergency => w.emergency.clone(),
            Urgency::Urgent => w.urgent.clone(),
            Urgency::Routine => w.routine.clone(),
        }
    }

    /// The view of one page: everything its template shows.
    pub fn page_view(&self, index: usize, today: NaiveDate) -> PageView {
        let page = &self.pages[index];
        let md = &self.md;
        let mut sections = Vec::new();
        let mut red_flags_anchor = None;
        let mut red_flags_heading = None;
        let mut red_flags_intro_html = String::new();
        let mut red_flags_blocks = Vec::new();
        let mut timeline = None;
        for s in &page.body.sections {
            match s.kind {
                SectionKind::RedFlags => {
                    red_flags_anchor = Some(s.anchor.clone());
                    red_flags_heading = Some(s.heading.clone());
                    red_flags_intro_html = md.block(&s.intro, page, &[]);
                    red_flags_blocks = s
                        .parts
                        .iter()
                        .map(|part| match part {
                            Part::Prose(text) => RedFlagsBlock { kind: "prose", html: md.block(text, page, &[]), cards: Vec::new() },
                            Part::Flags(run) => RedFlagsBlock {
                                kind: "cards",
                                html: String::new(),
                                cards: self.cards(page, run.iter().map(|&i| &page.body.red_flags[i])),
                            },
                        })
                        .collect();
                }
                SectionKind::Timeline if !page.body.phases.is_empty() => {
                    timeline = Some(TimelineView {
                        heading: s.heading.clone(),
                        anchor: s.anchor.clone(),
                        intro_html: md.block(&s.intro, page, &[]),
                        phases: page.body.phases.iter().map(|p| PhaseView { phase: p.clone(), html: md.inline(&p.text, page) }).collect(),
                    });
                    sections.push(SectionView { kind: s.kind, heading: s.heading.clone(), anchor: s.anchor.clone(), html: String::new() });
                }
                _ => sections.push(SectionView {
                    kind: s.kind,
                    heading: s.heading.clone(),
                    anchor: s.anchor.clone(),
                    html: md.block(&s.body, page, &s.sub_anchors),
                }),
            }
        }
        let care_cards = self.cards(page, page.body.red_flags.iter());
        let gathered_flags = if page.fm.gather_red_flags { self.gathered_flags() } else { Vec::new() };
        let region = page.fm.body_region.as_ref().and_then(|r| self.site.regions.iter().find(|v| v.slug == r.value)).cloned();
        let mut toc: Vec<TocEntry> = Vec::new();
        if page.body.sections.len() >= 4 {
            if red_flags_anchor.is_some() {
                toc.push(TocEntry {
                    level: 2,
                    text: red_flags_heading.clone().unwrap_or_default(),
                    anchor: red_flags_anchor.clone().unwrap_or_default(),
                });
            }
            for s in page.body.sections.iter().filter(|s| s.kind != SectionKind::RedFlags) {
                toc.push(TocEntry { level: 2, text: s.heading.clone(), anchor: s.anchor.clone() });
            }
        }
        let overdue = page.next_review_due.is_some_and(|d| d < today);
        let reviewers = page.reviewers();
        let permalink = format!("{}{}", self.site.base_url, page.url);
        let permalink_for_view = permalink.clone();
        let mut view = PageView {
            slug: page.slug.clone(),
            kind: page.kind,
            page_type: page.kind.name(page.fm.page_type),
            url: page.url.clone(),
            permalink: permalink_for_view,
            title: page.fm.title.clone(),
            medical_name: page.fm.medical_name.clone(),
            also_called: page.fm.also_called.clone(),
            summary: page.fm.summary.clone(),
            region,
            lead_html: md.block(&page.body.lead, page, &page.body.lead_anchors),
            sections,
            red_flags_anchor,
            red_flags_heading,
            red_flags_intro_html,
            care_cards,
            red_flags_blocks,
            timeline,
            related: self.graph.related[index].iter().map(|&i| self.link(i)).collect(),
            backlinks: {
                let mut b: Vec<LinkView> =
                    self.graph.backlinks[index].iter().filter(|&&i| self.pages[i].kind.listed()).map(|&i| self.link(i)).collect();
                b.sort_by(|x, y| x.title.cmp(&y.title));
                b
            },
            sources: page.fm.sources.iter().enumerate().map(|(n, s)| SourceView::of(n, s)).collect(),
            review: ReviewView {
                last_reviewed: page.fm.last_reviewed.map(human_date),
                last_reviewed_label: if reviewers.is_empty() { "Last checked against sources" } else { "Page last reviewed" },
                next_review_due: page.next_review_due.map(|d| d.format("%-d %B %Y").to_string()),
                awaiting_review: reviewers.is_empty(),
                changed_since_review: if reviewers.is_empty() { None } else { self.review_changes.get(&page.slug).copied() },
                reviewed_by: reviewers,
                overdue,
            },
            toc,
            gathered_flags,
            leaflet: None,
            jsonld: String::new(),
        };
        if page.kind.listed() {
            view.leaflet = Some(LeafletView {
                qr_svg: qr::svg(&permalink, &format!("QR code for {permalink}")).unwrap_or_default(),
                version: page_version(&view),
            });
        }
        view.jsonld = jsonld::for_page(page, &view, self.config);
        view
    }

    /// Red flags as care cards, most urgent first; an item the editors added cites them.
    fn cards<'f>(&self, page: &Page, flags: impl Iterator<Item = &'f RedFlag> + Clone) -> Vec<CareCardView> {
        Urgency::ALL
            .iter()
            .filter_map(|&u| {
                let items: Vec<String> = flags
                    .clone()
                    .filter(|f| f.urgency == u)
                    .map(|f| {
                        let html = self.md.inline(&f.text, page);
                        if f.safety_netting.is_some() {
                            html + &self.md.citation(page)
                        } else {
                            html
                        }
                    })
                    .collect();
                (!items.is_empty()).then(|| CareCardView { urgency: u, heading: self.card_heading(u), prefix: urgency_prefix(u), items })
            })
            .collect()
    }

    /// Every emergency and urgent red flag of the site, for "when to see a doctor" guides.
    fn gathered_flags(&self) -> Vec<GatheredCard> {
        [Urgency::Emergency, Urgency::Urgent]
            .iter()
            .map(|&u| {
                let mut items: Vec<GatheredFlag> = self
                    .pages
                    .iter()
                    .filter(|p| p.kind == PageKind::Condition)
                    .flat_map(|p| {
                        p.body.red_flags.iter().filter(move |f| f.urgency == u).map(move |f| GatheredFlag {
                            // Plain text: emergency items must carry no links, and the page link sits beside it.
                            html: escape_html(&f.plain),
                            page_title: p.fm.title.clone(),
                            page_url: p.url.clone(),
                        })
                    })
                    .collect();
                items.sort_by(|a, b| (&a.page_title, &a.html).cmp(&(&b.page_title, &b.html)));
                GatheredCard { urgency: u, heading: self.card_heading(u), prefix: urgency_prefix(u), items }
            })
            .collect()
    }

    /// Renders the whole site into `sink`: every page, the index pages and the feeds.
    pub fn render_all(&self, today: NaiveDate, sink: &dyn OutputSink, progress: &(dyn Fn() + Sync)) -> anyhow::Result<()> {
        (0..self.pages.len()).into_par_iter().try_for_each(|i| {
            let (rel, bytes) = self.render_page(i, today)?;
            sink.put(rel, bytes)?;
            progress();
            Ok::<(), anyhow::Error>(())
        })?;
        for (rel, bytes) in self.render_indexes()? {
            sink.put(rel, bytes)?;
        }
        Ok(())
    }

    /// Renders one page of each kind and every index page, discarding the output:
    /// enough for `check` to catch a template that fails only when it runs (a missing
    /// variable, a bad filter argument) without the cost of a whole build.
    pub fn render_samples(&self, today: NaiveDate) -> anyhow::Result<()> {
        let mut kinds = std::collections::BTreeSet::new();
        for (i, p) in self.pages.iter().enumerate() {
            if kinds.insert(p.kind) {
                self.render_page(i, today)?;
            }
        }
        self.render_indexes().map(drop)
    }

    /// Renders one page (`pages[i]`). `serve` calls this for just the pages an edit affects.
    pub fn render_page(&self, i: usize, today: NaiveDate) -> anyhow::Result<Output> {
        let page = &self.pages[i];
        let view = self.page_view(i, today);
        let template = page.kind.template();
        let mut extra = tera::Context::new();
        extra.insert("page", &view);
        if page.kind == PageKind::Home {
            self.home_context(&mut extra);
        }
        let bytes = self.render(template, extra.into_json()).with_context(|| format!("while rendering {}", page.path))?;
        Ok((crate::urls::output_path(&page.url), tidy(&bytes)))
    }

    /// Renders the pages that list other pages: the home page when there is no
    /// `content/_index.md`, the A–Z, regions, guides and symptoms indexes, 404 and feeds.
    pub fn render_indexes(&self) -> anyhow::Result<Vec<Output>> {
        let mut outputs = Vec::new();
        if !self.pages.iter().any(|p| p.kind == PageKind::Home) {
            let mut extra = tera::Context::new();
            self.home_context(&mut extra);
            outputs.push(("index.html".into(), self.render("index.html", extra.into_json())?));
        }
        outputs.extend(self.index_pages()?);
        for (path, bytes) in outputs.iter_mut() {
            // Templates end up with ragged whitespace; readers and validators don't care, diffs do.
            if path.ends_with(".html") || path.ends_with(".xml") {
                *bytes = tidy(bytes);
            }
        }
        Ok(outputs)
    }

    fn conditions(&self) -> impl Iterator<Item = (usize, &Page)> {
        self.pages.iter().enumerate().filter(|(_, p)| p.kind == PageKind::Condition)
    }

    fn home_context(&self, ctx: &mut tera::Context) {
        let mut symptoms: Vec<LinkView> = self
            .conditions()
            .filter(|(_, p)| p.fm.page_type == crate::parse::frontmatter::PageType::Symptom)
            .map(|(i, _)| self.link(i))
            .collect();
        symptoms.sort_by(|a, b| a.title.cmp(&b.title));
        let mut guides: Vec<LinkView> =
            self.pages.iter().enumerate().filter(|(_, p)| p.kind == PageKind::Guide).map(|(i, _)| self.link(i)).collect();
        guides.sort_by(|a, b| a.title.cmp(&b.title));
        let mut recent: Vec<(NaiveDate, usize)> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind.listed())
            .filter_map(|(i, p)| p.fm.last_reviewed.map(|d| (d, i)))
            .collect();
        recent.sort_by(|a, b| b.0.cmp(&a.0).then(self.pages[a.1].fm.title.cmp(&self.pages[b.1].fm.title)));
        let recent: Vec<LinkView> = recent.into_iter().take(8).map(|(_, i)| self.link(i)).collect();
        ctx.insert("symptoms", &symptoms);
        ctx.insert("guides", &guides);
        ctx.insert("recent", &recent);
        ctx.insert("condition_count", &self.conditions().count());
    }

    fn index_pages(&self) -> anyhow::Result<Vec<Output>> {
        let mut out = Vec::new();
        // A–Z: every condition under its title, plus each "also called" name pointing to it.
        let mut entries: Vec<AzEntry> = Vec::new();
        for (_, p) in self.conditions() {
            entries.push(AzEntry {
                letter: initial(&p.fm.title),
                title: p.fm.title.clone(),
                url: p.url.clone(),
                last_reviewed: p.fm.last_reviewed.map(human_date),
                last_reviewed_iso: p.fm.last_reviewed.map(|d| d.to_string()),
                see: None,
            });
            for alias in &p.fm.also_called {
                entries.push(AzEntry {
                    letter: initial(alias),
                    title: alias.clone(),
                    url: p.url.clone(),
                    last_reviewed: None,
                    last_reviewed_iso: None,
                    see: Some(p.fm.title.clone()),
                });
            }
        }
        entries.sort_by_key(|a| a.title.to_lowercase());
        let mut letters: BTreeMap<String, Vec<AzEntry>> = BTreeMap::new();
        for e in entries {
            letters.entry(e.letter.clone()).or_default().push(e);
        }
        let letters: Vec<AzLetter> = letters.into_iter().map(|(letter, entries)| AzLetter { letter, entries }).collect();
        out.push((crate::urls::output_path(crate::urls::AZ), self.render("az.html", serde_json::json!({ "letters": letters }))?));

        for region in &self.site.regions {
            let mut pages: Vec<LinkView> = self
                .conditions()
                .filter(|(_, p)| p.fm.body_region.as_ref().is_some_and(|r| r.value == region.slug))
                .map(|(i, _)| self.link(i))
                .collect();
            pages.sort_by(|a, b| a.title.cmp(&b.title));
            out.push((
                crate::urls::output_path(&crate::urls::region(&region.slug)),
                self.render("region.html", serde_json::json!({ "region": region, "pages": pages }))?,
            ));
        }
        out.push((crate::urls::output_path(crate::urls::REGIONS), self.render("regions.html", serde_json::json!({}))?));

        let mut guides: Vec<LinkView> =
            self.pages.iter().enumerate().filter(|(_, p)| p.kind == PageKind::Guide).map(|(i, _)| self.link(i)).collect();
        guides.sort_by(|a, b| a.title.cmp(&b.title));
        out.push((crate::urls::output_path(crate::urls::GUIDES), self.render("guides.html", serde_json::json!({ "guides": guides }))?));

        // The conditions folder answers too: a reader who trims a page's address lands on a list.
        let mut conditions: Vec<LinkView> = self.conditions().map(|(i, _)| self.link(i)).collect();
        conditions.sort_by_key(|l| l.title.to_lowercase());
        out.push((
            crate::urls::output_path(crate::urls::CONDITIONS),
            self.render("conditions.html", serde_json::json!({ "conditions": conditions }))?,
        ));

        // Former addresses: a page that works without script, and the hosts' redirect file.
        let redirects = crate::addresses::redirects(self.pages);
        let mut lines = String::from("# Former addresses of renamed pages (front matter `aliases`).\n");
        for r in &redirects {
            out.push((crate::urls::output_path(&r.from), self.render("redirect.html", serde_json::json!({ "redirect": r }))?));
            lines.push_str(&format!("{} {} 301\n", r.from, r.to));
        }
        out.push((crate::urls::output_path(crate::urls::REDIRECTS), lines.into_bytes()));

        // Symptom index: symptom pages first, then every listed symptom with the pages that list it.
        let mut by_symptom: BTreeMap<String, Vec<LinkView>> = BTreeMap::new();
        for (i, p) in self.conditions() {
            if let Some(s) = p.section(SectionKind::Symptoms) {
                for item in &s.items {
                    let key = short_symptom(item);
                    if !key.is_empty() {
                        by_symptom.entry(key).or_default().push(self.link(i));
                    }
                }
            }
        }
        let mut hubs: Vec<LinkView> = self
            .conditions()
            .filter(|(_, p)| p.fm.page_type == crate::parse::frontmatter::PageType::Symptom)
            .map(|(i, _)| self.link(i))
            .collect();
        hubs.sort_by(|a, b| a.title.cmp(&b.title));
        let symptoms: Vec<serde_json::Value> =
            by_symptom.into_iter().map(|(name, pages)| serde_json::json!({ "name": name, "pages": pages })).collect();
        out.push((
            crate::urls::output_path(crate::urls::SYMPTOMS),
            self.render("symptoms.html", serde_json::json!({ "hubs": hubs, "symptoms": symptoms }))?,
        ));

        out.push(("404.html".into(), self.render("404.html", serde_json::json!({}))?));
        if self.config.offline {
            // What the worker shows for a page it has not cached: the emergency line, and what it has.
            let precached: Vec<LinkView> = {
                let wanted = offline::precache(self.pages, self.config);
                let mut v: Vec<LinkView> =
                    (0..self.pages.len()).filter(|&i| wanted.contains(&self.pages[i].url)).map(|i| self.link(i)).collect();
                v.sort_by(|a, b| a.title.cmp(&b.title));
                v
            };
            out.push((
                crate::urls::output_path(crate::urls::OFFLINE),
                self.render("offline.html", serde_json::json!({ "precached": precached }))?,
            ));
        }

        let mut dated: Vec<&Page> = self.pages.iter().collect();
        dated.sort_by(|a, b| b.fm.last_reviewed.cmp(&a.fm.last_reviewed).then(a.fm.title.cmp(&b.fm.title)));
        let feed: Vec<FeedEntry> = dated
            .iter()
            .filter(|p| p.kind.listed())
            .take(self.config.feed_limit)
            .map(|p| FeedEntry {
                title: p.fm.title.clone(),
                permalink: format!("{}{}", self.site.base_url, p.url),
                id: match p.fm.last_reviewed {
                    Some(d) => format!("{}{}#reviewed-{d}", self.site.base_url, p.url),
                    None => format!("{}{}", self.site.base_url, p.url),
                },
                reviewed: p.fm.last_reviewed.map(human_date),
                summary: p.fm.summary.clone(),
                updated: p.fm.last_reviewed.map(|d| format!("{d}T00:00:00Z")).unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
            })
            .collect();
        let updated = feed.first().map(|f| f.updated.clone()).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        out.push((
            crate::urls::output_path(crate::urls::FEED),
            self.render("atom.xml", serde_json::json!({ "entries": feed, "updated": updated }))?,
        ));

        let mut urls: Vec<serde_json::Value> = self
            .pages
            .iter()
            .map(|p| serde_json::json!({ "loc": format!("{}{}", self.site.base_url, p.url), "lastmod": p.fm.last_reviewed.map(|d| d.to_string()) }))
            .collect();
        for extra in crate::urls::INDEXES {
            urls.push(serde_json::json!({ "loc": format!("{}{}", self.site.base_url, extra), "lastmod": null }));
        }
        for r in &self.site.regions {
            urls.push(serde_json::json!({ "loc": format!("{}{}", self.site.base_url, r.url), "lastmod": null }));
        }
        if !self.pages.iter().any(|p| p.kind == PageKind::Home) {
            urls.push(serde_json::json!({ "loc": format!("{}/", self.site.base_url), "lastmod": null }));
        }
        urls.sort_by(|a, b| a["loc"].as_str().cmp(&b["loc"].as_str()));
        out.push((crate::urls::output_path(crate::urls::SITEMAP), self.render("sitemap.xml", serde_json::json!({ "urls": urls }))?));
        out.push(("robots.txt".into(), self.render("robots.txt", serde_json::json!({}))?));
        Ok(out)
    }
}

/// A short fingerprint of what a page says (its words, care cards, sources and review),
/// printed on its leaflet: a paper copy can be matched to the version it came from.
/// FNV-1a over the rendered parts, written out so the number stays the same across
/// Rust releases and between the build and the preview.
fn page_version(view: &PageView) -> String {
    let parts =
        (&view.title, &view.summary, &view.lead_html, &view.sections, &view.red_flags_blocks, &view.timeline, &view.sources, &view.review);
    let text = serde_json::to_string(&parts).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}

/// A review date as readers see it: "12 March 2026".
fn human_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn initial(s: &str) -> String {
    s.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_uppercase() })
        .unwrap_or('#')
        .to_string()
}

/// A symptom list item as an index entry: its first clause, lower-cased.
fn short_symptom(item: &str) -> String {
    let first = item.split(['.', ';', ':', '(', ',']).next().unwrap_or("").trim();
    if first.split_whitespace().count() > 8 {
        return String::new();
    }
    let mut s = first.to_string();
    if let Some(c) = s.get(0..1) {
        s.replace_range(0..1, &c.to_uppercase());
    }
    s
}

/// Drops blank lines and trailing spaces that template logic leaves behind.
fn tidy(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut in_pre = false;
    for line in text.lines() {
        if line.contains("<pre") {
            in_pre = true;
        }
        if in_pre || !line.trim().is_empty() {
            out.push_str(if in_pre { line } else { line.trim_end() });
            out.push('\n');
        }
        if line.contains("</pre>") {
            in_pre = false;
        }
    }
    out.into_bytes()
}
