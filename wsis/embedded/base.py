"""The database engine ``wsis.embedded``: Django's PostgreSQL backend on the embedded server,
which it starts when the first connection is opened rather than when the settings are read."""

from pathlib import Path

from django.db.backends.postgresql import base

from wsis.embedded import start


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        # Filled in the settings' own dictionary: a child process is handed the same database
        # through it (``database_url``), once this process has connected.
        self.settings_dict.update(start(Path(self.settings_dict["PGDATA"])))
        return super().get_connection_params()
