"""The package list for setuptools (everything else is in pyproject.toml).

Every ``playground`` subpackage is found automatically, so a new one ships without editing a list,
and the repository's ``resources/`` folder is added as ``playground.resources`` (its ``package-dir``
mapping is in pyproject.toml), its subfolders (``icons/``, ``lessons/``, ...) as data-only
subpackages. ``[tool.setuptools.packages.find]`` alone cannot do this: it only finds packages
inside the folders it searches, and ``resources/`` is not inside ``playground/``.
"""

from setuptools import find_namespace_packages, find_packages, setup

CODE = find_packages(include=["playground", "playground.*"])
DATA = ["playground.resources"] + [
    f"playground.resources.{name}"
    for name in find_namespace_packages("resources", exclude=["*__pycache__*"])
]

setup(packages=CODE + DATA)
