#!/usr/bin/env bash
# The integration suite against moto_server (test/integration): the labs command, and the S3 trigger lab's
# function and checks. Each test file starts its own moto_server on 127.0.0.1 on a free port and stops it at
# the end. Installs moto when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v moto_server >/dev/null; then
  echo "moto_server not found: pip install 'moto[server]'"
  python3 -m pip install --quiet 'moto[server]'
  # pyenv puts new console scripts on PATH only after a rehash.
  if command -v pyenv >/dev/null; then pyenv rehash; fi
fi
moto_server --help >/dev/null
python3 -c 'import moto; print("moto", moto.__version__)'

npx jest --config jest.moto.config.js "$@"
