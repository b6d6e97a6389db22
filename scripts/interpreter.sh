#!/usr/bin/env bash
# The Python the virtual environment is made with (`make PYTHON=...` chooses another).
#
# Debian's own CPython when it is there and can make a virtual environment: it renders a
# letter about 8% cheaper and starts about 10% sooner than a CPython built as a shared
# library without optimisation (pyenv's default build, which is first on PATH on the
# development machines): measured with `make bench`, see README "Speed". Otherwise the
# python3 on PATH.
set -euo pipefail
if /usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' \
    2>/dev/null; then
  echo /usr/bin/python3
else
  echo python3
fi
