//! Layer's ids, in one place: `layer:///keys/<uuid>`, `layer:///providers/<uuid>` and
//! `layer:///apps/…`, and the bare UUIDs used before 2015, which name the same thing. Checks,
//! key sets and the service all compare ids through [`same`], and name their form through
//! [`IdForm`].

/// Prefix of a Key ID in its current form.
pub const KEY_ID_PREFIX: &str = "layer:///keys/";
/// Prefix of a Provider ID in its current form.
pub const PROVIDER_ID_PREFIX: &str = "layer:///providers/";
/// Prefix of an App ID (which is not a Provider ID, though the two get confused).
pub const APP_ID_PREFIX: &str = "layer:///apps/";

/// The shape of an id against the prefix its kind should carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdForm {
    /// `prefix<uuid>`: the current form.
    Current,
    /// A bare UUID: the pre-2015 form, still accepted.
    BareUuid,
    /// The prefix, but no UUID after it.
    PrefixWithoutUuid,
    /// An App ID (`layer:///apps/…`) where another kind of id belongs.
    AppId,
    /// Anything else.
    Other,
}

impl IdForm {
    /// The form of `id`, for an id that should read `prefix<uuid>`.
    ///
    /// ```
    /// use layer_auth::ids::{IdForm, KEY_ID_PREFIX};
    /// let uuid = "11111111-2222-3333-4444-555555555555";
    /// assert_eq!(IdForm::of(&format!("{KEY_ID_PREFIX}{uuid}"), KEY_ID_PREFIX), IdForm::Current);
    /// assert_eq!(IdForm::of(uuid, KEY_ID_PREFIX), IdForm::BareUuid);
    /// assert_eq!(IdForm::of("layer:///apps/staging/x", KEY_ID_PREFIX), IdForm::AppId);
    /// ```
    pub fn of(id: &str, prefix: &str) -> Self {
        match id.strip_prefix(prefix) {
            Some(rest) if is_uuid(rest) => Self::Current,
            Some(_) => Self::PrefixWithoutUuid,
            None if is_uuid(id) => Self::BareUuid,
            None if id.starts_with(APP_ID_PREFIX) => Self::AppId,
            None => Self::Other,
        }
    }
}

/// What to fix about an id named `name` that is not in `prefix<uuid>` form (accepted, but
/// worth a warning), phrased to follow "but "; `None` for the current form.
pub fn form_warning(name: &str, value: &str, prefix: &str) -> Option<String> {
    match IdForm::of(value, prefix) {
        IdForm::Current => None,
        IdForm::BareUuid => Some(format!(
            "{name} is a bare UUID, the pre-2015 form: accepted, but write {prefix}<uuid>"
        )),
        IdForm::PrefixWithoutUuid => Some(format!(
            "{name} does not end in a UUID after {prefix}: check it against the dashboard"
        )),
        IdForm::AppId => Some(format!(
            "{name} is an App ID (layer:///apps/…), not a {}: use the id the dashboard shows \
             for it ({prefix}<uuid>)",
            if prefix == KEY_ID_PREFIX {
                "Key ID"
            } else {
                "Provider ID"
            }
        )),
        IdForm::Other => Some(format!("{name} is not in the {prefix}<uuid> form")),
    }
}

/// Whether `text` is a UUID in its 8-4-4-4-12 hex form.
pub fn is_uuid(text: &str) -> bool {
    // Every report checks two ids: the dashes at their places, then the hex digits between
    // them by table, with no allocation and no splitting.
    const HEX: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = (b as u8).is_ascii_hexdigit();
            b += 1;
        }
        table
    };
    let b = text.as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && [&b[..8], &b[9..13], &b[14..18], &b[19..23], &b[24..]]
            .iter()
            .all(|group| group.iter().all(|&c| HEX[usize::from(c)]))
}

/// `id` without `prefix`: the bare UUID both forms share.
pub fn bare<'a>(id: &'a str, prefix: &str) -> &'a str {
    id.strip_prefix(prefix).unwrap_or(id)
}

/// Whether two ids name the same thing: equal, or equal once `prefix` is dropped (a bare
/// UUID matches its `layer:///…/` form).
///
/// ```
/// use layer_auth::ids::{KEY_ID_PREFIX, same};
/// assert!(same("layer:///keys/abc", "abc", KEY_ID_PREFIX));
/// assert!(!same("layer:///keys/abc", "abd", KEY_ID_PREFIX));
/// ```
pub fn same(a: &str, b: &str, prefix: &str) -> bool {
    a == b || bare(a, prefix) == bare(b, prefix)
}

/// A random (version 4) UUID, drawn from `rng`: for the ids an embedded or emulated service
/// makes up.
pub fn random_uuid(rng: &mut dyn rand::Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_told_apart() {
        let uuid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
        let p = PROVIDER_ID_PREFIX;
        assert_eq!(IdForm::of(&format!("{p}{uuid}"), p), IdForm::Current);
        assert_eq!(IdForm::of(uuid, p), IdForm::BareUuid);
        assert_eq!(IdForm::of(&format!("{p}x"), p), IdForm::PrefixWithoutUuid);
        assert_eq!(
            IdForm::of(&format!("layer:///apps/staging/{uuid}"), p),
            IdForm::AppId
        );
        assert_eq!(IdForm::of("acme", p), IdForm::Other);
        assert!(!is_uuid("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeeg"));
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
        let made = random_uuid(&mut rng);
        assert!(is_uuid(&made), "{made}");
        assert_eq!(&made[14..15], "4", "version 4");
    }

    #[test]
    fn a_uuid_is_hex_in_8_4_4_4_12_and_every_one_byte_change_of_one_is_told() {
        let reference = |text: &str| {
            text.len() == 36
                && text.bytes().enumerate().all(|(i, b)| match i {
                    8 | 13 | 18 | 23 => b == b'-',
                    _ => b.is_ascii_hexdigit(),
                })
        };
        let uuid = b"0123abcd-ef45-ABCD-6789-EFefaAbB0099";
        assert!(is_uuid(std::str::from_utf8(uuid).unwrap()));
        for at in 0..uuid.len() {
            for b in [
                b'-', b'0', b'9', b'a', b'f', b'g', b'F', b'G', b'/', b':', b' ', b'x',
            ] {
                let mut changed = *uuid;
                changed[at] = b;
                let text = std::str::from_utf8(&changed).unwrap();
                assert_eq!(is_uuid(text), reference(text), "{text}");
            }
            let text = std::str::from_utf8(&uuid[..at]).unwrap();
            assert!(!is_uuid(text), "{text}");
        }
        assert!(!is_uuid("0123abcd-ef45-abcd-6789-efefaabb0099a"));
        assert!(!is_uuid("é123abcd-ef45-abcd-6789-efefaabb009"));
    }
}
