import re
from pathlib import Path

import pytest

from genre_detect.errors import UsageError
from genre_detect.training.written import DEFAULT_WRITTEN_DIR, load_written_pairs, writers_in

WRITTEN = Path(__file__).resolve().parents[1] / DEFAULT_WRITTEN_DIR


def _write(root: Path, writer: str, files: dict[str, str]) -> None:
    (root / writer).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / writer / name).write_text(text, encoding="utf-8")


def test_pairs_load_parody_first_then_twin_by_writer(tmp_path):
    _write(tmp_path, "a", {"02_satire.txt": "T2\n\nbody p", "02_sincere.txt": "T2s\n\nbody s",
                           "01_sincere.txt": "T1s\n\nx", "01_satire.txt": "T1\n\ny"})
    _write(tmp_path, "b", {"01_satire.txt": "B\n\nz", "01_sincere.txt": "Bs\n\nw"})
    assert writers_in(tmp_path) == ["a", "b"]
    got = load_written_pairs(tmp_path, ["a"])
    assert [(t.pair, t.label, t.title) for t in got] == [
        ("a:01", "satire", "T1"), ("a:01", "sincere", "T1s"), ("a:02", "satire", "T2"), ("a:02", "sincere", "T2s")]
    assert {t.writer for t in load_written_pairs(tmp_path, ["b"])} == {"b"}


@pytest.mark.parametrize("files, message", [
    ({"01_satire.txt": "only one side"}, "only its satire side"),
    ({"01_satire.txt": "x", "01_sincere.txt": "  \n"}, "is empty"),
    ({"01_satire.txt": "x", "01_sincere.txt": "y", "notes.md": "z"}, "expected NN_satire.txt"),
])
def test_a_broken_folder_is_a_coded_error_not_half_a_pair(tmp_path, files, message):
    _write(tmp_path, "a", files)
    with pytest.raises(UsageError, match=message):
        load_written_pairs(tmp_path, ["a"])


def test_an_unknown_writer_is_named(tmp_path):
    _write(tmp_path, "a", {"01_satire.txt": "x", "01_sincere.txt": "y"})
    with pytest.raises(UsageError, match="no writer 'zz'.*have: a"):
        load_written_pairs(tmp_path, ["zz"])


def test_training_documents_label_the_twin_opinion_and_hold_the_writer_as_publisher(tmp_path):
    from genre_detect.training.trainer import written_documents

    _write(tmp_path, "a", {"01_satire.txt": "P\n\nparody", "01_sincere.txt": "S\n\nsincere"})
    docs = written_documents(str(tmp_path), ["a"])
    assert [(d.genre, d.source, d.publisher) for d in docs] == [
        ("satire", "written", "written:a"), ("opinion", "written", "written:a")]


def test_the_repository_pairs_are_complete_and_of_matched_length():
    writers = writers_in(WRITTEN)
    assert len(writers) >= 3
    texts = load_written_pairs(WRITTEN, writers)
    words = {t.id: len(t.text.split()) for t in texts}
    assert min(words.values()) >= 300, min(words.items(), key=lambda kv: kv[1])
    # The two sides of a pair are of similar length, so that length says nothing about the label.
    for parody, twin in zip(texts[0::2], texts[1::2]):
        assert parody.pair == twin.pair
        assert 0.6 <= words[parody.id] / words[twin.id] <= 1.67, parody.pair
    # The parodies never name their own genre.
    for t in texts:
        assert not re.search(r"\b(satir\w*|parod\w*)\b", t.text, re.IGNORECASE), t.id


def test_no_run_of_eight_words_from_a_seed_appears_in_the_written_pairs(seeds_dir):
    """The pairs were written without the seed documents; a shared 8-word run would mean copied text."""
    def shingles(text: str) -> set[tuple[str, ...]]:
        w = re.findall(r"[a-z0-9']+", text.lower())
        return {tuple(w[i : i + 8]) for i in range(len(w) - 7)}

    seed = set().union(*(shingles(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))))
    for t in load_written_pairs(WRITTEN, writers_in(WRITTEN)):
        shared = shingles(t.text) & seed
        assert not shared, (t.id, sorted(shared)[:3])


def test_training_refuses_the_held_out_writers(tmp_path):
    from genre_detect.training.trainer import written_documents

    _write(tmp_path, "w7", {"01_satire.txt": "x", "01_sincere.txt": "y"})
    with pytest.raises(UsageError, match=r"w7 \(dev\)"):
        written_documents(str(tmp_path), ["w7"])


def test_every_recipe_parses_and_trains_on_no_held_out_writer():
    from genre_detect.training import TrainingArguments
    from genre_detect.training.written import check_training_writers

    recipes = sorted((Path(__file__).resolve().parents[1] / "training").glob("*.yaml"))
    assert recipes
    for path in recipes:
        args = TrainingArguments.from_file(str(path))
        check_training_writers(args.written_writers)
        assert set(args.written_writers) <= set(writers_in(WRITTEN)), path.name


def test_both_sides_of_a_written_pair_get_the_same_number_of_crops():
    import random

    from genre_detect.training.data import Document
    from genre_detect.training.trainer import TrainingArguments, _Tokenised, sample_windows

    args = TrainingArguments(min_window_tokens=16, max_length=66, headline_docs=0,
                             crops_per_doc={"satire": 1, "opinion": 1, "written": 6})
    items = [_Tokenised(Document(f"written:a:{i}:{lab}", "t", genre, "written", "written:a"), list(range(5, 300)))
             for i in range(20) for lab, genre in (("satire", "satire"), ("sincere", "opinion"))]
    wins = sample_windows(items, args, random.Random(0), 1, 2)
    counts = {g: sum(1 for _, gg in wins if gg == g) for g in (0, 2)}
    assert counts[0] == counts[2] == 20 * 6
