"""The benchmark command's own code: it ships with the tracker, so it imports nothing from the
tests or the dev extra."""
