"""``tracker texts import``: a text and its units become items; repeating it is safe; a changed
text is reported and never written over."""

from pathlib import Path

from sqlmodel import select

from tracker.models import Document, Item
from tracker.resources import SEEDS

FIXTURES = Path(__file__).parent / "fixtures"


def items_of(session, slug: str) -> dict[str, Item]:
    document = session.exec(select(Document).where(Document.slug == slug)).one()
    return {i.number: i for i in session.exec(select(Item).where(Item.document_id == document.id))}


def test_import_adds_the_text_and_its_units(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["texts", "import", str(FIXTURES / "recommendation-sample.md")])
    assert result.exit_code == 0, result.output
    assert "text rec-9999: created" in result.output
    assert "items created: 16, unchanged: 0" in result.output
    document = session.exec(select(Document).where(Document.slug == "rec-9999")).one()
    assert (document.kind, document.reference) == ("recommendation", "Recommendation 9999 (2025)")
    assert document.dated.isoformat() == "2025-10-01"  # "Text adopted by the Assembly on ..."
    items = items_of(session, "rec-9999")
    assert items["3.1.2.1"].parent_id == items["3.1.2"].id
    assert (items["3.1.2.1"].addressee, items["3.1.2.1"].depth) == ("Committee of Ministers", 3)
    assert items["5"].difference == "new"


def test_repeating_an_import_changes_nothing(app, session):
    runner = app.test_cli_runner()
    path = str(FIXTURES / "recommendation-sample.md")
    runner.invoke(args=["texts", "import", path])
    again = runner.invoke(args=["texts", "import", path])
    assert again.exit_code == 0
    assert "text rec-9999: already stored" in again.output
    assert "items created: 0, unchanged: 16" in again.output
    assert "NOT OVERWRITTEN" not in again.output
    assert len(items_of(session, "rec-9999")) == 16


def test_a_changed_text_is_reported_and_not_overwritten(app, session, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["texts", "import", str(FIXTURES / "recommendation-sample.md")])
    changed = tmp_path / "changed.md"
    text = (FIXTURES / "recommendation-sample.md").read_text(encoding="utf-8")
    changed.write_text(
        text.replace("by the end of 2026", "by the end of 2027")
        + "\n6. The Assembly resolves to follow the matter.\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["texts", "import", str(changed)])
    assert result.exit_code == 0
    assert f"NOT OVERWRITTEN: {changed} differs from the copy stored on" in result.output
    assert f"NOT OVERWRITTEN: §3.3: the text in {changed} differs from the stored text" in (
        result.output
    )
    assert f"NOT OVERWRITTEN: §6 is in {changed} but not stored" in result.output
    items = items_of(session, "rec-9999")
    assert items["3.3"].text == "report back to the Assembly by the end of 2026."
    assert "6" not in items


def test_import_with_the_committee_draft_compares_paragraphs(app, session, tmp_path):
    adopted = tmp_path / "adopted.md"
    adopted.write_text(
        (SEEDS / "resolution-2616-adopted.md")
        .read_text(encoding="utf-8")
        .replace("Resolution 2616 (2025)", "Resolution 2617 (2025)"),
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["texts", "import", str(adopted), "--draft", str(SEEDS / "doc-16245-report.md")]
    )
    assert result.exit_code == 0, result.output
    items = items_of(session, "res-2617")
    assert len(items) == 28
    assert items["13"].difference == "amended"
    assert items["9.2.1"].difference == "editorial"
    assert items["13"].draft_text.endswith("values of the Council of Europe.")
    draft = session.exec(select(Document).where(Document.slug == "res-2617-draft")).one()
    assert draft.kind == "draft"


def test_a_text_without_units_is_refused(app, tmp_path):
    news = tmp_path / "news.txt"
    news.write_text("PACE met in Strasbourg.\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["texts", "import", str(news)])
    assert result.exit_code == 1
    assert "no numbered paragraph" in result.output
