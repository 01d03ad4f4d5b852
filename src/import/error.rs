//! Import errors: each names the page (and the item) it concerns, so an operator can act on it.

use std::path::PathBuf;

use crate::corpus::CorpusError;

/// Why an import stopped. Nothing is written to the live corpus when one is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A source given with `--from` is neither an http(s) URL nor an existing file or directory.
    #[error("{0:?} is neither an http(s) URL nor a saved page or directory")]
    BadSource(String),
    /// The request failed (connection, timeout) after every retry.
    #[error("fetching {url}: {reason}")]
    Fetch {
        /// The page.
        url: String,
        /// What went wrong, last attempt.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("fetching {url}: HTTP {status}")]
    Status {
        /// The page.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The page is larger than the limit.
    #[error("{url} is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The page.
        url: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The server redirected outside the configured host.
    #[error("{url} redirects outside {host}: {reason}")]
    Redirect {
        /// The page asked for.
        url: String,
        /// The only host imports read from.
        host: String,
        /// Where it led.
        reason: String,
    },
    /// A link leads to another host or scheme than the listing's.
    #[error("{url} is not an http(s) page on {host}; the import reads only the listing's host")]
    ForeignUrl {
        /// The link.
        url: String,
        /// The configured host.
        host: String,
    },
    /// The listing links no meeting article.
    #[error("{source_name}: no links to meeting articles (\"Spotkanie ... (<day> <month> <year> r.)\")")]
    NoLinks {
        /// The listing.
        source_name: String,
    },
    /// The article has no numbered items.
    #[error("{url}: no numbered questions found")]
    NoItems {
        /// The article.
        url: String,
    },
    /// An answer is led by an abbreviation that `units.txt` does not list.
    #[error("{url}, item {item}: unit abbreviation {abbreviation:?} is not in units.txt (add `{abbreviation} <unit name from departments.txt>`)")]
    UnknownUnit {
        /// The article.
        url: String,
        /// The item number.
        item: u32,
        /// The abbreviation as written.
        abbreviation: String,
    },
    /// An article's items cannot be read as questions with answers.
    #[error("{url}, item {item}: {reason}")]
    Item {
        /// The article.
        url: String,
        /// The item number.
        item: u32,
        /// What is wrong.
        reason: String,
    },
    /// Two articles give the same meeting id (same date and place).
    #[error("{url} and {other} both give the meeting id {id}")]
    DuplicateMeeting {
        /// The second article.
        url: String,
        /// The first.
        other: String,
        /// The id.
        id: String,
    },
    /// A meeting's district cannot be told from its place.
    #[error("{url}: cannot tell the district of {title:?}; add `{slug} <Dzielnica ...>` to places.txt")]
    District {
        /// The article.
        url: String,
        /// The meeting's title.
        title: String,
        /// The slug to list in places.txt.
        slug: String,
    },
    /// Reading or writing a file.
    // The OS error is in the message, not the error's source: `lawka`'s chain would print it twice.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The live corpus or the imported one does not validate.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
}

impl ImportError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> ImportError {
        ImportError::Io { path: path.to_path_buf(), error: source }
    }
}

/// The import module's result.
pub type Result<T> = std::result::Result<T, ImportError>;
