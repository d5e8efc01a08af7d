"""Steps of ``warta demo`` contributed by apps above the organisations layer.

The unit tree and the demo users are loaded by the organisations app; apps that depend on
them (channels and the sandbox) register a step here in ``AppConfig.ready``. Each step must
be idempotent: ``make run`` loads the demo on every start.
"""

from collections.abc import Callable

_STEPS: dict[str, Callable[..., None]] = {}


def demo_step_register(name: str, step: Callable[..., None]) -> None:
    _STEPS[name] = step


def demo_steps() -> list[tuple[str, Callable[..., None]]]:
    return sorted(_STEPS.items())
