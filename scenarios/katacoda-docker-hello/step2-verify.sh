#!/bin/bash
[ "$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)" = true ] && curl -s localhost:80 | grep -q "Welcome to nginx"
