"""lernmi's example programs, installed with lernmi as ``lernmi.examples``.

Each is a script to read top to bottom; ``python -m lernmi NAME`` runs one from an
installed lernmi (see lernmi/__main__.py).
"""
