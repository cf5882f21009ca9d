#!/usr/bin/env bash
# The main job, for now: build bam-exporter and run it on the e-commerce demo config and its sample
# log, printing the business metrics Prometheus would scrape. (It grows into the whole local stack.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh > /dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build --target bam-exporter > /dev/null
build/bin/bam-exporter --config.file=exporter/examples/ecommerce.yml --check-config
build/bin/bam-exporter --config.file=exporter/examples/ecommerce.yml --one-shot
