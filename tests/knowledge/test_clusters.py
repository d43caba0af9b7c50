"""Question clusters for content gaps: same topic together, different topics apart, deterministic."""

from knowledge.clusters import cluster_texts

QUESTIONS = [
    "Moeten wij btw betalen over eHerkenning?",
    "Hoe vraag ik een verklaring omtrent gedrag aan voor een nieuwe leraar?",
    "Is de btw bij de prijs van eHerkenning inbegrepen?",
    "Waar vraag ik een verklaring omtrent gedrag voor nieuw personeel aan?",
    "Zijn de bedragen voor eHerkenning inclusief btw?",
    "Kan ik mijn studiefinanciering stopzetten?",
]


def test_questions_about_one_thing_form_one_group_biggest_first():
    clusters = cluster_texts(QUESTIONS, 0.3)
    groups = [c.members for c in clusters]
    assert groups[0] == [0, 2, 4]
    assert [1, 3] in groups and [5] in groups
    assert groups == [c.members for c in cluster_texts(QUESTIONS, 0.3)]


def test_no_questions_no_groups_and_a_high_bar_keeps_all_apart():
    assert cluster_texts([], 0.3) == []
    assert len(cluster_texts(QUESTIONS, similarity=0.99)) == len(QUESTIONS)
