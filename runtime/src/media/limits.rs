//! What a method's `mediaUpload` takes: checked before anything is sent.

use crate::error::MediaErrorKind;
use crate::{Error, Result};

/// The media a method accepts, as its Discovery document says: the largest upload and the accepted
/// media types. Generated builders pass their method's limits; an upload outside them fails with
/// [`Error::Media`] before a byte is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaLimits {
    /// The largest upload in bytes (`maxSize`, `5TB` being 5 × 2⁴⁰), if the document says.
    pub max_size: Option<u64>,
    /// Accepted media types, such as `image/*` or `*/*` (`accept`); empty accepts any.
    pub accept: &'static [&'static str],
}

impl MediaLimits {
    /// No limit at all.
    pub const NONE: MediaLimits = MediaLimits {
        max_size: None,
        accept: &[],
    };

    /// Fails unless `media_type` is accepted and `len` (when known) is within the largest size.
    pub fn check(&self, len: Option<u64>, media_type: &str) -> Result<()> {
        if let Some(len) = len {
            self.check_len(len)?;
        }
        if self.accept.is_empty() || self.accept.iter().any(|p| accepts(p, media_type)) {
            return Ok(());
        }
        Err(Error::media(
            MediaErrorKind::MediaType,
            format!(
                "the media type {media_type:?} is not one this method accepts ({})",
                self.accept.join(", ")
            ),
        ))
    }

    /// Fails when `len` bytes are more than the method takes.
    pub(crate) fn check_len(&self, len: u64) -> Result<()> {
        match self.max_size {
            Some(max) if len > max => Err(Error::media(
                MediaErrorKind::TooLarge,
                format!(
                    "the media is {len} bytes or more, but this method takes at most {max} bytes"
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// Whether `pattern` (`image/*`, `*/*`, `image/png`) accepts `media_type`, parameters and case aside.
fn accepts(pattern: &str, media_type: &str) -> bool {
    let essence = |t: &str| {
        let t = t.split(';').next().unwrap_or_default().trim();
        let (kind, sub) = t.split_once('/').unwrap_or((t, ""));
        (kind.to_ascii_lowercase(), sub.to_ascii_lowercase())
    };
    let (kind, sub) = essence(media_type);
    let (want_kind, want_sub) = essence(pattern);
    (want_kind == "*" || want_kind == kind) && (want_sub == "*" || want_sub == sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_by_type_and_subtype() {
        assert!(accepts("*/*", "video/mp4"));
        assert!(accepts("image/*", "IMAGE/PNG; q=1"));
        assert!(accepts(
            "application/octet-stream",
            "application/octet-stream"
        ));
        assert!(!accepts("image/*", "video/mp4"));
        assert!(!accepts("message/rfc822", "message/partial"));
    }

    #[test]
    fn limits_name_what_failed() {
        let limits = MediaLimits {
            max_size: Some(10),
            accept: &["image/*", "video/*"],
        };
        assert!(limits.check(Some(10), "image/png").is_ok());
        assert!(limits.check(None, "video/mp4").is_ok());
        assert_eq!(
            limits.check(Some(11), "image/png").unwrap_err().to_string(),
            "media: the media is 11 bytes or more, but this method takes at most 10 bytes"
        );
        assert_eq!(
            limits.check(Some(1), "text/plain").unwrap_err().to_string(),
            "media: the media type \"text/plain\" is not one this method accepts (image/*, video/*)"
        );
        assert!(MediaLimits::NONE.check(Some(u64::MAX), "x/y").is_ok());
    }
}
