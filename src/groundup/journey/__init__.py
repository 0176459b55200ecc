"""The journey: one runner per roadmap stage, discovered through a small registry.

A stage adds itself by creating ``groundup/journey/stageN.py`` with a function decorated by
:func:`groundup.journey.registry.stage`; nothing else needs to change. This is the only
package that imports the reference libraries (scikit-learn, SciPy, PyTorch) at run time.
"""

from groundup.journey.registry import (
    JourneyContext,
    StageReport,
    Table,
    discover,
    run_journey,
    stage,
)

__all__ = ["JourneyContext", "StageReport", "Table", "discover", "run_journey", "stage"]
