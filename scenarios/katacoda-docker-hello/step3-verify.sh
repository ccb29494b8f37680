#!/bin/bash
docker run --rm hello | grep -q "built by"
