"""Markdown rendering: sanitised HTML for pages and readable plain text for e-mail."""

from __future__ import annotations

from knowledge.render import markdown_to_text, plain_summary, render_markdown


def test_script_and_style_are_removed() -> None:
    out = render_markdown("Hallo\n\n<script>alert('x')</script>\n\n<style>p{}</style> tekst")
    assert "<script" not in out and "alert" not in out and "<style" not in out
    assert "Hallo" in out and "tekst" in out


def test_event_handlers_are_removed() -> None:
    out = render_markdown('<img src="x" onerror="alert(1)"> <p onclick="x()">klik</p>')
    assert "onerror" not in out and "onclick" not in out and "alert" not in out
    assert "klik" in out


def test_dangerous_link_schemes_are_removed() -> None:
    out = render_markdown("[klik](javascript:alert(1)) en [data](data:text/html;base64,PHNjcmlwdD4=)")
    assert "javascript:" not in out and "data:" not in out
    assert "klik" in out


def test_inline_style_is_removed() -> None:
    assert "style=" not in render_markdown('<a href="https://x.nl" style="color:red">x</a>')


def test_headings_get_anchors() -> None:
    out = render_markdown("## Wat kost het?\n\ntekst")
    assert '<h2 id="wat-kost-het">Wat kost het?</h2>' in out


def test_external_links_are_marked_internal_links_not() -> None:
    out = render_markdown("[eHerkenning](https://www.eherkenning.nl) en [kosten](/faq/wat-kost-eherkenning)")
    assert 'class="extern"' in out and 'rel="noopener noreferrer external"' in out
    assert '<a href="/faq/wat-kost-eherkenning">kosten</a>' in out


def test_own_host_is_not_external() -> None:
    out = render_markdown("[faq](https://helpdesk.duo.nl/faq)", own_hosts={"helpdesk.duo.nl"})
    assert "extern" not in out


def test_tables_and_lists_render() -> None:
    out = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n- een\n- twee\n")
    assert "<table>" in out and "<td>1</td>" in out and "<li>een</li>" in out


def test_plain_text_has_no_markdown_left() -> None:
    md = (
        "## Kop\n\nDit is **vet** en *schuin*.\n\n"
        "- een [link](https://duo.nl/eherkenning)\n- twee\n\n1. stap\n"
    )
    text = markdown_to_text(md)
    assert "**" not in text and "##" not in text and "](" not in text
    assert "- een link (https://duo.nl/eherkenning)" in text
    assert "- twee" in text and "1. stap" in text
    assert text.startswith("Kop\n\nDit is vet en schuin.")


def test_plain_text_resolves_relative_links_with_base_url() -> None:
    text = markdown_to_text("Lees [kosten](/faq/wat-kost-eherkenning).", base_url="https://helpdesk.example")
    assert "kosten (https://helpdesk.example/faq/wat-kost-eherkenning)" in text
    assert "(/faq" not in markdown_to_text("Lees [kosten](/faq/wat-kost-eherkenning).")


def test_mail_link_shows_address_once() -> None:
    assert markdown_to_text("Mail [ipo@duo.nl](mailto:ipo@duo.nl).").strip() == "Mail ipo@duo.nl."


def test_summary_is_cut_at_a_word() -> None:
    summary = plain_summary("Een " + "lange zin " * 50, length=40)
    assert len(summary) <= 42 and summary.endswith("…") and "lange zin" in summary


def test_empty_and_junk_input() -> None:
    assert render_markdown("") == ""
    assert markdown_to_text("") == "\n"
    assert isinstance(render_markdown("<" * 5000 + "]" * 5000 + "\x00"), str)
