import numpy as np

from genre_detect.pipeline.windows import split_windows


def test_windows_cover_every_token_and_keep_length():
    ids = list(range(10, 110))
    offsets = [(i * 3, i * 3 + 2) for i in range(100)]
    wins = split_windows(ids, offsets, cls_id=1, sep_id=2, max_length=32, stride=20)
    covered = set()
    for w in wins:
        assert w.ids[0] == 1 and w.ids[-1] == 2 and w.num_tokens <= 32
        covered.update(int(x) for x in w.ids[1:-1])
    assert covered == set(ids)
    assert wins[-1].end == offsets[-1][1]


def test_short_text_gives_one_window():
    wins = split_windows([5, 6, 7], [(0, 1), (2, 3), (4, 5)], 1, 2, 32, 20)
    assert len(wins) == 1 and list(wins[0].ids) == [1, 5, 6, 7, 2]


def test_empty_text_gives_specials_only():
    wins = split_windows([], [], 1, 2, 32, 20)
    assert np.array_equal(wins[0].ids, [1, 2])


def test_touching_windows_cover_everything_with_the_fewest_windows():
    # stride == max_length - 2 (the shipped setting): windows touch, only the end-aligned last one overlaps.
    ids = list(range(10, 110))
    offsets = [(i * 3, i * 3 + 2) for i in range(100)]
    wins = split_windows(ids, offsets, cls_id=1, sep_id=2, max_length=32, stride=30)
    assert len(wins) == 4  # ceil((100 - 30) / 30) + 1
    assert [int(w.ids[1]) for w in wins] == [10, 40, 70, 80]
    assert {int(x) for w in wins for x in w.ids[1:-1]} == set(ids)
