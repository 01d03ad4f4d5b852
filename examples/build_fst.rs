//! Builds the lemma dictionaries of `src/analysis/pl/` from a form→lemma TSV dumped by
//! `tools/sgjp_dump.py` (see `tools/README.md`).
//!
//! ```sh
//! cargo run --release --example build_fst -- /tmp/sgjp_pairs.tsv src/analysis/pl/sgjp
//! cargo run --release --example build_fst -- /tmp/sgjp_pairs.tsv src/analysis/pl/sgjp_folded --fold
//! ```
//!
//! Output: `<prefix>.fst`, an `fst::Map` from each (lowercased, optionally ASCII-folded) form to a
//! rule-set id, and `<prefix>.rules`, one rule set per line (`strip:suffix|strip:suffix`, most
//! frequent first): a lemma is the form minus `strip` bytes plus `suffix`. Deterministic for a
//! given input.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::io::{BufRead, BufReader, BufWriter, Write};

use lawka::analysis::{fold_polish, Rule};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: build_fst PAIRS.tsv OUT_PREFIX [--fold]".into());
    }
    let fold = args.iter().any(|a| a == "--fold");
    let started = std::time::Instant::now();

    // form -> lemmas; the input is form<TAB>lemma[<TAB>classes].
    let mut forms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in BufReader::with_capacity(1 << 20, std::fs::File::open(&args[1])?).lines() {
        let line = line?;
        let mut it = line.split('\t');
        let (Some(form), Some(lemma)) = (it.next(), it.next()) else { continue };
        let (mut form, mut lemma) = (form.to_lowercase(), lemma.to_lowercase());
        if fold {
            form = fold_polish(&form);
            lemma = fold_polish(&lemma);
        }
        if form.is_empty() || lemma.is_empty() || form.len() > 200 {
            continue;
        }
        forms.entry(form).or_default().insert(lemma);
    }

    let mut count: HashMap<Vec<Rule>, usize> = HashMap::new();
    let mut keyed: Vec<(String, Vec<Rule>)> = Vec::with_capacity(forms.len());
    for (form, lemmas) in forms {
        let mut set: Vec<Rule> = lemmas.iter().map(|l| Rule::between(&form, l)).collect();
        set.sort();
        set.dedup();
        *count.entry(set.clone()).or_default() += 1;
        keyed.push((form, set));
    }
    let mut sets: Vec<(Vec<Rule>, usize)> = count.into_iter().collect();
    sets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let ids: HashMap<&Vec<Rule>, u64> = sets.iter().enumerate().map(|(i, (s, _))| (s, i as u64)).collect();

    let prefix = &args[2];
    let mut builder = fst::MapBuilder::new(BufWriter::new(std::fs::File::create(format!("{prefix}.fst"))?))?;
    for (form, set) in &keyed {
        builder.insert(form.as_bytes(), ids[set])?;
    }
    builder.finish()?;
    let mut rules = BufWriter::new(std::fs::File::create(format!("{prefix}.rules"))?);
    for (set, _) in &sets {
        let line: Vec<String> = set.iter().map(|r| format!("{}:{}", r.strip, r.suffix)).collect();
        writeln!(rules, "{}", line.join("|"))?;
    }
    rules.flush()?;
    println!("{prefix}: {} forms, {} rule sets, {:.1} s", keyed.len(), sets.len(), started.elapsed().as_secs_f64());
    Ok(())
}
