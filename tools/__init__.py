"""Development tools kept beside the tracker and never imported by it."""
