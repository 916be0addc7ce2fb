"""The process that measures a Keras finding on one Keras 3 backend (backends.py
starts one per backend, with ``KERAS_BACKEND`` set): requests on stdin, answered
by the ordinary in-process probes.

    python -m headlint.confirm.worker
"""

from __future__ import annotations

import os
import sys

from . import confirm
from .backends import receive, send


def main() -> None:
    """The worker: requests on stdin, one Evidence each on stdout. Native code may
    print to file descriptor 1, so the answers get a private copy of it and fd 1
    points at stderr (which the parent discards)."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    while True:
        try:
            code, head, device = receive(requests)
        except EOFError:
            return
        send(answers, confirm(code, head, device))


if __name__ == "__main__":
    main()
