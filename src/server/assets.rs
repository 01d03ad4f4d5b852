//! Static files embedded in the binary (the service needs no files beside it and no CDN).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::params::Segments;

const ASSETS: [(&str, &str, &str); 2] = [
    ("style.css", "text/css; charset=utf-8", include_str!("static/style.css")),
    ("app.js", "text/javascript; charset=utf-8", include_str!("static/app.js")),
];

/// `GET /static/{name}`: only the embedded files, never anything from disk.
pub async fn asset(Segments(name): Segments<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => {
            let mut resp = (*body).into_response();
            let headers = resp.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            resp
        }
        None => ApiError::not_found().into_response(),
    }
}
