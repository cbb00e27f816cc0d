"""``python -m wsis.embedded``: what ``make run`` says on Ctrl-C about the embedded PostgreSQL,
and ``make stop-db``."""

from wsis.embedded import __main__ as command


def test_it_says_nothing_when_the_database_was_given(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgres://db/wsis")
    assert command.main([]) == 0 and capsys.readouterr().out == ""


def test_it_says_whether_the_embedded_server_keeps_running(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(command, "PGDATA", tmp_path)
    command.main([])
    assert "not running" in capsys.readouterr().out
    (tmp_path / "postmaster.pid").write_text("12345\n")
    command.main([])
    said = capsys.readouterr().out
    assert "keeps running" in said and "make stop-db" in said
