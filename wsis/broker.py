"""kombu's ``filesystem://`` transport, for development with no broker server.

kombu expects its folders to exist; this transport creates them when a channel is first
opened (a task sent, a worker started), so that reading the settings creates nothing.
"""

from pathlib import Path

from kombu.transport import filesystem


class FolderChannel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        folders = (self.data_folder_in, self.data_folder_out, self.processed_folder)
        for folder in (*folders, self.control_folder):
            Path(folder).mkdir(parents=True, exist_ok=True)


class FolderTransport(filesystem.Transport):
    Channel = FolderChannel
