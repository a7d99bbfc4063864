"""Input hygiene: HTML detected and its main text extracted (trafilatura), language by py3langid; texts written for
these tests."""

import json

import pytest

from genre_detect.cli import main
from genre_detect.pipeline.inputs import extract_main_text, looks_like_html, read_jsonl_records, read_paths
from genre_detect.pipeline.language import detect_language

PAGE = (
    "<!doctype html><html><head><title>Harbour</title><style>p{color:red}</style>"
    "<script>var tracker = 'do not read me';</script></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/login'>Log in</a></nav>"
    "<article><h1>Harbour committee meets again</h1>"
    "<p>The harbour committee met on Tuesday and agreed to review the dredging budget before the spring tides.</p>"
    "<p>Fishermen who use the harbour every day will be asked for their views at a meeting next month.</p>"
    "</article><footer>Copyright 2026. Subscribe to our newsletter for more.</footer></body></html>"
)


def test_html_page_is_detected_and_reduced_to_its_main_text():
    text, was_html = extract_main_text(PAGE)
    assert was_html and looks_like_html(PAGE)
    assert "agreed to review the dredging budget" in text and "asked for their views" in text
    assert "tracker" not in text and "color:red" not in text and "<" not in text
    assert "Subscribe to our newsletter" not in text and "Log in" not in text
    assert "\n\n" in text  # paragraphs kept apart


def test_plain_text_and_prose_about_tags_are_left_alone():
    for plain in ("The committee met on Tuesday.\nIt agreed to nothing.",
                  "Wrap a word in <b> to make it bold; the <p> tag starts a paragraph."):
        assert not looks_like_html(plain)
        assert extract_main_text(plain) == (plain, False)


def test_fragment_of_markup_keeps_its_visible_text():
    text, was_html = extract_main_text("<p>The pier <b>reopened</b> today.</p><p>Crowds came.<script>x()</script></p>")
    assert was_html and text == "The pier reopened today.\n\nCrowds came."


def test_markup_without_text_is_a_coded_error():
    from genre_detect.errors import InputError

    with pytest.raises(InputError) as info:
        extract_main_text("<html><body><script>only()</script></body></html>")
    assert info.value.code == "E101"


def test_readers_extract_html_and_flag_it(tmp_path):
    page, plain = tmp_path / "page.html", tmp_path / "plain.txt"
    page.write_text(PAGE, encoding="utf-8")
    plain.write_text("The committee met on Tuesday.", encoding="utf-8")
    items = list(read_paths([str(page), str(plain)]))
    assert items[0].extras == {"html_extracted": True} and "<" not in items[0].text
    assert items[1].extras == {} and items[1].text == "The committee met on Tuesday."
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "a", "text": PAGE}) + "\n" + json.dumps({"id": "b", "text": "Plain."}) + "\n")
    recs = list(read_jsonl_records(str(jl)))
    assert recs[0].extras == {"html_extracted": True} and recs[1].extras == {}


def test_cli_predict_flags_html_input(model_env, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "main.txt").write_text(extract_main_text(PAGE)[0], encoding="utf-8")
    assert main(["predict", "--json", "--no-windows", str(page), str(tmp_path / "main.txt")]) == 0
    d_page, d_main = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    # The page is scored as its main text, and says so.
    assert d_page["html_extracted"] is True and "html_extracted" not in d_main
    assert d_page["satire_probability"] == d_main["satire_probability"]
    assert d_page["num_tokens"] == d_main["num_tokens"]


@pytest.mark.parametrize("text,lang", [
    ("Area man reads terms and conditions, nation stunned.", "en"),
    ("The minister said that the plan would be ready by the end of the year.", "en"),
    ("Der Minister sagte, dass der Plan nach den Gesprächen mit den Experten fertig sein werde.", "non-en"),
    ("El ministro dijo que el plan estaría listo a finales de año.", "non-en"),
    ("Министр сказал, что план будет готов к концу года.", "non-en"),
    ("OK", "unknown"),
])
def test_language_identification(text, lang):
    assert detect_language(text) == lang
