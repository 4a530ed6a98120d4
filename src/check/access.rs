//! `check --access`: whether a credential is read-only or read-write, found out without
//! writing anything.
//!
//! Over TCP, `ACL DRYRUN <user> SET <key> 1` first (Redis 7+: Redis only checks the ACL and
//! runs nothing); it needs a user that may run `ACL`, which read-only users are not. Then,
//! over TCP and REST alike, the write probe `SET <key> 1 XX` on a key that does not exist (a
//! random name under `upwire:access-probe:`): `XX` stores only over an existing key, so a
//! read-write credential gets nil and nothing is stored or propagated, while a read-only one
//! is refused before the command runs (`NOPERM`, or `READONLY` from a replica). A reply that
//! says neither leaves the access unknown, with the reason.

use serde::Serialize;

use crate::model::Access;

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct AccessFound {
    /// `read-only` or `read-write`; `None` when the server's replies could not tell.
    pub(crate) access: Option<Access>,
    /// How it was told, or why it could not be.
    pub(crate) detail: String,
}

impl AccessFound {
    pub(crate) fn unknown(detail: impl Into<String>) -> Self {
        Self {
            access: None,
            detail: detail.into(),
        }
    }

    fn known(access: Access, detail: impl Into<String>) -> Self {
        Self {
            access: Some(access),
            detail: detail.into(),
        }
    }
}

/// A key no one has: `upwire:access-probe:` and 128 random bits from the OS.
pub(crate) fn probe_key() -> String {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    let random = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if random.is_err() {
        // No /dev/urandom: the clock and the process id still make a name no one uses.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos ^ (u128::from(std::process::id()) << 96)).to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("upwire:access-probe:{hex}")
}

/// The reply to `ACL DRYRUN <user> SET <key> 1`: `Ok` with the text of a simple or bulk
/// reply, `Err` with an error reply. `None` when DRYRUN itself is not available to this
/// user or server (then the write probe decides).
pub(crate) fn from_dryrun(user: &str, reply: Result<&str, &str>) -> Option<AccessFound> {
    match reply {
        Ok("OK") => Some(AccessFound::known(
            Access::ReadWrite,
            format!("ACL DRYRUN: user `{user}` may run SET"),
        )),
        Ok(denied) if denied.contains("no permissions") => Some(AccessFound::known(
            Access::ReadOnly,
            format!("ACL DRYRUN: user `{user}`: {denied}"),
        )),
        _ => None,
    }
}

/// The reply to the write probe `SET <key> 1 XX` (`Ok`: nil or OK; `Err`: an error reply).
pub(crate) fn from_write_probe(reply: Result<&str, &str>) -> AccessFound {
    match reply {
        Ok(_) => AccessFound::known(
            Access::ReadWrite,
            "a write was accepted: SET ... XX on a key that does not exist, so nothing was stored",
        ),
        Err(e) if e.starts_with("NOPERM") && e.contains("key") => AccessFound::unknown(format!(
            "the credential may not touch the probe key `upwire:access-probe:*` ({e}): key \
             patterns restrict it, so whether it may write its own keys is not known"
        )),
        Err(e) if e.starts_with("NOPERM") => {
            AccessFound::known(Access::ReadOnly, format!("a write was refused: {e}"))
        }
        Err(e) if e.starts_with("READONLY") => AccessFound::known(
            Access::ReadOnly,
            format!("a write was refused by a read-only replica: {e}"),
        ),
        Err(e) => AccessFound::unknown(format!(
            "the server answered the write probe with neither a refusal nor a result: {e}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dryrun_replies() {
        let rw = from_dryrun("app", Ok("OK")).unwrap();
        assert_eq!(rw.access, Some(Access::ReadWrite));
        let ro = from_dryrun(
            "ro",
            Ok("This user has no permissions to run the 'set' command"),
        )
        .unwrap();
        assert_eq!(ro.access, Some(Access::ReadOnly));
        // Old Redis, or a user that may not run ACL: the write probe decides.
        assert!(from_dryrun("ro", Err("ERR unknown subcommand 'DRYRUN'")).is_none());
        assert!(
            from_dryrun(
                "ro",
                Err("NOPERM this user has no permissions to run the 'acl|dryrun' command")
            )
            .is_none()
        );
    }

    #[test]
    fn write_probe_replies() {
        assert_eq!(from_write_probe(Ok("")).access, Some(Access::ReadWrite));
        let refused = Err("NOPERM this user has no permissions to run the 'set' command");
        assert_eq!(from_write_probe(refused).access, Some(Access::ReadOnly));
        let replica = Err("READONLY You can't write against a read only replica.");
        assert_eq!(from_write_probe(replica).access, Some(Access::ReadOnly));
        let keys = from_write_probe(Err(
            "NOPERM this user has no permissions to access one of the keys used as arguments",
        ));
        assert_eq!(keys.access, None);
        assert!(keys.detail.contains("key patterns"));
        assert_eq!(
            from_write_probe(Err("ERR unknown command 'SET'")).access,
            None
        );
    }

    #[test]
    fn probe_keys_are_new_each_time() {
        let (a, b) = (probe_key(), probe_key());
        assert_ne!(a, b);
        assert!(a.starts_with("upwire:access-probe:") && a.len() == 20 + 32);
    }
}
