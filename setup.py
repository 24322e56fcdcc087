"""Packages for the owner's layout: ``screens`` is a second top-level package and the
``data/`` folder ships inside the wheel as ``wuye_tui.data`` (see pyproject.toml)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["wuye_tui*", "screens*"]), "wuye_tui.data"])
