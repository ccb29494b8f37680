#!/bin/bash
# Exits 0 once the app's settings say mode=production, 1 before.
if grep -qx 'mode=production' ~/app/settings.conf 2>/dev/null; then
  exit 0
fi
exit 1
