//! The served responses conform to the served OpenAPI description, and every endpoint is in it.

use serde_json::{json, Value};

use crate::common::{corpus, enc, shared};

fn spec() -> Value {
    shared().get_ok("/api/openapi.json")
}

/// A validator for the schema a path's response with `status` declares.
fn validator(spec: &Value, path: &str, status: &str) -> jsonschema::Validator {
    let content = &spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"];
    assert!(!content.is_null(), "{path} {status} has no JSON schema");
    let schema = json!({"$defs": {}, "components": spec["components"], "allOf": [content]});
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path}: bad schema: {e}"))
}

fn check(spec: &Value, path: &str, url: &str, status: u16) {
    let (got, body) = shared().get(url);
    assert_eq!(got, status, "{url}: {body}");
    let v = validator(spec, path, &status.to_string());
    let errors: Vec<String> = v.iter_errors(&body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{url} does not match its schema: {errors:#?}");
}

#[test]
fn served_responses_match_the_description() {
    let spec = spec();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let id = "2024-06-24-bronowice-wielkie/7";
    check(&spec, "/api/search", &format!("/api/search?q={}", enc("dziury w jezdni")), 200);
    check(&spec, "/api/search", &format!("/api/search?q={}", enc("skatepark tramwaj")), 200);
    check(&spec, "/api/search", "/api/search?limit=0", 400);
    check(&spec, "/api/questions/{meeting}/{n}", &format!("/api/questions/{id}"), 200);
    check(&spec, "/api/questions/{meeting}/{n}", "/api/questions/2024-06-24-bronowice-wielkie/999", 404);
    check(&spec, "/api/questions/{meeting}/{n}/related", &format!("/api/questions/{id}/related?limit=3"), 200);
    check(&spec, "/api/related", &format!("/api/related?q={}", enc("wycięte drzewa")), 200);
    check(&spec, "/api/related", "/api/related", 400);
    check(&spec, "/api/suggest", "/api/suggest?q=tramw", 200);
    check(&spec, "/api/meetings", "/api/meetings", 200);
    check(&spec, "/api/histogram", "/api/histogram?interval=year&q=drzewa", 200);
    check(&spec, "/api/histogram", "/api/histogram?interval=day", 400);
    check(&spec, "/healthz", "/healthz", 200);
    // The validator really checks: a body missing fields, or with a wrong type, fails.
    let v = validator(&spec, "/api/search", "200");
    assert!(!v.is_valid(&json!({"query": "x", "total": 1})));
    let (_, mut body) = shared().get("/api/search?q=drzewa");
    body["hits"][0]["date"] = json!(20240624);
    assert!(!v.is_valid(&body), "a hit's date must be a string");
}

#[test]
fn every_endpoint_is_described() {
    let spec = spec();
    let described: Vec<&str> = spec["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    for path in [
        "/api/search",
        "/api/questions/{meeting}/{n}",
        "/api/questions/{meeting}/{n}/related",
        "/api/related",
        "/api/suggest",
        "/api/meetings",
        "/api/histogram",
        "/api/export.csv",
        "/api/export.json",
        "/feed.atom",
        "/healthz",
        "/api/openapi.json",
        "/metrics",
    ] {
        assert!(described.contains(&path), "{path} is not in openapi.json");
    }
    for (path, item) in spec["paths"].as_object().unwrap() {
        let params = item["get"]["parameters"].as_array().cloned().unwrap_or_default();
        for p in params {
            assert!(p["description"].as_str().is_some_and(|d| !d.is_empty()), "{path}: {} undocumented", p["name"]);
        }
    }
}

/// The parameter `name` of `path`.
fn param<'a>(spec: &'a Value, path: &str, name: &str) -> &'a Value {
    spec["paths"][path]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn parameters_carry_the_constraints_the_server_enforces() {
    use lawka::search::request::{MAX_FILTER_VALUES, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS};
    let spec = spec();
    let health = shared().get_ok("/healthz");
    let meetings = shared().get_ok("/api/meetings");
    for path in ["/api/search", "/api/histogram", "/api/export.csv", "/api/export.json", "/feed.atom"] {
        let limit = &param(&spec, path, "limit")["schema"]["oneOf"];
        assert_eq!((limit[0]["minimum"].as_f64(), limit[0]["maximum"].as_f64()), (Some(1.0), Some(MAX_LIMIT as f64)));
        assert_eq!(limit[1]["enum"], json!([""]), "{path}: empty means the default");
        let offset = &param(&spec, path, "offset")["schema"]["oneOf"][0];
        assert_eq!((offset["minimum"].as_f64(), offset["maximum"].as_f64()), (Some(0.0), Some(MAX_OFFSET as f64)));
        assert_eq!(param(&spec, path, "q")["schema"]["maxLength"].as_u64(), Some(MAX_QUERY_CHARS as u64));
        assert_eq!(strings(&param(&spec, path, "sort")["schema"]["enum"]), ["", "relevance", "date_desc", "date_asc"]);
        let district = &param(&spec, path, "district")["schema"];
        assert_eq!(district["maxItems"].as_u64(), Some(MAX_FILTER_VALUES as u64));
        let districts = strings(&district["items"]["enum"]);
        assert_eq!(districts.len(), 19);
        assert!(districts.contains(&"Cały Kraków".to_string()) && !districts.contains(&String::new()));
        // The vocabularies are those of the index being served.
        let departments = strings(&param(&spec, path, "department")["schema"]["items"]["enum"]);
        assert_eq!(departments.len(), corpus().vocabulary.departments().len(), "{path}");
        let topics = strings(&param(&spec, path, "topic")["schema"]["items"]["enum"]);
        assert_eq!(topics.len(), corpus().vocabulary.topics().len(), "{path}");
        let ids = strings(&param(&spec, path, "meeting")["schema"]["items"]["enum"]);
        assert_eq!(ids.len(), meetings.as_array().unwrap().len());
        assert_eq!(param(&spec, path, "from")["schema"]["oneOf"][0]["format"], "date");
        for status in ["400", "414", "429", "503"] {
            let body = &spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"];
            assert_eq!(body["$ref"], "#/components/schemas/ErrorBody", "{path} {status}");
        }
        assert!(spec["paths"][path]["get"]["responses"]["429"]["headers"]["Retry-After"].is_object());
    }
    assert_eq!(strings(&param(&spec, "/api/histogram", "interval")["schema"]["enum"]), ["", "month", "year"]);
    // Every value the description lists for a vocabulary is accepted, one by one.
    for (name, values) in [
        ("department", strings(&param(&spec, "/api/search", "department")["schema"]["items"]["enum"])),
        ("topic", strings(&param(&spec, "/api/search", "topic")["schema"]["items"]["enum"])),
        ("district", strings(&param(&spec, "/api/search", "district")["schema"]["items"]["enum"])),
    ] {
        for v in values {
            let (status, body) = shared().get(&format!("/api/search?{name}={}&facets=false&snippets=false", enc(&v)));
            assert_eq!(status, 200, "{name}={v}: {body}");
        }
    }
    // The control characters the pattern excludes are the ones the server refuses.
    let pattern = param(&spec, "/api/search", "q")["schema"]["pattern"].as_str().unwrap().to_string();
    assert!(pattern.starts_with("^[^\\u0000-\\u0008"), "{pattern}");
    assert_eq!(shared().get("/api/search?q=a%08b").0, 400);
    assert_eq!(shared().get("/api/search?q=a%09b").0, 200, "a tab is whitespace, allowed");
    assert!(health["documents"].as_u64().unwrap() > 0);
}

#[test]
fn the_example_question_ids_exist() {
    let spec = spec();
    for path in ["/api/questions/{meeting}/{n}", "/api/questions/{meeting}/{n}/related"] {
        let meeting = param(&spec, path, "meeting")["example"].as_str().unwrap().to_string();
        let n = param(&spec, path, "n")["example"].as_u64().unwrap();
        let url = path.replace("{meeting}", &meeting).replace("{n}", &n.to_string());
        check(&spec, path, &url, 200);
        assert!(param(&spec, path, "n")["schema"]["maximum"].as_f64().unwrap() >= 1.0);
        assert_eq!(
            spec["paths"][path]["get"]["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
    }
}
