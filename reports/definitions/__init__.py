"""Report definitions: importing this package imports every module in it, and so registers
every report in reports.registry.REPORTS (services and views import it)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
