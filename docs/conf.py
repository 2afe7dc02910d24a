"""Sphinx's settings for lernmi's site: `bash tools/docs.sh` builds it into build/site.

The pages are MyST Markdown. The tour and the playground are notebooks written as Markdown
(jupytext's MyST format), which myst-nb runs on every build, so the outputs shown are the
ones this lernmi gives; a cell that fails fails the build. The API reference is autodoc
reading the docstrings (numpydoc style) of the lernmi that is installed.

Nothing here reaches the internet: no intersphinx. The tour's MNIST chapter reads the
digits from the folder LERNMI_DATA_DIR names (or downloads them once, given internet).
"""

import lernmi

project = "lernmi"
author = "The lernmi developers"
copyright = "the lernmi developers, MIT licence"
release = lernmi.__version__
version = release

extensions = [
    "myst_nb",                  # MyST Markdown pages, and notebooks run at build time
    "sphinx.ext.autodoc",       # the API reference, from the docstrings
    "numpydoc",                 # ... which are written in numpydoc's sections
    "sphinx.ext.mathjax",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]

# `Network.train` in a docstring links to it where it can, and is code where it cannot.
default_role = "py:obj"

# Markdown: $...$ maths, ::: fences, definition lists; headings get anchors to link to.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# The notebooks run on every build, from the folder they live in, and a cell that raises
# (or a notebook that takes over 20 minutes) fails it.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 1200
nb_execution_show_tb = True
nb_merge_streams = True

# numpydoc: no table of every method above each class (autodoc lists them below it).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures are the docs; the stubs' types are for mypy

html_theme = "pydata_sphinx_theme"
html_title = f"lernmi {release}"
html_static_path = ["_static"]
# Two neurons and a link; without a favicon the browser asks for /favicon.ico and gets a 404.
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False
# The theme's script logs an error for a page with no light/dark mode set: set one.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "github_url": "https://github.com/lernmi/lernmi",
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}


def skip_inherited_from_elsewhere(app, what, name, obj, skip, options):
    """Leave out the methods a class inherits from outside lernmi: the estimators'
    set_*_request from scikit-learn, whose docstrings refer to scikit-learn's own pages."""
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and callable(obj) and module and not module.startswith("lernmi"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", skip_inherited_from_elsewhere)
