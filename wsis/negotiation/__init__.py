"""The negotiating text between revisions: each paragraph's status, readings and the live room."""
