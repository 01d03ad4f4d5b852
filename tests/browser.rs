//! End to end in a real browser: headless Chromium driven over WebDriver (Debian's chromium and
//! chromium-driver; `.ci/run` installs them). A resident types a query, sees results, narrows
//! them to a district, opens a question and follows a related one.
//!
//! Without chromedriver the test fails with a clear message; set LAWKA_SKIP_BROWSER=1 to skip it
//! on a machine that cannot install a browser.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::common::shared;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver() -> Option<(Driver, u16)> {
    if std::env::var_os("LAWKA_SKIP_BROWSER").is_some() {
        return None;
    }
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "the browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; \
         .ci/run installs them), or LAWKA_SKIP_BROWSER=1"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((Driver(child), port))
}

#[test]
fn a_resident_searches_filters_opens_and_follows_a_related_question() {
    let Some((_driver, port)) = start_driver() else { return };
    let base = format!("http://{}", shared().addr);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=1280,1000", format!("--user-data-dir={}", profile.path().display())]
            }
        });
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps.as_object().unwrap().clone());
        let c = builder.connect(&format!("http://127.0.0.1:{port}")).await.expect("a browser session");
        let wait = || c.wait().at_most(Duration::from_secs(10));

        // Type a query: the script offers suggestions while typing...
        c.goto(&format!("{base}/")).await.unwrap();
        let q = c.find(Locator::Id("q")).await.unwrap();
        q.send_keys("tramw").await.unwrap();
        let suggestion = wait().for_element(Locator::Css("#suggested li a")).await.expect("suggested questions appear");
        assert!(!suggestion.text().await.unwrap().is_empty());
        // The "already asked?" box shows questions on the same problem while a sentence is typed.
        let ask = c.find(Locator::Id("tresc")).await.unwrap();
        ask.send_keys("Sąsiad pali w piecu śmieciami i dym idzie nam do okien").await.unwrap();
        let asked = wait().for_element(Locator::Css("#asked li a")).await.expect("matches appear while typing");
        assert!(asked.attr("href").await.unwrap().unwrap_or_default().starts_with("/q/"));
        // ...and the search form works as a plain form.
        q.clear().await.unwrap();
        q.send_keys("tramwaj").await.unwrap();
        c.find(Locator::Css("form.search button[type=submit]")).await.unwrap().click().await.unwrap();
        // The home page lists questions in the same markup: wait for the results page itself, or
        // its hits may be read while the home page is being replaced (none found).
        let deadline = Instant::now() + Duration::from_secs(10);
        while !c.current_url().await.unwrap().as_str().contains("q=tramwaj") {
            assert!(Instant::now() < deadline, "the results page opens");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        wait().for_element(Locator::Css("ol.hits li.hit")).await.expect("results");
        let hits = c.find_all(Locator::Css("ol.hits li.hit")).await.unwrap();
        assert_eq!(hits.len(), 10, "a full first page for tramwaj");
        assert!(c.current_url().await.unwrap().as_str().contains("q=tramwaj"));

        // Choose a district facet.
        let facet = c.find(Locator::XPath("//aside//section[h2='Dzielnica']//li/a")).await.unwrap();
        let district = facet.text().await.unwrap();
        facet.click().await.unwrap();
        wait().for_element(Locator::Css("a.active")).await.expect("the chosen filter is shown");
        let metas = c.find_all(Locator::Css("ol.hits li.hit p.meta")).await.unwrap();
        assert!(!metas.is_empty());
        for m in metas {
            assert!(m.text().await.unwrap().contains(&district), "every result is in {district}");
        }
        // The chosen filter heads the filters beside the results; on a phone's width it stays
        // above them, while the other filters go below.
        let tops = "return ['.chosen', '.results', 'aside.facets']\
                    .map(s => document.querySelector(s).getBoundingClientRect().top);";
        let top =
            |v: serde_json::Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect() };
        let wide = top(c.execute(tops, vec![]).await.unwrap());
        assert!(wide[0] < wide[2] && (wide[0] - wide[1]).abs() < 40.0, "chosen, results, facets: {wide:?}");
        c.set_window_size(390, 1000).await.unwrap();
        let narrow = top(c.execute(tops, vec![]).await.unwrap());
        assert!(narrow[0] < narrow[1] && narrow[1] < narrow[2], "chosen, results, facets: {narrow:?}");
        c.set_window_size(1280, 1000).await.unwrap();

        // Open the first result, then follow its first related question.
        let first = c.find(Locator::Css("ol.hits li.hit h3 a")).await.unwrap();
        let title = first.text().await.unwrap();
        first.click().await.unwrap();
        let h1 = wait().for_element(Locator::Css("article.question h1")).await.unwrap();
        assert_eq!(h1.text().await.unwrap(), title);
        let question_url = c.current_url().await.unwrap();
        assert!(question_url.path().starts_with("/q/"));
        let related = c.find(Locator::Css("section.related li a")).await.expect("related questions listed");
        let related_title = related.text().await.unwrap();
        related.click().await.unwrap();
        wait()
            .for_element(Locator::XPath(&format!(
                "//article[contains(@class,'question')]/h1[normalize-space()=\"{related_title}\"]"
            )))
            .await
            .expect("the related question opens");
        assert_ne!(c.current_url().await.unwrap(), question_url);

        let png = c.screenshot().await.unwrap();
        let _ = std::fs::write(std::env::temp_dir().join("lawka-browser-test.png"), png);
        c.close().await.unwrap();
    });
}
