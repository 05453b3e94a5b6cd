"""What the people at the kiosk ask of the core, as plain calls with no Qt.

The volunteer's visit (:mod:`.session_work`: the session flow's effects against the ledger and
the printer) and the operator's work (:mod:`.operator_work`, :mod:`.operator_prints`). The UI
runs them off the GUI thread through its one runner (``kiosk/ui/runner.py``); the tests and
the command line call them directly. Like ``kiosk/core``, nothing here imports Qt, a device
library or the network (tests/test_imports.py checks); unlike the core, an operation may take
the configured :class:`kiosk.services.Services` whole.
"""
