//! QR codes for printed leaflets, drawn at build time as inline SVG.
//!
//! A leaflet handed out in clinic carries the page's address as a QR code, so a
//! reader can open the current version (and its red flags) from the paper. It is
//! made here from the `qrcode` crate's module matrix rather than by a remote
//! service: a build must not depend on, or leak addresses to, a third party. One
//! `<path>` of one-module-high rectangles keeps it small and crisp at any print resolution.
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
    // One rectangle per horizontal run of dark modules: a third of the bytes of one
    // square per module, and the same picture.
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            // By hand, not `write!`: formatting machinery was most of this function's time.
            path.push('M');
            push_number(&mut path, x + QUIET_ZONE);
            path.push(' ');
            push_number(&mut path, y + QUIET_ZONE);
            path.push('h');
            push_number(&mut path, run);
            path.push_str("v1h-");
            push_number(&mut path, run);
            path.push('z');
            x += run;
        }
    }
    let size = width + 2 * QUIET_ZONE;
    Some(format!(
        "<svg class=\"qr-code\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        px = size * 3,
        label = search_index::search::escape_html(label),
    ))
}

/// Appends `n` in decimal (QR coordinates are below 200).
fn push_number(out: &mut String, n: usize) {
    if n >= 10 {
        push_number(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_a_square_code_with_a_label() {
        let s = super::svg("https://example.org/conditions/gout/", "QR code").unwrap();
        assert!(s.starts_with("<svg class=\"qr-code\"") && s.ends_with("</svg>"));
        assert!(s.contains("aria-label=\"QR code\""));
        // Runs, not single squares: the finder pattern's top row is one run of seven.
        assert!(s.contains("M4 4h7v1h-7z"), "{s}");
        let mut n = String::new();
        for x in [0, 7, 10, 45, 177] {
            super::push_number(&mut n, x);
            n.push(',');
        }
        assert_eq!(n, "0,7,10,45,177,");
        // Same text, same bytes: the preview and the build agree.
        assert_eq!(s, super::svg("https://example.org/conditions/gout/", "QR code").unwrap());
    }
}
