"""nbval runs every notebook on a fresh store: a user's labels.db is never touched by tests.

Here, not in ``notebooks/``, so that folder holds notebooks only (what ``make demo`` shows).
"""

import os
import tempfile

_tmp = tempfile.mkdtemp(prefix="nb_label_nbval_")
os.environ["NB_LABEL_STORE"] = os.path.join(_tmp, "labels.db")
os.environ["NB_LABEL_EXPORT"] = os.path.join(_tmp, "my_labels.csv")
os.environ.setdefault("MPLBACKEND", "Agg")
