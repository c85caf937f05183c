#!/bin/sh
# Runs node with large buffers in transparent huge pages: glibc's malloc.hugetlb tunable (glibc 2.35 and later;
# other C libraries and older glibc ignore it). A table's columns are buffers of tens to hundreds of megabytes, each
# page first touched as rows are written; where a page fault is costly (a virtual machine), one fault per 2 MiB
# instead of per 4 KiB made the ingest of 10M rows ~1 s faster (tools/bench/README.md, "Huge pages"). The package
# scripts that run node (workbench, orchestrator, start, bench:*) run it through here; a caller's own
# GLIBC_TUNABLES are kept.
GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"
export GLIBC_TUNABLES
exec node "$@"
