#!/bin/sh
# Install annotator for this user: the app into ~/.local/opt/annotator, the `annotator` command
# into ~/.local/bin, and the menu entry, icon, AppStream metainfo and .annotator file type into
# ~/.local/share, so the app is in the menu and a double-click on a project opens it.
# No root needed, nothing outside ~/.local is touched. Run it from the unpacked folder:
#     ./install.sh            (PREFIX=/some/where ./install.sh to install elsewhere)
# ./uninstall.sh removes all of it again (your projects are never touched).
set -eu

APP_ID=invalid.annotator.Annotator
MIME=application/x-annotator-project
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-"$HOME/.local"}
APP_DIR="$PREFIX/opt/annotator"
BIN_DIR="$PREFIX/bin"
SHARE="$PREFIX/share"

if [ ! -x "$HERE/annotator" ] || [ ! -d "$HERE/_internal" ]; then
    echo "install.sh: run me from the unpacked annotator folder (no ./annotator beside me)" >&2
    exit 1
fi

echo "installing annotator into $APP_DIR"
mkdir -p "$PREFIX/opt" "$BIN_DIR" "$SHARE/applications" "$SHARE/metainfo" "$SHARE/mime/packages"
# The new copy is put in place whole, then swapped for any older one.
rm -rf "$APP_DIR.new"
mkdir -p "$APP_DIR.new"
cp -R "$HERE/annotator" "$HERE/_internal" "$HERE/uninstall.sh" "$APP_DIR.new/"
rm -rf "$APP_DIR"
mv "$APP_DIR.new" "$APP_DIR"
ln -sf "$APP_DIR/annotator" "$BIN_DIR/annotator"

# The menu entry runs the installed binary by its full path (~/.local/bin is not on every
# desktop session's PATH).
sed "s|^Exec=annotator |Exec=\"$APP_DIR/annotator\" |" \
    "$HERE/share/applications/$APP_ID.desktop" > "$SHARE/applications/$APP_ID.desktop"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$SHARE/metainfo/"
cp "$HERE/share/mime/packages/$APP_ID.xml" "$SHARE/mime/packages/"
for dir in "$HERE"/share/icons/hicolor/*/apps; do
    size=$(basename "$(dirname "$dir")")
    mkdir -p "$SHARE/icons/hicolor/$size/apps" "$SHARE/icons/hicolor/$size/mimetypes"
    for icon in "$dir"/*; do
        cp "$icon" "$SHARE/icons/hicolor/$size/apps/"
        # the project files' icon: the MIME type's generic-icon names the app icon too
        ext=${icon##*.}
        cp "$icon" "$SHARE/icons/hicolor/$size/mimetypes/application-x-annotator-project.$ext"
    done
done

# Refresh the desktop's caches where the tools exist (a minimal system may lack them; the files
# are in place either way and are picked up at the next login).
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database "$SHARE/mime" || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database "$SHARE/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -f -t "$SHARE/icons/hicolor" >/dev/null 2>&1 || true
fi
if command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default "$APP_ID.desktop" "$MIME" || true
fi

echo "done: annotator is in your applications menu; run it as $BIN_DIR/annotator"
case ":$PATH:" in
    *":$BIN_DIR:"*) ;;
    *) echo "note: $BIN_DIR is not on your PATH; add it to use the \`annotator\` command" ;;
esac
