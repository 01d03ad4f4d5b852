//! Query-string parsing shared by the endpoints: checked encoding, decoded pairs, our errors.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::error::ApiError;
use crate::search::request::forbidden_in_query;
use crate::search::{RawSearchParams, SearchError};

/// The decoded `key=value` pairs of a request's query string, in order.
pub struct Pairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Pairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        check_encoding(raw)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query_string",
                format!("Niepoprawne parametry zapytania ({e})."),
            )
        })?;
        Ok(Pairs(pairs))
    }
}

impl Pairs {
    /// The search parameters, and the values of the endpoint's own `extra` keys.
    pub fn search_params(self, extra: &[&str]) -> Result<(RawSearchParams, Vec<(String, String)>), ApiError> {
        RawSearchParams::from_pairs(self.0, extra).map_err(ApiError::from)
    }

    /// Only the endpoint's own keys (any other is an error); each at most once.
    pub fn only(self, allowed: &[&str]) -> Result<Vec<(String, String)>, ApiError> {
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in &self.0 {
            let Some(known) = allowed.iter().find(|a| **a == k) else {
                return Err(SearchError::UnknownParameter(k.clone()).into());
            };
            if seen.contains(known) {
                return Err(ApiError::bad_parameter(known, "podano ten parametr więcej niż raz"));
            }
            seen.push(known);
        }
        Ok(self.0)
    }
}

/// A route's path segments, percent-decoded. A segment that is not UTF-8 once decoded is our JSON
/// 400, as in a query string (axum's own rejection is English plain text).
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Segments<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(Segments(t)),
            Err(_) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_encoding",
                "Ścieżka nie jest poprawnie zakodowanym tekstem UTF-8.",
            )),
        }
    }
}

/// Rejects a free text (`q` of the "already asked?" and completion endpoints) with control
/// characters other than whitespace, as the search does (see [`forbidden_in_query`]).
pub fn check_text(key: &str, text: &str) -> Result<(), ApiError> {
    if text.chars().any(forbidden_in_query) {
        return Err(ApiError::bad_parameter(key, "tekst zawiera znaki sterujące"));
    }
    Ok(())
}

/// The value of `key` among `pairs`.
pub fn value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// An integer parameter in `min..=max`, `default` when absent.
pub fn number(
    pairs: &[(String, String)],
    key: &'static str,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match value(pairs, key).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_parameter(key, &format!("{v:?} nie jest liczbą całkowitą z zakresu {min}..{max}"))),
        },
    }
}

/// Rejects a query string whose percent-encoded bytes are not UTF-8 (a lossy decoder would search
/// for something the user never typed).
pub fn check_encoding(query: &str) -> Result<(), ApiError> {
    let bytes = query.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|b| (*b as char).to_digit(16));
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                decoded.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    std::str::from_utf8(&decoded).map(|_| ()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_encoding",
            "Parametry zapytania nie są poprawnie zakodowanym tekstem UTF-8.",
        )
    })
}
