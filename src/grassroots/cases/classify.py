"""Auto-classification of report text (jieba + scikit-learn), retrained with staff corrections."""

from __future__ import annotations

from django.conf import settings

from grassroots.cases import classifier
from grassroots.cases.corpus import generate_corpus
from grassroots.cases.models import TrainingExample


def predict(text: str) -> tuple[str, float]:
    prediction = classifier.get_default(settings.CASE_MODEL_PATH).predict(text)
    return prediction.code, float(prediction.confidence)


def alternatives(text: str) -> list[tuple[str, float]]:
    return classifier.get_default(settings.CASE_MODEL_PATH).predict(text).alternatives


def training_set() -> list[tuple[str, str]]:
    """The project's synthetic corpus plus every staff correction (corrections repeated to weigh more)."""
    corrections = [(t, c) for t, c in TrainingExample.objects.values_list("text", "category__code")]
    return generate_corpus() + corrections * 3


def retrain() -> dict:
    """Evaluate on a held-out split, then train on everything and save. Returns the figures."""
    examples = training_set()
    evaluation = classifier.evaluate(examples)
    model = classifier.train([t for t, _ in examples], [c for _, c in examples])
    settings.CASE_MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    classifier.save(model, settings.CASE_MODEL_PATH)
    classifier.reset_default()
    heldout = classifier.heldout_examples()
    return {
        "split_accuracy": evaluation.accuracy,
        "n_train": evaluation.n_train,
        "n_test": evaluation.n_test,
        "per_category": evaluation.per_category,
        "examples": len(examples),
        "heldout_accuracy": classifier.accuracy_on(model, heldout),
        "heldout_n": len(heldout),
    }
