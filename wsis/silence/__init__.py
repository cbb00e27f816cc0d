"""Silence procedures: a version goes out under silence, and silence is broken per paragraph."""
