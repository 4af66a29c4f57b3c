//! Turning an upload into the images Buurt serves: sniffed by its bytes (never by what the
//! client says it is), decoded within limits, turned upright, flattened onto white, and
//! re-encoded as JPEG at each fixed width. Nothing of the upload survives but its pixels: no
//! EXIF, no GPS, no comments, no trailing bytes. CPU-heavy: run it on the imaging pool.

use std::io::Cursor;

use buurt_domain::images::{MAX_PIXELS, MAX_SIDE, WIDTHS, variant_size};
use image::error::ImageError;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

/// The JPEG quality of every variant: small files, no visible loss on a phone.
const QUALITY: u8 = 82;

/// The most memory decoding one upload may take (a 50-megapixel RGBA image and change).
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Why an upload is not an image Buurt keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not JPEG, PNG or WebP (HEIC, GIF, a PDF, text, …).
    UnsupportedType,
    /// Damaged, truncated, or not what its first bytes say.
    Unreadable,
    /// More pixels than accepted (a decompression bomb, or a panorama beyond reason).
    TooLarge,
}

/// An upload made fit to serve.
#[derive(Debug)]
pub struct Processed {
    /// The image's size, upright.
    pub width: u32,
    pub height: u32,
    /// One JPEG per fixed width ([`WIDTHS`]), in that order.
    pub variants: Vec<(u32, Vec<u8>)>,
}

/// The formats decoded: what phones and browsers produce.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, Refusal> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(format),
        _ => Err(Refusal::UnsupportedType),
    }
}

fn refusal(error: ImageError) -> Refusal {
    match error {
        ImageError::Limits(_) => Refusal::TooLarge,
        ImageError::Unsupported(_) => Refusal::UnsupportedType,
        _ => Refusal::Unreadable,
    }
}

/// Whether a JPEG's image data runs to its end marker. The decoder makes the best of a file
/// that stops early (grey where the data is missing); an upload cut off on the way is refused
/// instead. The segments before the first scan are skipped by their lengths (an EXIF
/// thumbnail has an end marker of its own); inside the scans a 0xFF byte is always escaped,
/// so `FF D9` after the first scan is the end.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            // Fill bytes before a marker.
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == 0xDA {
            let scans = bytes.get(at + 2 + length..).unwrap_or_default();
            return scans.windows(2).any(|pair| pair == [0xFF, 0xD9]);
        }
        at += 2 + length;
    }
    false
}

/// Decodes `bytes` and re-encodes them at every fixed width.
pub fn process(bytes: &[u8]) -> Result<Processed, Refusal> {
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Refusal::Unreadable);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    // Judged on the header, before a single pixel is decoded.
    if width == 0 || height == 0 {
        return Err(Refusal::Unreadable);
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refusal::TooLarge);
    }
    // A camera's orientation lives in the metadata that is dropped: apply it to the pixels.
    let orientation = decoder.orientation().ok();
    let mut decoded = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    if let Some(orientation) = orientation {
        decoded.apply_orientation(orientation);
    }
    let upright = flatten(decoded);
    let (width, height) = upright.dimensions();
    let mut variants = Vec::with_capacity(WIDTHS.len());
    for fixed in WIDTHS {
        let (w, h) = variant_size(width, height, fixed);
        let jpeg = if w == width {
            encode(&upright)?
        } else {
            encode(&image::imageops::resize(
                &upright,
                w,
                h,
                FilterType::CatmullRom,
            ))?
        };
        variants.push((fixed, jpeg));
    }
    Ok(Processed {
        width,
        height,
        variants,
    })
}

/// RGB, transparency laid onto white (JPEG has no alpha; white is what a transparent logo
/// or sticker means on a light screen).
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    RgbImage::from_fn(width, height, |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| -> u8 {
            let mixed = (u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255;
            u8::try_from(mixed).unwrap_or(u8::MAX)
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

fn encode(image: &RgbImage) -> Result<Vec<u8>, Refusal> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(image)
        .map_err(|_| Refusal::Unreadable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
                width,
                height,
                image::Rgba([0, 0, 0, 0]),
            ))
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_pixel(
                width,
                height,
                image::Rgb([10, 200, 30]),
            ))
        };
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn every_fixed_width_is_a_jpeg_never_enlarged() {
        let processed = process(&png(1000, 500, false)).unwrap();
        assert_eq!((processed.width, processed.height), (1000, 500));
        let sizes: Vec<(u32, (u32, u32))> = processed
            .variants
            .iter()
            .map(|(fixed, jpeg)| {
                assert_eq!(image::guess_format(jpeg).unwrap(), ImageFormat::Jpeg);
                let decoded = image::load_from_memory(jpeg).unwrap();
                (*fixed, (decoded.width(), decoded.height()))
            })
            .collect();
        assert_eq!(
            sizes,
            [(320, (320, 160)), (640, (640, 320)), (1280, (1000, 500))]
        );
    }

    #[test]
    fn transparency_becomes_white() {
        let processed = process(&png(20, 20, true)).unwrap();
        let decoded = image::load_from_memory(&processed.variants[0].1)
            .unwrap()
            .into_rgb8();
        let [r, g, b] = decoded.get_pixel(10, 10).0;
        assert!(r > 245 && g > 245 && b > 245, "{r} {g} {b}");
    }

    #[test]
    fn refusals() {
        assert_eq!(process(b"hello").unwrap_err(), Refusal::UnsupportedType);
        assert_eq!(process(b"").unwrap_err(), Refusal::UnsupportedType);
        let whole = png(64, 64, false);
        assert_eq!(
            process(&whole[..whole.len() / 2]).unwrap_err(),
            Refusal::Unreadable
        );
    }

    #[test]
    fn a_jpeg_cut_off_before_its_end_marker_is_unreadable() {
        let mut whole = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(RgbImage::from_fn(64, 64, |x, y| {
            image::Rgb([x as u8 * 4, y as u8 * 4, 0])
        }))
        .write_to(&mut whole, ImageFormat::Jpeg)
        .unwrap();
        let whole = whole.into_inner();
        assert!(jpeg_is_complete(&whole));
        assert!(process(&whole).is_ok());
        for cut in [whole.len() - 2, whole.len() / 2, 30] {
            assert!(!jpeg_is_complete(&whole[..cut]), "{cut}");
            assert_eq!(process(&whole[..cut]).unwrap_err(), Refusal::Unreadable);
        }
        // Bytes after the end marker (some cameras add them) are fine.
        let mut trailing = whole.clone();
        trailing.extend_from_slice(b"trailer");
        assert!(jpeg_is_complete(&trailing));
    }
}
