//! End-to-end tests: a real index built from the bundled corpus, a real server on 127.0.0.1 and
//! the real `lawka` binary. One test binary, so the crate links once.

mod api;
mod browser;
mod cli;
mod common;
mod import;
mod openapi;
mod pages;
mod quality;
mod reindex;
mod relevance;
mod reliability;
mod sphinx;
mod typesense;
