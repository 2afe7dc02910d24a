"""Run one of lernmi's examples: ``python -m lernmi mnist [options]``, or ``lernmi mnist``.

The examples are the scripts in the project's examples/ folder, installed with lernmi as the
package ``lernmi.examples`` so that they run from a wheel too. ``python -m lernmi`` alone
lists them.
"""

import pkgutil
import runpy
import sys


def main(argv=None):
    """Run the example named by argv[0] with the rest of argv as its options."""
    from . import examples

    argv = sys.argv[1:] if argv is None else list(argv)
    names = sorted(m.name for m in pkgutil.iter_modules(examples.__path__))
    # Named as it was run: `python -m lernmi`, or the `lernmi` command.
    command = "python -m lernmi" if sys.argv[0].endswith("__main__.py") else "lernmi"
    usage = (f"usage: {command} EXAMPLE [options]   (EXAMPLE --help shows its options)\n"
             f"examples: {', '.join(names)}")
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0 if argv else 2
    name = argv[0].replace("-", "_")
    if name not in names:
        print(f"lernmi: there is no example {argv[0]!r}\n{usage}", file=sys.stderr)
        return 2
    # The example's argparse names itself after sys.argv[0]: the command that ran it.
    sys.argv = [f"{command} {name}", *argv[1:]]
    runpy.run_module(f"lernmi.examples.{name}", run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
