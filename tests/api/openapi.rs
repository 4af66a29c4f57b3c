use std::path::PathBuf;

use buurt_tests::spawn_app;
use pretty_assertions::assert_eq;

fn checked_in_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json")
}

fn generated() -> String {
    let mut spec = buurt_api::spec::openapi()
        .to_pretty_json()
        .expect("the spec serialises");
    spec.push('\n');
    spec
}

/// The spec partners generate clients from is checked in; the code must not drift from it.
/// After an intended change, `BUURT_UPDATE_OPENAPI=1 cargo test --workspace openapi` rewrites it.
#[test]
fn checked_in_spec_matches_the_code() {
    let generated = generated();
    if std::env::var_os("BUURT_UPDATE_OPENAPI").is_some() {
        std::fs::write(checked_in_path(), &generated).expect("write openapi/openapi.json");
        return;
    }
    let checked_in = std::fs::read_to_string(checked_in_path()).unwrap_or_default();
    assert_eq!(
        checked_in, generated,
        "openapi/openapi.json differs from the code (left: file, right: code); \
         if the change is intended, run BUURT_UPDATE_OPENAPI=1 cargo test --workspace openapi"
    );
}

#[actix_web::test]
async fn the_served_spec_is_the_generated_one() {
    let app = spawn_app().await;
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status, 200);
    let served = response.json();
    assert_eq!(served["openapi"], "3.1.0");
    let generated: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(served, generated);
}

#[actix_web::test]
async fn every_operation_documents_its_problems() {
    let spec: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(!paths.is_empty());
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let default = &operation["responses"]["default"];
            assert_eq!(
                default["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path}"
            );
            if method == "post" {
                let parameters = operation["parameters"]
                    .as_array()
                    .expect("POST has parameters");
                assert!(
                    parameters
                        .iter()
                        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
                    "POST {path} documents Idempotency-Key"
                );
            }
        }
    }
}

#[actix_web::test]
async fn interactive_docs_are_served_from_the_binary() {
    let app = spawn_app().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location").as_deref(), Some("/docs/"));

    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("swagger-ui"), "{}", page.text());
    // The page's assets come from the binary, not from a CDN.
    assert!(!page.text().contains("https://"), "{}", page.text());
    for asset in ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"] {
        let response = app.get(asset).await;
        assert_eq!(response.status, 200, "{asset}");
        assert!(response.body.len() > 10_000, "{asset}");
    }
    let initializer = app.get("/docs/swagger-initializer.js").await;
    assert!(
        initializer.text().contains("/openapi.json"),
        "{}",
        initializer.text()
    );
}
