"""The house style, the plotting helpers and the explorer framework (headless)."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, plots
from overparam.widgets import Explorer, log_slider, slider


def test_use_style_sets_readable_defaults():
    plots.use_style()
    assert matplotlib.rcParams["font.size"] >= 14
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == plots.PALETTE["blue"]


def test_simulation_points_label_names_trials_and_spread():
    s = experiments.summarize([1, 2], np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    fig, ax = plots.subplots()
    plots.simulation_points(ax, s, label="sim")
    plots.theory_line(ax, [1, 2], [2.0, np.inf])
    plots.mark_threshold(ax)
    labels = [t.get_text() for t in plots.finish(ax, "p", "risk").get_legend().get_texts()]
    assert any("median of 3 trials" in t and "quartiles" in t for t in labels)
    assert "theory" in labels and "interpolation threshold" in labels
    plt.close(fig)
    with pytest.raises(ValueError, match="stat must be"):
        plots.simulation_points(ax, s, stat="mode")


def test_new_figure_is_not_managed_by_pyplot():
    before = plt.get_fignums()
    fig, axes = plots.new_figure(ncols=2)
    assert isinstance(fig, Figure) and len(axes) == 2
    assert plt.get_fignums() == before


def _draw(a, b=1.0):
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, a * b])
    return fig


def test_explorer_redraws_on_control_change_without_front_end():
    explorer = Explorer(_draw, {"a": slider("a", 0, 1, 0.1, 0.5), "b": log_slider("b", -1, 1, 1.0)})
    assert explorer.values == {"a": 0.5, "b": 1.0}
    seconds = explorer.update(a=0.8)
    assert explorer.values["a"] == 0.8 and 0 < seconds < 5
    assert explorer.redraw_seconds(a=0.1) > 0
    assert "Explorer(controls=['a', 'b'])" == repr(explorer)


def test_explorer_validation():
    with pytest.raises(TypeError, match="draw must be callable"):
        Explorer(None, {"a": slider("a", 0, 1, 0.1, 0.5)})
    with pytest.raises(TypeError, match="ipywidgets value widget"):
        Explorer(_draw, {"a": 3})
    explorer = Explorer(_draw, {"a": slider("a", 0, 1, 0.1, 0.5)})
    with pytest.raises(ValueError, match="unknown control"):
        explorer.update(c=1)
    bad = Explorer(lambda a: "not a figure", {"a": slider("a", 0, 1, 0.1, 0.5)})
    with pytest.raises(TypeError, match="must return a matplotlib Figure"):
        bad.figure()


def test_controls_have_a_plain_text_form():
    from overparam.widgets import _Controls

    box = _Controls([slider("noise", 0, 1, 0.1, 0.5)])
    assert "run the notebook in Jupyter" in repr(box)
    assert isinstance(box, W.VBox)


def test_explorer_shows_a_png_even_before_any_pyplot_figure():
    """Headless, the explorer's default figure is a PNG output even if nothing was plotted before."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from overparam import plots\n"
            "from overparam.widgets import Explorer, slider\n"
            "def draw(a):\n"
            "    fig, ax = plots.new_figure()\n"
            "    ax.plot([0, 1], [0, a])\n"
            "    return fig\n"
            "Explorer(draw, {'a': slider('a', 0, 1, 0.1, 0.5)}).show()"
        )
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)
    texts = [o["data"]["text/plain"] for o in outputs if "text/plain" in o.get("data", {})]
    assert "<Figure size 800x500 with 1 Axes>" in texts  # matplotlib's defaults: no house style here


def test_plot_helpers_validate_their_inputs():
    fig, axes = plots.new_figure(np.int64(2))  # numpy integers are integers
    assert len(axes) == 2
    with pytest.raises(ValueError, match="ncols must be at least 1"):
        plots.subplots(0)
    with pytest.raises(TypeError, match="summary must be an overparam.experiments.Summary"):
        plots.simulation_points(axes[0], [1, 2, 3])


def _png_image(bundle):
    import base64
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(base64.b64decode(bundle["image/png"])))


def _tight_image(fig):
    import io

    from matplotlib.image import imread

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return imread(io.BytesIO(buffer.getvalue()))


def test_png_bundle_is_the_tight_picture():
    """The explorer's PNG is savefig(bbox_inches="tight")'s picture, and the figure keeps its canvas."""
    from overparam.widgets import _png_bundle

    for layout in ("constrained", "none"):
        fig, (ax, bx) = plots.new_figure(ncols=2, width=5.0, height=3.5)
        fig.set_layout_engine(layout)
        ax.plot([0, 1, 2], [0, 1, 4], label="a curve")
        bx.bar(["x", "y"], [3, 1])
        ax.set_title("a title")
        ax.legend()
        canvas_before = fig.canvas
        new, old = _png_image(_png_bundle(fig)), _tight_image(fig)
        assert new.shape == old.shape, layout
        assert np.mean(np.abs(new - old).max(axis=2) > 0.25) < 0.02, layout
        assert fig.canvas is canvas_before


def test_png_bundle_keeps_artists_outside_the_figure_box():
    """A legend hung below the figure box is not cut off (savefig grows the canvas to hold it)."""
    from overparam.widgets import _png_bundle

    fig, ax = plots.new_figure(width=5.0, height=3.0)
    fig.set_layout_engine("none")
    ax.set_position([0.1, 0.1, 0.85, 0.8])
    ax.plot([0, 1], [0, 1], label="a curve")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3))
    image = _png_image(_png_bundle(fig))
    assert image.shape[0] > 3.0 * fig.dpi  # taller than the figure box: the legend is in
    assert image.shape == _tight_image(fig).shape


def test_redraw_holds_the_garbage_collector_off_and_restores_it():
    import gc

    seen = []

    def draw(a):
        seen.append(gc.isenabled())
        return _draw(a)

    explorer = Explorer(draw, {"a": slider("a", 0, 1, 0.1, 0.5)})
    assert gc.isenabled()
    explorer.update(a=0.7)
    explorer.redraw_seconds(a=0.2)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()  # a caller who turned it off keeps it off
    try:
        explorer.update(a=0.3)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(TypeError):  # an error in the draw function does not leave it off either
        Explorer(lambda a: None, {"a": slider("a", 0, 1, 0.1, 0.5)}).redraw_seconds()
    assert gc.isenabled()
