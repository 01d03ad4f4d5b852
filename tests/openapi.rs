//! The served responses conform to the served OpenAPI description, and every endpoint is in it.

use serde_json::{json, Value};

use crate::common::{enc, shared};

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
