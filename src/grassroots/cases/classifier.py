"""Text classifier for reports: jieba words plus character bigrams, TF-IDF, logistic regression.

Trained on the project's synthetic corpus plus staff corrections (the caller passes both). A model file is
a pickle with a format header; one written by another format version is refused rather than misread.
"""

from __future__ import annotations

import logging
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import jieba
from django.utils.translation import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

jieba.setLogLevel(logging.WARNING)
FORMAT = "grassroots-case-classifier/1"


def analyse(text: str) -> list[str]:
    """jieba words (punctuation dropped) and character bigrams, so unseen compounds still carry signal."""
    words = [w for w in jieba.lcut(text) if w.strip() and not all(ch in "，。！？、；：,.!?;:（）() " for ch in w)]
    chars = [c for c in text if not c.isspace()]
    return words + ["".join(pair) for pair in zip(chars, chars[1:], strict=False)]


@dataclass(frozen=True)
class Prediction:
    code: str
    confidence: float
    alternatives: list[tuple[str, float]]


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    n_train: int
    n_test: int
    per_category: dict[str, float]


class TextClassifier:
    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        probabilities = self.pipeline.predict_proba(texts)
        classes = self.pipeline.classes_
        out = []
        for row in probabilities:
            ranked = sorted(zip(classes, row, strict=True), key=lambda pair: -pair[1])[:3]
            out.append(Prediction(str(ranked[0][0]), float(ranked[0][1]), [(str(c), float(p)) for c, p in ranked]))
        return out

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]


def train(texts: list[str], labels: list[str], *, seed: int = 0) -> TextClassifier:
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer=analyse, sublinear_tf=True, min_df=1)),
            ("clf", LogisticRegression(max_iter=2000, C=8.0, random_state=seed)),
        ]
    )
    pipeline.fit(texts, labels)
    return TextClassifier(pipeline)


def evaluate(examples: list[tuple[str, str]], *, test_size: float = 0.2, seed: int = 0) -> Evaluation:
    texts, labels = [t for t, _ in examples], [c for _, c in examples]
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=test_size, random_state=seed, stratify=labels
    )
    model = train(x_train, y_train, seed=seed)
    predicted = [p.code for p in model.predict_many(x_test)]
    per_category = {}
    for code in sorted(set(y_test)):
        idx = [i for i, y in enumerate(y_test) if y == code]
        per_category[code] = sum(predicted[i] == code for i in idx) / len(idx)
    return Evaluation(float(accuracy_score(y_test, predicted)), len(x_train), len(x_test), per_category)


HELDOUT = Path(__file__).resolve().parent / "data" / "heldout.tsv"


def heldout_examples() -> list[tuple[str, str]]:
    """Hand-written reports kept out of every training run: the honest accuracy figure."""
    rows = []
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, text = line.split("\t", 1)
            rows.append((text, code))
    return rows


def accuracy_on(model: TextClassifier, examples: list[tuple[str, str]]) -> float:
    predicted = model.predict_many([t for t, _ in examples])
    return sum(p.code == c for p, (_, c) in zip(predicted, examples, strict=True)) / len(examples)


def save(model: TextClassifier, path: Path) -> None:
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps({"format": FORMAT, "pipeline": model.pipeline}))
    tmp.replace(path)


def load(path: Path) -> TextClassifier:
    # The file is the platform's own output under var/, never user input.
    try:
        payload = pickle.loads(Path(path).read_bytes())  # noqa: S301
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means the file is unusable
        raise ValueError(_("分类模型文件无法读取 %(path)s：%(reason)s") % {"path": path, "reason": exc}) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(_("分类模型 %(path)s 版本不符，请运行 grassroots cases train") % {"path": path})
    return TextClassifier(payload["pipeline"])


_lock = threading.Lock()
_cache: dict[str, TextClassifier] = {}  # the process's model: a cache, rebuilt from disk or the corpus


def get_default(path: Path | None = None) -> TextClassifier:
    key = str(path)
    model = _cache.get(key)
    if model is not None:
        return model
    with _lock:
        if key not in _cache:
            if path is not None and Path(path).exists():
                _cache[key] = load(path)
            else:
                from grassroots.cases.corpus import generate_corpus

                corpus = generate_corpus()
                _cache[key] = train([t for t, _ in corpus], [c for _, c in corpus])
        return _cache[key]


def reset_default() -> None:
    with _lock:
        _cache.clear()
