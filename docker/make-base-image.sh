#!/usr/bin/env bash
# Makes the base image the Dockerfile starts FROM without any registry: debootstraps a Debian
# minbase of SUITE (default trixie, whose openjdk-25 the image's runtime is jlinked from) from the
# mirror this machine's apt already uses and imports it as debian:<SUITE>-slim. Skips the work when
# that image exists (FORCE=1 rebuilds). On a machine with registry access this is not needed:
# docker pulls the real image.
set -euo pipefail

SUITE="${SUITE:-trixie}"
IMAGE="${BASE_IMAGE:-debian:$SUITE-slim}"

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE already present"
  exit 0
fi

# The mirror apt uses for this machine's own suite, bookworm (deb822 .sources stanzas or one-line .list
# entries); other repositories (security, third-party) are skipped.
mirror="$(
  {
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites = " " $i " " }
        }
        if (suites ~ /[ \t]bookworm[ \t]/ && uris != "") { split(uris, u, " "); print u[1] }
      }' /etc/apt/sources.list.d/*.sources 2>/dev/null
    grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      sed -E 's/\[[^]]*\] //' | awk '$3 == "bookworm" { print $2 }' || true
  } | head -n 1 || true
)"
if [ -z "$mirror" ]; then
  echo "no Debian mirror found in apt's sources" >&2
  exit 1
fi
echo "debootstrapping $SUITE minbase from $mirror"

rootfs="$(mktemp -d /tmp/nundb-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >/tmp/nundb-debootstrap.log 2>&1 || {
  tail -n 30 /tmp/nundb-debootstrap.log >&2
  exit 1
}
echo "deb $mirror $SUITE main" >"$rootfs/etc/apt/sources.list"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' - "$IMAGE"
echo "imported $IMAGE"
