//! Sealing state of a closed mine's workings (封堵情况), as recorded by the county teams.

use serde::Serialize;

/// Whether the adits and shafts of a closed mine have been sealed.
///
/// Field teams record this in the ledger; a sealed mine that shows new change is the strongest
/// sign of re-entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sealing {
    /// Every known entrance sealed (已封堵).
    Sealed,
    /// Not sealed (未封堵).
    Unsealed,
    /// Sealed incompletely: some entrances open or the seal breached (封堵不彻底).
    PartlySealed,
}

/// Chinese terms and the state each one means.
const CHINESE_TERMS: &[(&str, Sealing)] = &[
    ("已封堵", Sealing::Sealed),
    ("封堵", Sealing::Sealed),
    ("未封堵", Sealing::Unsealed),
    ("封堵不彻底", Sealing::PartlySealed),
    ("部分封堵", Sealing::PartlySealed),
];

impl Sealing {
    /// All states, in declaration order.
    pub const ALL: [Sealing; 3] = [Sealing::Sealed, Sealing::Unsealed, Sealing::PartlySealed];

    /// Parses a sealing state written in a catalogue or ledger.
    ///
    /// Surrounding whitespace is ignored; English names match case-insensitively with `_`, `-`
    /// or spaces between words (`partly_sealed`, `Partly sealed`); Chinese terms match exactly
    /// (see [`Sealing::accepted_values`]). `None` for anything else, including `""`.
    ///
    /// ```
    /// use goldsweep_catalogue::Sealing;
    /// assert_eq!(Sealing::parse("封堵不彻底"), Some(Sealing::PartlySealed));
    /// assert_eq!(Sealing::parse(" Unsealed "), Some(Sealing::Unsealed));
    /// assert_eq!(Sealing::parse("maybe"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let trimmed = s.trim();
        if let Some((_, state)) = CHINESE_TERMS.iter().find(|(term, _)| *term == trimmed) {
            return Some(*state);
        }
        let squashed: String = trimmed
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL
            .into_iter()
            .find(|state| state.as_str().replace('_', "") == squashed)
    }

    /// The snake_case English name, as written in outputs (`"partly_sealed"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Sealing::Sealed => "sealed",
            Sealing::Unsealed => "unsealed",
            Sealing::PartlySealed => "partly_sealed",
        }
    }

    /// The Chinese term used in ledgers (`"封堵不彻底"`).
    pub fn chinese(&self) -> &'static str {
        match self {
            Sealing::Sealed => "已封堵",
            Sealing::Unsealed => "未封堵",
            Sealing::PartlySealed => "封堵不彻底",
        }
    }

    /// Every spelling [`Sealing::parse`] accepts exactly (English names, then Chinese terms).
    pub fn accepted_values() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .map(Sealing::as_str)
            .chain(CHINESE_TERMS.iter().map(|(term, _)| *term))
            .collect()
    }
}

impl std::fmt::Display for Sealing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_chinese_round_trip() {
        for state in Sealing::ALL {
            assert_eq!(Sealing::parse(state.as_str()), Some(state));
            assert_eq!(Sealing::parse(state.chinese()), Some(state));
            assert_eq!(Sealing::parse(&state.as_str().to_uppercase()), Some(state));
        }
    }

    #[test]
    fn unknown_and_empty() {
        assert_eq!(Sealing::parse(""), None);
        assert_eq!(Sealing::parse("已封"), None);
        assert_eq!(Sealing::parse("sealed?"), None);
    }
}
