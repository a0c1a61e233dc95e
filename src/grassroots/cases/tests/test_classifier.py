"""The auto-classifier: trained on the project's corpus plus staff corrections; accuracy reported honestly."""

import pytest
from django.core.management import call_command

from grassroots.cases import classifier
from grassroots.cases.corpus import CATEGORY_NAMES, generate_corpus


def test_the_corpus_is_deterministic_and_covers_every_leaf():
    corpus = generate_corpus(per_category=20, seed=1)
    assert corpus == generate_corpus(per_category=20, seed=1)
    assert {code for _, code in corpus} == set(CATEGORY_NAMES) and len(corpus) == 20 * len(CATEGORY_NAMES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("小区楼道里有人给电动车充电，电线从窗户拉下来，很危险", "ebike_charging"),
        ("隔壁装修每天早上七点就开始电钻，吵得老人没法休息", "noise"),
        ("路口的井盖不见了，晚上很容易掉进去", "manhole"),
    ],
)
def test_realistic_reports_are_classified(text, code):
    prediction = classifier.get_default(None).predict(text)
    assert prediction.code == code and 0 < prediction.confidence <= 1 and len(prediction.alternatives) == 3


def test_hand_written_held_out_accuracy_is_at_least_75_percent():
    accuracy = classifier.accuracy_on(classifier.get_default(None), classifier.heldout_examples())
    print(f"hand-written held-out accuracy: {accuracy:.3f}")
    assert accuracy >= 0.75


def test_save_load_round_trip_and_refusal_of_other_formats(tmp_path):
    model = classifier.get_default(None)
    path = tmp_path / "m.pkl"
    classifier.save(model, path)
    assert classifier.load(path).predict("路灯不亮").code == model.predict("路灯不亮").code
    path.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="分类模型文件无法读取"):
        classifier.load(path)


@pytest.mark.django_db
def test_cases_train_uses_corrections_and_reports_accuracy(settings, tmp_path, capsys):
    from grassroots.cases.models import Category, TrainingExample

    settings.CASE_MODEL_PATH = tmp_path / "model.pkl"
    TrainingExample.objects.create(
        text="小区门口的快递柜占了消防通道", category=Category.objects.get(code="fire_hazard")
    )
    call_command("cases", "train")
    out = capsys.readouterr().out
    assert "手写测试集准确率" in out and settings.CASE_MODEL_PATH.exists()
    assert classifier.get_default(settings.CASE_MODEL_PATH).predict("快递柜占了消防通道").code == "fire_hazard"
    classifier.reset_default()
