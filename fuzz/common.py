"""What the fuzz targets share: running one under atheris, and the errors lernmi documents.

Each target is a script: ``python fuzz/idx_load.py [libFuzzer options] [corpus folders]``,
for example ``python fuzz/idx_load.py -max_total_time=600 corpus-copy/ fuzz/corpus/idx_load``
(libFuzzer adds what it finds to the first folder, so give it a copy or an empty one, and
the checked-in seed corpus after it). tools/fuzz.sh runs every target that way, under the
sanitizer build.
"""

import os
import sys

import atheris


def _abort(unraisable):
    # An exception that C code could only print ("Exception ignored") is a finding too:
    # abort, so that libFuzzer keeps the input.
    sys.__unraisablehook__(unraisable)
    os.abort()


def fuzz(test_one_input, *modules):
    """Run test_one_input on libFuzzer's inputs, with coverage of `modules` (Python code
    atheris instruments as it imports them) guiding it."""
    with atheris.instrument_imports(include=list(modules)):
        for module in modules:
            __import__(module)
    sys.unraisablehook = _abort
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
