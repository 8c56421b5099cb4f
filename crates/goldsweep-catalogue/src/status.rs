//! Mine status vocabulary (English and the Chinese terms used in provincial catalogues).

use serde::Serialize;

/// Administrative status of a mine in the catalogue.
///
/// The three closed states differ in why the mine was closed; all three count as closed for the
/// sweep, because re-working any of them is illegal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MineStatus {
    /// Licensed and producing (在产, 生产, 正常生产).
    Active,
    /// Closed by policy, e.g. consolidation of small mines (政策性关闭).
    PolicyClosed,
    /// Withdrawn because it lies in a nature reserve or other protected area (保护地内退出).
    ProtectedAreaExit,
    /// Closed for ordinary reasons: exhausted, licence expired, suspended (正常关闭, 关闭, 闭坑, 停产).
    Closed,
    /// A known illegal mining point recorded earlier (盗采点, 非法开采点).
    IllegalSite,
}

/// Chinese terms and the status each one means.
const CHINESE_TERMS: &[(&str, MineStatus)] = &[
    ("在产", MineStatus::Active),
    ("生产", MineStatus::Active),
    ("正常生产", MineStatus::Active),
    ("政策性关闭", MineStatus::PolicyClosed),
    ("保护地内退出", MineStatus::ProtectedAreaExit),
    ("自然保护地退出", MineStatus::ProtectedAreaExit),
    ("正常关闭", MineStatus::Closed),
    ("关闭", MineStatus::Closed),
    ("闭坑", MineStatus::Closed),
    ("停产", MineStatus::Closed),
    ("盗采点", MineStatus::IllegalSite),
    ("非法开采点", MineStatus::IllegalSite),
];

impl MineStatus {
    /// All statuses, in declaration order.
    pub const ALL: [MineStatus; 5] = [
        MineStatus::Active,
        MineStatus::PolicyClosed,
        MineStatus::ProtectedAreaExit,
        MineStatus::Closed,
        MineStatus::IllegalSite,
    ];

    /// Parses a status written in a catalogue.
    ///
    /// Surrounding whitespace is ignored. English names match case-insensitively and with any
    /// of `_`, `-` or spaces between words (`policy_closed`, `Policy closed`, `PolicyClosed`);
    /// Chinese terms must match exactly (see [`MineStatus::accepted_values`]). Returns `None` for
    /// anything else, including the empty string.
    ///
    /// ```
    /// use goldsweep_catalogue::MineStatus;
    /// assert_eq!(MineStatus::parse(" Policy-Closed "), Some(MineStatus::PolicyClosed));
    /// assert_eq!(MineStatus::parse("闭坑"), Some(MineStatus::Closed));
    /// assert_eq!(MineStatus::parse("abandoned"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let trimmed = s.trim();
        if let Some((_, status)) = CHINESE_TERMS.iter().find(|(term, _)| *term == trimmed) {
            return Some(*status);
        }
        let squashed: String = trimmed
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().replace('_', "") == squashed)
    }

    /// The snake_case English name, as written in outputs (`"policy_closed"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            MineStatus::Active => "active",
            MineStatus::PolicyClosed => "policy_closed",
            MineStatus::ProtectedAreaExit => "protected_area_exit",
            MineStatus::Closed => "closed",
            MineStatus::IllegalSite => "illegal_site",
        }
    }

    /// True for the three closed states: policy-closed, protected-area exit and closed.
    pub fn is_closed(&self) -> bool {
        matches!(
            self,
            MineStatus::PolicyClosed | MineStatus::ProtectedAreaExit | MineStatus::Closed
        )
    }

    /// Every spelling [`MineStatus::parse`] accepts exactly (English names, then Chinese terms).
    pub fn accepted_values() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .map(MineStatus::as_str)
            .chain(CHINESE_TERMS.iter().map(|(term, _)| *term))
            .collect()
    }
}

impl std::fmt::Display for MineStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_names_round_trip() {
        for status in MineStatus::ALL {
            assert_eq!(MineStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                MineStatus::parse(&status.as_str().to_uppercase()),
                Some(status)
            );
        }
    }

    #[test]
    fn english_variants() {
        assert_eq!(
            MineStatus::parse("Protected Area Exit"),
            Some(MineStatus::ProtectedAreaExit)
        );
        assert_eq!(
            MineStatus::parse("IllegalSite"),
            Some(MineStatus::IllegalSite)
        );
        assert_eq!(MineStatus::parse("\tACTIVE\n"), Some(MineStatus::Active));
    }

    #[test]
    fn chinese_terms() {
        let cases = [
            ("在产", MineStatus::Active),
            ("生产", MineStatus::Active),
            ("正常生产", MineStatus::Active),
            ("政策性关闭", MineStatus::PolicyClosed),
            ("保护地内退出", MineStatus::ProtectedAreaExit),
            ("自然保护地退出", MineStatus::ProtectedAreaExit),
            ("正常关闭", MineStatus::Closed),
            ("关闭", MineStatus::Closed),
            (" 闭坑 ", MineStatus::Closed),
            ("停产", MineStatus::Closed),
            ("盗采点", MineStatus::IllegalSite),
            ("非法开采点", MineStatus::IllegalSite),
        ];
        for (text, status) in cases {
            assert_eq!(MineStatus::parse(text), Some(status), "{text}");
        }
    }

    #[test]
    fn unknown_values() {
        for text in ["", "  ", "abandoned", "closedd", "关", "active mine"] {
            assert_eq!(MineStatus::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn closed_states() {
        let closed: Vec<_> = MineStatus::ALL
            .into_iter()
            .filter(MineStatus::is_closed)
            .collect();
        assert_eq!(
            closed,
            [
                MineStatus::PolicyClosed,
                MineStatus::ProtectedAreaExit,
                MineStatus::Closed
            ]
        );
    }

    #[test]
    fn serialises_as_snake_case() {
        let json = serde_json::to_string(&MineStatus::ProtectedAreaExit).unwrap_or_default();
        assert_eq!(json, "\"protected_area_exit\"");
    }
}
