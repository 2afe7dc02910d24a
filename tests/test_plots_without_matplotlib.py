"""matplotlib is optional: lernmi never imports it until a picture is drawn, and says how
to install it when it is missing."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parent.parent

# Run first in a fresh Python: None in sys.modules makes `import matplotlib` fail.
WITHOUT_MATPLOTLIB = "import sys; sys.modules['matplotlib'] = None\n"


def python(code):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_lernmi_does_not_import_matplotlib():
    code = "import sys, lernmi, lernmi.plots; print('matplotlib' in sys.modules)"
    assert python(code).strip() == "False"


def test_without_matplotlib_pictures_say_how_to_install_it_and_numbers_still_work():
    code = WITHOUT_MATPLOTLIB + """
from lernmi import Network, plots
net = Network([4, 3, 2], seed=0)
for draw in (lambda: plots.learning_curves({"loss": [1.0], "accuracy": [0.5]}),
             lambda: plots.confusion_matrix([0, 1], [1, 1]),
             lambda: plots.hidden_weights(net),
             lambda: plots.network_drawing(net),
             lambda: plots.input_sensitivity(net, [0, 1, 0, 1])):
    try:
        draw()
    except ImportError as error:
        print(error)
print(plots.confusion([0, 1], [1, 1]).tolist(), plots.input_gradient(net, [0, 1, 0, 1]).shape)
"""
    lines = python(code).splitlines()
    assert len(lines) == 6
    assert all('pip install "lernmi[plot]"' in line for line in lines[:5])
    assert lines[5] == "[[0, 1], [0, 1]] (4,)"


def test_the_mnist_example_asks_for_matplotlib_before_training(tmp_path):
    code = WITHOUT_MATPLOTLIB + f"""
import runpy
sys.argv = ["mnist.py", "--data-dir", "no such folder", "--plots", {str(tmp_path)!r}]
runpy.run_path({str(ROOT / "examples" / "mnist.py")!r}, run_name="__main__")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert 'pip install "lernmi[plot]"' in result.stderr
