//! Search requests: the raw parameters as typed (HTTP query string or CLI flags), and the
//! validated request the engine runs. Everything is checked here, once, with an error naming the
//! parameter; the engine never sees an unchecked value.

use serde::Deserialize;
use time::Date;

use super::error::SearchError;
use crate::corpus::{parse_date, District};
use crate::index::GenerationMeta;

/// Longest accepted `q`, in characters (the contract's limit).
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Largest page.
pub const MAX_LIMIT: usize = 100;
/// Default page size.
pub const DEFAULT_LIMIT: usize = 10;
/// Deepest offset: past it, paging is a crawl, and an export serves that better.
pub const MAX_OFFSET: usize = 10_000;
/// Most values per filter parameter.
pub const MAX_FILTER_VALUES: usize = 50;

/// Parameters as received; every value still a string.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSearchParams {
    /// Query text.
    #[serde(default)]
    pub q: Option<String>,
    /// District names (OR).
    #[serde(default)]
    pub district: Vec<String>,
    /// Department names (OR).
    #[serde(default)]
    pub department: Vec<String>,
    /// Topics (OR).
    #[serde(default)]
    pub topic: Vec<String>,
    /// Language codes (OR).
    #[serde(default)]
    pub lang: Vec<String>,
    /// Meeting ids (OR).
    #[serde(default)]
    pub meeting: Vec<String>,
    /// Earliest meeting date, inclusive.
    #[serde(default)]
    pub from: Option<String>,
    /// Latest meeting date, inclusive.
    #[serde(default)]
    pub to: Option<String>,
    /// Page size.
    #[serde(default)]
    pub limit: Option<String>,
    /// Hits to skip.
    #[serde(default)]
    pub offset: Option<String>,
    /// `relevance`, `date_desc` or `date_asc`.
    #[serde(default)]
    pub sort: Option<String>,
    /// `false`: no facet counts (an API client that wants the ranked page only).
    #[serde(default)]
    pub facets: Option<String>,
    /// `false`: no snippets.
    #[serde(default)]
    pub snippets: Option<String>,
    /// `false`: words only (BM25), without ranking by meaning.
    #[serde(default)]
    pub dense: Option<String>,
    /// `true` (the default): count every match; `false` or a number: count exactly up to that
    /// many, then only what the page needs (see [`SearchRequest::track_total_hits`]).
    #[serde(default)]
    pub track_total_hits: Option<String>,
}

impl RawSearchParams {
    /// Every key [`RawSearchParams::from_pairs`] reads.
    pub const KEYS: [&'static str; 15] = [
        "q",
        "from",
        "to",
        "limit",
        "offset",
        "sort",
        "facets",
        "snippets",
        "dense",
        "track_total_hits",
        "district",
        "department",
        "topic",
        "lang",
        "meeting",
    ];

    /// Reads `key=value` pairs (a decoded query string): repeated filter keys add values; a key in
    /// `extra` is left for the caller and returned; any other key is an error naming it.
    pub fn from_pairs(
        pairs: Vec<(String, String)>,
        extra: &[&str],
    ) -> Result<(RawSearchParams, Vec<(String, String)>), SearchError> {
        let mut raw = RawSearchParams::default();
        let mut rest = Vec::new();
        for (key, value) in pairs {
            let single = |slot: &mut Option<String>, name: &'static str, value: String| {
                if slot.replace(value).is_some() {
                    return Err(bad(name, "podano ten parametr więcej niż raz"));
                }
                Ok(())
            };
            match key.as_str() {
                "q" => single(&mut raw.q, "q", value)?,
                "from" => single(&mut raw.from, "from", value)?,
                "to" => single(&mut raw.to, "to", value)?,
                "limit" => single(&mut raw.limit, "limit", value)?,
                "offset" => single(&mut raw.offset, "offset", value)?,
                "sort" => single(&mut raw.sort, "sort", value)?,
                "facets" => single(&mut raw.facets, "facets", value)?,
                "snippets" => single(&mut raw.snippets, "snippets", value)?,
                "dense" => single(&mut raw.dense, "dense", value)?,
                "track_total_hits" => single(&mut raw.track_total_hits, "track_total_hits", value)?,
                "district" => raw.district.push(value),
                "department" => raw.department.push(value),
                "topic" => raw.topic.push(value),
                "lang" => raw.lang.push(value),
                "meeting" => raw.meeting.push(value),
                k if extra.contains(&k) => rest.push((key, value)),
                _ => return Err(SearchError::UnknownParameter(key)),
            }
        }
        Ok((raw, rest))
    }
}

/// Result order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Best match first.
    Relevance,
    /// Newest meeting first.
    DateDesc,
    /// Oldest meeting first.
    DateAsc,
}

impl Sort {
    /// Every order, as the API accepts them.
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::DateDesc, Sort::DateAsc];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::DateDesc => "date_desc",
            Sort::DateAsc => "date_asc",
        }
    }
}

/// Values of a `true`/`false` switch that turn it on (the empty value is its default, on).
pub const FLAG_ON: [&str; 3] = ["", "true", "1"];
/// Values of a `true`/`false` switch that turn it off.
pub const FLAG_OFF: [&str; 2] = ["false", "0"];

/// Whether `q` may not contain `c`: control characters other than whitespace (NUL, escape, ...)
/// are never typed by people and would end up in logs and snippets.
pub fn forbidden_in_query(c: char) -> bool {
    c.is_control() && !c.is_whitespace()
}

/// Filters: OR within a field, AND across fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Districts.
    pub districts: Vec<District>,
    /// Departments (canonical names of the index's corpus).
    pub departments: Vec<String>,
    /// Topics (of the index's corpus).
    pub topics: Vec<String>,
    /// Language codes.
    pub langs: Vec<String>,
    /// Meeting ids.
    pub meetings: Vec<String>,
    /// Earliest meeting date.
    pub from: Option<Date>,
    /// Latest meeting date.
    pub to: Option<Date>,
}

/// A validated search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query text, trimmed; empty means "everything matching the filters".
    pub q: String,
    /// Filters.
    pub filters: Filters,
    /// Order.
    pub sort: Sort,
    /// Page size, 1..=100.
    pub limit: usize,
    /// Hits skipped, 0..=10000.
    pub offset: usize,
    /// Whether to count the facets.
    pub facets: bool,
    /// Whether to highlight snippets in the hits.
    pub snippets: bool,
    /// Rank by meaning too, where the embedding model is installed (see `search::dense`). On for
    /// requests from outside unless they ask `dense=false`; off for internal searches that run on
    /// every keystroke.
    pub dense: bool,
    /// `None`: the total counts every match. `Some(n)`: matches are counted exactly up to `n`;
    /// past that, where only the ranked page is asked (no facets, by relevance), the search may
    /// pass over the matches that cannot enter the page, and the total is then a lower bound
    /// (`total_is_exact: false`), as Elasticsearch's `track_total_hits` (see `search::prune`).
    pub track_total_hits: Option<u64>,
}

/// Largest number `track_total_hits` takes (more than any index holds).
pub const MAX_TRACK_TOTAL_HITS: u64 = 1_000_000_000;

/// `track_total_hits`: `true` or empty, every match; `false`, none beyond the page; a number.
fn track_total_param(value: Option<&str>) -> Result<Option<u64>, SearchError> {
    match value {
        None | Some("") | Some("true") => Ok(None),
        Some("false") => Ok(Some(0)),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n <= MAX_TRACK_TOTAL_HITS => Ok(Some(n)),
            _ => Err(bad(
                "track_total_hits",
                format!("niepoprawna wartość {v:?} (true, false albo liczba od 0 do {MAX_TRACK_TOTAL_HITS})"),
            )),
        },
    }
}

/// A `true`/`false` switch that is on unless turned off.
fn flag_param(param: &'static str, value: Option<&str>) -> Result<bool, SearchError> {
    match value {
        None => Ok(true),
        Some(v) if FLAG_ON.contains(&v) => Ok(true),
        Some(v) if FLAG_OFF.contains(&v) => Ok(false),
        Some(other) => Err(bad(param, format!("niepoprawna wartość {other:?} (true albo false)"))),
    }
}

fn bad(param: &'static str, reason: impl Into<String>) -> SearchError {
    SearchError::BadParameter { param, reason: reason.into() }
}

impl SearchRequest {
    /// Validates raw parameters against the vocabulary of the index they will run on.
    pub fn parse(raw: &RawSearchParams, meta: &GenerationMeta) -> Result<SearchRequest, SearchError> {
        // The limit counts what was sent, spaces included, as the API description says.
        let sent = raw.q.as_deref().unwrap_or("");
        if sent.chars().count() > MAX_QUERY_CHARS {
            return Err(bad("q", format!("zapytanie jest dłuższe niż {MAX_QUERY_CHARS} znaków")));
        }
        if sent.chars().any(forbidden_in_query) {
            return Err(bad("q", "zapytanie zawiera znaki sterujące"));
        }
        let q = sent.trim().to_string();
        for (param, values) in [
            ("district", &raw.district),
            ("department", &raw.department),
            ("topic", &raw.topic),
            ("lang", &raw.lang),
            ("meeting", &raw.meeting),
        ] {
            if values.len() > MAX_FILTER_VALUES {
                return Err(bad(param, format!("podano więcej niż {MAX_FILTER_VALUES} wartości")));
            }
        }
        let districts = raw
            .district
            .iter()
            .map(|d| d.parse::<District>().map_err(|_| bad("district", format!("nieznana dzielnica {d:?}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let departments = known("department", &raw.department, &meta.departments, "nieznana jednostka")?;
        let topics = known("topic", &raw.topic, &meta.topics, "nieznany temat")?;
        let langs = raw
            .lang
            .iter()
            .map(|l| {
                valid_lang(l)
                    .then(|| l.clone())
                    .ok_or_else(|| bad("lang", format!("niepoprawny kod języka {l:?} (np. pl, uk, en)")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let meetings = raw
            .meeting
            .iter()
            .map(|m| {
                if meta.meetings.iter().any(|x| &x.id == m) {
                    Ok(m.clone())
                } else {
                    Err(bad("meeting", format!("nieznane spotkanie {m:?}")))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let from = date_param("from", raw.from.as_deref())?;
        let to = date_param("to", raw.to.as_deref())?;
        // `to` before `from` is an empty range, which matches nothing: no error, because an API
        // description cannot relate two parameters, and every request it allows must be answered.
        let limit = number_param("limit", raw.limit.as_deref(), DEFAULT_LIMIT, 1, MAX_LIMIT)?;
        let offset = number_param("offset", raw.offset.as_deref(), 0, 0, MAX_OFFSET)?;
        let sort = match raw.sort.as_deref() {
            None | Some("") if q.is_empty() => Sort::DateDesc,
            None | Some("") => Sort::Relevance,
            Some(v) => match Sort::ALL.into_iter().find(|s| s.as_str() == v) {
                Some(s) => s,
                None => {
                    let names: Vec<&str> = Sort::ALL.iter().map(|s| s.as_str()).collect();
                    return Err(bad("sort", format!("nieznany porządek {v:?} ({})", names.join(", "))));
                }
            },
        };
        Ok(SearchRequest {
            q,
            filters: Filters { districts, departments, topics, langs, meetings, from, to },
            sort,
            limit,
            offset,
            facets: flag_param("facets", raw.facets.as_deref())?,
            snippets: flag_param("snippets", raw.snippets.as_deref())?,
            dense: flag_param("dense", raw.dense.as_deref())?,
            track_total_hits: track_total_param(raw.track_total_hits.as_deref())?,
        })
    }
}

impl SearchRequest {
    /// Whether the date range is empty (`to` before `from`), so that nothing can match.
    pub fn empty_date_range(&self) -> bool {
        matches!((self.filters.from, self.filters.to), (Some(f), Some(t)) if f > t)
    }
}

/// Shortest and longest language code, in lowercase ASCII letters (`pl`, `uk`, `szl`).
pub const LANG_CODE_LEN: (usize, usize) = (2, 3);

/// Whether `l` has the shape of a language code.
pub fn valid_lang(l: &str) -> bool {
    (LANG_CODE_LEN.0..=LANG_CODE_LEN.1).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase())
}

fn known(
    param: &'static str,
    values: &[String],
    vocabulary: &[String],
    what: &str,
) -> Result<Vec<String>, SearchError> {
    values
        .iter()
        .map(
            |v| {
                if vocabulary.iter().any(|k| k == v) {
                    Ok(v.clone())
                } else {
                    Err(bad(param, format!("{what} {v:?}")))
                }
            },
        )
        .collect()
}

fn date_param(param: &'static str, value: Option<&str>) -> Result<Option<Date>, SearchError> {
    match value {
        None | Some("") => Ok(None),
        Some(v) => {
            parse_date(v).map(Some).ok_or_else(|| bad(param, format!("niepoprawna data {v:?} (oczekiwano RRRR-MM-DD)")))
        }
    }
}

fn number_param(
    param: &'static str,
    value: Option<&str>,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, SearchError> {
    let Some(v) = value.filter(|v| !v.is_empty()) else { return Ok(default) };
    let n: usize =
        v.parse().map_err(|_| bad(param, format!("{v:?} nie jest liczbą całkowitą z zakresu {min}..{max}")))?;
    if n < min || n > max {
        return Err(bad(param, format!("{n} jest poza zakresem {min}..{max}")));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_key_is_read_and_no_other() {
        for key in RawSearchParams::KEYS {
            let pairs = vec![(key.to_string(), "1".to_string())];
            assert!(RawSearchParams::from_pairs(pairs, &[]).is_ok(), "{key}");
        }
        let unknown = vec![("fbclid".to_string(), "x".to_string())];
        assert!(matches!(RawSearchParams::from_pairs(unknown, &[]), Err(SearchError::UnknownParameter(_))));
    }

    fn meta() -> GenerationMeta {
        GenerationMeta {
            abbreviations: Vec::new(),
            thesaurus_words: 0,
            generation: "gen-00000001".into(),
            built_at: "2026-01-01T00:00:00Z".into(),
            documents: 0,
            meetings: vec![],
            languages: Default::default(),
            departments: vec!["Zarząd Dróg Miasta Krakowa".into()],
            topics: vec!["parkowanie".into()],
            gazetteer: vec![],
            analysis: 1,
            revised: vec![],
        }
    }

    fn parse(f: impl FnOnce(&mut RawSearchParams)) -> Result<SearchRequest, SearchError> {
        let mut raw = RawSearchParams::default();
        f(&mut raw);
        SearchRequest::parse(&raw, &meta())
    }

    fn param_of(r: Result<SearchRequest, SearchError>) -> &'static str {
        match r {
            Err(SearchError::BadParameter { param, .. }) => param,
            other => panic!("expected a bad parameter, got {other:?}"),
        }
    }

    #[test]
    fn defaults_depend_on_q() {
        let r = parse(|_| {}).unwrap();
        assert_eq!((r.sort, r.limit, r.offset), (Sort::DateDesc, 10, 0));
        let r = parse(|p| p.q = Some("dziury".into())).unwrap();
        assert_eq!(r.sort, Sort::Relevance);
    }

    #[test]
    fn each_bad_value_names_its_parameter() {
        assert_eq!(param_of(parse(|p| p.limit = Some("0".into()))), "limit");
        assert_eq!(param_of(parse(|p| p.limit = Some("101".into()))), "limit");
        assert_eq!(param_of(parse(|p| p.limit = Some("-1".into()))), "limit");
        assert_eq!(param_of(parse(|p| p.offset = Some("10001".into()))), "offset");
        assert_eq!(param_of(parse(|p| p.sort = Some("best".into()))), "sort");
        assert_eq!(param_of(parse(|p| p.from = Some("2024-02-30".into()))), "from");
        assert_eq!(param_of(parse(|p| p.to = Some("yesterday".into()))), "to");
        assert_eq!(param_of(parse(|p| p.district = vec!["Bronowice".into()])), "district");
        assert_eq!(param_of(parse(|p| p.department = vec!["ZDMK".into()])), "department");
        assert_eq!(param_of(parse(|p| p.topic = vec!["drogi".into()])), "topic");
        assert_eq!(param_of(parse(|p| p.lang = vec!["Polish".into()])), "lang");
        assert_eq!(param_of(parse(|p| p.q = Some("a".repeat(1001)))), "q");
        assert_eq!(param_of(parse(|p| p.q = Some("a\u{0}b".into()))), "q");
    }

    #[test]
    fn valid_filters_pass() {
        let r = parse(|p| {
            p.district = vec!["Dzielnica VI Bronowice".into(), "Cały Kraków".into()];
            p.department = vec!["Zarząd Dróg Miasta Krakowa".into()];
            p.topic = vec!["parkowanie".into()];
            p.from = Some("2024-01-01".into());
            p.to = Some("2024-01-01".into());
            p.limit = Some("100".into());
            p.offset = Some("10000".into());
            p.sort = Some("date_asc".into());
        })
        .unwrap();
        assert_eq!(r.filters.districts.len(), 2);
        assert_eq!((r.limit, r.offset, r.sort), (100, 10000, Sort::DateAsc));
    }

    proptest::proptest! {
        #[test]
        fn any_parameter_values_are_accepted_or_named(
            q in proptest::option::of(".{0,50}"),
            limit in proptest::option::of(".{0,8}"),
            from in proptest::option::of("[0-9-]{0,12}"),
            district in proptest::collection::vec(".{0,30}", 0..3),
        ) {
            let raw = RawSearchParams { q, limit, from, district, ..RawSearchParams::default() };
            match SearchRequest::parse(&raw, &meta()) {
                Ok(r) => proptest::prop_assert!((1..=MAX_LIMIT).contains(&r.limit)),
                Err(SearchError::BadParameter { param, .. }) => proptest::prop_assert!(["q", "limit", "from", "district"].contains(&param)),
                Err(e) => proptest::prop_assert!(false, "unexpected error {e:?}"),
            }
        }
    }
}
