//! Render: pages and index pages through the theme's Tera templates.
//!
//! Input is the validated model and the [`LinkGraph`]; output is a list of
//! (relative path, bytes) in memory. Writing to disk is someone else's job
//! ([`crate::output`]), which keeps rendering pure and lets `serve` hold the
//! whole site in memory.

pub mod deps;
pub mod fragments;
pub mod jsonld;
pub mod markdown;
pub mod offline;
pub mod qr;
pub mod theme;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use anyhow::Context as _;
use chrono::NaiveDate;
use rayon::prelude::*;
use search_index::search::escape_html;

use crate::built::{Output, OutputSink};
use crate::config::SiteConfig;
use crate::graph::LinkGraph;
use crate::parse::listing::ListedName;
use crate::parse::markdown::{Part, RedFlag, SectionKind, Urgency};
use crate::parse::{Page, PageKind};
use fragments::{Fragments, UnitStore};
use markdown::MarkdownRenderer;
use theme::Theme;
use views::*;

pub struct SiteRenderer<'a> {
    config: &'a SiteConfig,
    pages: &'a [Page],
    graph: &'a LinkGraph,
    tera: std::sync::Arc<tera::Tera>,
    md: MarkdownRenderer<'a>,
    site: SiteView,
    review_changes: std::collections::HashMap<String, &'static str>,
    /// The site as readers of each other language see it, by language code.
    lang_sites: BTreeMap<String, SiteView>,
    /// UI strings by language code ("" for the default language).
    strings: BTreeMap<String, BTreeMap<String, String>>,
    /// Rendered list entries kept between renders (the preview's); else `own_fragments`.
    fragments: Option<&'a Fragments>,
    own_fragments: Fragments,
    /// Templates the site has its own copy of (see [`SiteRenderer::lists_for`]).
    site_templates: std::collections::BTreeSet<String>,
    /// Template contexts already holding `site` and `t`, by language code, lent out
    /// one per render: turning those two into template values for every page was a
    /// tenth of a big build's CPU.
    contexts: std::sync::Mutex<HashMap<String, Vec<tera::Context>>>,
}

/// The theme's templates, parsed and ready to render (`theme.templates` as they are now).
pub fn compile_templates(theme: &Theme) -> anyhow::Result<std::sync::Arc<tera::Tera>> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which bloats every URL; these five are what HTML and XML need.
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| anyhow::anyhow!("the theme's templates do not load: {}", chain(&e)))?;
    Ok(std::sync::Arc::new(tera))
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
        Self::with_templates(config, pages, graph, theme, compile_templates(theme)?)
    }

    /// [`SiteRenderer::new`] with the theme's templates already compiled by
    /// [`compile_templates`]: the preview compiles them once per theme change, not
    /// per edit (parsing every template was a fifth of a prose edit at 10k pages).
    pub fn with_templates(
        config: &'a SiteConfig,
        pages: &'a [Page],
        graph: &'a LinkGraph,
        theme: &Theme,
        tera: std::sync::Arc<tera::Tera>,
    ) -> anyhow::Result<Self> {
        let regions_in = |lang: Option<&str>, list: &[crate::config::BodyRegion]| -> Vec<RegionView> {
            list.iter()
                .map(|r| RegionView {
                    slug: r.slug.clone(),
                    name: r.name.clone(),
                    url: crate::urls::in_lang(lang, &crate::urls::region(&r.slug)),
                    // Counted over the default language's pages: every page is listed in
                    // each language, translated or not (see `in_lang`).
                    count: pages
                        .iter()
                        .filter(|p| p.lang.is_none() && p.fm.body_region.as_ref().is_some_and(|b| b.value == r.slug))
                        .count(),
                })
                .collect()
        };
        let regions = regions_in(None, &config.body_regions);
        let base_url = crate::url::publishable(&config.base_url, false).unwrap_or_default().to_string();
        let lang_sites = config
            .languages
            .iter()
            .map(|l| {
                let code = Some(l.code.as_str());
                let view = SiteView {
                    title: l.title.clone(),
                    base_url: base_url.clone(),
                    description: l.description.clone(),
                    disclaimer: l.disclaimer.clone(),
                    locale: l.locale.clone(),
                    lang: l.locale.clone(),
                    regions: regions_in(code, &l.body_regions),
                    emergency_heading: l.care_cards.emergency.clone(),
                    urls: crate::urls::SiteUrls::in_lang(code),
                    search_strings: search_strings(theme.strings_for(&l.locale)),
                    service_worker: config.offline.then_some(crate::urls::SERVICE_WORKER),
                };
                (l.code.clone(), view)
            })
            .collect();
        let mut strings = BTreeMap::new();
        strings.insert(String::new(), theme.strings_for(&config.locale).clone());
        for l in &config.languages {
            strings.insert(l.code.clone(), theme.strings_for(&l.locale).clone());
        }
        let fallback_labels = config
            .languages
            .iter()
            .map(|l| (l.code.clone(), strings[&l.code].get("fallback_suffix").cloned().unwrap_or_default()))
            .collect();
        let site = SiteView {
            title: config.title.clone(),
            // Validated by `check`; dropped here too, so no path around validation publishes a script URL.
            base_url,
            description: config.description.clone(),
            disclaimer: config.disclaimer.clone(),
            locale: config.locale.clone(),
            lang: config.locale.clone(),
            regions,
            emergency_heading: config.care_cards.emergency.clone(),
            urls: crate::urls::SiteUrls::new(),
            search_strings: search_strings(theme.strings_for(&config.locale)),
            service_worker: config.offline.then_some(crate::urls::SERVICE_WORKER),
        };
        Ok(SiteRenderer {
            config,
            pages,
            graph,
            tera,
            md: MarkdownRenderer::new(pages, graph)
                .with_fallback_labels(fallback_labels)
                .with_original_lang(config.locale.clone())
                .with_citation_labels(
                    strings.iter().map(|(l, t)| (l.clone(), t.get("safety_netting_label").cloned().unwrap_or_default())).collect(),
                ),
            site,
            lang_sites,
            strings,
            review_changes: Default::default(),
            fragments: None,
            own_fragments: Fragments::default(),
            site_templates: theme.template_paths.keys().cloned().collect(),
            contexts: Default::default(),
        })
    }

    /// Renders list entries through `cache`, reusing those it holds from the same data
    /// (the preview keeps one between edits; see [`fragments`]).
    pub fn with_fragments(&mut self, cache: &'a Fragments) {
        self.fragments = Some(cache);
    }

    /// Whether a listing page's template gets its entries as data too, besides the
    /// joined fragments: only when the site has its own copy of it or of what it
    /// extends or includes (`base.html`, the search box), which may read them. The
    /// built-in templates read only the fragments, and handing Tera 20,000 entries
    /// it never reads costs more than rendering the page.
    fn lists_for(&self, template: &str) -> bool {
        [template, "base.html", "partials/search.html"].iter().any(|t| self.site_templates.contains(*t))
    }

    fn fragments(&self) -> &Fragments {
        self.fragments.unwrap_or(&self.own_fragments)
    }

    /// Renders the link of each listed page with the theme template `template` (which
    /// sees it as `e`, besides `site` and `t`), reusing the fragment the unit rendered
    /// last time from the same data. In the order given.
    fn link_entries(
        &self,
        lang: Option<&str>,
        store: &mut UnitStore,
        template: &str,
        listed: &[(usize, &Page)],
    ) -> anyhow::Result<Vec<std::sync::Arc<str>>> {
        let keys: Vec<u64> = listed.iter().map(|&(i, _)| fragments::key(template, &self.link_key(lang, i))).collect();
        self.entries_by(lang, store, template, &keys, |k| self.link_in(lang, listed[k].0))
    }

    /// The listed pages' links as data for `page_template`: only when the site has its
    /// own copy of it (see [`SiteRenderer::lists_for`]), else none.
    fn link_views(&self, lang: Option<&str>, page_template: &str, listed: &[(usize, &Page)]) -> Vec<LinkView> {
        if !self.lists_for(page_template) {
            return Vec::new();
        }
        listed.iter().map(|&(i, _)| self.link_in(lang, i)).collect()
    }

    /// Renders entries with `template`, reusing kept fragments: `keys[i]`
    /// stands for the whole of entry `i` (see [`fragments::key`]), and `view(i)` is
    /// built only for entries not rendered before.
    fn entries_by<T: serde::Serialize>(
        &self,
        lang: Option<&str>,
        store: &mut UnitStore,
        template: &str,
        keys: &[u64],
        view: impl Fn(usize) -> T + Sync,
    ) -> anyhow::Result<Vec<std::sync::Arc<str>>> {
        let missing: Vec<usize> = (0..keys.len()).filter(|&i| !store.old.contains_key(&keys[i])).collect();
        let rendered: Vec<(u64, std::sync::Arc<str>)> = missing
            .par_iter()
            .map_init(
                || self.lend_context(lang.unwrap_or("")),
                |ctx, &i| {
                    ctx.insert("e", &view(i));
                    let html =
                        self.tera.render(template, ctx).map_err(|e| anyhow::anyhow!("rendering {template} failed: {}", chain(&e)))?;
                    Ok((keys[i], std::sync::Arc::from(html)))
                },
            )
            .collect::<anyhow::Result<_>>()?;
        self.fragments().count_rendered(rendered.len());
        store.old.extend(rendered);
        store.used.reserve(keys.len());
        Ok(keys
            .iter()
            .map(|k| {
                let html = store.old[k].clone();
                store.used.insert(*k, html.clone());
                html
            })
            .collect())
    }

    /// The site as readers of `lang` see it (`None`: the default language).
    fn site_in(&self, lang: Option<&str>) -> &SiteView {
        lang.and_then(|l| self.lang_sites.get(l)).unwrap_or(&self.site)
    }

    /// The UI string `key` for readers of `lang` (empty if the theme lacks it: `check` reports that).
    fn t(&self, lang: Option<&str>, key: &str) -> String {
        self.strings.get(lang.unwrap_or("")).and_then(|t| t.get(key)).cloned().unwrap_or_default()
    }

    fn multilingual(&self) -> bool {
        !self.config.languages.is_empty()
    }

    fn render(&self, template: &str, extra: serde_json::Value) -> anyhow::Result<Vec<u8>> {
        self.render_in(None, template, extra)
    }

    /// Renders `template` for readers of `lang`: `site` and the UI strings `t` in that
    /// language, plus `extra`'s keys (a JSON object), which are taken out again after.
    fn render_in(&self, lang: Option<&str>, template: &str, extra: serde_json::Value) -> anyhow::Result<Vec<u8>> {
        let key = lang.unwrap_or("");
        let extra = match extra {
            serde_json::Value::Object(map) => map,
            _ => anyhow::bail!("rendering {template}: the template context must be a map"),
        };
        let mut ctx = self.lend_context(key);
        let keys: Vec<String> = extra.keys().cloned().collect();
        let had_nav = extra.contains_key("lang_nav");
        ctx.extend(tera::Context::from_value(serde_json::Value::Object(extra)).context("building the template context")?);
        if !had_nav {
            ctx.insert("lang_nav", &Option::<LanguageNav>::None);
        }
        let result = self.tera.render(template, &ctx);
        for k in keys.iter().map(String::as_str).chain(["lang_nav"]) {
            ctx.remove(k);
        }
        // A caller that replaced `site` or `t` leaves a context not fit to lend again.
        if !keys.iter().any(|k| k == "site" || k == "t") {
            self.contexts.lock().unwrap_or_else(|e| e.into_inner()).entry(key.to_string()).or_default().push(ctx);
        }
        result.map(String::into_bytes).map_err(|e| anyhow::anyhow!("rendering {template} failed: {}", chain(&e)))
    }

    /// A context holding only `site` and `t` for the language `key` ("" for the default).
    fn lend_context(&self, key: &str) -> tera::Context {
        if let Some(ctx) = self.contexts.lock().unwrap_or_else(|e| e.into_inner()).get_mut(key).and_then(Vec::pop) {
            return ctx;
        }
        let mut ctx = tera::Context::new();
        ctx.insert("site", self.site_in((!key.is_empty()).then_some(key)));
        ctx.insert("t", &self.strings[key]);
        ctx
    }

    fn link(&self, i: usize) -> LinkView {
        let p = &self.pages[i];
        LinkView {
            title: p.fm.title.clone(),
            url: p.url.clone(),
            summary: p.fm.summary.clone(),
            last_reviewed: p.fm.last_reviewed.map(human_date),
            last_reviewed_iso: p.fm.last_reviewed.map(|d| d.to_string()),
            fallback: false,
            lang: String::new(),
        }
    }

    /// A link for readers of `lang`, marked when it falls back to the original.
    fn link_in(&self, lang: Option<&str>, i: usize) -> LinkView {
        let (fallback, page_lang) = self.fallback(lang, i);
        let mut view = LinkView { fallback, lang: page_lang, ..self.link(i) };
        // Dates in the reader's language ("21 de noviembre de 2026").
        if let (Some(d), Some(l)) = (self.pages[i].fm.last_reviewed, self.config.language(lang)) {
            view.last_reviewed = Some(l.vocabulary.format_date(d, &l.date_format));
        }
        view
    }

    /// The cache key of `link_in(lang, i)`: every part that view is made of, hashed
    /// without building it (lists key 10,000 links per render and build a few).
    fn link_key(&self, lang: Option<&str>, i: usize) -> u64 {
        let p = &self.pages[i];
        let fallback = lang.is_some() && p.lang.as_deref() != lang;
        crate::fingerprint::of((p.listing.link, fallback, fallback.then_some(&p.lang)))
    }

    /// Whether page `i` is shown to readers of `lang` in its original language for want
    /// of a translation, and that language (empty when not).
    fn fallback(&self, lang: Option<&str>, i: usize) -> (bool, String) {
        let fallback = lang.is_some() && self.pages[i].lang.as_deref() != lang;
        (fallback, if fallback { self.site_in(self.pages[i].lang.as_deref()).lang.clone() } else { String::new() })
    }

    /// The pages readers of `lang` browse: each default-language page, or its
    /// translation into `lang` when there is one (listed pages of other languages
    /// are never mixed in). For the default language, exactly its own pages.
    fn in_lang(&self, lang: Option<&str>) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| self.pages[i].lang.is_none())
            .map(|i| match lang {
                None => i,
                Some(l) => self.graph.counterparts[i].iter().copied().find(|&j| self.pages[j].lang.as_deref() == Some(l)).unwrap_or(i),
            })
            .collect()
    }

    /// Every language's version of the page at `url_in(lang)`, for hreflang and the switcher:
    /// `version(lang)` is the URL of the page in that language, if it has one.
    fn language_nav(&self, current: Option<&str>, version: &dyn Fn(Option<&str>) -> Option<String>) -> Option<LanguageNav> {
        if !self.multilingual() {
            return None;
        }
        let base = &self.site.base_url;
        let langs = std::iter::once(None).chain(self.config.languages.iter().map(|l| Some(l.code.as_str())));
        let alternates: Vec<Alternate> = langs
            .map(|lang| {
                let url = version(lang);
                let t = &self.strings[lang.unwrap_or("")];
                let site = self.site_in(lang);
                let exists = url.is_some();
                let url = url.unwrap_or_else(|| site.urls.home.clone());
                Alternate {
                    lang: site.lang.clone(),
                    name: t.get("language_name").cloned().unwrap_or_default(),
                    permalink: format!("{base}{url}"),
                    url,
                    exists,
                    current: lang == current,
                    missing_text: t.get("no_translation").cloned().unwrap_or_default(),
                    missing_link: t.get("no_translation_link").cloned().unwrap_or_default(),
                }
            })
            .collect();
        let x_default = alternates[0].permalink.clone();
        Some(LanguageNav { alternates, x_default })
    }

    /// The language nav of page `i`: its original and translations.
    fn page_language_nav(&self, i: usize) -> Option<LanguageNav> {
        let page = &self.pages[i];
        let versions: Vec<usize> = std::iter::once(i).chain(self.graph.counterparts[i].iter().copied()).collect();
        self.language_nav(page.lang.as_deref(), &|lang| {
            versions.iter().find(|&&j| self.pages[j].lang.as_deref() == lang).map(|&j| self.pages[j].url.clone())
        })
    }

    /// The language nav of an index page every language has (`url` in the default language).
    fn index_language_nav(&self, lang: Option<&str>, url: &str) -> Option<LanguageNav> {
        self.language_nav(lang, &|l| Some(crate::urls::in_lang(l, url)))
    }

    /// A translation's provenance for its page, with whether the original was re-reviewed since.
    fn translation_view(&self, i: usize) -> Option<TranslationView> {
        let page = &self.pages[i];
        let tr = page.fm.translation.as_ref()?;
        let lang = self.config.language(page.lang.as_deref())?;
        let original = self.graph.counterparts[i].iter().map(|&j| &self.pages[j]).find(|p| p.lang.is_none())?;
        let date = |d: NaiveDate| lang.vocabulary.format_date(d, &lang.date_format);
        Some(TranslationView {
            source_reviewed: tr.source_reviewed.as_ref().map(|d| date(d.value)),
            translated: tr.translated.map(date),
            translated_by: tr.translated_by.clone(),
            stale: crate::page_rules::translation_is_stale(tr, original),
            original_url: original.url.clone(),
            original_lang: self.site.lang.clone(),
            original_title: original.fm.title.clone(),
        })
    }

    fn card_heading(&self, page: &Page, u: Urgency) -> String {
        let w = self.config.language(page.lang.as_deref()).map(|l| &l.care_cards).unwrap_or(&self.config.care_cards);
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
        let gathered_flags = if page.fm.gather_red_flags { self.gathered_flags(page) } else { Vec::new() };
        let lang = page.lang.as_deref();
        let region = page.fm.body_region.as_ref().and_then(|r| self.site_in(lang).regions.iter().find(|v| v.slug == r.value)).cloned();
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
        let date = |d: NaiveDate| match self.config.language(lang) {
            Some(l) => l.vocabulary.format_date(d, &l.date_format),
            None => d.format(crate::config::DEFAULT_DATE_FORMAT).to_string(),
        };
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
            related: self.graph.related[index].iter().map(|&i| self.link_in(lang, i)).collect(),
            backlinks: {
                let mut b: Vec<LinkView> =
                    self.graph.backlinks[index].iter().filter(|&&i| self.pages[i].kind.listed()).map(|&i| self.link(i)).collect();
                b.sort_by(|x, y| x.title.cmp(&y.title));
                b
            },
            sources: page.fm.sources.iter().enumerate().map(|(n, s)| SourceView::of(n, s, &self.t(lang, "safety_netting_label"))).collect(),
            review: ReviewView {
                last_reviewed: page.fm.last_reviewed.map(date),
                last_reviewed_label: self.t(lang, if reviewers.is_empty() { "review_last_checked" } else { "review_last_reviewed" }),
                next_review_due: page.next_review_due.map(date),
                awaiting_review: reviewers.is_empty(),
                changed_since_review: if reviewers.is_empty() { None } else { self.review_changes.get(&page.slug).copied() },
                reviewed_by: reviewers,
                overdue,
            },
            toc,
            gathered_flags,
            leaflet: None,
            jsonld: String::new(),
            lang: page.lang.clone(),
            translation: self.translation_view(index),
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
                (!items.is_empty()).then(|| CareCardView {
                    urgency: u,
                    heading: self.card_heading(page, u),
                    prefix: self.t(page.lang.as_deref(), urgency_prefix_key(u)),
                    items,
                })
            })
            .collect()
    }

    /// Every emergency and urgent red flag of the site, for "when to see a doctor" guides
    /// (in the guide's language: each condition's translation, else its original).
    fn gathered_flags(&self, guide: &Page) -> Vec<GatheredCard> {
        let lang = guide.lang.as_deref();
        let pages: Vec<&Page> = self.in_lang(lang).into_iter().map(|i| &self.pages[i]).collect();
        [Urgency::Emergency, Urgency::Urgent]
            .iter()
            .map(|&u| {
                let mut items: Vec<GatheredFlag> = pages
                    .iter()
                    .filter(|p| p.kind == PageKind::Condition)
                    .flat_map(|p| {
                        let other = if p.lang.as_deref() != lang { self.site_in(p.lang.as_deref()).lang.clone() } else { String::new() };
                        p.body.red_flags.iter().filter(move |f| f.urgency == u).map(move |f| GatheredFlag {
                            // Plain text: emergency items must carry no links, and the page link sits beside it.
                            html: escape_html(&f.plain),
                            page_title: p.fm.title.clone(),
                            page_url: p.url.clone(),
                            lang: other.clone(),
                        })
                    })
                    .collect();
                items.sort_by(|a, b| (&a.page_title, &a.html).cmp(&(&b.page_title, &b.html)));
                GatheredCard {
                    urgency: u,
                    heading: self.card_heading(guide, u),
                    prefix: self.t(guide.lang.as_deref(), urgency_prefix_key(u)),
                    items,
                }
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
        extra.insert("lang_nav", &self.page_language_nav(i));
        if page.kind == PageKind::Home {
            self.home_context(page.lang.as_deref(), &mut extra);
        }
        let bytes =
            self.render_in(page.lang.as_deref(), template, extra.into_json()).with_context(|| format!("while rendering {}", page.path))?;
        Ok((crate::urls::output_path(&page.url), tidy(&bytes)))
    }

    /// Renders the pages that list other pages: the home page when there is no
    /// `content/_index.md`, the A–Z, regions, guides and symptoms indexes, 404 and feeds.
    pub fn render_indexes(&self) -> anyhow::Result<Vec<Output>> {
        let units = index_units(self.config, self.pages);
        Ok(self.render_index_units(&units)?.into_iter().flat_map(|(_, files)| files).collect())
    }

    /// Renders these index units, in parallel: each unit's files, in the order given.
    pub fn render_index_units(&self, units: &[IndexKey]) -> anyhow::Result<Vec<(IndexKey, Vec<Output>)>> {
        units.par_iter().map(|k| Ok((k.clone(), self.render_index_unit(k)?))).collect()
    }

    fn render_index_unit(&self, key: &IndexKey) -> anyhow::Result<Vec<Output>> {
        let lang = key.lang.as_deref();
        let mut outputs = match key.unit {
            IndexUnit::Home => {
                let mut extra = tera::Context::new();
                self.home_context(lang, &mut extra);
                extra.insert("lang_nav", &self.index_language_nav(lang, crate::urls::HOME));
                vec![(
                    crate::urls::output_path(&crate::urls::in_lang(lang, crate::urls::HOME)),
                    self.render_in(lang, "index.html", extra.into_json())?,
                )]
            }
            IndexUnit::NotFound if lang.is_some() => {
                // Each other language has its own 404 page (hosts that can serve one per
                // folder are told how in `_redirects` and docs/deploying.md); the site-wide
                // one links every language's home page.
                let mut extra = tera::Context::new();
                extra.insert("lang_nav", &self.index_language_nav(lang, crate::urls::HOME));
                vec![(format!("{}/404.html", lang.unwrap_or_default()), self.render_in(lang, "404.html", extra.into_json())?)]
            }
            IndexUnit::NotFound | IndexUnit::Offline | IndexUnit::Redirects | IndexUnit::Robots => self.site_files(key.unit)?,
            unit => {
                let mut store = UnitStore { old: self.fragments().take(key), used: Default::default() };
                let files = self.index_pages(lang, unit, &mut store)?;
                self.fragments().put(key.clone(), store.used);
                files
            }
        };
        for (path, bytes) in outputs.iter_mut() {
            // Templates end up with ragged whitespace; readers and validators don't care, diffs do.
            if path.ends_with(".html") || path.ends_with(".xml") {
                *bytes = tidy(bytes);
            }
        }
        Ok(outputs)
    }

    /// The condition pages readers of `lang` browse (see [`SiteRenderer::in_lang`]).
    fn conditions(&self, lang: Option<&str>) -> Vec<(usize, &Page)> {
        self.in_lang(lang).into_iter().map(|i| (i, &self.pages[i])).filter(|(_, p)| p.kind == PageKind::Condition).collect()
    }

    fn home_context(&self, lang: Option<&str>, ctx: &mut tera::Context) {
        let mut symptoms: Vec<LinkView> = self
            .conditions(lang)
            .into_iter()
            .filter(|(_, p)| p.fm.page_type == crate::parse::frontmatter::PageType::Symptom)
            .map(|(i, _)| self.link_in(lang, i))
            .collect();
        symptoms.sort_by(|a, b| a.title.cmp(&b.title));
        let browsed = self.in_lang(lang);
        let mut guides: Vec<LinkView> =
            browsed.iter().copied().filter(|&i| self.pages[i].kind == PageKind::Guide).map(|i| self.link_in(lang, i)).collect();
        guides.sort_by(|a, b| a.title.cmp(&b.title));
        // Recently reviewed: by the original's review date, whichever version is shown.
        let mut recent: Vec<(NaiveDate, usize)> = self
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind.listed() && p.lang.is_none())
            .filter_map(|(i, p)| p.fm.last_reviewed.map(|d| (d, i)))
            .collect();
        recent.sort_by(|a, b| b.0.cmp(&a.0).then(self.pages[a.1].fm.title.cmp(&self.pages[b.1].fm.title)));
        let shown = |i: usize| match lang {
            None => i,
            Some(l) => self.graph.counterparts[i].iter().copied().find(|&j| self.pages[j].lang.as_deref() == Some(l)).unwrap_or(i),
        };
        let recent: Vec<LinkView> = recent.into_iter().take(8).map(|(_, i)| self.link_in(lang, shown(i))).collect();
        ctx.insert("symptoms", &symptoms);
        ctx.insert("guides", &guides);
        ctx.insert("recent", &recent);
        ctx.insert("condition_count", &self.conditions(lang).len());
    }

    /// One index page of one language: the A–Z, a region, the regions, guides,
    /// conditions or symptoms index, or its feed.
    fn index_pages(&self, lang: Option<&str>, unit: IndexUnit, store: &mut UnitStore) -> anyhow::Result<Vec<Output>> {
        if unit == IndexUnit::Sitemap {
            return self.sitemap(store);
        }
        let mut out = Vec::new();
        let at = |url: &str| crate::urls::in_lang(lang, url);
        let nav = |url: &str| serde_json::to_value(self.index_language_nav(lang, url)).unwrap_or_default();
        // A–Z: every condition under its title, plus each "also called" name pointing to it.
        if unit == IndexUnit::Az {
            // Every title and "also called" name as (name, its sort key and letter, page,
            // whether an alias); an entry's view is built only when it is rendered again,
            // its key from the same parts its view is made of (the dates' text follows
            // from the date).
            let listed: Vec<(usize, &Page)> = self.conditions(lang);
            let fallbacks: Vec<(bool, String)> = listed.iter().map(|&(i, _)| self.fallback(lang, i)).collect();
            let mut names: Vec<(&str, &ListedName, usize, bool)> = Vec::with_capacity(listed.len() * 3);
            for (n, (_, p)) in listed.iter().enumerate() {
                names.push((&p.fm.title, &p.listing.title, n, false));
                names.extend(p.fm.also_called.iter().zip(&p.listing.also_called).map(|(alias, l)| (alias.as_str(), l, n, true)));
            }
            sort_by_name(&mut names, |n| &n.1.sort_key);
            let entry = |e: usize| {
                let (name, listed_as, n, alias) = names[e];
                let p = listed[n].1;
                let (fallback, lang) = fallbacks[n].clone();
                AzEntry {
                    letter: listed_as.letter.to_string(),
                    title: name.to_string(),
                    url: p.url.clone(),
                    last_reviewed: p.fm.last_reviewed.filter(|_| !alias).map(human_date),
                    last_reviewed_iso: p.fm.last_reviewed.filter(|_| !alias).map(|d| d.to_string()),
                    see: alias.then(|| p.fm.title.clone()),
                    fallback,
                    lang,
                }
            };
            let template = "partials/az_entry.html";
            // What an entry shows of its page, hashed once per page.
            let page_keys: Vec<u64> =
                listed.iter().zip(&fallbacks).map(|((_, p), fallback)| crate::fingerprint::of((p.listing.az, fallback))).collect();
            let keys: Vec<u64> = names
                .iter()
                .map(|&(name, listed_as, n, alias)| fragments::key(template, &(listed_as.letter, name, alias, page_keys[n])))
                .collect();
            let html = self.entries_by(lang, store, template, &keys, entry)?;
            let mut letters: BTreeMap<char, Vec<usize>> = BTreeMap::new();
            for (e, (_, listed_as, _, _)) in names.iter().enumerate() {
                letters.entry(listed_as.letter).or_default().push(e);
            }
            let lists = self.lists_for("az.html");
            let letters: Vec<AzLetter> = letters
                .into_iter()
                .map(|(letter, es)| AzLetter {
                    letter: letter.to_string(),
                    entries: if lists { es.iter().map(|&e| entry(e)).collect() } else { Vec::new() },
                    html: fragments::join(&es.iter().map(|&e| html[e].clone()).collect::<Vec<_>>()),
                })
                .collect();
            out.push((
                crate::urls::output_path(&at(crate::urls::AZ)),
                self.render_in(lang, "az.html", serde_json::json!({ "letters": letters, "lang_nav": nav(crate::urls::AZ) }))?,
            ));
        }

        for (n, region) in self.site_in(lang).regions.iter().enumerate() {
            if unit != IndexUnit::Region(n) {
                continue;
            }
            let mut listed: Vec<(usize, &Page)> = self
                .conditions(lang)
                .into_iter()
                .filter(|(_, p)| p.fm.body_region.as_ref().is_some_and(|r| r.value == region.slug))
                .collect();
            listed.sort_by(|a, b| a.1.fm.title.cmp(&b.1.fm.title));
            let pages_html = fragments::join(&self.link_entries(lang, store, "partials/region_entry.html", &listed)?);
            let pages = self.link_views(lang, "region.html", &listed);
            let url = crate::urls::region(&region.slug);
            out.push((
                crate::urls::output_path(&at(&url)),
                self.render_in(
                    lang,
                    "region.html",
                    serde_json::json!({
                        "region": region,
                        "listed": listed.len(),
                        "pages": pages,
                        "pages_html": pages_html,
                        "lang_nav": nav(&url),
                    }),
                )?,
            ));
        }
        if unit == IndexUnit::Regions {
            out.push((
                crate::urls::output_path(&at(crate::urls::REGIONS)),
                self.render_in(lang, "regions.html", serde_json::json!({ "lang_nav": nav(crate::urls::REGIONS) }))?,
            ));
        }

        if unit == IndexUnit::Guides {
            let mut guides: Vec<LinkView> =
                self.in_lang(lang).into_iter().filter(|&i| self.pages[i].kind == PageKind::Guide).map(|i| self.link_in(lang, i)).collect();
            guides.sort_by(|a, b| a.title.cmp(&b.title));
            out.push((
                crate::urls::output_path(&at(crate::urls::GUIDES)),
                self.render_in(lang, "guides.html", serde_json::json!({ "guides": guides, "lang_nav": nav(crate::urls::GUIDES) }))?,
            ));
        }

        // The conditions folder answers too: a reader who trims a page's address lands on a list.
        if unit == IndexUnit::Conditions {
            let mut listed: Vec<(usize, &Page)> = self.conditions(lang);
            sort_by_name(&mut listed, |(_, p)| &p.listing.title.sort_key);
            let conditions_html = fragments::join(&self.link_entries(lang, store, "partials/condition_entry.html", &listed)?);
            let conditions = self.link_views(lang, "conditions.html", &listed);
            out.push((
                crate::urls::output_path(&at(crate::urls::CONDITIONS)),
                self.render_in(
                    lang,
                    "conditions.html",
                    serde_json::json!({
                        "conditions": conditions,
                        "conditions_html": conditions_html,
                        "lang_nav": nav(crate::urls::CONDITIONS),
                    }),
                )?,
            ));
        }

        // Symptom index: symptom pages first, then every listed symptom with the pages that list it.
        if unit == IndexUnit::Symptoms {
            // Rows name pages by position, and a row's key is made from its name and its
            // links' keys, so building every row's view (50,000 links at 10,000 pages) is
            // left to the rows that changed.
            let listed: Vec<(usize, &Page)> = self.conditions(lang);
            let link_keys: Vec<u64> = listed.iter().map(|&(i, _)| self.link_key(lang, i)).collect();
            let mut by_symptom: HashMap<&str, Vec<usize>, foldhash::fast::FixedState> = HashMap::default();
            for (n, (_, p)) in listed.iter().enumerate() {
                // One link per page, under each of its symptoms.
                for name in &p.listing.symptoms {
                    by_symptom.entry(name).or_default().push(n);
                }
            }
            let mut rows: Vec<(&str, Vec<usize>)> = by_symptom.into_iter().collect();
            rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
            // A row is its name and its pages' links, each link rendered once and kept: a
            // title edit renders again one link and the rows it is in, not their thousands
            // of other links.
            let link_html = self.link_entries(lang, store, "partials/symptom_link.html", &listed)?;
            let row_views = self.lists_for("symptoms.html") || self.site_templates.contains("partials/symptom_row.html");
            let row = |r: usize| {
                let (name, pages) = &rows[r];
                let mut links_html = String::with_capacity(pages.iter().map(|&n| link_html[n].len() + 2).sum());
                for (k, &n) in pages.iter().enumerate() {
                    if k > 0 {
                        links_html.push_str(", ");
                    }
                    links_html.push_str(link_html[n].trim());
                }
                SymptomRow {
                    name: name.to_string(),
                    links_html,
                    pages: if row_views { pages.iter().map(|&n| self.link_in(lang, listed[n].0)).collect() } else { Vec::new() },
                }
            };
            let template = "partials/symptom_row.html";
            let keys: Vec<u64> = rows
                .iter()
                .map(|(name, pages)| {
                    let mut h = crate::fingerprint::hasher();
                    (template, name, pages.len()).hash(&mut h);
                    pages.iter().for_each(|&n| h.write_u64(link_keys[n]));
                    h.finish()
                })
                .collect();
            let symptoms_html = fragments::join(&self.entries_by(lang, store, template, &keys, row)?);
            let symptoms: Vec<SymptomRow> = if self.lists_for("symptoms.html") { (0..rows.len()).map(row).collect() } else { Vec::new() };
            let mut hubs: Vec<LinkView> = self
                .conditions(lang)
                .into_iter()
                .filter(|(_, p)| p.fm.page_type == crate::parse::frontmatter::PageType::Symptom)
                .map(|(i, _)| self.link_in(lang, i))
                .collect();
            hubs.sort_by(|a, b| a.title.cmp(&b.title));
            out.push((
                crate::urls::output_path(&at(crate::urls::SYMPTOMS)),
                self.render_in(
                    lang,
                    "symptoms.html",
                    serde_json::json!({
                        "hubs": hubs,
                        "symptoms": symptoms,
                        "symptoms_html": symptoms_html,
                        "lang_nav": nav(crate::urls::SYMPTOMS),
                    }),
                )?,
            ));
        }

        if unit != IndexUnit::Feed {
            return Ok(out);
        }
        // A language's feed has one entry per review of each of its pages (every
        // `review_history` date and `last_reviewed`), newest first; a translation's
        // entry is dated when it was translated and is never called a review.
        let translated = |p: &Page| p.fm.translation.as_ref().and_then(|t| t.translated);
        let mut events: Vec<(Option<NaiveDate>, bool, &Page)> = Vec::new();
        for p in self.pages.iter().filter(|p| p.lang.as_deref() == lang && p.kind.listed()) {
            let mut days: Vec<NaiveDate> = p.fm.review_history.iter().map(|r| r.date).chain(p.fm.last_reviewed).collect();
            days.sort();
            days.dedup();
            match (days.is_empty(), translated(p)) {
                (false, _) => events.extend(days.into_iter().map(|d| (Some(d), true, p))),
                (true, t) => events.push((t, false, p)),
            }
        }
        events.sort_by(|(da, _, a), (db, _, b)| db.cmp(da).then(a.fm.title.cmp(&b.fm.title)));
        let feed: Vec<FeedEntry> = events
            .into_iter()
            .take(self.config.feed_limit)
            .map(|(day, review, p)| FeedEntry {
                title: p.fm.title.clone(),
                permalink: format!("{}{}", self.site.base_url, p.url),
                id: match day {
                    Some(d) => format!("{}{}#reviewed-{d}", self.site.base_url, p.url),
                    None => format!("{}{}", self.site.base_url, p.url),
                },
                // Only a clinical review is called one: a translation has none of its own yet.
                reviewed: day.filter(|_| review).map(human_date),
                summary: p.fm.summary.clone(),
                updated: day.map(|d| format!("{d}T00:00:00Z")).unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
            })
            .collect();
        let updated = feed.first().map(|f| f.updated.clone()).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        out.push((
            crate::urls::output_path(&at(crate::urls::FEED)),
            self.render_in(lang, "atom.xml", serde_json::json!({ "entries": feed, "updated": updated }))?,
        ));
        Ok(out)
    }

    /// `sitemap.xml`: every page and index page, in every language.
    fn sitemap(&self, store: &mut UnitStore) -> anyhow::Result<Vec<Output>> {
        let base = &self.site.base_url;
        let multilingual = self.multilingual();
        let url = |loc: String, lastmod: Option<NaiveDate>, nav: Option<LanguageNav>| SitemapUrl {
            loc,
            lastmod: lastmod.map(|d| d.to_string()),
            alternates: multilingual
                .then(|| {
                    nav.map(|n| {
                        n.alternates
                            .iter()
                            .filter(|a| a.exists)
                            .map(|a| SitemapAlternate { lang: a.lang.clone(), href: a.permalink.clone() })
                            .chain(std::iter::once(SitemapAlternate { lang: "x-default".into(), href: n.x_default }))
                            .collect()
                    })
                })
                .flatten(),
        };
        let mut urls: Vec<SitemapUrl> = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // A translation's last change is when it was translated (it has no review of its own yet).
                let lastmod = p.fm.last_reviewed.or_else(|| p.fm.translation.as_ref().and_then(|t| t.translated));
                url(format!("{base}{}", p.url), lastmod, self.page_language_nav(i))
            })
            .collect();
        let langs: Vec<Option<&str>> = std::iter::once(None).chain(self.config.languages.iter().map(|l| Some(l.code.as_str()))).collect();
        let mut index_urls: Vec<String> = crate::urls::INDEXES.iter().map(|u| u.to_string()).collect();
        index_urls.extend(self.site.regions.iter().map(|r| r.url.clone()));
        for &lang in &langs {
            for u in &index_urls {
                urls.push(url(format!("{base}{}", crate::urls::in_lang(lang, u)), None, self.index_language_nav(lang, u)));
            }
            if !self.pages.iter().any(|p| p.kind == PageKind::Home && p.lang.as_deref() == lang) {
                let home = crate::urls::in_lang(lang, crate::urls::HOME);
                urls.push(url(format!("{base}{home}"), None, self.index_language_nav(lang, crate::urls::HOME)));
            }
        }
        urls.sort_by(|a, b| a.loc.cmp(&b.loc));
        // One `<url>` per page, each rendered once and kept while it reads the same, as
        // list entries are: a new or deleted page re-rendered all 10,000 in Tera.
        let template = "partials/sitemap_url.xml";
        let keys: Vec<u64> = urls.iter().map(|u| fragments::key(template, u)).collect();
        let urls_xml = fragments::join(&self.entries_by(None, store, template, &keys, |k| urls[k].clone())?);
        let urls = if self.lists_for("sitemap.xml") { urls } else { Vec::new() };
        Ok(vec![(
            crate::urls::output_path(crate::urls::SITEMAP),
            self.render("sitemap.xml", serde_json::json!({ "urls": urls, "urls_xml": urls_xml, "multilingual": self.multilingual() }))?,
        )])
    }

    /// The files the site has once: 404, sitemap (every language's pages, each with
    /// its alternates) and robots.txt.
    fn site_files(&self, unit: IndexUnit) -> anyhow::Result<Vec<Output>> {
        let mut out = Vec::new();
        if unit == IndexUnit::NotFound {
            out.push((
                "404.html".into(),
                self.render("404.html", serde_json::json!({ "lang_nav": self.index_language_nav(None, crate::urls::HOME) }))?,
            ));
        }
        if let (IndexUnit::Offline, Some(plan)) = (unit, offline::precache(self.pages, self.config)) {
            // What the worker shows for a page it has not cached, in each language: the
            // emergency line, and what that language's readers have saved.
            let langs = std::iter::once(None).chain(self.config.languages.iter().map(|l| Some(l.code.as_str())));
            for lang in langs {
                let Some(pack) = plan.pack(lang) else { continue };
                let mut precached: Vec<LinkView> =
                    (0..self.pages.len()).filter(|&i| pack.pages.contains(&self.pages[i].url)).map(|i| self.link_in(lang, i)).collect();
                precached.sort_by(|a, b| a.title.cmp(&b.title));
                out.push((
                    crate::urls::output_path(&pack.offline),
                    self.render_in(lang, "offline.html", serde_json::json!({ "precached": precached }))?,
                ));
            }
        }
        if unit == IndexUnit::Robots {
            out.push(("robots.txt".into(), self.render("robots.txt", serde_json::json!({}))?));
        }
        if unit == IndexUnit::Redirects {
            // Former addresses: a page that works without script, and the hosts' redirect file.
            let redirects = crate::addresses::redirects(self.pages);
            let mut lines = String::from("# Former addresses of renamed pages (front matter `aliases`).\n");
            for r in &redirects {
                out.push((
                    crate::urls::output_path(&r.from),
                    self.render_in(r.lang.as_deref(), "redirect.html", serde_json::json!({ "redirect": r }))?,
                ));
                lines.push_str(&format!("{} {} 301\n", r.from, r.to));
            }
            // Netlify and Cloudflare Pages: an unknown address under /es/ gets the Spanish 404
            // (a rule that only applies when no file answers, listed after the aliases).
            for l in &self.config.languages {
                lines.push_str(&format!("/{0}/* /{0}/404.html 404\n", l.code));
            }
            out.push((crate::urls::output_path(crate::urls::REDIRECTS), lines.into_bytes()));
        }
        Ok(out)
    }
}

/// One output (or, for redirects, one group of outputs) that lists other pages or
/// belongs to the whole site. Each is rendered on its own, so the preview renders
/// only those whose inputs changed (see [`deps::index_inputs`]), in parallel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexUnit {
    /// The home page, when the language has no `_index.md`.
    Home,
    Az,
    /// One body region's page, by its position in the language's region list.
    Region(usize),
    Regions,
    Guides,
    Conditions,
    Symptoms,
    Feed,
    /// The site-wide 404 page (no language), or a language's own.
    NotFound,
    Offline,
    /// The redirect pages of former addresses and the `_redirects` file.
    Redirects,
    Sitemap,
    Robots,
}

/// An index unit in one language (`None`: the default; site-wide units have none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexKey {
    pub lang: Option<String>,
    pub unit: IndexUnit,
}

/// Every index unit of the site, in the order the full build renders them.
pub fn index_units(config: &SiteConfig, pages: &[Page]) -> Vec<IndexKey> {
    let mut units = Vec::new();
    let langs = std::iter::once(None).chain(config.languages.iter().map(|l| Some(l.code.clone())));
    for lang in langs {
        let key = |unit| IndexKey { lang: lang.clone(), unit };
        if !pages.iter().any(|p| p.kind == PageKind::Home && p.lang == lang) {
            units.push(key(IndexUnit::Home));
        }
        let regions = match &lang {
            None => config.body_regions.len(),
            Some(code) => config.languages.iter().find(|l| &l.code == code).map_or(0, |l| l.body_regions.len()),
        };
        units.push(key(IndexUnit::Az));
        units.extend((0..regions).map(|n| key(IndexUnit::Region(n))));
        for unit in [IndexUnit::Regions, IndexUnit::Guides, IndexUnit::Conditions, IndexUnit::Symptoms, IndexUnit::Feed] {
            units.push(key(unit));
        }
        if lang.is_some() {
            // Each other language's own 404 page.
            units.push(key(IndexUnit::NotFound));
        }
    }
    for unit in [IndexUnit::NotFound, IndexUnit::Offline, IndexUnit::Redirects, IndexUnit::Sitemap, IndexUnit::Robots] {
        units.push(IndexKey { lang: None, unit });
    }
    units
}

/// The UI strings the search script uses, as JSON for its `data-strings`.
fn search_strings(t: &BTreeMap<String, String>) -> String {
    let picked: BTreeMap<&String, &String> = t
        .iter()
        .filter(|(k, _)| k.starts_with("js_") || ["care_heading_end", "care_heading_now", "emergency_footer"].contains(&k.as_str()))
        .collect();
    serde_json::to_string(&picked).unwrap_or_default()
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

/// A review date as readers see it: "12 March 2026". Written out rather than through
/// `format("%-d %B %Y")`, which parses the pattern on every call: listing pages make
/// one per page.
fn human_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    if (1000..=9999).contains(&d.year()) {
        format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
    } else {
        d.format("%-d %B %Y").to_string()
    }
}

/// Sorts `items` by `name`, keeping the order of equal names (as a stable sort
/// does). The names live in the pages, all over the heap: comparing them in place
/// made sorting the A–Z's 30,000 names a third of a title edit at 10k pages. Copied
/// side by side into one buffer first, they are compared without cache misses.
fn sort_by_name<T: Copy>(items: &mut Vec<T>, name: impl Fn(&T) -> &str) {
    let mut arena = String::with_capacity(items.iter().map(|t| name(t).len()).sum());
    let spans: Vec<(u32, u32)> = items
        .iter()
        .map(|t| {
            let start = arena.len() as u32;
            arena.push_str(name(t));
            (start, arena.len() as u32)
        })
        .collect();
    let of = |k: u32| &arena.as_bytes()[spans[k as usize].0 as usize..spans[k as usize].1 as usize];
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    // Ties go to the original position: the order a stable sort keeps.
    order.sort_unstable_by(|&a, &b| of(a).cmp(of(b)).then(a.cmp(&b)));
    *items = order.into_iter().map(|k| items[k as usize]).collect();
}

/// Drops blank lines and trailing spaces that template logic leaves behind.
fn tidy(bytes: &[u8]) -> Vec<u8> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    // Most pages have no `<pre>`: then no line needs looking into (this runs on every page).
    let any_pre = text.contains("<pre");
    let mut out = String::with_capacity(text.len());
    let mut in_pre = false;
    for line in text.lines() {
        if any_pre && line.contains("<pre") {
            in_pre = true;
        }
        if in_pre || !line.trim().is_empty() {
            out.push_str(if in_pre { line } else { line.trim_end() });
            out.push('\n');
        }
        if any_pre && line.contains("</pre>") {
            in_pre = false;
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_dates_read_as_chrono_writes_them() {
        for (y, m, d) in [(2026, 3, 12), (2025, 12, 1), (2024, 2, 29), (999, 1, 5), (12345, 7, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(human_date(date), date.format("%-d %B %Y").to_string());
        }
    }

    #[test]
    fn names_sort_as_a_stable_sort_by_name_does() {
        // Equal names keep their order; names equal in their first 16 bytes, and names
        // that are a prefix of another (or differ by a NUL), sort by the whole name.
        let names = ["b", "abcdefghijklmnopz", "a", "abcdefghijklmnopa", "b", "a\0", "", "abcdefghijklmnop", "a"];
        let mut items: Vec<(usize, &str)> = names.iter().copied().enumerate().collect();
        let mut expected = items.clone();
        expected.sort_by(|a, b| a.1.cmp(b.1));
        super::sort_by_name(&mut items, |t| t.1);
        assert_eq!(items, expected);
    }

    #[test]
    fn tidy_drops_blank_lines_and_trailing_spaces_but_keeps_pre_as_written() {
        let page = "<p>a</p>   \n\n  \n<pre>x  \n\n  y</pre>\n\n<p>b</p>\t\n";
        assert_eq!(String::from_utf8(super::tidy(page.as_bytes())).unwrap(), "<p>a</p>\n<pre>x  \n\n  y</pre>\n<p>b</p>\n");
        assert_eq!(String::from_utf8(super::tidy(b"<p>c</p> \n\n")).unwrap(), "<p>c</p>\n");
    }
}
