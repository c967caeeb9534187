"""Content files carry ``locale`` and ``translation_of``; export then import keeps every translation."""

from __future__ import annotations

from pathlib import Path

from kb.extensions import db
from kb.models import Document
from tests.support import make_app
from tests.support.transfer import run_import, write

FILES = {
    "articles/payments/payouts/payout-schedule.md": "---\ntitle: Payout schedule\n---\nEvery Friday.\n",
    # Sorted before its source: the import waits for the source, then ties it.
    "articles/payments/payouts/calendrier.fr.md":
        "---\ntitle: Calendrier des virements\nslug: calendrier-des-virements\nlocale: fr\n"
        "translation_of: payout-schedule\n---\nChaque vendredi.\n",
    "articles/payments/payouts/payout-schedule.de.md":
        "---\ntitle: Auszahlungsplan\nslug: payout-schedule\nlocale: de\ntranslation_of: payout-schedule\n"
        "status: draft\n---\nJeden Freitag.\n",
}


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def family() -> dict[str, tuple[str, str | None, str]]:
    rows = db.session.execute(db.select(Document)).unique().scalars().all()
    by_id = {d.id: d for d in rows}
    return {f"{d.locale}:{d.slug}": (d.latest.title, by_id[d.translation_of_id].slug if d.translation_of_id else None,
                                     d.status) for d in rows}


EXPECTED = {
    "en:payout-schedule": ("Payout schedule", None, "published"),
    "fr:calendrier-des-virements": ("Calendrier des virements", "payout-schedule", "published"),
    "de:payout-schedule": ("Auszahlungsplan", "payout-schedule", "draft"),
}


def test_export_then_import_keeps_every_translation(app, runner, tmp_path):
    source = tmp_path / "source"
    for relative, text in FILES.items():
        write(source, relative, text)
    result = run_import(runner, source)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 0, skipped 0"
    assert family() == EXPECTED

    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    exported = tree(first)
    assert sorted(exported) == ["articles/payments/payouts/calendrier-des-virements.fr.md",
                                "articles/payments/payouts/payout-schedule.de.md",
                                "articles/payments/payouts/payout-schedule.md"]
    french = exported["articles/payments/payouts/calendrier-des-virements.fr.md"].decode()
    assert "locale: fr\ntranslation_of: payout-schedule\n" in french
    assert "locale:" not in exported["articles/payments/payouts/payout-schedule.md"].decode()

    other = make_app(tmp_path, LOCALES="en,fr,de")
    with other.app_context():
        cli = other.test_cli_runner()
        again = cli.invoke(args=["import", str(first)])
        assert again.output.strip().splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 0, skipped 0"
        assert family() == EXPECTED
        assert cli.invoke(args=["export", str(second)]).exit_code == 0
        unchanged = cli.invoke(args=["import", str(first)])
        assert unchanged.output.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 3, failed 0, skipped 0"
        db.session.remove()
        db.engine.dispose()
    assert tree(second) == exported


def test_bad_locales_in_files_are_reported_by_name_and_the_rest_imports(runner, tmp_path):
    root = tmp_path / "in"
    write(root, "articles/good.md", "---\ntitle: Good\n---\nFine.\n")
    write(root, "articles/italian.md", "---\ntitle: Buono\nlocale: it\ntranslation_of: good\n---\nBene.\n")
    write(root, "articles/orphan.md", "---\ntitle: Orphelin\nlocale: fr\n---\nSeul.\n")
    write(root, "articles/nowhere.md", "---\ntitle: Nulle part\nlocale: fr\ntranslation_of: missing\n---\nRien.\n")
    result = run_import(runner, root)
    assert result.exit_code != 0
    assert "unknown locale 'it'" in result.output
    assert "needs translation_of" in result.output
    assert "translation_of: no en article 'missing'" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 3, skipped 0"
