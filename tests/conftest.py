"""Every test (and every server a test spawns, which inherits the environment) reads its
user-level config and trusted folders from a fresh directory, never the developer's."""

from __future__ import annotations

import os
import tempfile

os.environ["AURELIS_CONFIG_DIR"] = tempfile.mkdtemp(prefix="aurelis-config-")
