#!/bin/bash
# Prepares the app's settings before the step shows.
mkdir -p ~/app
printf 'name=hello\nmode=debug\n' > ~/app/settings.conf
