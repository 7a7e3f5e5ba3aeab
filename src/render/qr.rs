//! QR codes for printed leaflets, drawn at build time as inline SVG.
//!
//! A leaflet handed out in clinic carries the page's address as a QR code, so a
//! reader can open the current version (and its red flags) from the paper. It is
//! made here from the `qrcode` crate's module matrix rather than by a remote
//! service: a build must not depend on, or leak addresses to, a third party. One
//! `<path>` of unit squares keeps it small and crisp at any print resolution.
//!
//! Every code uses one fixed mask pattern instead of the crate's search for the
//! lowest-penalty mask: that search drew all eight masks and scored each, and with a
//! code on every page it was a quarter of a 10,000-page build's CPU. Any of the eight
//! masks is valid per the QR specification (the format bits name the one used, and
//! the print test decodes the result); the penalty only steers away from patterns
//! that a poor camera might misread, and error correction level M absorbs those.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{bits, ec, Color, EcLevel};

/// Modules of light border the QR specification asks for around the code.
const QUIET_ZONE: usize = 4;

/// The QR code of `text` as an `<svg>` element, labelled for screen readers.
/// `None` only when the text is too long for any QR code.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let bits = bits::encode_auto(text.as_bytes(), EcLevel::M).ok()?;
    let version = bits.version();
    let (data, error_correction) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &error_correction);
    canvas.apply_mask(MaskPattern::Checkerboard);
    let width = usize::try_from(version.width()).ok()?;
    let colors = canvas.into_colors();
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let size = width + 2 * QUIET_ZONE;
    Some(format!(
        "<svg class=\"qr-code\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        px = size * 3,
        label = search_index::search::escape_html(label),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_a_square_code_with_a_label() {
        let s = super::svg("https://example.org/conditions/gout/", "QR code").unwrap();
        assert!(s.starts_with("<svg class=\"qr-code\"") && s.ends_with("</svg>"));
        assert!(s.contains("aria-label=\"QR code\"") && s.contains("h1v1h-1z"));
        // Same text, same bytes: the preview and the build agree.
        assert_eq!(s, super::svg("https://example.org/conditions/gout/", "QR code").unwrap());
    }
}
