#!/bin/sh
# Test stand-in for the osc binary: records how it was called, then runs
# the real osc with the same arguments. Each run writes, under
# $OSC_WRAPPER_LOG_DIR, run-<pid>.argv (the arguments, NUL-separated) and
# run-<pid>.env (the OSC_PASSWORD it received, or the word "unset"), so a
# test can check that the password came through the environment and not argv.
set -eu
dir=${OSC_WRAPPER_LOG_DIR:?OSC_WRAPPER_LOG_DIR must be set}
printf '%s\0' "$@" >"$dir/run-$$.argv"
if [ "${OSC_PASSWORD+set}" = set ]; then printf '%s' "$OSC_PASSWORD"; else printf 'unset'; fi >"$dir/run-$$.env"
exec "${OSC_REAL:?OSC_REAL must name the real osc binary}" "$@"
