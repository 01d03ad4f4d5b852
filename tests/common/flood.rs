//! One greedy client against one polite one, on 127.0.0.1: the flooder keeps `flooders` requests
//! in flight from one loopback address, the polite client searches once per `interval` from
//! another. Shared by the fairness test (`tests/reliability.rs`) and the measurement
//! (`benches/fairness.sh` runs `examples/fairness.rs`).

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where the flooder connects from (Linux routes all of 127/8 to the loopback interface).
pub const FLOODER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
/// Where the polite client connects from.
pub const POLITE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 3));

/// What a polite resident searches for, in turn.
const POLITE_QUERIES: [&str; 6] =
    ["dziury w jezdni", "tramwaj do Mistrzejowic", "wycinka drzew", "parkowanie Bronowice", "oświetlenie", "P+R"];
/// What the flooder loops over (a scraper walking the search).
const FLOOD_QUERIES: [&str; 4] = ["szkoła", "autobus", "chodnik", "zieleń"];

/// What each client saw.
#[derive(Debug, Default)]
pub struct Report {
    /// The polite client's latencies of successful searches.
    pub polite_latencies: Vec<Duration>,
    /// The polite client's failures: a status other than 200, or no answer.
    pub polite_errors: Vec<String>,
    /// How many answers of each status the flooder got.
    pub flood_statuses: BTreeMap<u16, u64>,
    /// Flooder requests that got no answer at all.
    pub flood_failures: u64,
}

impl Report {
    /// The `q`-quantile of the polite client's latencies.
    pub fn polite_quantile(&self, q: f64) -> Duration {
        let mut l = self.polite_latencies.clone();
        l.sort();
        if l.is_empty() {
            return Duration::ZERO;
        }
        l[((l.len() as f64 - 1.0) * q).round() as usize]
    }

    /// Flooder answers with this status.
    pub fn flood(&self, status: u16) -> u64 {
        self.flood_statuses.get(&status).copied().unwrap_or(0)
    }

    /// Flooder answers 500 or above.
    pub fn flood_server_errors(&self) -> u64 {
        self.flood_statuses.range(500..).map(|(_, n)| n).sum()
    }
}

fn client(from: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from)
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(128)
        .build()
        .expect("client")
}

fn search_url(server: SocketAddr, q: &str) -> String {
    let q: String = q
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("http://{server}/api/search?q={q}")
}

/// Runs for `duration`: the polite client alone when `flooders` is 0, else beside the flood; and
/// on, up to ten times `duration`, until the polite client has sent `at_least` searches. How many
/// searches a slow (debug) build answers in a fixed time says nothing about fairness; that every
/// one is answered does.
pub fn run(server: SocketAddr, flooders: usize, interval: Duration, duration: Duration, at_least: usize) -> Report {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let stop = Arc::new(AtomicBool::new(false));
        let flood = Arc::new(Mutex::new((BTreeMap::<u16, u64>::new(), 0u64)));
        let flooder = client(FLOODER);
        let tasks: Vec<_> = (0..flooders)
            .map(|i| {
                let (stop, flood, flooder) = (stop.clone(), flood.clone(), flooder.clone());
                tokio::spawn(async move {
                    let mut n = i;
                    while !stop.load(Ordering::Relaxed) {
                        let url = search_url(server, FLOOD_QUERIES[n % FLOOD_QUERIES.len()]);
                        n += 1;
                        let status = match flooder.get(url).send().await {
                            Ok(r) => {
                                let s = r.status().as_u16();
                                // Read the body: a scraper wants it, and the connection is reused.
                                let _ = r.bytes().await;
                                Some(s)
                            }
                            Err(_) => None,
                        };
                        let mut f = flood.lock().expect("lock");
                        match status {
                            Some(s) => *f.0.entry(s).or_insert(0) += 1,
                            None => f.1 += 1,
                        }
                    }
                })
            })
            .collect();
        // Let the flood reach its steady state before the polite client starts measuring.
        if flooders > 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let polite = client(POLITE);
        let mut report = Report::default();
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let started = Instant::now();
        let mut n = 0;
        while started.elapsed() < duration || (n < at_least && started.elapsed() < 10 * duration) {
            tick.tick().await;
            let url = search_url(server, POLITE_QUERIES[n % POLITE_QUERIES.len()]);
            n += 1;
            let sent = Instant::now();
            match polite.get(&url).send().await {
                Ok(r) if r.status() == 200 => match r.bytes().await {
                    Ok(_) => report.polite_latencies.push(sent.elapsed()),
                    Err(e) => report.polite_errors.push(format!("{url}: body: {e}")),
                },
                Ok(r) => report.polite_errors.push(format!("{url}: {}", r.status())),
                Err(e) => report.polite_errors.push(format!("{url}: {e}")),
            }
        }
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            let _ = t.await;
        }
        let (statuses, failures) = std::mem::take(&mut *flood.lock().expect("lock"));
        report.flood_statuses = statuses;
        report.flood_failures = failures;
        report
    })
}
