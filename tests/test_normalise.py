from genre_detect.pipeline.normalise import normalise, strip_shortcuts


def test_normalise_fixes_line_endings_controls_and_blanks():
    assert normalise("a\r\nb\u200b  c\t\td\n\n\n\ne") == "a\nb c d\n\ne"


def test_dateline_and_outlet_removed_with_offsets_back_to_source():
    text = normalise("WASHINGTON (The Borowitz Report)\u2014The senator said the bill was dead.")
    s = strip_shortcuts(text)
    assert s.text == "The senator said the bill was dead."
    start, end = s.to_source(4, 11)
    assert text[start:end] == "senator"


def test_url_share_lines_and_handles_removed():
    s = strip_shortcuts(normalise("Officials met today in a long session.\nShare this\nhttp://example.com/x\n@someone agreed."))
    assert "http" not in s.text and "Share" not in s.text and "@someone" not in s.text
    assert "Officials met today" in s.text


def test_trailing_author_bio_removed_but_body_kept():
    body = "The alliance faces a difficult choice over the coming year, and the costs are rising."
    bio = "Jane Doe is a Senior Fellow at the Institute for Policy and author of two books."
    s = strip_shortcuts(normalise(body + "\n\n" + bio))
    assert s.text == body
    assert any(why == "author_bio" for _, _, why in s.removed)


def test_sentence_about_a_fellow_in_the_body_is_kept():
    text = "Jane Doe is a Senior Fellow at the Institute, and she argued the point.\n\nThe rest of the article follows here."
    assert "Jane Doe" in strip_shortcuts(normalise(text)).text


def test_ordinary_capitalised_opening_is_not_a_dateline():
    text = "Background: the treaty was signed in 1994 by both parties after long talks."
    assert strip_shortcuts(normalise(text)).text == text


def test_name_masking_is_opt_in_and_maps_back():
    text = normalise("Officials in Paris said the plan would help Paris and the Harbour Trust agreed.")
    assert strip_shortcuts(text).text == text
    masked = strip_shortcuts(text, mask_names=True)
    assert "Paris" not in masked.text and "Harbour" not in masked.text
    assert masked.text.count("[UNK]") == 3
    i = masked.text.index("[UNK]")
    start, _ = masked.to_source(i, i + 5)
    assert text[start:].startswith("Paris")
