//! Images: uploads re-encoded at fixed widths without their metadata, served with caching to
//! whoever may see them, attached to posts and as avatars; bad uploads refused with nothing
//! stored; the S3 store against a local S3 server (moto).

use std::io::Cursor;
use std::path::Path;

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app, spawn_app_with};
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use object_store::aws::AmazonS3Builder;
use object_store::{ObjectStore, ObjectStoreExt};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Making images

fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    })
}

fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(
        DynamicImage::ImageRgb8(photo(width, height)),
        ImageFormat::Jpeg,
    )
}

fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, _| {
        image::Rgba([200, 10, 10, (x % 256) as u8])
    });
    encoded(DynamicImage::ImageRgba8(image), ImageFormat::Png)
}

fn webp(width: u32, height: u32) -> Vec<u8> {
    encoded(
        DynamicImage::ImageRgb8(photo(width, height)),
        ImageFormat::WebP,
    )
}

fn ifd_entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
    tiff.extend_from_slice(&tag.to_be_bytes());
    tiff.extend_from_slice(&kind.to_be_bytes());
    tiff.extend_from_slice(&count.to_be_bytes());
    tiff.extend_from_slice(&value);
}

/// An EXIF segment (APP1) as a phone writes one: orientation 6 (turn 90° clockwise to show)
/// and a GPS position (52° 22' 12.34" N).
fn exif_segment() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: orientation, and where the GPS IFD is.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    ifd_entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
    ifd_entry(&mut tiff, 0x8825, 4, 1, 38u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // The GPS IFD at 38: latitude reference and latitude (three rationals at 68).
    tiff.extend_from_slice(&2u16.to_be_bytes());
    ifd_entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    ifd_entry(&mut tiff, 0x0002, 5, 3, 68u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 68);
    for (numerator, denominator) in [(52u32, 1u32), (22, 1), (1234, 100)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// A 1600 × 1200 JPEG carrying `exif_segment` right after its start marker.
fn jpeg_with_gps() -> Vec<u8> {
    let plain = jpeg(1600, 1200);
    let mut with = plain[..2].to_vec();
    with.extend_from_slice(&exif_segment());
    with.extend_from_slice(&plain[2..]);
    with
}

/// The markers of a JPEG's segments before its image data.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], [0xFF, 0xD8], "a JPEG");
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        at += 2 + usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
    }
    markers
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A JPEG whose header claims `width` × `height` (the pixels are a small image's).
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(64, 48);
    let sof = bytes
        .windows(2)
        .position(|pair| pair == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    // FF C0, length (2), precision (1), height (2), width (2).
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

fn multipart(part: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "buurt-test-boundary-7f3a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nOur cat\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"photo\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// ---------------------------------------------------------------------------------------------
// Talking to the API

async fn upload(
    app: &TestApp,
    session: &Session,
    content_type: &str,
    bytes: Vec<u8>,
) -> TestResponse {
    app.request(Method::POST, "/v1/uploads")
        .bearer(&session.access_token)
        .raw(content_type, bytes)
        .await
}

/// Uploads a JPEG of `width` × `height`; its id.
async fn uploaded(app: &TestApp, session: &Session, width: u32, height: u32) -> String {
    let response = upload(app, session, "image/jpeg", jpeg(width, height)).await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()["id"].as_str().unwrap().to_owned()
}

async fn fetch(app: &TestApp, session: Option<&Session>, path: &str) -> TestResponse {
    match session {
        Some(session) => app.get_as(session, path).await,
        None => app.get(path).await,
    }
}

/// The status of fetching the image's 320 variant as `session`.
async fn seen(app: &TestApp, session: Option<&Session>, id: &str) -> u16 {
    fetch(app, session, &format!("/v1/images/{id}/320"))
        .await
        .status
        .as_u16()
}

async fn patch(app: &TestApp, session: &Session, path: &str, body: &Value) -> TestResponse {
    app.request(Method::PATCH, path)
        .bearer(&session.access_token)
        .json(body)
        .await
}

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Upload, resize, strip, serve

#[actix_web::test]
async fn an_upload_is_reencoded_upright_at_fixed_widths_without_its_exif_and_gps() {
    let app = spawn_app().await;
    let owner = app.register("fotograaf@example.nl").await;
    let original = jpeg_with_gps();
    // The upload really carries the position and the orientation.
    assert!(jpeg_markers(&original).contains(&0xE1));
    assert!(contains(&original, b"Exif\0\0MM"));
    assert_eq!(image::load_from_memory(&original).unwrap().width(), 1600);

    let response = upload(&app, &owner, "image/jpeg", original.clone()).await;
    assert_eq!(response.status, 201, "{}", response.text());
    let body = response.json();
    let id = body["id"].as_str().unwrap().to_owned();
    // Orientation 6: shown turned a quarter, so 1200 wide and 1600 high.
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(1200), Some(1600))
    );
    let variants: Vec<(u64, u64, String)> = body["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["width"].as_u64().unwrap(),
                v["height"].as_u64().unwrap(),
                v["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        variants,
        [
            (320, 427, format!("/v1/images/{id}/320")),
            (640, 853, format!("/v1/images/{id}/640")),
            // Narrower than 1280: kept at its own width, never enlarged.
            (1200, 1600, format!("/v1/images/{id}/1280")),
        ]
    );
    assert_eq!(
        response.header("location").as_deref(),
        Some(format!("/v1/images/{id}/1280").as_str())
    );

    for (width, height, url) in &variants {
        let served = app.get_as(&owner, url).await;
        assert_eq!(served.status, 200, "{url}");
        assert_eq!(served.header("content-type").as_deref(), Some("image/jpeg"));
        assert_ne!(served.body, original, "never served as uploaded");
        // Re-encoded: no EXIF segment, no trace of the position.
        let markers = jpeg_markers(&served.body);
        assert!(!markers.contains(&0xE1), "{url}: APP1 in {markers:x?}");
        assert!(!contains(&served.body, b"Exif"), "{url}");
        let decoded = image::load_from_memory(&served.body).unwrap();
        assert_eq!(
            (u64::from(decoded.width()), u64::from(decoded.height())),
            (*width, *height)
        );
        // Long-lived caching on the device, none in shared caches, and a validator.
        assert_eq!(
            served.header("cache-control").as_deref(),
            Some("private, max-age=31536000, immutable")
        );
        let etag = served.header("etag").expect("an ETag");
        let again = app
            .request(Method::GET, url)
            .bearer(&owner.access_token)
            .header("if-none-match", &etag)
            .send()
            .await;
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag));
    }
    // The variants differ from each other: each its own size.
    let small = app.get_as(&owner, &variants[0].2).await.body;
    let large = app.get_as(&owner, &variants[2].2).await.body;
    assert!(small.len() < large.len());

    // Only the fixed widths exist.
    assert_eq!(
        app.get_as(&owner, &format!("/v1/images/{id}/500"))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_as(&owner, &format!("/v1/images/{id}/0"))
            .await
            .status,
        404
    );
    let unknown = uuid::Uuid::new_v4();
    app.get_as(&owner, &format!("/v1/images/{unknown}/320"))
        .await
        .assert_problem(404, "not_found");

    // Kept in the store beside the SQLite file by default (or the test's directory).
    let stored = files_under(&app.database.images_dir());
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert!(
        stored
            .iter()
            .all(|path| path.to_string_lossy().contains(&id))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM images"), 1);
}

#[actix_web::test]
async fn unattached_uploads_are_their_uploaders_alone() {
    let app = spawn_app().await;
    let owner = app.register("eigenaar@example.nl").await;
    let other = app.register("ander@example.nl").await;
    let id = uploaded(&app, &owner, 400, 300).await;
    assert_eq!(seen(&app, Some(&owner), &id).await, 200);
    assert_eq!(seen(&app, Some(&other), &id).await, 404);
    assert_eq!(seen(&app, None, &id).await, 404);
    // A 404 like any unknown image: nothing to learn, and never cached.
    let refused = app.get_as(&other, &format!("/v1/images/{id}/320")).await;
    refused.assert_problem(404, "not_found");
    assert_eq!(refused.header("cache-control").as_deref(), Some("no-store"));
}

#[actix_web::test]
async fn png_webp_and_multipart_uploads_are_accepted() {
    let app = spawn_app().await;
    let owner = app.register("vormen@example.nl").await;

    // A transparent PNG is laid onto white.
    let response = upload(&app, &owner, "image/png", png_with_alpha(300, 200)).await;
    assert_eq!(response.status, 201, "{}", response.text());
    let id = response.json()["id"].as_str().unwrap().to_owned();
    let served = app.get_as(&owner, &format!("/v1/images/{id}/320")).await;
    let pixel = image::load_from_memory(&served.body).unwrap().into_rgb8();
    let [r, g, b] = pixel.get_pixel(0, 100).0;
    assert!(
        r > 240 && g > 240 && b > 240,
        "transparent is white: {r} {g} {b}"
    );
    assert_eq!((pixel.width(), pixel.height()), (300, 200));

    let response = upload(&app, &owner, "image/webp", webp(800, 600)).await;
    assert_eq!(response.status, 201, "{}", response.text());
    assert_eq!(response.json()["variants"][1]["height"], 480);

    // The declared type does not decide: the bytes do.
    let response = upload(&app, &owner, "application/octet-stream", jpeg(100, 100)).await;
    assert_eq!(response.status, 201, "{}", response.text());

    let (content_type, body) = multipart("file", &jpeg(640, 480));
    let response = upload(&app, &owner, &content_type, body).await;
    assert_eq!(response.status, 201, "{}", response.text());
    assert_eq!(response.json()["width"], 640);
    assert_eq!(app.count("SELECT COUNT(*) FROM images"), 4);

    // A retry over a flaky mobile network stores the photo once.
    let send = || {
        app.request(Method::POST, "/v1/uploads")
            .bearer(&owner.access_token)
            .header("idempotency-key", "foto-1")
            .raw("image/jpeg", jpeg(200, 100))
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = send().await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM images"), 5);
}

#[actix_web::test]
async fn bad_uploads_are_refused_with_problems_and_nothing_is_stored() {
    let app = spawn_app().await;
    let owner = app.register("fout@example.nl").await;
    let heic = {
        let mut bytes = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        bytes.extend_from_slice(&[0u8; 64]);
        bytes
    };
    let whole = jpeg(800, 600);
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("image/heic", heic.clone(), 415, "unsupported_image_type"),
        ("image/jpeg", heic, 415, "unsupported_image_type"),
        (
            "image/jpeg",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
            415,
            "unsupported_image_type",
        ),
        (
            "image/gif",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec(),
            415,
            "unsupported_image_type",
        ),
        ("text/plain", whole.clone(), 415, "unsupported_image_type"),
        (
            "application/json",
            b"{}".to_vec(),
            415,
            "unsupported_image_type",
        ),
        // Truncated: the header is fine, the pixels stop half way.
        (
            "image/jpeg",
            whole[..whole.len() / 2].to_vec(),
            422,
            "image_unreadable",
        ),
        (
            "image/png",
            png_with_alpha(200, 200)[..300].to_vec(),
            422,
            "image_unreadable",
        ),
        ("image/jpeg", whole[..40].to_vec(), 422, "image_unreadable"),
        // Decompression bombs: small files claiming huge images.
        (
            "image/jpeg",
            jpeg_claiming(10_000, 10_000),
            422,
            "image_too_large",
        ),
        (
            "image/jpeg",
            jpeg_claiming(30_000, 100),
            422,
            "image_too_large",
        ),
        ("image/jpeg", Vec::new(), 400, "no_image"),
    ];
    for (content_type, bytes, status, code) in cases {
        let response = upload(&app, &owner, content_type, bytes).await;
        let problem = response.assert_problem(status, code);
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // The 415 names what is supported, in the asked language too.
    let response = app
        .request(Method::POST, "/v1/uploads")
        .bearer(&owner.access_token)
        .header("accept-language", "nl")
        .raw("image/heic", b"\0\0\0\x18ftypheic".to_vec())
        .await;
    let problem = response.assert_problem(415, "unsupported_image_type");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("JPEG") && detail.contains("PNG") && detail.contains("WebP"),
        "{detail}"
    );
    assert!(detail.contains("Stuur"), "{detail}");

    // Over 10 MiB, announced or not.
    let mut huge = jpeg(16, 16);
    huge.resize(10 * 1024 * 1024 + 1, 0);
    upload(&app, &owner, "image/jpeg", huge.clone())
        .await
        .assert_problem(413, "payload_too_large");
    let chunks: Vec<Vec<u8>> = huge.chunks(1024 * 1024).map(<[u8]>::to_vec).collect();
    app.request(Method::POST, "/v1/uploads")
        .bearer(&owner.access_token)
        .chunked("image/jpeg", chunks)
        .await
        .assert_problem(413, "payload_too_large");
    let (content_type, body) = multipart("file", &huge);
    upload(&app, &owner, &content_type, body)
        .await
        .assert_problem(413, "payload_too_large");

    // Forms: without the part `file`, or unreadable.
    let (content_type, body) = multipart("photo", &jpeg(10, 10));
    upload(&app, &owner, &content_type, body)
        .await
        .assert_problem(400, "no_image");
    upload(
        &app,
        &owner,
        "multipart/form-data; boundary=x",
        b"garbage".to_vec(),
    )
    .await
    .assert_problem(400, "bad_request");
    let (content_type, body) = multipart("file", &whole[..whole.len() / 3]);
    upload(&app, &owner, &content_type, body)
        .await
        .assert_problem(422, "image_unreadable");

    // Signed in only.
    app.request(Method::POST, "/v1/uploads")
        .raw("image/jpeg", jpeg(10, 10))
        .await
        .assert_problem(401, "unauthorized");

    assert_eq!(app.count("SELECT COUNT(*) FROM images"), 0);
    assert_eq!(
        files_under(&app.database.images_dir()),
        Vec::<std::path::PathBuf>::new()
    );
}

// ---------------------------------------------------------------------------------------------
// On posts and activities

struct World {
    app: TestApp,
    neighbourhood: String,
    author: Session,
    member: Session,
    outsider: Session,
    moderator: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000021", "Fotobuurt", &["1234"])
        .await;
    let author = app
        .member(&admin, &neighbourhood, "auteur@example.nl", "resident")
        .await;
    let member = app
        .member(&admin, &neighbourhood, "lid@example.nl", "resident")
        .await;
    let moderator = app
        .member(&admin, &neighbourhood, "moderator@example.nl", "moderator")
        .await;
    let outsider = app.register("buiten@example.nl").await;
    World {
        app,
        neighbourhood,
        author,
        member,
        outsider,
        moderator,
    }
}

impl World {
    async fn create(&self, session: &Session, body: Value) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await
    }

    /// Who sees the image: (author, member, moderator, outsider, anonymous).
    async fn audience(&self, id: &str) -> [u16; 5] {
        [
            seen(&self.app, Some(&self.author), id).await,
            seen(&self.app, Some(&self.member), id).await,
            seen(&self.app, Some(&self.moderator), id).await,
            seen(&self.app, Some(&self.outsider), id).await,
            seen(&self.app, None, id).await,
        ]
    }
}

fn image_ids(post: &Value) -> Vec<String> {
    post["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|image| image["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn post_images_are_seen_by_whoever_sees_the_post() {
    let w = world().await;
    let first = uploaded(&w.app, &w.author, 500, 400).await;
    let second = uploaded(&w.app, &w.author, 400, 500).await;
    let poster = uploaded(&w.app, &w.author, 800, 600).await;

    // A members-only request with two photos, in the order given.
    let created = w
        .create(
            &w.author,
            json!({"kind": "request", "title": "Kat vermist", "body": "Grijs, rode halsband.",
                   "category": "help", "visibility": "members", "image_ids": [second, first]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let post = created.json();
    let post_id = post["id"].as_str().unwrap().to_owned();
    assert_eq!(image_ids(&post), [second.clone(), first.clone()]);
    assert_eq!(
        post["images"][1]["variants"][0]["url"],
        format!("/v1/images/{first}/320")
    );
    assert_eq!(w.audience(&first).await, [200, 200, 200, 404, 404]);

    // The same images in the single post and in the feed.
    let single = w
        .app
        .get_as(&w.member, &format!("/v1/posts/{post_id}"))
        .await;
    assert_eq!(image_ids(&single.json()), [second.clone(), first.clone()]);
    let feed = w
        .app
        .get_as(
            &w.member,
            &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
        )
        .await;
    assert_eq!(
        image_ids(&feed.json()["items"][0]),
        [second.clone(), first.clone()]
    );

    // A public activity with a poster: anyone, signed in or not.
    let activity = w
        .create(
            &w.author,
            json!({"kind": "activity", "title": "Buurtbarbecue", "body": "Neem een stoel mee.",
                   "image_ids": [poster],
                   "activity": {"starts_at": "2030-06-01T16:00:00Z", "ends_at": "2030-06-01T20:00:00Z",
                                "location": "Het plein"}}),
        )
        .await;
    assert_eq!(activity.status, 201, "{}", activity.text());
    let activity_id = activity.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(w.audience(&poster).await, [200, 200, 200, 200, 200]);
    let public = w.app.get(&format!("/v1/posts/{activity_id}")).await;
    assert_eq!(image_ids(&public.json()), [poster.as_str()]);

    // Made members-only: the outside world loses the poster too.
    let changed = patch(
        &w.app,
        &w.author,
        &format!("/v1/posts/{activity_id}"),
        &json!({"visibility": "members"}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(w.audience(&poster).await, [200, 200, 200, 404, 404]);

    // Hidden by a moderator: only moderators and the author.
    let hidden = w
        .app
        .post_as(
            &w.moderator,
            &format!("/v1/posts/{post_id}/hide"),
            &json!({}),
        )
        .await;
    assert_eq!(hidden.status, 200, "{}", hidden.text());
    assert_eq!(image_ids(&hidden.json()), [second.clone(), first.clone()]);
    assert_eq!(w.audience(&first).await, [200, 404, 200, 404, 404]);
    let shown = w
        .app
        .post_as(
            &w.moderator,
            &format!("/v1/posts/{post_id}/unhide"),
            &json!({}),
        )
        .await;
    assert_eq!(shown.status, 200);

    // The author replaces the list: the one left off is theirs alone again.
    let changed = patch(
        &w.app,
        &w.author,
        &format!("/v1/posts/{post_id}"),
        &json!({"image_ids": [first]}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(image_ids(&changed.json()), [first.as_str()]);
    assert_eq!(w.audience(&second).await, [200, 404, 404, 404, 404]);
    // …and can go on another post.
    let again = w
        .create(&w.author, json!({"kind": "news", "title": "Gevonden!", "body": "Dank allen.", "image_ids": [second]}))
        .await;
    assert_eq!(again.status, 201, "{}", again.text());

    // Other changes leave the images as they are; `[]` removes them.
    let changed = patch(
        &w.app,
        &w.author,
        &format!("/v1/posts/{post_id}"),
        &json!({"title": "Kat nog steeds vermist"}),
    )
    .await;
    assert_eq!(image_ids(&changed.json()), [first.as_str()]);
    let changed = patch(
        &w.app,
        &w.author,
        &format!("/v1/posts/{post_id}"),
        &json!({"image_ids": []}),
    )
    .await;
    assert_eq!(image_ids(&changed.json()), Vec::<String>::new());
    assert_eq!(w.audience(&first).await, [200, 404, 404, 404, 404]);

    // A deleted post takes its images with it.
    let deleted = w
        .app
        .delete_as(&w.author, &format!("/v1/posts/{activity_id}"))
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(w.audience(&poster).await, [404, 404, 404, 404, 404]);
}

#[actix_web::test]
async fn images_that_are_not_the_authors_to_attach_are_refused_and_nothing_changes() {
    let w = world().await;
    let mine = uploaded(&w.app, &w.author, 100, 100).await;
    let theirs = uploaded(&w.app, &w.member, 100, 100).await;
    let news =
        |ids: Value| json!({"kind": "news", "title": "Nieuws", "body": "Tekst", "image_ids": ids});

    let refused = w.create(&w.author, news(json!([mine, theirs]))).await;
    let problem = refused.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "image_ids[1]");
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = w.create(&w.author, news(json!([unknown]))).await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "image_ids[0]"
    );
    let refused = w.create(&w.author, news(json!([mine, mine]))).await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "image_ids[1]"
    );
    let seven: Vec<String> = (0..7).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let refused = w.create(&w.author, news(json!(seven))).await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "image_ids"
    );
    let refused = w.create(&w.author, news(json!(["not-a-uuid"]))).await;
    refused.assert_problem(422, "validation_failed");
    // Nothing was posted, and the image is still unattached.
    assert_eq!(w.app.count("SELECT COUNT(*) FROM posts"), 0);
    assert_eq!(w.audience(&mine).await, [200, 404, 404, 404, 404]);

    // One on a post already cannot go on another, nor become an avatar.
    let first = w.create(&w.author, news(json!([mine]))).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let post_id = first.json()["id"].as_str().unwrap().to_owned();
    let refused = w.create(&w.author, news(json!([mine]))).await;
    refused.assert_problem(422, "validation_failed");
    let refused = patch(
        &w.app,
        &w.author,
        "/v1/me",
        &json!({"avatar_image_id": mine}),
    )
    .await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "avatar_image_id"
    );
    // Changing a post with someone else's image changes nothing of it.
    let refused = patch(
        &w.app,
        &w.author,
        &format!("/v1/posts/{post_id}"),
        &json!({"title": "Nieuw", "image_ids": [theirs]}),
    )
    .await;
    refused.assert_problem(422, "validation_failed");
    let post = w
        .app
        .get_as(&w.author, &format!("/v1/posts/{post_id}"))
        .await
        .json();
    assert_eq!(post["title"], "Nieuws");
    assert_eq!(image_ids(&post), [mine.as_str()]);
    // Only the author changes a post's images.
    let refused = patch(
        &w.app,
        &w.member,
        &format!("/v1/posts/{post_id}"),
        &json!({"image_ids": [theirs]}),
    )
    .await;
    refused.assert_problem(403, "forbidden");
    assert_eq!(w.audience(&theirs).await, [404, 200, 404, 404, 404]);
}

#[actix_web::test]
async fn one_image_lands_on_one_post_when_two_race_for_it() {
    let w = world().await;
    for round in 0..3 {
        let id = uploaded(&w.app, &w.author, 64, 64).await;
        let body = |title: &str| json!({"kind": "news", "title": title, "body": "Race", "image_ids": [id]});
        let (one, two) = futures_util::join!(
            w.create(&w.author, body("Een")),
            w.create(&w.author, body("Twee"))
        );
        let mut statuses = [one.status.as_u16(), two.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [201, 422],
            "round {round}: {} / {}",
            one.text(),
            two.text()
        );
        let on_posts = w.app.count(&format!(
            "SELECT COUNT(*) FROM images WHERE id = '{id}' AND post_id IS NOT NULL"
        ));
        assert_eq!(on_posts, 1);
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM posts"), 3);
}

// ---------------------------------------------------------------------------------------------
// Avatars

#[actix_web::test]
async fn an_avatar_is_seen_by_neighbours_and_administrators() {
    let w = world().await;
    let admin = w.app.admin().await;
    let id = uploaded(&w.app, &w.member, 300, 300).await;
    let changed = patch(
        &w.app,
        &w.member,
        "/v1/me",
        &json!({"avatar_image_id": id, "bio": "Hallo"}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let me = changed.json();
    assert_eq!(me["avatar"]["id"], id.as_str());
    assert_eq!(
        me["avatar"]["variants"][2]["url"],
        format!("/v1/images/{id}/1280")
    );
    assert_eq!(
        w.app.get_as(&w.member, "/v1/me").await.json()["avatar"]["id"],
        id.as_str()
    );

    // The owner, a neighbour, a moderator of their neighbourhood and an administrator; not
    // someone from elsewhere, not the anonymous world.
    assert_eq!(seen(&w.app, Some(&w.member), &id).await, 200);
    assert_eq!(seen(&w.app, Some(&w.author), &id).await, 200);
    assert_eq!(seen(&w.app, Some(&w.moderator), &id).await, 200);
    assert_eq!(seen(&w.app, Some(&admin), &id).await, 200);
    assert_eq!(seen(&w.app, Some(&w.outsider), &id).await, 404);
    assert_eq!(seen(&w.app, None, &id).await, 404);

    // A new avatar replaces the old, which is the owner's alone again.
    let newer = uploaded(&w.app, &w.member, 200, 200).await;
    let changed = patch(
        &w.app,
        &w.member,
        "/v1/me",
        &json!({"avatar_image_id": newer}),
    )
    .await;
    assert_eq!(changed.json()["avatar"]["id"], newer.as_str());
    assert_eq!(seen(&w.app, Some(&w.author), &id).await, 404);
    assert_eq!(seen(&w.app, Some(&w.author), &newer).await, 200);
    // Setting the same one again is fine.
    let same = patch(
        &w.app,
        &w.member,
        "/v1/me",
        &json!({"avatar_image_id": newer}),
    )
    .await;
    assert_eq!(same.status, 200, "{}", same.text());

    // Someone else's upload, or an unknown one: refused, nothing changed.
    let foreign = uploaded(&w.app, &w.author, 50, 50).await;
    let refused = patch(
        &w.app,
        &w.member,
        "/v1/me",
        &json!({"avatar_image_id": foreign, "bio": "Anders"}),
    )
    .await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "avatar_image_id"
    );
    let me = w.app.get_as(&w.member, "/v1/me").await.json();
    assert_eq!(me["avatar"]["id"], newer.as_str());
    assert_eq!(me["bio"], "Hallo");
    let refused = patch(
        &w.app,
        &w.member,
        "/v1/me",
        &json!({"avatar_image_id": "nope"}),
    )
    .await;
    refused.assert_problem(422, "validation_failed");

    // `null` removes it.
    let cleared = patch(
        &w.app,
        &w.member,
        "/v1/me",
        &json!({"avatar_image_id": null}),
    )
    .await;
    assert_eq!(cleared.json()["avatar"], Value::Null);
    assert_eq!(seen(&w.app, Some(&w.author), &newer).await, 404);
    assert_eq!(seen(&w.app, Some(&w.member), &newer).await, 200);
}

// ---------------------------------------------------------------------------------------------
// S3-compatible storage

/// A moto S3 server on a free port, stopped when dropped. `BUURT_MOTO_SERVER` names the
/// program (`.ci/run` installs it in a virtual environment); else `moto_server` on `PATH`.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Moto {
    async fn start() -> Self {
        let program = std::env::var("BUURT_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("start {program} (pip install 'moto[server]', or set BUURT_MOTO_SERVER): {error}")
            });
        let moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = awc::Client::default();
        for _ in 0..300 {
            if client.get(&moto.endpoint).send().await.is_ok() {
                return moto;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{program} did not answer on {}", moto.endpoint);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn images_live_in_s3_compatible_storage_shared_by_every_node() {
    let moto = Moto::start().await;
    let client = awc::Client::default();
    let bucket = format!("{}/buurt-bilder", moto.endpoint);
    let created = client.put(&bucket).send().await.unwrap();
    assert!(
        created.status().is_success(),
        "create the bucket: {}",
        created.status()
    );

    let s3 = |config: &mut buurt_api::Config| {
        config.object_store_url = Some("s3://buurt-bilder/nodes".into());
        config.object_store_options = vec![
            ("aws_endpoint".into(), moto.endpoint.clone()),
            ("aws_allow_http".into(), "true".into()),
            ("aws_access_key_id".into(), "testing".into()),
            ("aws_secret_access_key".into(), "testing".into()),
            ("aws_region".into(), "us-east-1".into()),
        ];
    };
    let app = spawn_app_with(s3).await;
    let owner = app.register("wolk@example.nl").await;
    let response = upload(&app, &owner, "image/jpeg", jpeg_with_gps()).await;
    assert_eq!(response.status, 201, "{}", response.text());
    let id = response.json()["id"].as_str().unwrap().to_owned();

    // In the bucket, under the prefix, as served: re-encoded, without the EXIF.
    let served = app.get_as(&owner, &format!("/v1/images/{id}/640")).await;
    assert_eq!(served.status, 200);
    let reader = AmazonS3Builder::new()
        .with_endpoint(&moto.endpoint)
        .with_allow_http(true)
        .with_bucket_name("buurt-bilder")
        .with_region("us-east-1")
        .with_access_key_id("testing")
        .with_secret_access_key("testing")
        .build()
        .unwrap();
    let mut listed: Vec<String> = reader
        .list_with_delimiter(Some(&object_store::path::Path::from(format!(
            "nodes/images/{id}"
        ))))
        .await
        .unwrap()
        .objects
        .into_iter()
        .map(|object| object.location.to_string())
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        [1280, 320, 640].map(|width| format!("nodes/images/{id}/{width}.jpg"))
    );
    let stored = reader
        .get(&object_store::path::Path::from(format!(
            "nodes/images/{id}/640.jpg"
        )))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(stored.as_ref(), served.body.as_slice());
    assert!(!contains(&stored, b"Exif"));
    // Nothing on the local disk.
    assert!(files_under(&app.database.images_dir()).is_empty());

    // Another node (its own disk, the same bucket) serves it too.
    let other = app.another_node(s3);
    let elsewhere = other.get_as(&owner, &format!("/v1/images/{id}/640")).await;
    assert_eq!(elsewhere.status, 200);
    assert_eq!(elsewhere.body, served.body);
    drop(other);

    // An unreachable store is an opaque 500, never the upload's fault, and nothing recorded.
    drop(moto);
    let response = upload(&app, &owner, "image/jpeg", jpeg(64, 64)).await;
    let problem = response.assert_problem(500, "internal_error");
    assert!(!problem.to_string().contains("127.0.0.1"), "{problem}");
    assert_eq!(app.count("SELECT COUNT(*) FROM images"), 1);
}
