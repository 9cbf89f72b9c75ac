//! A brand's logo, checked once when the brand is loaded, with the decoders
//! Typst uses: a logo that would fail (or blow up) in every document stops the
//! command before anything is written.
//!
//! What is refused: anything but PNG, JPEG and SVG; more than [`MAX_BYTES`]
//! (an SVG: [`MAX_SVG_BYTES`]); more than [`MAX_SIDE`] pixels a side (also for
//! images inside an SVG); an image that does not decode; an SVG that declares
//! XML entities (the "billion laughs") or refers to other files (Typst would
//! not find them, and a brand folder should not reach outside itself).

use std::io::Cursor;

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage};

/// Bytes a PNG or JPEG logo may have.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Bytes an SVG logo may have.
pub const MAX_SVG_BYTES: usize = 2 * 1024 * 1024;
/// Pixels a raster image may have in either direction.
pub const MAX_SIDE: u32 = 10_000;

/// What is wrong with a logo: completes "the logo `file` …".
#[derive(Debug)]
pub struct Wrong {
    pub what: String,
    pub hint: &'static str,
}

fn wrong(what: impl Into<String>, hint: &'static str) -> Wrong {
    Wrong { what: what.into(), hint }
}

const EXPORT_AGAIN: &str = "open the logo in an image editor and export it again as .svg, .png or .jpg";

/// Checks a logo's bytes; returns the extension Typst reads it by.
pub fn check(bytes: &[u8]) -> Result<&'static str, Wrong> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        raster(bytes, ExchangeFormat::Png)?;
        return Ok("png");
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        raster(bytes, ExchangeFormat::Jpg)?;
        return Ok("jpg");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
    if head.contains("<svg") || head.starts_with("<?xml") {
        svg(bytes)?;
        return Ok("svg");
    }
    Err(wrong("is not an SVG, PNG or JPEG image", "save the logo as .svg, .png or .jpg"))
}

fn megabytes(n: usize) -> String {
    format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
}

fn raster(bytes: &[u8], format: ExchangeFormat) -> Result<(), Wrong> {
    let kind = match format {
        ExchangeFormat::Jpg => "JPEG",
        _ => "PNG",
    };
    if bytes.len() > MAX_BYTES {
        return Err(wrong(
            format!("is a {kind} image of more than {}, the most a logo may have", megabytes(MAX_BYTES)),
            "export it smaller: 1000 pixels wide is plenty for a cover",
        ));
    }
    check_raster(bytes, format).map_err(|what| wrong(format!("is a {kind} image that {what}"), EXPORT_AGAIN))
}

/// Size first (from the header, nothing decoded), then a full decode as Typst does it.
fn check_raster(bytes: &[u8], format: ExchangeFormat) -> Result<(), String> {
    let (width, height) = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read ({e})"))?
        .into_dimensions()
        .map_err(|e| format!("cannot be read ({e})"))?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "is {width} × {height} pixels; at most {MAX_SIDE} pixels a side are allowed (scale it down: 1000 pixels wide is plenty)"
        ));
    }
    RasterImage::plain(Bytes::new(bytes.to_vec()), format).map_err(|e| format!("cannot be read ({e})"))?;
    Ok(())
}

fn svg(bytes: &[u8]) -> Result<(), Wrong> {
    if bytes.len() > MAX_SVG_BYTES {
        return Err(wrong(
            format!("is an SVG of more than {}, the most an SVG logo may have", megabytes(MAX_SVG_BYTES)),
            "simplify it, or export it as .png",
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(wrong("is an SVG that is not UTF-8 text", EXPORT_AGAIN));
    };
    // Entities can expand a small file into gigabytes (the "billion laughs");
    // no logo needs them. Refused before any parser sees them.
    if text.to_ascii_lowercase().contains("<!entity") {
        return Err(wrong(
            "is an SVG that declares XML entities (`<!ENTITY`), which a logo does not need and which can make it grow without bound",
            "export the SVG again without a DOCTYPE, or save the logo as .png",
        ));
    }
    let options =
        usvg::roxmltree::ParsingOptions { allow_dtd: true, nodes_limit: 1_000_000, ..Default::default() };
    let document = usvg::roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| wrong(format!("is an SVG that cannot be read ({e})"), EXPORT_AGAIN))?;
    // Links (`<a href>`) are not files; every other href is something to load.
    for node in document.descendants().filter(|n| n.tag_name().name() != "a") {
        for attribute in node.attributes().filter(|a| a.name() == "href") {
            let href = attribute.value().trim();
            if !(href.is_empty() || href.starts_with('#') || href.to_ascii_lowercase().starts_with("data:")) {
                let shown: String = href.chars().take(80).collect();
                return Err(wrong(
                    format!(
                        "is an SVG that refers to the file `{shown}`; a logo must hold everything it shows, and files outside it are not read"
                    ),
                    "embed the image in the SVG (most editors have an \"embed\" option), or save the logo as .png",
                ));
            }
        }
    }
    // Parsed the way Typst parses it (no files, images only from data: URLs).
    let options = usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..Default::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options)
        .map_err(|e| wrong(format!("is an SVG that cannot be read ({e})"), EXPORT_AGAIN))?;
    embedded_images(tree.root())
        .map_err(|what| wrong(format!("is an SVG with an embedded image that {what}"), EXPORT_AGAIN))
}

/// Images inside an SVG (data: URLs) are decoded for every document: same rules.
fn embedded_images(group: &usvg::Group) -> Result<(), String> {
    for node in group.children() {
        if let usvg::Node::Group(group) = node {
            embedded_images(group)?;
        }
        if let usvg::Node::Image(image) = node {
            match image.kind() {
                usvg::ImageKind::PNG(data) => check_raster(data, ExchangeFormat::Png)?,
                usvg::ImageKind::JPEG(data) => check_raster(data, ExchangeFormat::Jpg)?,
                usvg::ImageKind::GIF(data) => check_raster(data, ExchangeFormat::Gif)?,
                usvg::ImageKind::WEBP(data) => check_raster(data, ExchangeFormat::Webp)?,
                usvg::ImageKind::SVG(tree) => embedded_images(tree.root())?,
            }
        }
        let mut result = Ok(());
        node.subroots(|sub| {
            if result.is_ok() {
                result = embedded_images(sub);
            }
        });
        result?;
    }
    Ok(())
}
