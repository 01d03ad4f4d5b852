//! The fairness measurement of docs/RELIABILITY.md, against a running `lawka serve`: a polite
//! client searching once per 100 ms, first alone, then beside a client flooding at concurrency
//! 64 from another address; the polite client's errors and latency quantiles, and the flooder's
//! answers by status. Run by `benches/fairness.sh`.
//!
//! `cargo run --release --example fairness -- ADDR [SECONDS]`   (default 30 s per phase)

use std::time::Duration;

#[path = "../tests/common/flood.rs"]
mod flood;

fn line(name: &str, r: &flood::Report) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {name} | {} | {} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |",
        r.polite_latencies.len(),
        r.polite_errors.len(),
        ms(r.polite_quantile(0.5)),
        ms(r.polite_quantile(0.9)),
        ms(r.polite_quantile(0.99)),
        r.flood(200),
        r.flood(429),
        r.flood_server_errors(),
        r.flood_failures,
    );
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr: std::net::SocketAddr =
        args.next().ok_or_else(|| anyhow::anyhow!("usage: fairness ADDR [SECONDS]"))?.parse()?;
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(30);
    let (interval, duration) = (Duration::from_millis(100), Duration::from_secs(seconds));
    // Each phase lasts exactly `duration`: the benchmark compares the two phases' latencies.
    let idle = flood::run(addr, 0, interval, duration, 0);
    let flooded = flood::run(addr, 64, interval, duration, 0);
    println!("| phase | polite searches | polite errors | p50 ms | p90 ms | p99 ms | flooder 200 | flooder 429 | flooder 5xx | flooder no answer |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    line("idle", &idle);
    line("flood c64", &flooded);
    let ratio = flooded.polite_quantile(0.99).as_secs_f64() / idle.polite_quantile(0.99).as_secs_f64().max(1e-9);
    println!("\npolite p99 under flood / idle: {ratio:.2}x");
    for e in flooded.polite_errors.iter().take(5) {
        println!("polite error: {e}");
    }
    let ok = flooded.polite_errors.is_empty()
        && ratio <= 3.0
        && flooded.flood(429) > 0
        && flooded.flood_server_errors() == 0
        && flooded.flood_failures == 0;
    println!("{}", if ok { "PASS: 0 polite errors, p99 within 3x idle, flooder limited without 5xx" } else { "FAIL" });
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}
