//! Shards: a stable partition of the dossiers of every collection, so that N machines (the
//! tasks of a Slurm job array, the pods of a Kubernetes Indexed Job, or workstations handed
//! one part each) can each run `sohoa run --shard K/N` into an archive of their own, to be
//! merged afterwards with `sohoa merge`.
//!
//! A dossier belongs to shard `h mod N`, where `h` is the first 8 bytes, read big-endian, of
//! the SHA-256 of the UTF-8 bytes `collection id`, one zero byte, `dossier code` (the code as
//! the catalog keys it: NFC, with `/` between folders, also when a machine writes `\`).
//! Nothing about the machine enters it (mount point, path separator, file times, the order
//! of the walk), so every machine computes the same partition. The layout is part of the
//! format of sharded work: changing it would give a re-run on other machines other shards.

use crate::content::ContentId;

/// Part `index` of `count` equal parts (`index < count`); `0/1` is the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Why a shard could not be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("shard {index} of {count}: the count must be at least 1 and K must be below it (K/N with K in 0..N-1)")]
    OutOfRange { index: u64, count: u64 },
    #[error("{text:?} is not a shard like 0/4 (K/N with K in 0..N-1)")]
    Syntax { text: String },
}

impl Shard {
    /// Every dossier: a plain run.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Part `index` of `count`.
    ///
    /// # Errors
    /// [`ShardError::OutOfRange`] unless `count >= 1` and `index < count`.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || index >= count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Parse `K/N`.
    ///
    /// # Errors
    /// Anything but two decimal numbers around one `/`, or `K >= N`.
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax {
            text: text.to_string(),
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(syntax)?;
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| syntax());
        Shard::new(number(k)?, number(n)?)
    }

    pub fn index(self) -> u64 {
        self.index
    }

    pub fn count(self) -> u64 {
        self.count
    }

    /// Whether this shard takes the dossier `code` of `collection`.
    pub fn owns(self, collection: &str, code: &str) -> bool {
        self.count == 1 || dossier_hash(collection, code) % self.count == self.index
    }
}

impl Default for Shard {
    fn default() -> Shard {
        Shard::WHOLE
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The hash the partition is made of (see the module's documentation).
pub fn dossier_hash(collection: &str, code: &str) -> u64 {
    let code = code.replace('\\', "/");
    let mut bytes = Vec::with_capacity(collection.len() + 1 + code.len());
    bytes.extend_from_slice(collection.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(code.as_bytes());
    let digest = ContentId::of_bytes(&bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinned values, the same as any SHA-256 tool gives (`printf 'cu-tru\0CT-2023-0001' |
    /// sha256sum`, first 16 hex digits): if one changes, sharded work already done on other
    /// machines would be partitioned differently by a re-run. Never update these to make the
    /// test pass.
    #[test]
    fn the_hash_of_known_codes_never_changes() {
        let pinned = [
            ("cu-tru", "CT-2023-0001", 0x9594_39d0_59f7_4485_u64),
            (
                "cu-tru",
                "Phường Bến Thành/CT-2023-0005",
                0x1a36_ca2c_9570_2f94,
            ),
            ("ket-qua", "QD-2023-0101", 0x8583_17e2_c933_2722),
        ];
        for (collection, code, hash) in pinned {
            assert_eq!(
                dossier_hash(collection, code),
                hash,
                "{collection} {code}: {:#018x}",
                dossier_hash(collection, code)
            );
        }
    }

    #[test]
    fn separators_do_not_change_the_shard() {
        assert_eq!(
            dossier_hash("cu-tru", "Phường Bến Thành\\CT-2023-0005"),
            dossier_hash("cu-tru", "Phường Bến Thành/CT-2023-0005")
        );
        assert_ne!(dossier_hash("a", "bc"), dossier_hash("ab", "c"));
    }

    #[test]
    fn shards_partition_the_dossiers() {
        let codes: Vec<String> = (0..200).map(|i| format!("HS-{i:04}")).collect();
        let shards: Vec<Shard> = (0..4).map(|k| Shard::new(k, 4).unwrap()).collect();
        for code in &codes {
            let owners = shards.iter().filter(|s| s.owns("cu-tru", code)).count();
            assert_eq!(owners, 1, "{code}");
        }
        for s in &shards {
            let taken = codes.iter().filter(|c| s.owns("cu-tru", c)).count();
            assert!((25..=75).contains(&taken), "shard {s} took {taken} of 200");
        }
        assert!(codes.iter().all(|c| Shard::WHOLE.owns("cu-tru", c)));
    }

    #[test]
    fn parse_accepts_k_of_n_only() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        assert_eq!(Shard::parse("0/1"), Ok(Shard::WHOLE));
        for bad in ["4/4", "0/0", "-1/4", "1", "a/b", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
