"""Acceptance checks that need programs beyond Python (a browser, LibreOffice). Not in the
default run (slow, and they need Debian packages); run them with

    .venv/bin/pytest tests/acceptance -o addopts="" -s

Each test skips with the reason when what it needs is missing."""
