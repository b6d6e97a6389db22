#!/usr/bin/env bash
# Install the Debian packages dtz-letters needs, only those missing.
#   scripts/system-packages.sh python   Debian's Python with venv (see scripts/interpreter.sh)
#   scripts/system-packages.sh render   WeasyPrint's libraries (Pango, HarfBuzz, fontconfig)
#   scripts/system-packages.sh test     also the outside judges the tests use: qpdf, poppler-utils,
#                                       LibreOffice Writer, Apache PDFBox preflight (with the two
#                                       Java APIs it needs and a Java runtime), the JDK (its XSD
#                                       validator judges the DiWoo metadata, run from source), and
#                                       Chromium with its driver (the preview's browser test)
set -euo pipefail
need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig)
if [ "${1:-render}" = "python" ]; then
  need=(python3 python3-venv)
  # Not root, or no apt: the python3 on PATH will do if it can make a virtual environment
  # (scripts/interpreter.sh then picks it); otherwise say what to install, below.
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    python3 -c 'import ensurepip, venv' 2>/dev/null && exit 0
  fi
fi
if [ "${1:-render}" = "test" ]; then
  need+=(qpdf poppler-utils libreoffice-writer-nogui)
  need+=(libpdfbox2-java libactivation-java libjaxb-api-java openjdk-17-jre-headless)
  need+=(openjdk-17-jdk-headless)
  need+=(chromium chromium-driver)
fi
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
