//! Digests for the catalog's tamper-evident chain: an unambiguous digest of a list of fields
//! (each length-prefixed, so `("ab", "c")` and `("a", "bc")` differ) and the Merkle root of
//! a list of leaf digests. Hashing itself stays in [`crate::content`]; this module only fixes
//! how records are laid out before hashing, which must never change once catalogs hold links.

use crate::content::{ContentId, Hasher};

/// The previous hash of the first link: 32 zero bytes.
pub const GENESIS: ContentId = ContentId::ZERO;

/// Digest of `tag` followed by each field, length-prefixed.
pub fn digest_fields(tag: &str, fields: &[&[u8]]) -> ContentId {
    let mut hasher = Hasher::new();
    for field in std::iter::once(tag.as_bytes()).chain(fields.iter().copied()) {
        hasher.update(&(field.len() as u64).to_le_bytes());
        hasher.update(field);
    }
    hasher.finish()
}

/// Merkle root of `leaves`, in the order given. Inner nodes hash a `1` byte and their two
/// children, leaves are hashed by the caller with a distinct tag, so a leaf can never pass
/// for a node. An odd node at the end of a level is carried up unchanged; no leaves give the
/// digest of the empty tag.
pub fn merkle_root(leaves: &[ContentId]) -> ContentId {
    if leaves.is_empty() {
        return digest_fields("empty", &[]);
    }
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => {
                    let mut hasher = Hasher::new();
                    hasher.update(&[1]);
                    hasher.update(left.as_bytes());
                    hasher.update(right.as_bytes());
                    hasher.finish()
                }
                [single] => *single,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(text: &str) -> ContentId {
        digest_fields("leaf", &[text.as_bytes()])
    }

    #[test]
    fn fields_are_unambiguous() {
        assert_ne!(
            digest_fields("t", &[b"ab", b"c"]),
            digest_fields("t", &[b"a", b"bc"])
        );
        assert_ne!(digest_fields("t", &[b"x"]), digest_fields("u", &[b"x"]));
    }

    #[test]
    fn root_changes_with_any_leaf_its_order_or_its_count() {
        let leaves: Vec<ContentId> = ["a", "b", "c", "d", "e"].iter().map(|t| leaf(t)).collect();
        let root = merkle_root(&leaves);
        assert_eq!(root, merkle_root(&leaves), "deterministic");
        for i in 0..leaves.len() {
            let mut changed = leaves.clone();
            changed[i] = leaf("z");
            assert_ne!(merkle_root(&changed), root, "leaf {i}");
        }
        let mut swapped = leaves.clone();
        swapped.swap(0, 1);
        assert_ne!(merkle_root(&swapped), root);
        assert_ne!(merkle_root(&leaves[..4]), root);
        assert_eq!(merkle_root(&leaves[..1]), leaves[0]);
        assert_ne!(merkle_root(&[]), GENESIS);
    }
}
