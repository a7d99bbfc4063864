"""Researchers' manners (issue 16 items 1-3): the callable pipeline API, the scikit-learn estimators, and the rule
that ties the genre to the verdict."""

import copy

import numpy as np
import pytest

from genre_detect import Detector
from genre_detect.errors import InputError, UsageError
from genre_detect.pipeline.verdict import genre_for, genres_for

TEXTS = [
    "The minister said the plan would be ready after the talks.",
    "Area man finds new way to think about the plan, nation stunned.",
    "Senior fellow at a think tank suggests half a concession, possibly.",
    "Officials announced the new policy analysis on Tuesday.",
    "Experts agree that the war must possibly end by seriously considering peace.",
    "Local woman alleged to have read the report, according to a new study.",
]
Y = np.array([0, 1, 1, 0, 1, 0])


# -- 1. pipeline manners ----------------------------------------------------------------------------------------
def test_call_one_text_gives_one_dict(tiny_detector):
    out = tiny_detector(TEXTS[0])
    p = tiny_detector.predict(TEXTS[0])
    assert out == {"label": p.label, "score": p.score}


def test_call_list_top_k_none_gives_every_label(tiny_detector):
    outs = tiny_detector(TEXTS[:3], batch_size=2, top_k=None)
    assert isinstance(outs, list) and len(outs) == 3
    for out, p in zip(outs, tiny_detector.predict(TEXTS[:3])):
        assert out[0]["label"] == p.label and {d["label"] for d in out} == {"satire", "sincere"}
        assert sum(d["score"] for d in out) == pytest.approx(1)
    genre = tiny_detector(TEXTS[:2], top_k=None, task="genre")
    assert all(len(out) == 3 and out[0]["label"] == p.genre for out, p in zip(genre, tiny_detector.predict(TEXTS[:2])))
    assert [len(o) for o in tiny_detector(TEXTS[:2], top_k=2, task="genre")] == [2, 2]


def test_researcher_loop_over_a_generator(tiny_detector):
    """The loop people write with a transformers pipeline: stream texts in, read label/score out."""
    def texts():
        yield from TEXTS

    seen, labels = 0, []
    stream = tiny_detector(texts(), batch_size=4)
    assert not isinstance(stream, list)  # an iterator: nothing scored until asked
    for out, text in zip(stream, TEXTS):
        assert set(out) == {"label", "score"} and 0 <= out["score"] <= 1
        labels.append(out["label"])
        seen += 1
    assert seen == len(TEXTS)
    assert labels == [p.label for p in tiny_detector.predict(TEXTS)]


def test_batch_size_never_changes_a_score(tiny_detector):
    a = tiny_detector(TEXTS, batch_size=1)
    b = tiny_detector(TEXTS, batch_size=5)
    assert a == b == [tiny_detector(t) for t in TEXTS]


def test_call_names_a_bad_item_before_scoring(tiny_detector):
    with pytest.raises(InputError) as info:
        tiny_detector([TEXTS[0], ""])
    assert info.value.source == "texts[1]"
    with pytest.raises(InputError) as info:
        list(tiny_detector(iter([TEXTS[0], TEXTS[1], "  "]), batch_size=2))
    assert info.value.source == "texts[2]"
    with pytest.raises(UsageError):
        tiny_detector(TEXTS, batch_size=0)
    with pytest.raises(UsageError):
        tiny_detector(TEXTS, task="sentiment")


# -- 2. scikit-learn manners ------------------------------------------------------------------------------------
def test_estimator_in_sklearn_metrics(tiny_detector):
    from sklearn.metrics import classification_report, roc_auc_score

    clf = tiny_detector.estimator()
    assert clf.classes_.tolist() == [0, 1]
    proba = clf.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 2) and np.allclose(proba.sum(1), 1)
    assert np.allclose(proba[:, 1], tiny_detector.satire_proba(TEXTS))  # column 1 is satire, not reporting
    auc = roc_auc_score(Y, proba[:, 1])
    assert auc == pytest.approx(roc_auc_score(Y, clf.decision_function(TEXTS)))  # same order, same AUC
    report = classification_report(Y, clf.predict(TEXTS), output_dict=True, zero_division=0)
    assert report["0"]["support"] == 3 and report["1"]["support"] == 3
    assert set(np.unique(clf.predict(TEXTS))) <= {0, 1}
    assert np.array_equal(clf.predict(TEXTS) == 1, clf.decision_function(TEXTS) >= 0)


def test_estimator_named_classes_and_genre(tiny_detector):
    from sklearn.metrics import classification_report, roc_auc_score

    clf = tiny_detector.estimator(classes=("sincere", "satire"))
    y = np.where(Y == 1, "satire", "sincere")
    assert clf.classes_.tolist() == ["sincere", "satire"]
    assert roc_auc_score(y == "satire", clf.predict_proba(TEXTS)[:, 1]) == pytest.approx(
        roc_auc_score(Y, tiny_detector.satire_proba(TEXTS)))
    with pytest.raises(ValueError, match="not in classes_"):
        clf.fit(TEXTS, Y)  # 0/1 labels for an estimator that speaks satire/sincere: a mix-up, said loudly

    genre = tiny_detector.estimator("genre")
    assert genre.classes_.tolist() == tiny_detector.labels
    g = genre.predict(TEXTS)
    assert g.tolist() == [p.genre for p in tiny_detector.predict(TEXTS)]
    assert np.allclose(genre.predict_proba(TEXTS), tiny_detector.predict_proba(TEXTS))
    assert genre.decision_function(TEXTS).shape == (len(TEXTS), 3)
    classification_report(["opinion", "satire", "satire", "reporting", "satire", "reporting"], g, zero_division=0)


def test_cross_val_predict_without_training(tiny_detector):
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_predict

    clf = tiny_detector.estimator()
    twin = clone(clf)
    assert twin.detector.model is tiny_detector.model  # clones share the ONNX session, not a reload
    out = cross_val_predict(clf, TEXTS, Y, cv=2, method="predict_proba")
    assert np.allclose(out[:, 1], tiny_detector.satire_proba(TEXTS))
    assert clf.fit(TEXTS, Y) is clf


def test_estimator_by_model_dir_and_threshold(tiny_model_dir, tiny_detector):
    clf = Detector.load(tiny_model_dir).estimator(threshold=0.999)
    assert clf.predict(TEXTS).tolist() == [0] * len(TEXTS)
    from genre_detect.pipeline.estimator import SatireClassifier

    by_path = SatireClassifier(str(tiny_model_dir))
    assert np.allclose(by_path.predict_proba(TEXTS)[:, 1], tiny_detector.satire_proba(TEXTS))


def test_deepcopy_keeps_settings_apart(tiny_detector):
    twin = copy.deepcopy(tiny_detector)
    twin.settings.threshold = 0.01
    assert tiny_detector.settings.threshold == 0.5 and twin.model is tiny_detector.model
    assert all(p.label == "satire" for p in twin.predict(TEXTS))


# -- 3. the genre agrees with the verdict -----------------------------------------------------------------------
def test_genre_rule():
    assert genre_for({"opinion": 0.35, "reporting": 0.25, "satire": 0.40}, 0.5) == "opinion"
    assert genre_for({"opinion": 0.50, "reporting": 0.10, "satire": 0.40}, 0.3) == "satire"
    got = genres_for(np.array([[0.35, 0.25, 0.40], [0.5, 0.1, 0.4], [0.1, 0.6, 0.3]]),
                     ["opinion", "reporting", "satire"], 0.5)
    assert got.tolist() == ["opinion", "opinion", "reporting"]


def test_sincere_verdict_never_has_satire_genre(tiny_detector):
    # Logits where satire is the likeliest genre but below the 0.5 threshold: the "Hello." case.
    prep = tiny_detector.prepare(["Hello."])[0]
    logits = np.array([[0.3, 0.0, 0.5]] * len(prep.windows), dtype=np.float32)
    p = tiny_detector.finish(prep, logits)
    assert max(p.genre_scores, key=p.genre_scores.get) == "satire" and p.satire_probability < 0.5
    assert (p.label, p.genre) == ("sincere", "opinion")


@pytest.mark.parametrize("threshold", [0.01, 0.3, 0.7, 0.99])
def test_verdict_and_genre_agree_at_any_threshold(tiny_model_dir, threshold):
    det = Detector.load(tiny_model_dir, threshold=threshold)
    for p in det.predict(TEXTS):
        assert (p.label == "satire") == (p.genre == "satire")
    assert [p.genre for p in det.predict(TEXTS)] == det.estimator("genre").predict(TEXTS).tolist()
