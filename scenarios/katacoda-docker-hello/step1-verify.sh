#!/bin/bash
docker image inspect busybox >/dev/null 2>&1
