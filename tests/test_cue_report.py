"""The cue report on a tiny synthetic data directory laid out like ../shared/data (texts written for this test)."""

import json

import pytest

from genre_detect.evaluation.cue_report import cue_report, write_cue_report

SATIRE = [
    "The experts met on Monday. “Honestly, I’m lost,” one said. The chair said it went well.",
    "The board met. “What the hell is a budget?” asked the treasurer. Nobody moved.",
    "“It is the greatest count in the history of mankind,” the clerk said. The count took a week. It was fine.",
    "The mayor opened the bridge on Tuesday. Traffic was light. Residents were pleased with the paint.",
]
SINCERE = [
    "The committee published its report on water prices. It recommends a gradual increase. Critics disagree.",
    "Rail investment fell in 2021. The ministry expects it to recover. Analysts are less optimistic.",
    "“I’m confident the mergers will pass, folks,” the regulator said. Two mergers are planned. Both are reviewed.",
    "Trade between the two countries grew by four percent. Exports of grain led the rise. Imports were flat.",
]
GROUPS = {"golbeck_satire": ("golbeck2018_fake_vs_satire", "satire"), "pen0_analysis": ("pen0_analysis", "opinion")}


@pytest.fixture()
def data_dir(tmp_path):
    g = tmp_path / "golbeck2018_fake_vs_satire"
    g.mkdir()
    g.joinpath("data.jsonl").write_text("".join(
        json.dumps({"id": f"s{i}", "label": "satire", "text": t, "status": "final",
                    "source_url": f"https://satire{i}.example/a"}) + "\n" for i, t in enumerate(SATIRE)))
    p = tmp_path / "pen0_analysis"
    p.mkdir()
    p.joinpath("data.jsonl").write_text("".join(
        json.dumps({"id": f"a{i}", "text": t, "title": "", "author": f"Author {i}"}) + "\n"
        for i, t in enumerate(SINCERE)))
    return tmp_path


def test_firing_counts_and_precision(data_dir):
    r = cue_report(None, data_dir=data_dir, groups=GROUPS, split="all")
    assert r["documents"] == {"golbeck_satire": {"n": 4, "cut": 0}, "pen0_analysis": {"n": 4, "cut": 0}}
    anyc = r["families"]["any"]["comparisons"]["all"]
    assert (anyc["fired_satire"], anyc["fired_sincere"]) == (3, 1)
    assert anyc["precision"] == pytest.approx(0.75)
    assert anyc["balanced_precision"] == pytest.approx(0.75)
    assert r["families"]["any"]["comparisons"]["sincere"] == anyc  # no real news here: "sincere" is "all"
    assert r["families"]["profanity"]["fired_by_group"] == {"golbeck_satire": 1, "pen0_analysis": 0}
    fq = r["families"]["fake_quote"]["comparisons"]["golbeck_satire_vs_pen0_analysis"]
    assert (fq["fired_satire"], fq["fired_sincere"], fq["precision"]) == (1, 1, 0.5)
    assert r["cues"]["profanity.swearing"]["version"] and r["settings"]["max_words"] == 250
    assert "faithfulness" not in r
    per_doc = r["families_per_document"]
    assert set(per_doc) == set(GROUPS)
    for g, row in per_doc.items():
        assert list(row) == ["0", "1", "2", "3+"] and sum(row.values()) == 4
        # Documents showing at least one family are the documents where "any" fired.
        assert 4 - row["0"] == r["families"]["any"]["fired_by_group"][g]


def test_with_model_writes_json_markdown_and_png(data_dir, tiny_detector, tmp_path):
    r = cue_report(tiny_detector, data_dir=data_dir, groups=GROUPS, split="all", reliance_docs=3, top_k=1)
    f = r["faithfulness"]
    assert r["model"]["n_docs"] == 6 and f["n_docs"] + f["n_skipped_short"] == 6
    assert f["n_docs"] == 6  # three sentences each, enough for k=1
    for key in ("comprehensiveness_top", "comprehensiveness_random", "sufficiency_top", "sufficiency_random"):
        assert -1 <= f["all"][key] <= 1
    paths = write_cue_report(r, tmp_path / "out")
    assert [p.name for p in paths] == ["cue_report.json", "cue_report.md", "cue_report.png"]
    assert json.loads(paths[0].read_text())["faithfulness"]["k"] == 1
    md = paths[1].read_text()
    assert "| profanity |" in md and "relied on" in md and paths[2].stat().st_size > 1000
    rel = r["families"]["any"].get("reliance")
    assert rel is not None and rel["n"] > 0 and 0 <= rel["relied_on"] <= 1


def test_real_news_is_its_own_comparison(data_dir):
    h = data_dir / "horne2017_fakenewsdata1"
    h.mkdir()
    rows = [{"id": "r1", "label": "real", "subset": "buzzfeed", "text": "“I’m sure the bill will pass today, folks,” the senator said. It passed."},
            {"id": "f1", "label": "fake", "subset": "buzzfeed", "text": "“I’m sure,” the pundit said. Wow."}]
    h.joinpath("data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    groups = GROUPS | {"horne_real_news": ("horne2017_fakenewsdata1", "reporting", "-real")}
    r = cue_report(None, data_dir=data_dir, groups=groups, split="all")
    assert r["documents"]["horne_real_news"]["n"] == 1  # the fake-news record is not real news
    fq = r["families"]["fake_quote"]["comparisons"]
    assert fq["news"]["n_sincere"] == 1 and fq["news"]["fired_sincere"] == 1
    assert fq["all"]["n_sincere"] == 4  # real news is not pooled with the opinion writing
    # ... but "sincere" pools every sincere group: the opinion writing and the real news.
    assert (fq["sincere"]["n_sincere"], fq["sincere"]["fired_sincere"]) == (5, 2)
