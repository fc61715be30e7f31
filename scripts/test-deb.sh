#!/usr/bin/env bash
# Installs a Styrkort .deb with apt, as IT would, and checks the installed program: started
# from /usr/bin under a display it shows the demo scorecard and "Om Styrkort" with the
# licences the package carries (tests/e2e_window.rs, run against the installed binary). Then
# removes the package and checks that nothing it installed is left.
#   scripts/test-deb.sh PACKAGE.deb     (make test-deb builds the package and runs this under xvfb-run)
# Needs root or sudo, tauri-driver and a display.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
pkg=$(dpkg-deb --field "$deb" Package)
bin=/usr/bin/styrkort-app
sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

installed() { dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; }
if installed; then
  echo "$pkg is installed on this machine already; remove it first (apt-get remove $pkg)." >&2
  exit 1
fi
# Every file the package installs (not the folders, which other packages share).
mapfile -t files < <(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ {print $6}' | sed -E 's|^\.?/?|/|')

echo "Installing $(basename "$deb") ($(du -h "$deb" | cut -f1))"
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
trap '"${sudo_cmd[@]}" apt-get remove -y -qq "$pkg" >/dev/null || true' EXIT
installed || { echo "apt did not install $pkg" >&2; exit 1; }
[[ -x $bin ]] || { echo "$bin was not installed" >&2; exit 1; }
desktop=$(printf '%s\n' "${files[@]}" | grep '^/usr/share/applications/.*\.desktop$' || true)
[[ -n $desktop ]] && grep -q '^Exec=styrkort-app' "$desktop" || { echo "no menu entry starting styrkort-app" >&2; exit 1; }

licences=$(printf '%s\n' "${files[@]}" | grep '/THIRD-PARTY-LICENSES.txt$' || true)
[[ -n $licences && -s $licences ]] || { echo "the package installed no licences file" >&2; exit 1; }

STYRKORT_APP_BINARY=$bin STYRKORT_E2E_LICENCES=$licences \
  cargo test --workspace --features styrkort/tools --test e2e_window -- --ignored --test-threads=1 \
  demo_scorecard_shows_goals_with_colours_and_symbols about_shows_version_database_schema_and_licences

"${sudo_cmd[@]}" apt-get remove -y -qq "$pkg" >/dev/null
trap - EXIT
if installed; then
  echo "$pkg is still installed after apt-get remove" >&2
  exit 1
fi
left=()
for f in "${files[@]}"; do
  [[ -e $f ]] && left+=("$f")
done
if [[ ${#left[@]} -gt 0 ]]; then
  echo "apt-get remove left files behind: ${left[*]}" >&2
  exit 1
fi
echo "The .deb installed ${#files[@]} files, its program showed the demo scorecard and its licences, and removing it left nothing."
