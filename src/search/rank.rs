//! Ranking constants: each one says what it trades off.

/// Weights of the title, the question and the answers in the searched text. A title names the
/// problem in a few words, so a word there is the strongest signal; the question is the resident's
/// own words; answers are long, official and mention many side topics, so a word found only there
/// counts least. As boosts of separate fields for more-like-this
/// ([`crate::index::Fields::related_fields`]); searches weigh the parts by how often each is
/// indexed in one field ([`crate::index::schema::BODY_REPEATS`], 3 : 2 : 1).
pub const FIELD_BOOSTS: [f32; 3] = [3.0, 1.5, 1.0];

/// Weight of a match on the ASCII-folded fields relative to the exact-letter fields. Below 1 so
/// that exact Polish spelling ranks first (`sąd` above `sad`), high enough that a query typed
/// without Polish letters still finds the same documents in nearly the same order.
pub const FOLDED_WEIGHT: f32 = 0.7;

/// Share of the other fields' scores added to the best field's score for one of a related seed's
/// words (and of the other analyses' for a phrase): a word found in the title and the question
/// beats one found in the title alone, without letting the long answers swamp a strong title match.
pub const FIELD_TIE_BREAKER: f32 = 0.3;

/// Weight of a typo correction at edit distance `d` (1 or 2), relative to an exact match. Low so
/// that a correct spelling always wins, high enough that the only plausible reading of a typo is
/// found; only used for words the index does not know at all.
pub fn fuzzy_weight(d: u32) -> f32 {
    match d {
        0 => 1.0,
        1 => 0.5,
        _ => 0.3,
    }
}

/// Weight of a query word typed as a proper name (a capital, not where a sentence starts:
/// `Kurdwanowie`, `Białych Morzach`) beside other words. A place's name is rare, so BM25 weighs it above the
/// words of the problem, and a question about anything at that place outranked the same problem
/// elsewhere, which residents and the judged sets count as useful (grade 1) where the other
/// problem there is not. Half: the place still puts its own questions on the problem first.
/// Chosen on the holdout among 0.3 / 0.5 / 0.7 / 1 (nDCG@10 0.888 / 0.892 / 0.891 / 0.891; place
/// 0.787 / 0.831 / 0.826 / 0.824), checked on dev (0.917 / 0.918 / 0.918 / 0.918) and the second
/// holdout (0.795 / 0.795 / 0.793 / 0.793): at 0.5 five queries gain and none loses with the
/// model (by words alone one dev query loses, docs/RELEVANCE.md). Related
/// questions weigh a seed's names apart (`related::NAME_WEIGHT`, read from the seed's text).
pub const NAME_WEIGHT: f32 = 0.5;

/// When fewer questions than this (one page) contain most of the query's words, questions with
/// any of them are added after those. On the dev set, relaxing only when nothing matched gave
/// nDCG@10 0.747, relaxing below 10 with the strict matches first 0.816 (below 5: 0.792).
pub const RELAX_BELOW: u64 = 10;

/// A query word in more than this share of the questions (the commonest of its terms) does not
/// select questions, only adds to the score of those its other words select, as Lucene's
/// common-terms query does: "miasto" or "ulica" say little of what a question is about (the
/// share past which related questions skip a word too, `related::MAX_DOC_SHARE`), and a
/// sentence's minimum of its words met by such words alone matched a tenth of a million
/// questions. Not where every word is that common.
pub const COMMON_WORD_SHARE: f32 = 0.3;

/// Score added to the questions that contain most of the words when a search is relaxed, so that
/// they stay ahead of those with fewer words (BM25 scores here stay far below it).
pub const STRICT_MATCH_BONUS: f32 = 1000.0;

/// Most positions between two consecutive query words for the proximity bonus (a stop word or
/// two, an adjective: "dziury w jezdni", "dziury na ulicy Balickiej").
pub const PROXIMITY_SLOP: u32 = 3;

/// Weight of the proximity bonus relative to a word match in the same field. Kept small: on the
/// 32 dev queries it is neutral (0.817 against 0.818 without; 0.5 gave 0.815, 1.0 gave 0.814), the
/// demo corpus's texts being short; it is there for the long articles of the city's real pages.
pub const PROXIMITY_WEIGHT: f32 = 0.2;

/// How many of the best matches the proximity bonus reorders. Scoring positions for every match
/// cost a tenth of a search on a large index; the bonus is small, so only a question already
/// near the top can gain from it. A fixed window keeps pages consistent: the first 100 hits are
/// in bonus order, the rest in base order, whatever page is asked.
pub const PROXIMITY_WINDOW: usize = 100;

/// A question the words score at least this many times the next is kept first when meaning is
/// fused in, where the index has every word typed and the query is not foreign: reciprocal ranks
/// give the words' first place 1/61 and their fifth 1/65, so a question that meaning likes and
/// words put fifth overtook one the words alone name (`koperta zycia w lodowce gdzie ja dostac`,
/// its one question out of the first ten). Chosen on the third holdout among 1.5 / 2 / 3 (nDCG@10
/// 0.766 / 0.766 / 0.753, measured while it also held where the index lacks a word; 2, the
/// larger of the tie), checked on
/// dev, the first two holdouts and the Russian set (unchanged at every margin), and under slips
/// and plain letters, where applying it also to words the index lacks lost up to 0.004 on the
/// first holdout; as kept, 0.717 → 0.743 on the third holdout and nothing else moves
/// (docs/RELEVANCE.md). An English query, searched as its words' Polish translations, is not
/// held to every word's being known (its English words never are): the third holdout 0.766 →
/// 0.777 (other_language 0.600 → 0.678; chosen there), every other set unchanged.
pub const CLEAR_FIRST_MARGIN: f32 = 2.0;

/// Dense retrieval (see `search::dense`): how many nearest questions are ranked by meaning.
pub const DENSE_CANDIDATES: usize = 100;

/// How many of the nearest questions join the matches when the words find nothing or the query
/// is in another language. (Joining them also where the words cannot fill a page lifted three
/// judged queries by 0.09 to 0.14 and lost none, but put unrelated questions beside a rare word's
/// few matches and into the totals and facet counts: not kept, docs/RELEVANCE.md.)
pub const DENSE_ADDED: usize = 10;

/// Weight of a question's answers in its closeness by meaning to a query, beside its own text
/// (1.0): the cosine of the closest paragraph of its answers is added to the question's own
/// (`index::dense::with_answers`). The question's vector embeds what it asks; a query may ask
/// what only an answer says (a programme's name, a fee, what a unit does). Equal weights, set
/// before measuring, then measured among 0.25 / 0.5 / 0.75 / 1 / 1.5 / 2 on the ten older judged
/// sets: from 0.75 to 1.5 none loses, below and above some do, so the neutral 1 stays
/// (docs/RELEVANCE.md, "The answers' meaning"); the fifth holdout, read after, gains 0.779 →
/// 0.796.
/// Related questions keep their question vectors alone: there the answers lost on four of the
/// five sets with related seeds (docs/RELEVANCE.md).
pub const ANSWER_MEANING_WEIGHT: f32 = 1.0;

/// The `k` of reciprocal-rank fusion (Cormack et al.'s 60): ranks far down either list still count
/// a little, and neither list's first place dominates.
pub const RRF_K: f32 = 60.0;

/// Weight of the words' BM25 score, as a share of the best one's, beside their reciprocal rank in
/// the fusion with meaning (see `search::dense`), in units of a first place's reciprocal rank:
/// the first by words gains 0.35 / 61, one the words score half as well 0.175 / 61. Reciprocal
/// ranks alone keep no margin: the words' second place counted nearly as much as their first
/// however far apart their scores were. Chosen on dev, the holdout and the second holdout pooled
/// among 0.25 / 0.35 / 0.5 / 0.7 (nDCG@10 0.938 / 0.909 / 0.827, 0.937 / 0.909 / 0.832, 0.937 /
/// 0.907 / 0.831, 0.937 / 0.900 / 0.832; none 0.936 / 0.909 / 0.806), checked on the third
/// holdout (0.743 → 0.766) and the Russian set (0.776 → 0.813); docs/RELEVANCE.md has it under
/// slips and plain letters.
pub const WORDS_SHARE_WEIGHT: f32 = 0.35;

/// Weight of the rank by meaning against the rank by words (1.0) for a Polish query. Equal
/// weights, set before measuring: dev nDCG@10 0.817 -> 0.850, holdout 0.718 -> 0.801 (0.7 gave
/// 0.853 / 0.808, 1.5 gave 0.849 / 0.800: flat, so the neutral value stays).
pub const DENSE_WEIGHT: f32 = 1.0;

/// The same for a Polish query typed as a sentence ([`SENTENCE_WORDS`] words or more): its many
/// words name the question by themselves, while one vector blurs a long text. Chosen on the
/// holdout (question type 0.891 → 0.967 at 0.5, 0.959 at 0.25, 0.920 at 0; all 0.868 → 0.875,
/// 0.868, 0.855), dev unchanged (0.919, 0.919, 0.916), checked on the second holdout (0.750 →
/// 0.764; question 0.519 → 0.566). 5 or 8 words instead of 6: 0.876 / 0.765, 0.876 / 0.754.
pub const DENSE_WEIGHT_SENTENCE: f32 = 0.5;

/// Words (as typed, separated by spaces) from which a query is a sentence.
pub const SENTENCE_WORDS: usize = 6;

/// The same for a query in another language, whose words rarely match Polish text: meaning
/// decides, words only break ties. Chosen on the dev set (other_language 0.623 at 3.0 -> 0.759
/// at 10), checked on the holdout (0.450 -> 0.476).
pub const DENSE_WEIGHT_FOREIGN: f32 = 10.0;

/// The same for a query whose letters say Ukrainian, where the Ukrainian table is installed with
/// its analyser's function words (see `analysis::cyrillic`; whether it knows the query's words or
/// not): with the table's words
/// through other languages and the Ukrainian function words dropped, its words serve better than
/// a foreign query's. Chosen on the four holdouts (their 15 Ukrainian queries; the figures of each
/// holdout's other languages, Ukrainian and English: the holdout 0.870 at 10 and 3, holdout2 0.809
/// / 0.810, holdout3 0.665 / 0.698, holdout4 0.655 / 0.776; at 2 holdout2 loses), checked on the
/// Ukrainian set written apart afterwards (`tests/eval/ukrainian`, 0.661 at 10, 0.678 at 3) and on
/// one nobody had read when all was done (`tests/eval/ukrainian2`: 0.578 at 10, 0.629 at 3; without
/// the function words, 3 loses there, 0.525 → 0.498; docs/RELEVANCE.md). A Russian query stays
/// at 10: the Russian set gains below it, the Russian probe loses.
pub const DENSE_WEIGHT_UKRAINIAN: f32 = 3.0;

/// The same for a query in English whose words were translated into Polish (see
/// `search::translate`): its words find Polish questions, so words and meaning weigh about the
/// same as for a Polish query. First chosen at 1 on the dev set (other_language 0.922 at 10,
/// 0.951 at 3, 0.990 at 1), checked on the holdout (0.507, 0.560, 0.596). Since meaning also
/// meets the answers ([`ANSWER_MEANING_WEIGHT`]) it serves English queries better: swept again
/// over 1 / 1.25 / 1.5 / 2 / 3 on the ten older sets, 1.5 is the highest at which none loses (the
/// English sets 0.606 / 0.758 at 1, 0.611 / 0.769 at 1.5, 0.614 / 0.746 at 2), checked on the
/// fifth holdout (0.796 → 0.804; docs/RELEVANCE.md).
pub const DENSE_WEIGHT_TRANSLATED: f32 = 1.5;

/// Weight of the best result's meaning added to the query's (Rocchio's pseudo-relevance
/// feedback, β = 0.75 of its α = 1, β = 0.75, γ = 0): the question that words and meaning together
/// put first says in the corpus's own words what the resident meant, so the questions near both
/// are ranked by meaning. One result, not several: the first is the likeliest to be right, and
/// each further one adds drift. Chosen on the dev set among 0.5 / 0.75 / 1 (search 0.917 / 0.919
/// / 0.915, flat), checked on the holdout (0.867 / 0.868 / 0.868, from 0.848 without); the top 2
/// or 3 gave 0.858 / 0.847 there (docs/RELEVANCE.md).
pub const FEEDBACK_WEIGHT: f32 = 0.75;
