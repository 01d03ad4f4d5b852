//! Ranking constants: each one says what it trades off.

/// Boosts of the title, question and answer fields, in [`crate::index::Fields::text_pairs`] order.
/// A title names the problem in a few words, so a word there is the strongest signal; the
/// question is the resident's own words; answers are long, official and mention many side
/// topics, so a word found only there counts least.
pub const FIELD_BOOSTS: [f32; 3] = [3.0, 1.5, 1.0];

/// Weight of a match on the ASCII-folded fields relative to the exact-letter fields. Below 1 so
/// that exact Polish spelling ranks first (`sąd` above `sad`), high enough that a query typed
/// without Polish letters still finds the same documents in nearly the same order.
pub const FOLDED_WEIGHT: f32 = 0.7;

/// Share of the other fields' scores added to the best field's score for one word: a word found
/// in the title and the question beats one found in the title alone, without letting the long
/// answers swamp a strong title match.
pub const FIELD_TIE_BREAKER: f32 = 0.3;
