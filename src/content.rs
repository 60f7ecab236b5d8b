//! Content identities: the SHA-256 of an original's bytes, shown as lowercase hex. This is the
//! only module that knows the hash function, so the rest of the code speaks of `ContentId`.

use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// The SHA-256 digest of a stored original.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId([u8; 32]);

impl ContentId {
    /// All zero bytes: the digest of nothing, used where a chain has no predecessor.
    pub const ZERO: ContentId = ContentId([0; 32]);

    /// Hash a whole buffer at once.
    pub fn of_bytes(bytes: &[u8]) -> ContentId {
        ContentId(Sha256::digest(bytes).into())
    }

    /// Hash everything a reader yields.
    ///
    /// # Errors
    /// Any read error of `reader`.
    pub fn of_reader(mut reader: impl Read) -> io::Result<ContentId> {
        let mut hasher = Hasher::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                return Ok(hasher.finish());
            }
            hasher.update(&buf[..n]);
        }
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Streaming hasher for checksumming while copying.
#[derive(Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(Sha256::new())
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> ContentId {
        ContentId(self.0.finalize().into())
    }
}

impl fmt::Display for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentId({})", self.to_hex())
    }
}

/// The text was not 64 lowercase or uppercase hex digits.
#[derive(Debug, thiserror::Error)]
#[error("not a SHA-256 hex digest: {0:?}")]
pub struct ParseContentIdError(String);

impl FromStr for ContentId {
    type Err = ParseContentIdError;

    fn from_str(s: &str) -> Result<ContentId, ParseContentIdError> {
        let err = || ParseContentIdError(s.to_string());
        if s.len() != 64 || !s.is_ascii() {
            return Err(err());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| err())?;
        }
        Ok(ContentId(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest_of_abc() {
        let id = ContentId::of_bytes(b"abc");
        assert_eq!(
            id.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn streaming_equals_one_shot_and_hex_round_trips() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let streamed = ContentId::of_reader(&data[..]).unwrap();
        assert_eq!(streamed, ContentId::of_bytes(&data));
        assert_eq!(streamed.to_hex().parse::<ContentId>().unwrap(), streamed);
        assert!("xyz".parse::<ContentId>().is_err());
    }
}
