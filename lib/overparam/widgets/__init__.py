"""Interactive explorers: sliders that redraw a figure, fast enough to use while lecturing.

An :class:`Explorer` owns a *draw* function ``draw(**values) -> Figure`` and a set of controls.
:meth:`Explorer.show` displays the controls and the figure for the default values as an ordinary
cell output, then replaces that output in place whenever a control moves. So:

* run headless (tests, nbconvert, Binder's first run) the notebook still shows the default figure;
* in JupyterLab a slider release redraws the same figure, no second copy;
* callbacks must stay fast (budget 0.3 s): draw functions use theory curves and cached simulations,
  never a fresh Monte Carlo sweep.

Lesson-specific explorers live in the submodules (``overparam.widgets.double_descent``, …).
Introduced in lesson 01.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import io
import time
from collections.abc import Callable

import ipywidgets as W
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["Explorer", "slider", "int_slider", "log_slider", "choice_slider", "dropdown", "checkbox"]

_LAYOUT = {"width": "460px"}
_STYLE = {"description_width": "150px"}


def slider(description: str, min: float, max: float, step: float, value: float, readout_format: str = ".2f") -> W.FloatSlider:
    """A float slider that redraws on release (not on every pixel of a drag)."""
    return W.FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=False, readout_format=readout_format, layout=_LAYOUT, style=_STYLE,
    )


def int_slider(description: str, min: int, max: int, step: int, value: int) -> W.IntSlider:
    """An integer slider that redraws on release."""
    return W.IntSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=False, layout=_LAYOUT, style=_STYLE,
    )


def log_slider(description: str, min_exp: float, max_exp: float, value: float, step: float = 0.1) -> W.FloatLogSlider:
    """A slider over ``10**min_exp .. 10**max_exp`` on a log scale (for ridge penalties, ratios)."""
    return W.FloatLogSlider(
        value=value, base=10, min=min_exp, max=max_exp, step=step, description=description,
        continuous_update=False, readout_format=".2g", layout=_LAYOUT, style=_STYLE,
    )


def choice_slider(description: str, options, value) -> W.SelectionSlider:
    """A slider over a fixed list of values (or ``(label, value)`` pairs), redrawing on release."""
    return W.SelectionSlider(
        options=options, value=value, description=description,
        continuous_update=False, layout=_LAYOUT, style=_STYLE,
    )


def checkbox(description: str, value: bool) -> W.Checkbox:
    """A tick box."""
    return W.Checkbox(value=value, description=description, layout=_LAYOUT, style=_STYLE)


def dropdown(description: str, options, value) -> W.Dropdown:
    """A drop-down menu of options."""
    return W.Dropdown(options=options, value=value, description=description, layout=_LAYOUT, style=_STYLE)


def _png_bundle(fig: Figure) -> dict:
    """The figure as a display bundle (PNG plus a plain-text form), independent of any backend.

    Rendering the PNG here, instead of handing IPython a Figure, means the image appears even when
    no pyplot figure (and so no inline backend) has been set up yet in the notebook.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    width, height = (int(round(v)) for v in fig.get_size_inches() * fig.dpi)
    return {
        "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
        "text/plain": f"<Figure size {width}x{height} with {len(fig.axes)} Axes>",
    }


@contextlib.contextmanager
def _no_gc_pause():
    """Hold the cyclic garbage collector off during one redraw, then let it collect the young objects.

    A redraw allocates many short-lived matplotlib objects; collections during the draw promote
    them to the oldest generation while the figure is still alive, and a full collection of the
    whole kernel heap (~0.1 s) then lands in a later redraw. With the collector held off, the dead
    figure is reclaimed by one cheap young-generation collection right after the redraw.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:  # a caller who turned the collector off keeps it off
            gc.enable()
            gc.collect(0)


class _Controls(W.VBox):
    """The box of controls, with a plain-text form that says what it is when no front end runs."""

    def __repr__(self) -> str:
        names = ", ".join(str(c.description) for c in self.children)
        return f"[interactive controls: {names} — run the notebook in Jupyter to use them]"


class Explorer:
    """Controls plus a figure that is redrawn in place when a control changes.

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``; build the figure with
        :func:`overparam.plots.new_figure` so that pyplot never shows it a second time.
    controls : dict of str to ipywidgets.ValueWidget
        One control per keyword argument of ``draw``.

    Attributes
    ----------
    last_seconds : float
        Wall time of the last redraw (draw + render), for the course's 0.3 s budget.
    """

    def __init__(self, draw: Callable[..., Figure], controls: dict):
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {type(draw).__name__}")
        if not isinstance(controls, dict) or not controls:
            raise TypeError("controls must be a non-empty dict of name -> ipywidgets control")
        for name, control in controls.items():
            if not isinstance(control, W.ValueWidget):
                raise TypeError(f"control {name!r} must be an ipywidgets value widget, got {type(control).__name__}")
        self.draw = draw
        self.controls = controls
        self.last_seconds = float("nan")
        self._handle = None
        for control in controls.values():
            control.observe(self._on_change, names="value")

    def __repr__(self) -> str:
        return f"Explorer(controls={list(self.controls)})"

    @property
    def values(self) -> dict:
        """Current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def figure(self, **overrides) -> Figure:
        """The figure for the current values, with some of them overridden."""
        values = self.values
        unknown = set(overrides) - set(values)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this explorer has {list(values)}")
        values.update(overrides)
        fig = self.draw(**values)
        if not isinstance(fig, Figure):
            raise TypeError(f"draw must return a matplotlib Figure, got {type(fig).__name__}")
        return fig

    def update(self, **values) -> float:
        """Set controls programmatically (as a slider move would) and return the redraw time."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; this explorer has {list(self.controls)}")
            self.controls[name].value = value
        return self.last_seconds

    def redraw_seconds(self, **values) -> float:
        """Time one full redraw (draw and PNG render) for the given values, without displaying it."""
        start = time.perf_counter()
        with _no_gc_pause():
            _png_bundle(self.figure(**values))
        return time.perf_counter() - start

    def show(self) -> None:
        """Display the controls and the default figure (a normal output, visible headless)."""
        display(_Controls(list(self.controls.values())))
        with _no_gc_pause():
            bundle = _png_bundle(self.figure())
        self._handle = display(bundle, raw=True, display_id=True)

    def _on_change(self, _change) -> None:
        start = time.perf_counter()
        with _no_gc_pause():
            bundle = _png_bundle(self.figure())
        if self._handle is not None:
            self._handle.update(bundle, raw=True)
        self.last_seconds = time.perf_counter() - start
