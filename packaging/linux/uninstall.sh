#!/bin/sh
# Remove what install.sh put under ~/.local (or PREFIX). Project files and settings stay.
set -eu

APP_ID=invalid.annotator.Annotator
PREFIX=${PREFIX:-"$HOME/.local"}
SHARE="$PREFIX/share"

rm -rf "$PREFIX/opt/annotator"
if [ -L "$PREFIX/bin/annotator" ]; then rm -f "$PREFIX/bin/annotator"; fi
rm -f "$SHARE/applications/$APP_ID.desktop" "$SHARE/metainfo/$APP_ID.metainfo.xml" \
    "$SHARE/mime/packages/$APP_ID.xml"
for dir in "$SHARE"/icons/hicolor/*; do
    rm -f "$dir/apps/$APP_ID.png" "$dir/apps/$APP_ID.svg" \
        "$dir/mimetypes/application-x-annotator-project.png" \
        "$dir/mimetypes/application-x-annotator-project.svg"
done
if command -v update-mime-database >/dev/null 2>&1 && [ -d "$SHARE/mime" ]; then
    update-mime-database "$SHARE/mime" || true
fi
if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$SHARE/applications" ]; then
    update-desktop-database "$SHARE/applications" || true
fi
echo "annotator removed from $PREFIX (your projects are untouched)"
