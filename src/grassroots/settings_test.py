"""Settings for the test suite: the project's settings in development mode, chosen explicitly.

The default is production (settings.py), which needs every key from the environment and serves https only;
tests run on the test client's plain http with the generated development keys. The subprocesses that tests
start inherit the choice through the environment.
"""

import os

os.environ["GRASSROOTS_ENV"] = "development"

from grassroots.settings import *  # noqa: E402,F403
