#!/bin/bash
# Passes once ~/hello.json is a JSON object whose "greeting" is "hello circus".
python3 - <<'PY' && echo done
import json, pathlib, sys
try:
    data = json.loads((pathlib.Path.home() / "hello.json").read_text())
except (OSError, ValueError):
    sys.exit(1)
sys.exit(0 if isinstance(data, dict) and data.get("greeting") == "hello circus" else 1)
PY
