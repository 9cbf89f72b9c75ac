#!/bin/sh
# Regenerates the example workbooks in examples/exports/ (*.xlsx, kobotoolbox.xls,
# handmatig.ods) and the workbook fixtures in tests/fixtures/sheets/. The results are
# committed, so tests and CI need none of the tools below; run this only to change them.
#
# Needs:
# - cargo: examples/make_workbooks.rs writes the xlsx files (rust_xlsxwriter);
# - LibreOffice (soffice; Debian: apt-get install libreoffice-calc-nogui): converts
#   xlsx to .xls (kobotoolbox.xls) and .ods (handmatig.ods);
# - python3: examples/exports/make_fixtures.py (standard library only) does the zip
#   surgery: LimeSurvey's inline strings, absurd-size.xlsx, not-a-workbook.xlsx;
# - msoffcrypto-tool (pip install msoffcrypto-tool): encrypts encrypted.xlsx with the
#   password "geheim" (ECMA-376 agile encryption, as Excel does).
set -eu
cd "$(dirname "$0")/../.."
work=target/make-workbooks
mkdir -p "$work"

CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} cargo run --quiet --example make_workbooks -- "$work"

# A private LibreOffice profile, so a running LibreOffice does not get in the way.
profile="file://$(pwd)/$work/lo-profile"
soffice -env:UserInstallation="$profile" --headless --convert-to 'xls:MS Excel 97' \
    --outdir examples/exports "$work/kobotoolbox.xlsx"
soffice -env:UserInstallation="$profile" --headless --convert-to ods \
    --outdir examples/exports "$work/handmatig.xlsx"

python3 examples/exports/make_fixtures.py "$work"

rm -f tests/fixtures/sheets/encrypted.xlsx
msoffcrypto-tool -e -p geheim "$work/antwoorden.xlsx" tests/fixtures/sheets/encrypted.xlsx

ls -l examples/exports/*.xlsx examples/exports/*.xls examples/exports/*.ods tests/fixtures/sheets/
