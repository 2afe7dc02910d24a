"""Check what lernmi's sdist and wheel hold: everything they need, nothing a build made.

Usage: python tools/check_dist.py SDIST WHEEL

The sdist must hold exactly the checkout's files under src/lernmi/, tests/, examples/,
benchmarks/ and docs/ (git's list of them, or every file on disk outside a git checkout),
README.md, LICENSE and the build files, plus the metadata setuptools writes (PKG-INFO, setup.cfg,
*.egg-info). So no C, HTML or compiled module made by an earlier build slips in, and no
source file is left out.

The wheel must hold, for each compiled module (each src/lernmi/X.pxd), the compiled module
and its float32 copy, lernmi/_f32/X (each under MAX_MODULE_BYTES: no debugging
information), and its .pxd, .py and .pyi; every other file of src/lernmi/ (py.typed, C
headers, plain modules); the examples' scripts, as the package lernmi.examples (so that `python -m lernmi
mnist` runs from a wheel); the license; and nothing else.

Both lists are printed. The exit status is 1 if either is wrong.
"""

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "src/lernmi"
SOURCE_DIRS = (PACKAGE, "tests", "examples", "benchmarks", "docs")
TOP_FILES = ("README.md", "LICENSE", "MANIFEST.in", "pyproject.toml", "setup.py")
GENERATED = {".c", ".html", ".so", ".pyd", ".pyc", ".pyo"}

#: A compiled module without debugging information is a few hundred KB; with it, 1 to 3 MB.
MAX_MODULE_BYTES = 1_000_000


def checkout_files():
    """The checkout's files under SOURCE_DIRS, as paths relative to ROOT."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
             *SOURCE_DIRS], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        names = {name for name in listed.split("\0") if name}
    except (OSError, subprocess.CalledProcessError):
        names = {path.relative_to(ROOT).as_posix()
                 for folder in SOURCE_DIRS if (ROOT / folder).is_dir()
                 for path in (ROOT / folder).rglob("*")
                 if path.is_file() and "__pycache__" not in path.parts
                 and path.suffix not in GENERATED}
    return {name for name in names if (ROOT / name).is_file()}


def sdist_problems(sdist, sources):
    with tarfile.open(sdist) as archive:
        # Every member sits in one folder, lernmi-VERSION/.
        names = {PurePosixPath(*PurePosixPath(m.name).parts[1:]).as_posix()
                 for m in archive.getmembers() if m.isfile()}
    show("sdist", sdist, names)
    made_by_setuptools = {name for name in names if name in ("PKG-INFO", "setup.cfg")
                          or re.match(r"src/[^/]+\.egg-info/", name)}
    wanted = sources | set(TOP_FILES)
    return ([f"sdist lacks {name}" for name in sorted(wanted - names)]
            + [f"sdist should not hold {name}"
               for name in sorted(names - wanted - made_by_setuptools)])


def wheel_problems(wheel, sources):
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if not name.endswith("/")}
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    show("wheel", wheel, names)
    package = {name.removeprefix("src/") for name in sources if name.startswith(PACKAGE + "/")}
    package |= {"lernmi/" + name for name in sources
                if name.startswith("examples/") and name.endswith(".py")}
    compiled = sorted(name[:-len(".pxd")] for name in package if name.endswith(".pxd"))
    problems = [f"src/{name}.pyi is missing: each compiled module needs a stub"
                for name in compiled if name + ".pyi" not in package]
    problems += [f"wheel lacks {name}" for name in sorted(package - names)]
    extensions = set()
    copies = [module.replace("lernmi/", "lernmi/_f32/", 1) for module in compiled]
    for module in compiled + copies:
        pattern = re.escape(module) + r"(\.[\w-]+)?\.(so|pyd)"  # lernmi/stores.cpython-311-...so
        found = {name for name in names if re.fullmatch(pattern, name)}
        if len(found) != 1:
            problems.append(f"wheel should hold one compiled {module}, not {sorted(found)}")
        problems += [f"{name} is {sizes[name]:,} bytes, over {MAX_MODULE_BYTES:,}: built with "
                     f"debugging information?" for name in found
                     if sizes[name] > MAX_MODULE_BYTES]
        extensions |= found
    dist_info = {name for name in names if re.match(r"lernmi-[^/]+\.dist-info/", name)}
    for needed in ("METADATA", "WHEEL", "RECORD", "licenses/LICENSE"):
        if not any(name.endswith(".dist-info/" + needed) for name in dist_info):
            problems.append(f"wheel lacks lernmi-*.dist-info/{needed}")
    problems += [f"wheel should not hold {name}"
                 for name in sorted(names - package - extensions - dist_info)]
    return problems


def show(kind, path, names):
    print(f"{kind} {Path(path).name} holds {len(names)} files:")
    for name in sorted(names):
        print(f"    {name}")


def main(sdist, wheel):
    sources = checkout_files()
    problems = sdist_problems(sdist, sources) + wheel_problems(wheel, sources)
    for problem in problems:
        print(f"ERROR: {problem}")
    if problems:
        return 1
    print("sdist and wheel contents: OK")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
