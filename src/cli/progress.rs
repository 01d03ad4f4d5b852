//! One progress bar for the long commands (`index`, `import`): drawn on a terminal, silent
//! otherwise (logs and CI keep only the one-line summary).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar on stderr when it is a terminal; nothing otherwise.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar counting `unit` (e.g. "questions").
    pub fn new(unit: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let b = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit}, eta {{eta}}")) {
            b.set_style(style);
        }
        Bar(Some(b))
    }
}

impl crate::progress::Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
        }
    }

    fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
