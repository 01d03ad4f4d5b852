//! The one place HTTP errors are made: a code, a status and a Polish message, as the contract's
//! `{"error": {"code", "message"}}` body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::search::SearchError;

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
}

impl ApiError {
    /// An error with this status, machine code and Polish message.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { status, code: code.into(), message: message.into() }
    }

    /// 400 for a parameter.
    pub fn bad_parameter(param: &str, reason: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid_{param}"),
            format!("Niepoprawny parametr „{param}”: {reason}."),
        )
    }

    /// 404 for a path that names nothing.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "Nie ma takiej strony ani zasobu.")
    }

    /// 404 for an unknown question id.
    pub fn question_not_found(id: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "question_not_found", format!("Nie ma pytania o identyfikatorze „{id}”."))
    }

    /// 500: a bug. Logged with its detail here; the client gets no internals.
    pub fn internal(detail: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Wewnętrzny błąd serwera. Spróbuj ponownie później.",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine code (`invalid_to`, `not_found`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The Polish message for the user.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        match e {
            SearchError::BadParameter { param, reason } => ApiError::bad_parameter(param, &reason),
            SearchError::NotFound(id) => ApiError::question_not_found(&id),
            SearchError::UnknownParameter(name) => {
                let name: String = name.chars().take(40).collect();
                ApiError::new(StatusCode::BAD_REQUEST, "unknown_parameter", format!("Nieznany parametr „{name}”."))
            }
            SearchError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "backend unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "backend_unavailable",
                    "Wyszukiwarka jest chwilowo niedostępna. Spróbuj ponownie za chwilę.",
                )
            }
            other => ApiError::internal(&other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_client_error() {
            tracing::debug!(code = %self.code, message = %self.message, "client error");
        }
        let body = json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}
