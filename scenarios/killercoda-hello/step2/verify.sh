#!/bin/bash
# Exits 0 once ~/app/status.sh is executable and prints "ok", 1 before.
if [ -x ~/app/status.sh ] && [ "$(~/app/status.sh 2>/dev/null)" = "ok" ]; then
  exit 0
fi
exit 1
