#!/bin/bash
# Passes once ~/hello.txt holds exactly the line "hello circus" (prints "done", KataCoda style, and exits 0).
[ "$(cat ~/hello.txt 2>/dev/null)" = "hello circus" ] && echo done
