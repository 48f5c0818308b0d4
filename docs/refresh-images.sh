#!/bin/sh
# The screenshots in docs/images are the desk's SVG snapshots (tests/desk/test_snapshots.py):
# after an intended change to a screen, update the snapshots, look at them, then run this.
#   .venv/bin/python -m pytest tests/desk/test_snapshots.py --snapshot-update
set -e
cd "$(dirname "$0")/.."
shots=tests/desk/__snapshots__/test_snapshots
cp "$shots/test_is_this_you.svg" docs/images/desk-is-this-you.svg
cp "$shots/test_shown_with_medications.svg" docs/images/desk-result.svg
cp "$shots/test_shown_at_80_columns.svg" docs/images/desk-result-80.svg
cp "$shots/test_japanese_result_at_80_columns.svg" docs/images/desk-result-80-ja.svg
cp "$shots/test_coverage_lost.svg" docs/images/desk-coverage-lost.svg
cp "$shots/test_last_try_warning.svg" docs/images/desk-last-try.svg
cp "$shots/test_help_in_japanese.svg" docs/images/desk-help-ja.svg
