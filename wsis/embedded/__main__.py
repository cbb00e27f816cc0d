"""``python -m wsis.embedded``: after ``make run``, say whether the embedded PostgreSQL keeps
running; ``--stop`` (``make stop-db``) stops it, its data kept in ``.pgdata/``."""

import os
import sys
from pathlib import Path

PGDATA = Path(__file__).resolve().parents[2] / ".pgdata"


def running(pgdata: Path) -> bool:
    return (pgdata / "postmaster.pid").exists()


def main(argv: list[str]) -> int:
    if os.environ.get("DATABASE_URL"):
        return 0  # Not ours to stop or report: the database was given.
    if not running(PGDATA):
        print("The embedded PostgreSQL is not running.")
        return 0
    if "--stop" in argv:
        from wsis.embedded import stop

        stop(PGDATA)
        print("Stopped the embedded PostgreSQL (its data stays in .pgdata/).")
    else:
        print("The embedded PostgreSQL keeps running (data in .pgdata/): `make stop-db` stops it.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
