"""Readings and the live room: the facilitator holds the pen, every reader follows live."""
