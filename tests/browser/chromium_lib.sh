# Shared by the tests/browser/*_test.sh scripts (sourced, not run): render a
# report page in headless Chromium and check what every report must show.
# The caller defines fail(), and sets browser, profile and work.

# No network, no profile state, no GPU: the page must render on its own.
chromium_flags() {
  flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
         --disable-component-update --disable-sync --disable-extensions --hide-scrollbars
         --user-data-dir="$profile")
}

# The page's DOM after Chromium ran it, into $work/dom.html.
dump_dom() {
  local page=$1
  chromium_flags
  timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$page" >"$work/dom.html" 2>"$work/chromium-dom.log" ||
    { tail -20 "$work/chromium-dom.log" >&2; fail "chromium --dump-dom failed"; }
}

count() { grep -o -- "$1" "$work/dom.html" | wc -l; }

# Every report has the four plots.
check_plots() {
  [[ "$(count '<svg ')" -eq 4 ]] || fail "expected 4 <svg> plots in the DOM, found $(count '<svg ')"
  local id
  for id in plot-rows plot-rate plot-backlog plot-lag; do
    [[ "$(count "id=\"$id\"")" -eq 1 ]] || fail "plot $id missing from the DOM"
  done
}

# A screenshot of the page into $work/report.png; sets size (bytes). A
# blank 1100x2000 page compresses to a few KB; text, lines and shading take
# far more.
screenshot() {
  local page=$1 min_bytes=$2
  local png="$work/report.png"
  chromium_flags
  timeout 120 "$browser" "${flags[@]}" --window-size=1100,2000 --screenshot="$png" "file://$page" \
    >"$work/chromium-shot.log" 2>&1 || { tail -20 "$work/chromium-shot.log" >&2; fail "chromium --screenshot failed"; }
  [[ -s "$png" ]] || fail "no screenshot written"
  [[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] || fail "the screenshot is not a PNG"
  size="$(stat -c %s "$png")"
  [[ "$size" -gt "$min_bytes" ]] || fail "the screenshot is suspiciously small ($size bytes): blank page?"
}
