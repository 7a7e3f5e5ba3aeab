//! Opening an index and answering queries.
//!
//! # From typed text to a Tantivy query
//!
//! 1. **Parse** ([`parse`]): at most [`MAX_QUERY_CHARS`] characters are
//!    read. Text between a *closed* pair of double quotes (straight or
//!    curly) is a phrase; an unclosed quote is ignored, so `"shin spl` still
//!    searches as you type. Everything else is split into folded words by the
//!    analyzer, which drops operators and punctuation: there is no syntax
//!    that can fail. The last word counts as a prefix when the text does not
//!    end in a space or punctuation (the reader is still typing it).
//! 2. **Expand** each word through the term dictionary of each text field:
//!    the exact stem (weight 1), terms within the typo budget
//!    ([`typo_budget`]: 1 edit from 5 letters, 2 from 9; a transposition is
//!    one edit) found with a Levenshtein automaton (weight
//!    [`FUZZY_1`]/[`FUZZY_2`]), and for the last word, completions of the
//!    typed prefix (weight [`PREFIX`]). A word whose stem is in no field
//!    also tries its longest beginning that is a term (a typo can make the
//!    stem longer: "hamstrng" → `hamstr`). Expanding ourselves, rather than
//!    using `FuzzyTermQuery`, gives us the matched terms to highlight.
//! 3. **Score**: per word, a dis-max over its (field, term) matches, boosted
//!    by field weight × match weight, so a word counts once, by its best
//!    field; words are summed (OR), so pages matching more words rank
//!    higher, and a question with extra words still finds its page. Stop
//!    words are left out when other words exist. Adjacent non-stop words found as
//!    a phrase get a bonus (large in titles and aliases), and the whole
//!    query found as a phrase in a title or alias gets a larger one: aliases
//!    are strong synonyms of their page. Quoted phrases and the region are
//!    required.
//! 4. **Present**: for each hit, the summary and every stored section are
//!    scored against the matched terms; the best one gives the URL anchor
//!    and the snippet (Tantivy's snippet generator, fed with our expanded
//!    terms, so typos and prefixes are highlighted too).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::directory::{FileHandle, OwnedBytes};
use tantivy::query::EnableScoring;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, DocSet, Index, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::{self, analyzer, is_stop_word};
use crate::directory::PackDirectory;
use crate::emergency::{concepts_in, flag_stems, Concept};
use crate::pages::{PageStore, PagedFile};
use crate::schema::decode_section;
use crate::schema::{normalize_region, Fields};
use crate::synonyms::EXTRA;
use crate::{pack, Emergency, Error, Explain, Explained, Hit, Query, Results, SectionKind};

/// Longer input is cut here (characters). Nobody types more; pasted
/// paragraphs still search by their beginning.
pub const MAX_QUERY_CHARS: usize = 256;
/// Distinct plain words considered.
pub const MAX_WORDS: usize = 12;
/// Quoted phrases considered, and words per phrase.
pub const MAX_PHRASES: usize = 4;
pub const MAX_PHRASE_WORDS: usize = 8;
/// Default and maximum result counts.
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

/// Match weights relative to an exact match (1.0).
pub const FUZZY_1: f32 = 0.45;
pub const FUZZY_2: f32 = 0.3;
pub const PREFIX: f32 = 0.6;
/// Expansions kept per word and field (closest/most common first).
const MAX_FUZZY_TERMS: usize = 12;
const MAX_PREFIX_TERMS: usize = 24;
/// Phrase bonuses, multiplied by the field weight.
const WHOLE_QUERY_PHRASE: f32 = 2.0;
const BIGRAM_PHRASE: f32 = 0.6;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 180;

/// How many typos a word of `len` characters may contain (Meilisearch's
/// defaults: none below 5 letters, 1 from 5, 2 from 9).
pub fn typo_budget(len: usize) -> u8 {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// An opened, read-only index. Cheap to query from one thread; wrap it in
/// an `Arc` to share it (it is `Send + Sync`).
pub struct SearchIndex {
    searcher: Searcher,
    fields: Fields,
    text_fields: Vec<(Field, f32)>,
    /// Set when the index is read page by page (the browser).
    pages: Option<Arc<PageStore>>,
    /// The language the index was analysed in; queries are analysed the same way.
    lang: analysis::Language,
}

/// What [`SearchIndex::search_paged`] answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The results (possibly none).
    Results(Results),
    /// The search needs these pages first: add them and search again.
    Need(Vec<u32>),
}

/// Why a search stopped early.
enum Stop {
    /// Pages are missing (paged reading only); they are in the store's wanted list.
    Pages,
    Failed,
}

impl From<tantivy::TantivyError> for Stop {
    fn from(_: tantivy::TantivyError) -> Stop {
        Stop::Failed
    }
}

impl From<std::io::Error> for Stop {
    fn from(_: std::io::Error) -> Stop {
        Stop::Failed
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("docs", &self.num_docs()).finish()
    }
}

impl SearchIndex {
    /// Opens the files written by [`crate::build_index`] (held in memory):
    /// `head.gz` and every `p/<n>.gz` (native builds only: they need gzip).
    /// Also accepts a whole `index.pack`, or raw Tantivy files (`meta.json`,
    /// …). `manifest.json` is not needed.
    pub fn open(files: Vec<(String, Vec<u8>)>) -> Result<SearchIndex, Error> {
        let mut files = files;
        if let Some(i) = files.iter().position(|(n, _)| file_name(n) == "index.pack") {
            return SearchIndex::open_pack(files.swap_remove(i).1);
        }
        #[cfg(feature = "write")]
        if let Some(i) = files.iter().position(|(n, _)| file_name(n) == crate::layout::HEAD) {
            use crate::layout::gunzip;
            let store = PageStore::from_head(&gunzip(&files.swap_remove(i).1)?)?;
            for (name, bytes) in &files {
                let page = name.strip_suffix(".gz").and_then(|n| n.rsplit_once(&format!("{}/", crate::layout::PAGE_DIR)));
                if let Some(n) = page.and_then(|(_, n)| n.parse::<u32>().ok()) {
                    if !store.add_page(n, gunzip(bytes)?) {
                        return Err(Error::Pack(format!("{name} does not belong to this search index; rebuild the site")));
                    }
                }
            }
            // Everything is here: read it as one pack, without the paged path's
            // page lookups and prefetching.
            let pack = store.into_pack().map_err(|n| Error::Pack(format!("page {n} of the search index is missing; rebuild the site")))?;
            return SearchIndex::open_pack(pack);
        }
        if files.iter().any(|(n, _)| file_name(n) == "meta.json") {
            let map = files.into_iter().map(|(n, b)| (PathBuf::from(file_name(&n)), handle(OwnedBytes::new(b)))).collect();
            return SearchIndex::open_directory(PackDirectory::new(map), None);
        }
        Err(Error::Pack("no head.gz among the search files; rebuild the site".into()))
    }

    /// Opens an `index.pack` held in memory (no copy of the inner files).
    pub fn open_pack(pack_bytes: Vec<u8>) -> Result<SearchIndex, Error> {
        let entries = pack::decode(&pack_bytes)?;
        let bytes = OwnedBytes::new(pack_bytes);
        let map: HashMap<PathBuf, Arc<dyn FileHandle>> = entries
            .into_iter()
            .map(|e| {
                let start = e.offset as usize;
                (PathBuf::from(e.name), handle(bytes.slice(start..start + e.len as usize)))
            })
            .collect();
        SearchIndex::open_directory(PackDirectory::new(map), None)
    }

    /// Opens a paged pack from the pages in `store` (at least the head; see
    /// [`crate::pages`]). Search it with [`SearchIndex::search_paged`].
    pub fn open_paged(store: Arc<PageStore>) -> Result<SearchIndex, Error> {
        let whole = PagedFile { store: store.clone(), start: 0, len: store.len() as usize };
        // The file table is at the start; its length is known only once read.
        let mut prefix = 4096.min(whole.len);
        let entries = loop {
            let bytes = whole.read_bytes(0..prefix)?;
            match pack::decode_header(bytes.as_slice(), whole.len as u64) {
                Ok(entries) => break entries,
                Err(e) if prefix == whole.len => return Err(e),
                Err(_) => prefix = (prefix * 4).min(whole.len),
            }
        };
        let map: HashMap<PathBuf, Arc<dyn FileHandle>> = entries
            .into_iter()
            .map(|e| {
                let file: Arc<dyn FileHandle> = Arc::new(PagedFile { store: store.clone(), start: e.offset, len: e.len as usize });
                (PathBuf::from(e.name), file)
            })
            .collect();
        SearchIndex::open_directory(PackDirectory::new(map), Some(store))
    }

    /// The pages of `pack` that opening it reads, for the head file: the
    /// file table, `meta.json`, term dictionaries, field norms and the doc
    /// store's skip index. With them, a query reads only its posting lists,
    /// positions and result documents.
    pub fn head_pages(pack: &[u8], page_size: usize) -> Result<Vec<u32>, Error> {
        let store = Arc::new(PageStore::recording(pack, page_size));
        let index = SearchIndex::open_paged(store.clone())?;
        let mut fields: Vec<Field> = index.text_fields.iter().map(|(f, _)| *f).collect();
        fields.extend([index.fields.body_region, index.fields.page_type, index.fields.emergency_terms]);
        for segment in index.searcher.segment_readers() {
            for &field in &fields {
                segment.inverted_index(field)?;
                segment.get_fieldnorms_reader(field)?;
            }
        }
        Ok(store.take_touched())
    }

    fn open_directory(dir: PackDirectory, pages: Option<Arc<PageStore>>) -> Result<SearchIndex, Error> {
        let index = Index::open(dir)?;
        let schema = index.schema();
        let fields = Fields::from_schema(&schema)?;
        // The index says which language it was analysed in: its title field's analyzer.
        let lang = match schema.get_field_entry(fields.title).field_type() {
            tantivy::schema::FieldType::Str(o) => {
                o.get_indexing_options().and_then(|i| analysis::Language::of_tokenizer_name(i.tokenizer())).unwrap_or_default()
            }
            _ => analysis::Language::default(),
        };
        index.tokenizers().register(lang.tokenizer_name(), analysis::analyzer_for(lang));
        let text_fields = fields.weighted_text(&schema);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { searcher: reader.searcher(), fields, text_fields, pages, lang })
    }

    /// The language the index was analysed in.
    pub fn language(&self) -> analysis::Language {
        self.lang
    }

    /// Number of pages in the index.
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Answers `q`. Never fails: on any internal problem the answer is an
    /// empty list.
    pub fn search(&self, q: &Query) -> Vec<Hit> {
        self.answer(q).results
    }

    /// Answers `q` in full: results, partial matches, emergency red flags,
    /// the corrected query and (with `q.explain`) why each page ranks. Never
    /// fails: on any internal problem the answer is empty.
    pub fn answer(&self, q: &Query) -> Results {
        analysis::with_language(self.lang, || self.try_search(q)).unwrap_or_default()
    }

    /// Answers `q` on a paged index: the hits, or the pages to add (with
    /// [`PageStore::add_page`]) before asking again. A whole index always
    /// answers with hits. Never fails: on any other problem the answer is
    /// an empty list.
    pub fn search_paged(&self, q: &Query) -> Answer {
        let result = analysis::with_language(self.lang, || self.try_search(q));
        let wanted = self.pages.as_ref().map(|p| p.take_wanted()).unwrap_or_default();
        match result {
            _ if !wanted.is_empty() => Answer::Need(wanted),
            Ok(results) => Answer::Results(results),
            Err(_) => Answer::Results(Results::default()),
        }
    }

    /// Whether a paged read has missed a page since the last `take_wanted`.
    fn wanting(&self) -> bool {
        self.pages.as_ref().is_some_and(|p| p.has_wanted())
    }

    fn try_search(&self, q: &Query) -> Result<Results, Stop> {
        let parsed = parse(&q.text);
        let mut plan = self.plan(&parsed)?;
        let mut filters: Vec<Term> = Vec::new();
        if let Some(region) = q.region.as_deref().map(normalize_region).filter(|r| !r.is_empty()) {
            filters.push(Term::from_field_text(self.fields.body_region, &region));
        }
        if let Some(kind) = q.page_type.as_deref().map(normalize_region).filter(|r| !r.is_empty()) {
            filters.push(Term::from_field_text(self.fields.page_type, &kind));
        }
        plan.terms.extend(filters.iter().map(|t| (t.clone(), false)));

        // Emergency red flags: the pages whose flags contain a named concept's
        // words, or every meaningful word of the query.
        let all_stems: Vec<String> = parsed.words.iter().map(|w| w.stem.clone()).collect();
        let concepts = concepts_in(&all_stems);
        let mut flag_terms: Vec<String> = concepts.iter().flat_map(|c| flag_stems(c)).collect();
        for w in &plan.words {
            flag_terms.extend(w.covering.iter().cloned());
        }
        flag_terms.sort();
        flag_terms.dedup();
        let flag_terms: Vec<Term> = flag_terms.iter().map(|t| Term::from_field_text(self.fields.emergency_terms, t)).collect();
        plan.terms.extend(flag_terms.iter().map(|t| (t.clone(), false)));
        plan.terms.sort();
        plan.terms.dedup();

        if self.pages.is_some() {
            // Read every posting list (and positions list) the query will
            // need before running it, so that all missing pages are wanted
            // in one round rather than one query term at a time.
            for (term, positions) in &plan.terms {
                let option = if *positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
                for segment in self.searcher.segment_readers() {
                    let inverted = segment.inverted_index(term.field())?;
                    if let Some(info) = inverted.get_term_info(term)? {
                        let _ = inverted.read_postings_from_terminfo(&info, option);
                    }
                }
            }
            if self.wanting() {
                return Err(Stop::Pages);
            }
        }
        let filtered = |main: Box<dyn TQuery>| -> BooleanQuery {
            let mut required: Vec<(Occur, Box<dyn TQuery>)> = vec![(Occur::Must, main)];
            for term in &filters {
                let filter = TermQuery::new(term.clone(), IndexRecordOption::Basic);
                required.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(filter), 0.0))));
            }
            BooleanQuery::new(required)
        };
        let limit = match q.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let top = match plan.query.take() {
            Some(main) => self.searcher.search(&filtered(main), &TopDocs::with_limit(limit).order_by_score())?,
            None => Vec::new(),
        };
        let flagged = if flag_terms.is_empty() {
            Vec::new()
        } else {
            let any: Vec<(Occur, Box<dyn TQuery>)> = flag_terms
                .iter()
                .map(|t| (Occur::Should, Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)) as Box<dyn TQuery>))
                .collect();
            self.searcher.search(&filtered(Box::new(BooleanQuery::new(any))), &TopDocs::with_limit(MAX_FLAGGED_PAGES).order_by_score())?
        };
        // All documents first (a paged index wants their pages in one round).
        let mut docs: HashMap<DocAddress, TantivyDocument> = HashMap::new();
        for (_, addr) in top.iter().chain(&flagged) {
            if let Ok(doc) = self.searcher.doc(*addr) {
                docs.insert(*addr, doc);
            }
        }
        if self.wanting() {
            return Err(Stop::Pages);
        }

        // Which pages carry a matched flag, and which flags.
        let meaningful: Vec<&PlannedWord> = plan.words.iter().collect();
        let mut emergency_pages: Vec<(DocAddress, Vec<String>, usize)> = Vec::new();
        let mut concept_hit = vec![false; concepts.len()];
        for (rank, (_, addr)) in flagged.iter().enumerate() {
            let Some(doc) = docs.get(addr) else { continue };
            let mut matched = Vec::new();
            for value in doc.get_all(self.fields.emergency) {
                let Some(raw) = value.as_str() else { continue };
                let terms = analysis::terms(&raw.replace(EXTRA, " "));
                let has = |t: &String| terms.contains(t);
                let mut hit = false;
                for (i, c) in concepts.iter().enumerate() {
                    let stems = flag_stems(c);
                    if !stems.is_empty() && stems.iter().all(has) {
                        concept_hit[i] = true;
                        hit = true;
                    }
                }
                // Every meaningful word (one may be missing from four on: "can't"
                // for "cannot"), and at least two.
                let n = meaningful.len();
                let covered = meaningful.iter().filter(|w| w.covering.iter().any(has)).count();
                if covered >= 2 && covered + usize::from(n >= 4) >= n {
                    hit = true;
                }
                if hit {
                    matched.push(raw.split(EXTRA).next().unwrap_or(raw).trim().to_string());
                }
            }
            if !matched.is_empty() {
                // A page named after the emergency's words comes first, then
                // the main ranking, then the flag ranking.
                let title = analysis::terms(&text_of(doc, self.fields.title));
                let named = flag_terms_named(&title, &concepts, &meaningful);
                let main_rank = top.iter().position(|(_, a)| a == addr).unwrap_or(MAX_LIMIT + rank);
                emergency_pages.push((*addr, matched, if named { main_rank } else { MAX_LIMIT * 2 + main_rank }));
            }
        }
        emergency_pages.sort_by_key(|(_, _, key)| *key);

        let mut results = Results::default();
        let mut seen_flags: Vec<String> = Vec::new();
        for (addr, flags, _) in &emergency_pages {
            let doc = &docs[addr];
            let anchor = red_flags_anchor(doc, self.fields.sections);
            let url = text_of(doc, self.fields.url);
            for flag in flags {
                if results.emergency.len() < MAX_EMERGENCY_LINES && !seen_flags.contains(flag) {
                    seen_flags.push(flag.clone());
                    results.emergency.push(Emergency {
                        text: flag.clone(),
                        slug: text_of(doc, self.fields.slug),
                        title: text_of(doc, self.fields.title),
                        url: if anchor.is_empty() { url.clone() } else { format!("{url}#{anchor}") },
                    });
                }
            }
        }
        for (c, hit) in concepts.iter().zip(&concept_hit) {
            if !hit {
                results.emergency.push(Emergency {
                    text: c.line.to_string(),
                    slug: String::new(),
                    title: String::new(),
                    url: String::new(),
                });
            }
        }

        // Emergency pages first, then the ranking; then the confidence rule.
        let top_score = top.first().map_or(1.0, |(s, _)| *s);
        let mut ordered: Vec<(f32, DocAddress)> = Vec::new();
        for (addr, _, _) in &emergency_pages {
            let score = top.iter().find(|(_, a)| a == addr).map_or(top_score, |(s, _)| *s);
            ordered.push((score, *addr));
        }
        for (score, addr) in &top {
            if !ordered.iter().any(|(_, a)| a == addr) {
                ordered.push((*score, *addr));
            }
        }
        ordered.truncate(limit);
        let covered = self.coverage(&plan.words, &ordered, &docs)?;
        let confident = !emergency_pages.is_empty() || covered.iter().any(|&c| c);
        let mut hits = Vec::with_capacity(ordered.len());
        for (score, addr) in &ordered {
            let Some(doc) = docs.get(addr) else { return Err(Stop::Failed) };
            hits.push(self.present(doc, *score, &plan.highlight));
        }
        if q.explain {
            results.explain = ordered
                .iter()
                .zip(&hits)
                .map(|((score, addr), hit)| self.explain(&plan.words, *addr, *score, &hit.slug))
                .collect::<Result<_, _>>()?;
        }
        results.corrected = self.corrected(&parsed, &plan.words, &hits, &docs, &ordered);
        if confident {
            results.results = hits;
        } else {
            results.partial = hits;
        }
        Ok(results)
    }

    /// Whether each page covers the query: the confidence rule.
    ///
    /// A query's *meaningful* words are its words without stop words (all
    /// of them when every word is a stop word). A page covers a word when it
    /// contains it exactly (after analysis: plurals, UK/US spelling), as a
    /// synonym or split word, or, when the index does not know the typed
    /// word at all, as a typo correction that keeps its first letter and is
    /// at least four letters long; the word being typed counts by its
    /// completions too. A typo correction of a word the index *knows* does
    /// not count: "wrist" is not a typo of "waist". A page is a match when
    /// it covers every meaningful word of a query of up to three, or at
    /// least half of them in a longer description. In a query of two or three
    /// words, a word the page has only in its running text counts only when
    /// another query word is in its title, the word is rare, or it stands near
    /// another query word. When no page matches,
    /// the hits are shown as partial ("Not an exact match") and `results`
    /// is empty.
    fn coverage(
        &self,
        words: &[PlannedWord],
        pages: &[(f32, DocAddress)],
        docs: &HashMap<DocAddress, TantivyDocument>,
    ) -> Result<Vec<bool>, Stop> {
        let n = words.len() - words.iter().filter(|w| w.joined).count();
        if n == 0 {
            return Ok(vec![false; pages.len()]);
        }
        let need = if n <= 3 { n } else { n.div_ceil(2) };
        let mut counts = vec![0usize; pages.len()];
        // Per page, the words (by index) it has only in its running text (symptoms,
        // body): checked below.
        let mut loose: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
        // Per page, the words in its title or medical name: what the page is about.
        let mut titled: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
        let named = [self.fields.title, self.fields.aliases, self.fields.medical_name, self.fields.summary];
        let titles = [self.fields.title, self.fields.medical_name];
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            let at = i;
            i += 1;
            let mut alts: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
            // The word's covering terms, for the "where on the page" checks below.
            let mut covering: Vec<&Term> = Vec::new();
            if w.joined && i < words.len() {
                // A split word counts only where its halves stand together
                // ("shin splints", not "sun" … "burn").
                let next = &words[i];
                i += 1;
                for (field, _) in self.text_fields.iter().filter(|(f, _)| *f != self.fields.body) {
                    let terms = vec![Term::from_field_text(*field, &w.stem), Term::from_field_text(*field, &next.stem)];
                    alts.push((Occur::Should, Box::new(PhraseQuery::new(terms))));
                }
            } else {
                for m in &w.matches {
                    if w.covering.contains(&m.text) {
                        alts.push((Occur::Should, Box::new(TermQuery::new(m.term.clone(), IndexRecordOption::Basic))));
                        covering.push(&m.term);
                    }
                }
            }
            if alts.is_empty() {
                continue;
            }
            let weight = BooleanQuery::new(alts).weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
            let in_fields = |fields: &[Field]| {
                let terms = covering.iter().filter(|t| fields.contains(&t.field()));
                let any: Vec<(Occur, Box<dyn TQuery>)> = terms
                    .map(|t| (Occur::Should, Box::new(TermQuery::new((*t).clone(), IndexRecordOption::Basic)) as Box<dyn TQuery>))
                    .collect();
                BooleanQuery::new(any).weight(EnableScoring::disabled_from_searcher(&self.searcher))
            };
            let names_weight = in_fields(&named)?;
            let title_weight = in_fields(&titles)?;
            for (p, (_, addr)) in pages.iter().enumerate() {
                if matches_doc(&*weight, &self.searcher, *addr)? {
                    counts[p] += 1;
                    if !w.joined && !matches_doc(&*names_weight, &self.searcher, *addr)? {
                        loose[p].push(at);
                    }
                    if w.joined || matches_doc(&*title_weight, &self.searcher, *addr)? {
                        titled[p].push(at);
                    }
                }
            }
        }
        let short = (2..=3).contains(&n);
        // Whether each word is rare, worked out once for all pages, and only when some page needs it.
        let rare: Vec<bool> = if short && loose.iter().any(|l| !l.is_empty()) {
            words.iter().map(|w| self.is_rare(w)).collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let mut out = Vec::with_capacity(pages.len());
        for (p, (_, addr)) in pages.iter().enumerate() {
            let mut ok = counts[p] >= need;
            // In a short query, a word the page has only in its running text counts
            // when another of the query's words is in the page's title ("calf
            // haematoma" on Calf Strain) or stands near it there: "ear infection"
            // is not a page that says "infection" in one place and "ear" in another,
            // nor is "pulled shoulder" a neck page whose text says "pulled".
            if ok && short {
                for &w in &loose[p] {
                    if titled[p].iter().any(|&t| t != w) || rare[w] {
                        continue;
                    }
                    if !docs.get(addr).is_some_and(|doc| self.near_another(words, w, doc)) {
                        ok = false;
                        break;
                    }
                }
            }
            out.push(ok);
        }
        Ok(out)
    }

    /// Whether a word is specific on its own: every term it is covered by is in few
    /// pages' text ("haematoma", "oesophagus"), unlike "pulled" or "head", which a
    /// page can say about anything.
    fn is_rare(&self, word: &PlannedWord) -> Result<bool, Stop> {
        let few = (self.searcher.num_docs() / 20).max(2);
        for t in &word.covering {
            let term = Term::from_field_text(self.fields.body, t);
            if self.searcher.doc_freq(&term)? > few {
                return Ok(false);
            }
        }
        Ok(!word.covering.is_empty())
    }

    /// Whether word `w` stands within a few words of another query word in one
    /// section of the page's stored text (either order). Read from the stored
    /// sections, which the answer has already loaded, not from the index's
    /// positions: a paged index in the browser would need another round for them.
    fn near_another(&self, words: &[PlannedWord], w: usize, doc: &TantivyDocument) -> bool {
        const NEAR: usize = 6;
        let mine = &words[w].covering;
        let others: Vec<&String> =
            words.iter().enumerate().filter(|(j, o)| *j != w && !o.joined).flat_map(|(_, o)| o.covering.iter()).collect();
        doc.get_all(self.fields.sections).filter_map(|v| v.as_str()).map(decode_section).any(|(_, _, _, text)| {
            let terms = analysis::terms(text);
            let at = |set: &dyn Fn(&String) -> bool| -> Vec<usize> {
                terms.iter().enumerate().filter(|(_, t)| set(t)).map(|(i, _)| i).collect()
            };
            let a = at(&|t| mine.contains(t));
            let b = at(&|t| others.contains(&t));
            a.iter().any(|&i| b.iter().any(|&j| i.abs_diff(j) <= NEAR))
        })
    }

    /// Which (word, field, term) matches a page has, with their boosts.
    fn explain(&self, words: &[PlannedWord], addr: DocAddress, score: f32, slug: &str) -> Result<Explained, Stop> {
        let schema = self.searcher.schema();
        let mut matches = Vec::new();
        for w in words {
            for m in &w.matches {
                let query = TermQuery::new(m.term.clone(), IndexRecordOption::Basic);
                let weight = query.weight(EnableScoring::disabled_from_searcher(&self.searcher))?;
                if matches_doc(&*weight, &self.searcher, addr)? {
                    matches.push(Explain {
                        word: w.folded.clone(),
                        field: schema.get_field_name(m.term.field()).to_string(),
                        term: m.text.clone(),
                        how: m.how.as_str().to_string(),
                        weight: m.field_weight * m.weight,
                    });
                }
            }
        }
        Ok(Explained { slug: slug.to_string(), score, matches })
    }

    /// "Showing results for …": the query with each unknown, corrected word
    /// replaced by the word the pages use (its surface form in the top
    /// results, else the index term).
    fn corrected(
        &self,
        parsed: &Parsed,
        words: &[PlannedWord],
        hits: &[Hit],
        docs: &HashMap<DocAddress, TantivyDocument>,
        ordered: &[(f32, DocAddress)],
    ) -> Option<String> {
        if !words.iter().any(|w| w.correction.is_some()) || hits.is_empty() {
            return None;
        }
        let mut vocabulary: Vec<String> = Vec::new();
        for (_, addr) in ordered.iter().take(3) {
            if let Some(doc) = docs.get(addr) {
                vocabulary.extend(analysis::words(&text_of(doc, self.fields.title)));
                vocabulary.extend(analysis::words(&text_of(doc, self.fields.summary)));
                for v in doc.get_all(self.fields.sections) {
                    vocabulary.extend(analysis::words(decode_section(v.as_str().unwrap_or("")).3));
                }
            }
        }
        let surface = |stem: &str| -> String {
            vocabulary
                .iter()
                .filter(|w| analysis::stem(w) == stem)
                .min_by_key(|w| (w.len(), (*w).clone()))
                .cloned()
                .unwrap_or_else(|| stem.to_string())
        };
        let mut out: Vec<String> = Vec::new();
        for w in &parsed.words {
            match words.iter().find(|p| p.folded == w.folded).and_then(|p| p.correction.as_ref()) {
                Some(Correction::Term(t)) => out.push(surface(t)),
                Some(Correction::Split(a, b)) => out.push(format!("{a} {b}")),
                None => out.push(w.folded.clone()),
            }
        }
        let shown = out.join(" ");
        // A split that reads the same ("sun burn" for "sunburn") corrects nothing.
        let typed: Vec<&str> = parsed.words.iter().map(|w| w.folded.as_str()).collect();
        (shown.replace(' ', "") != typed.concat()).then_some(shown)
    }

    /// Builds the Tantivy query and the highlight terms.
    fn plan(&self, parsed: &Parsed) -> tantivy::Result<Plan> {
        let mut highlight: BTreeMap<String, f32> = BTreeMap::new();
        let mut terms: Vec<(Term, bool)> = Vec::new();
        let mut should: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let mut planned: Vec<PlannedWord> = Vec::new();

        let all_stop = parsed.words.iter().all(|w| w.stop);
        let last = parsed.words.len().saturating_sub(1);
        // Words as searched: a run-together word the index does not know,
        // whose two halves it does ("shinsplints"), is searched as both.
        let mut searched: Vec<(Word, bool, Option<Correction>)> = Vec::new();
        for (i, word) in parsed.words.iter().enumerate() {
            let prefix = parsed.prefix_last && i == last;
            if !word.stop && word.folded.len() >= 7 && !self.is_known(&word.stem)? {
                if let Some((a, b)) = self.split(&word.folded)? {
                    let correction = Correction::Split(a.folded.clone(), b.folded.clone());
                    searched.push((a, false, Some(correction)));
                    searched.push((b, prefix, None));
                    continue;
                }
            }
            searched.push((word.clone(), prefix, None));
        }
        for (word, prefix, split) in &searched {
            if word.stop && !all_stop {
                continue;
            }
            let (matches, known) = self.expand(word, *prefix)?;
            let mut covering: Vec<String> = Vec::new();
            for m in &matches {
                let counts = match m.how {
                    How::Exact => true,
                    How::Prefix => *prefix,
                    // A typo that changes the first letter, or lands on a term
                    // of three letters or fewer (mostly abbreviations), is a
                    // guess, not a match ("migraine" is not `grain`, "acne" not
                    // `avn`): it may rank, never cover. The stem's first letter
                    // counts too: "oesophagus" is analysed as `esophag`.
                    How::Typo => {
                        !known
                            && m.text.chars().count() >= 4
                            && [&word.folded, &word.stem].iter().any(|w| m.text.chars().next() == w.chars().next())
                    }
                };
                if counts && !covering.contains(&m.text) {
                    covering.push(m.text.clone());
                }
            }
            let correction = if split.is_some() {
                split.clone()
            } else if !known && !*prefix {
                matches
                    .iter()
                    .filter(|m| m.how == How::Typo)
                    .max_by(|a, b| (a.weight * a.field_weight).total_cmp(&(b.weight * b.field_weight)).then_with(|| b.text.cmp(&a.text)))
                    .map(|m| Correction::Term(m.text.clone()))
            } else {
                None
            };
            if !matches.is_empty() {
                let mut per_field: Vec<Box<dyn TQuery>> = Vec::new();
                for m in &matches {
                    let idf = self.idf(&m.term);
                    let entry = highlight.entry(m.text.clone()).or_insert(0.0);
                    *entry = entry.max(m.weight * idf);
                    terms.push((m.term.clone(), false));
                    let tq = TermQuery::new(m.term.clone(), IndexRecordOption::WithFreqs);
                    per_field.push(Box::new(BoostQuery::new(Box::new(tq), m.field_weight * m.weight)));
                }
                should.push((Occur::Should, Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.1))));
            }
            let joined = matches!(split, Some(Correction::Split(..)));
            planned.push(PlannedWord { folded: word.folded.clone(), stem: word.stem.clone(), matches, covering, correction, joined });
        }
        let parsed = &Parsed { words: searched.into_iter().map(|(w, _, _)| w).collect(), ..parsed.clone() };

        // Phrase bonuses over the plain words (stop words included: they
        // are what makes "throat on fire" a phrase).
        let stems: Vec<&str> = parsed.words.iter().map(|w| w.stem.as_str()).collect();
        let is_stop: Vec<bool> = parsed.words.iter().map(|w| w.stop).collect();
        if !should.is_empty() && stems.len() >= 2 {
            let strong = [self.fields.title, self.fields.aliases, self.fields.medical_name];
            if stems.len() <= MAX_PHRASE_WORDS {
                for (field, w) in self.weights(&strong) {
                    should.push((Occur::Should, self.phrase(field, &stems, w * WHOLE_QUERY_PHRASE, &mut terms)));
                }
            }
            {
                for (j, pair) in stems.windows(2).enumerate() {
                    if is_stop[j] || is_stop[j + 1] {
                        continue;
                    }
                    // Not in the body: its position lists are the biggest part of
                    // the index, and a browser would fetch them for every query.
                    let fields: Vec<(Field, f32)> = self.text_fields.iter().filter(|(f, _)| *f != self.fields.body).copied().collect();
                    let alts: Vec<Box<dyn TQuery>> =
                        fields.into_iter().map(|(f, w)| self.phrase(f, pair, w * BIGRAM_PHRASE, &mut terms)).collect();
                    should.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(alts))));
                }
            }
        }

        // Quoted phrases are required.
        for phrase in &parsed.phrases {
            let stems: Vec<&str> = phrase.iter().map(|w| w.stem.as_str()).collect();
            let alts: Vec<Box<dyn TQuery>> = self.text_fields.iter().map(|&(f, w)| self.phrase(f, &stems, w, &mut terms)).collect();
            for w in phrase {
                if !w.stop || phrase.len() == 1 {
                    let idf = self.idf(&Term::from_field_text(self.fields.body, &w.stem));
                    let entry = highlight.entry(w.stem.clone()).or_insert(0.0);
                    *entry = entry.max(idf.max(0.5));
                }
            }
            must.push((Occur::Must, Box::new(DisjunctionMaxQuery::new(alts))));
        }

        let query: Option<Box<dyn TQuery>> = match (should.is_empty(), must.is_empty()) {
            (true, true) => None,
            (false, true) => Some(Box::new(BooleanQuery::new(should))),
            (true, false) => Some(Box::new(BooleanQuery::new(must))),
            (false, false) => {
                must.extend(should);
                Some(Box::new(BooleanQuery::new(must)))
            }
        };
        terms.sort();
        terms.dedup();
        Ok(Plan { query, highlight, terms, words: planned })
    }

    fn weights(&self, fields: &[Field]) -> Vec<(Field, f32)> {
        self.text_fields.iter().filter(|(f, _)| fields.contains(f)).copied().collect()
    }

    /// A phrase query (or a term query for one word), boosted.
    fn phrase(&self, field: Field, stems: &[&str], boost: f32, used: &mut Vec<(Term, bool)>) -> Box<dyn TQuery> {
        let terms: Vec<Term> = stems.iter().filter(|s| !s.is_empty()).map(|s| Term::from_field_text(field, s)).collect();
        used.extend(terms.iter().map(|t| (t.clone(), terms.len() >= 2)));
        let q: Box<dyn TQuery> = if terms.len() >= 2 {
            Box::new(PhraseQuery::new(terms))
        } else if let Some(t) = terms.into_iter().next() {
            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
        } else {
            Box::new(tantivy::query::EmptyQuery)
        };
        Box::new(BoostQuery::new(q, boost))
    }

    /// Inverse document frequency of a term (for highlight weights).
    fn idf(&self, term: &Term) -> f32 {
        let n = self.searcher.num_docs() as f32;
        let df = self.searcher.doc_freq(term).unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln().max(0.05)
    }

    /// The index terms a typed word matches in every text field.
    fn expand(&self, word: &Word, prefix: bool) -> tantivy::Result<(Vec<Match>, bool)> {
        let mut out: Vec<Match> = Vec::new();
        let known = self.is_known(&word.stem)?;
        // Typos: around the stem, and around the unstemmed word (a typo can
        // derail the stemmer). The automata only depend on the word, so they
        // are built once and run over every field's dictionary.
        let mut automata = Vec::new();
        let mut targets: Vec<&str> = vec![word.stem.as_str()];
        if word.folded != word.stem {
            targets.push(word.folded.as_str());
        }
        for target in targets {
            // A four-letter word the index does not know may hold one typo
            // ("gowt"); a known one may not ("gait" is not "gout").
            // An unknown long word may hold one more ("plantar fashitis").
            let len = target.chars().count().max(word.folded.chars().count());
            let budget = match (known, len) {
                (false, 4) => 1,
                (false, 7..) => (typo_budget(len) + 1).min(2),
                _ => typo_budget(len),
            };
            if budget > 0 {
                let term = Term::from_field_text(self.fields.body, target);
                automata.push((target, FuzzyTermQuery::new(term, budget, true).automaton()?));
            }
        }
        // A word whose stem is in no field is a typo, a word being typed or
        // one the pages do not use. Its stem can then be longer than the stem
        // of the word meant ("hamstrng" for "hamstring" → `hamstr`, "runn" for
        // "running" → `run`), which the automata, working on stems, miss; so
        // such words also try their own beginnings (below). A known word
        // must not: "running" is not a typo of "runny" (`runni`).
        for &(field, field_weight) in &self.text_fields {
            // term text -> best weight, how
            let mut found: BTreeMap<String, (f32, How)> = BTreeMap::new();
            let mut head_found: Option<(String, f32)> = None;
            let mut prefix_found: Vec<(String, u32)> = Vec::new();
            let mut fuzzy_found: Vec<(String, f32)> = Vec::new();
            for segment in self.searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let dict = inverted.terms();
                if dict.get(word.stem.as_bytes())?.is_some() {
                    found.insert(word.stem.clone(), (1.0, How::Exact));
                }
                // A four-letter typo is trusted only in a page's names: "lice"
                // is not "life".
                let short = word.folded.chars().count() <= 4;
                let strong = field == self.fields.title || field == self.fields.aliases || field == self.fields.medical_name;
                for (target, automaton) in automata.iter().filter(|_| !short || known || strong) {
                    let mut stream = dict.search(automaton).into_stream()?;
                    while stream.advance() {
                        let Ok(key) = std::str::from_utf8(stream.key()) else {
                            continue;
                        };
                        // A typo never turns into a function word ("shoulder" is not "should").
                        if key == word.stem || is_stop_word(key) {
                            continue;
                        }
                        let weight = match edit_distance(key, target) {
                            0 => 1.0,
                            1 => FUZZY_1,
                            _ => FUZZY_2,
                        };
                        fuzzy_found.push((key.to_string(), weight));
                    }
                }
                if prefix && word.folded.chars().count() >= 2 {
                    let mut stream = dict.range().ge(word.folded.as_bytes()).into_stream()?;
                    let mut scanned = 0;
                    while stream.advance() && scanned < 2000 {
                        scanned += 1;
                        let key = stream.key();
                        if !key.starts_with(word.folded.as_bytes()) {
                            break;
                        }
                        if let Ok(key) = std::str::from_utf8(key) {
                            if key != word.stem {
                                prefix_found.push((key.to_string(), stream.value().doc_freq));
                            }
                        }
                    }
                }
                if !known && head_found.is_none() {
                    // The longest beginning, at most 3 letters shorter and at
                    // least 4 long, that is a term ("runn" → `run` needs 3).
                    let chars: Vec<char> = word.folded.chars().collect();
                    let min = if prefix { 3 } else { 4 };
                    for cut in (chars.len().saturating_sub(3).max(min)..chars.len()).rev() {
                        let head: String = chars[..cut].iter().collect();
                        if head != word.stem && dict.get(head.as_bytes())?.is_some() {
                            head_found = Some((head, if prefix { PREFIX } else { FUZZY_1 }));
                            break;
                        }
                    }
                }
            }
            let mut add = |t: String, w: f32, how: How| {
                let e = found.entry(t).or_insert((0.0, how));
                if w > e.0 {
                    *e = (w, how);
                }
            };
            if let Some((t, w)) = head_found {
                add(t, w, if prefix { How::Prefix } else { How::Typo });
            }
            fuzzy_found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (t, w) in fuzzy_found.into_iter().take(MAX_FUZZY_TERMS) {
                add(t, w, if w >= 1.0 { How::Exact } else { How::Typo });
            }
            prefix_found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (t, _) in prefix_found.into_iter().take(MAX_PREFIX_TERMS) {
                add(t, PREFIX, How::Prefix);
            }
            for (text, (weight, how)) in found {
                out.push(Match { term: Term::from_field_text(field, &text), text, weight, field_weight, how });
            }
        }
        if out.is_empty() && !known && word.folded.chars().count() >= 7 {
            out = self.expand_beginning(word)?;
        }
        Ok((out, known))
    }

    /// A long unknown word that matched nothing may be a typo whose stem the
    /// stemmer could not find ("dehidratoin": the index has `dehydr`): its
    /// beginnings, longest first and at least five letters, are tried with
    /// one typo each until one matches.
    fn expand_beginning(&self, word: &Word) -> tantivy::Result<Vec<Match>> {
        let chars: Vec<char> = word.folded.chars().collect();
        for cut in (5..chars.len() - 1).rev() {
            let head: String = chars[..cut].iter().collect();
            let automaton = FuzzyTermQuery::new(Term::from_field_text(self.fields.body, &head), 1, true).automaton()?;
            let mut out = Vec::new();
            for &(field, field_weight) in &self.text_fields {
                let mut found: Vec<(String, u32)> = Vec::new();
                for segment in self.searcher.segment_readers() {
                    let inverted = segment.inverted_index(field)?;
                    let mut stream = inverted.terms().search(&automaton).into_stream()?;
                    while stream.advance() {
                        if let Ok(key) = std::str::from_utf8(stream.key()) {
                            if key.len() >= 5 && !is_stop_word(key) {
                                found.push((key.to_string(), stream.value().doc_freq));
                            }
                        }
                    }
                }
                found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                for (text, _) in found.into_iter().take(MAX_FUZZY_TERMS) {
                    out.push(Match { term: Term::from_field_text(field, &text), text, weight: FUZZY_2, field_weight, how: How::Typo });
                }
            }
            if !out.is_empty() {
                return Ok(out);
            }
        }
        Ok(Vec::new())
    }

    /// Whether a stem is a term of any text field.
    fn is_known(&self, stem: &str) -> tantivy::Result<bool> {
        for &(field, _) in &self.text_fields {
            for segment in self.searcher.segment_readers() {
                if segment.inverted_index(field)?.terms().get(stem.as_bytes())?.is_some() {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// A run-together word cut into two words the index knows, each at
    /// least three letters ("shinsplints" → shin splints), preferring the
    /// most even cut.
    fn split(&self, folded: &str) -> tantivy::Result<Option<(Word, Word)>> {
        let chars: Vec<char> = folded.chars().collect();
        let mut best: Option<(usize, Word, Word)> = None;
        for cut in 3..chars.len().saturating_sub(2) {
            let (a, b): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
            let word = |w: String| Word { stem: analysis::stem(&w), stop: is_stop_word(&w), folded: w };
            let (a, b) = (word(a), word(b));
            if a.stop || b.stop {
                continue;
            }
            let evenness = cut.min(chars.len() - cut);
            if best.as_ref().is_some_and(|(e, ..)| *e >= evenness) {
                continue;
            }
            if self.is_known(&a.stem)? && self.is_known(&b.stem)? {
                best = Some((evenness, a, b));
            }
        }
        Ok(best.map(|(_, a, b)| (a, b)))
    }

    /// Turns a matched document into a hit: best section, URL, snippet.
    fn present(&self, doc: &TantivyDocument, score: f32, terms: &BTreeMap<String, f32>) -> Hit {
        let text = |field: Field| -> String { doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string() };
        let slug = text(self.fields.slug);
        let title = text(self.fields.title);
        let url = text(self.fields.url);
        let summary = text(self.fields.summary);

        // Candidates: the summary (no anchor), then each section.
        let mut best_score = score_text(&summary, terms) * 1.5;
        let mut best_text = summary.as_str();
        let mut best_anchor = "";
        for value in doc.get_all(self.fields.sections) {
            let Some(raw) = value.as_str() else { continue };
            let (kind, anchor, _heading, body) = decode_section(raw);
            let factor = match kind {
                SectionKind::Lead => 1.2,
                SectionKind::Symptoms => 1.1,
                _ => 1.0,
            };
            let s = score_text(body, terms) * factor;
            if s > best_score {
                best_score = s;
                best_text = body;
                best_anchor = anchor;
            }
        }
        let url = if best_score > 0.0 && !best_anchor.is_empty() { format!("{url}#{best_anchor}") } else { url };
        let snippet = make_snippet(best_text, terms, self.fields.body)
            .or_else(|| make_snippet(&summary, terms, self.fields.body))
            .unwrap_or_else(|| escape_html(&truncate_words(&summary, SNIPPET_CHARS)));
        Hit { slug, title, url, score, snippet }
    }
}

struct Plan {
    query: Option<Box<dyn TQuery>>,
    highlight: BTreeMap<String, f32>,
    /// Every term the query reads, and whether it reads its positions.
    terms: Vec<(Term, bool)>,
    /// The meaningful words, as searched.
    words: Vec<PlannedWord>,
}

/// A meaningful query word and what it matched.
struct PlannedWord {
    folded: String,
    stem: String,
    /// The first half of a split word: the two count as one, found as a phrase.
    joined: bool,
    matches: Vec<Match>,
    /// The matched index terms that count for the confidence rule.
    covering: Vec<String>,
    /// What "did you mean" shows for it, when the index does not know it.
    correction: Option<Correction>,
}

#[derive(Clone, Debug)]
enum Correction {
    Term(String),
    Split(String, String),
}

struct Match {
    term: Term,
    text: String,
    weight: f32,
    field_weight: f32,
    how: How,
}

/// How a term matched its typed word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    Exact,
    Typo,
    Prefix,
}

impl How {
    fn as_str(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Typo => "typo",
            How::Prefix => "prefix",
        }
    }
}

/// Most pages whose emergency flags are looked at, and emergency lines shown.
const MAX_FLAGGED_PAGES: usize = 20;
const MAX_EMERGENCY_LINES: usize = 4;

fn text_of(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// The anchor of a page's red-flags section (empty when it has none).
fn red_flags_anchor(doc: &TantivyDocument, sections: Field) -> String {
    doc.get_all(sections)
        .filter_map(|v| v.as_str())
        .map(decode_section)
        .find(|(kind, ..)| *kind == SectionKind::RedFlags)
        .map(|(_, anchor, ..)| anchor.to_string())
        .unwrap_or_default()
}

/// Whether a page's title names the emergency: a concept's flag word or a
/// query word.
fn flag_terms_named(title: &[String], concepts: &[&Concept], words: &[&PlannedWord]) -> bool {
    if !concepts.is_empty() {
        return concepts.iter().any(|c| flag_stems(c).iter().any(|s| title.contains(s)));
    }
    words.iter().any(|w| w.covering.iter().any(|s| title.contains(s)))
}

fn matches_doc(weight: &dyn tantivy::query::Weight, searcher: &Searcher, addr: DocAddress) -> tantivy::Result<bool> {
    let reader = searcher.segment_reader(addr.segment_ord);
    let mut scorer = weight.scorer(reader, 1.0)?;
    Ok(scorer.doc() == addr.doc_id || (scorer.doc() < addr.doc_id && scorer.seek(addr.doc_id) == addr.doc_id))
}

/// A typed word: folded (lower-case, ASCII) and stemmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub folded: String,
    pub stem: String,
    pub stop: bool,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Words outside quotes, in order, without duplicates.
    pub words: Vec<Word>,
    /// Quoted phrases (closed quotes only).
    pub phrases: Vec<Vec<Word>>,
    /// The last word is still being typed.
    pub prefix_last: bool,
}

/// Splits typed text into words and phrases. Total: any input gives a
/// (possibly empty) result.
pub fn parse(text: &str) -> Parsed {
    let cut = text.char_indices().nth(MAX_QUERY_CHARS).map(|(i, _)| i).unwrap_or(text.len());
    let truncated = cut < text.len();
    let text: String = text[..cut]
        .chars()
        .map(|c| match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' => '"',
            c => c,
        })
        .collect();
    let quotes = text.matches('"').count();
    let segments: Vec<&str> = text.split('"').collect();
    let mut parsed = Parsed::default();
    let mut last_segment_plain_words = false;
    for (i, seg) in segments.iter().enumerate() {
        let is_phrase = i % 2 == 1 && i < quotes;
        let words: Vec<Word> = analysis::words(seg)
            .into_iter()
            .map(|folded| Word { stem: analysis::stem(&folded), stop: is_stop_word(&folded), folded })
            .collect();
        if is_phrase {
            if !words.is_empty() && parsed.phrases.len() < MAX_PHRASES {
                parsed.phrases.push(words.into_iter().take(MAX_PHRASE_WORDS).collect());
            }
        } else {
            if i == segments.len() - 1 {
                last_segment_plain_words = !words.is_empty();
            }
            for w in words {
                if parsed.words.len() >= MAX_WORDS {
                    break;
                }
                if !parsed.words.iter().any(|x| x.folded == w.folded) {
                    parsed.words.push(w);
                }
            }
        }
    }
    parsed.prefix_last = !truncated
        && last_segment_plain_words
        && text.chars().last().is_some_and(|c| c.is_alphanumeric())
        && parsed
            .words
            .last()
            .zip(analysis::words(segments.last().copied().unwrap_or("")).last())
            .is_some_and(|(w, typed)| &w.folded == typed);
    parsed
}

/// Optimal-string-alignment distance (a transposition is one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// How well `text` matches the highlight terms: each distinct term counts
/// its weight once, repeats add a little.
fn score_text(text: &str, terms: &BTreeMap<String, f32>) -> f32 {
    if text.is_empty() || terms.is_empty() {
        return 0.0;
    }
    let mut seen: HashMap<&str, u32> = HashMap::new();
    let mut an = analyzer();
    let mut stream = an.token_stream(text);
    let mut score = 0.0;
    while stream.advance() {
        if let Some((k, w)) = terms.get_key_value(stream.token().text.as_str()) {
            let n = seen.entry(k.as_str()).or_insert(0);
            score += if *n == 0 { *w } else { *w * 0.15 / (*n as f32) };
            *n += 1;
        }
    }
    score
}

/// A highlighted snippet of `text`, or `None` when nothing in it matches.
fn make_snippet(text: &str, terms: &BTreeMap<String, f32>, field: Field) -> Option<String> {
    if text.is_empty() || terms.is_empty() {
        return None;
    }
    let generator = SnippetGenerator::new(terms.clone(), analyzer(), field, SNIPPET_CHARS);
    let mut snippet = generator.snippet(text);
    if snippet.is_empty() {
        return None;
    }
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    let range = snippet.fragment_range();
    let mut html = String::new();
    if range.start > 0 {
        html.push('…');
    }
    html.push_str(&snippet.to_html());
    if range.end < text.trim_end().len() {
        html.push('…');
    }
    Some(html)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn truncate_words(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let cut: String = s.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

fn handle(bytes: OwnedBytes) -> Arc<dyn FileHandle> {
    Arc::new(bytes)
}

/// The last path component of a file name given as `search/index.pack`.
fn file_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}
