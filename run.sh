#!/usr/bin/env bash
# offline-worker-reaper, for a newcomer on a fresh machine.
#   ./run.sh          build the jars if needed and run the reaper: against the cluster of $KUBECONFIG,
#                     ~/.kube/config or the in-cluster service account if there is one (the production jar,
#                     in dry-run unless REAPER_DRY_RUN=false), else the built-in demo cluster (the demo jar).
#                     Extra arguments go to the jar.
#   ./run.sh test     run the whole test suite (unit, route and black-box jar tests; with podman on the machine,
#                     also the image: built from the Dockerfile and run as the Deployment runs it, ImageIT).
#   ./run.sh image    build the container image (podman, else docker) from the jar `mvn package` makes; prints its
#                     name. REAPER_RUNTIME_IMAGE=<image> builds on another JRE base than the Dockerfile's default;
#                     REAPER_RUNTIME_IMAGE=debian on one made here from Debian's packages (mmdebstrap, no registry).
# Installs what is missing (etcd, a JDK 17, Maven) with apt-get when it can.
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "run.sh: need root to run: $*" >&2; exit 1; fi
}

apt_updated=""
need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: '$1' is missing; install the package that provides it ($2 on Debian/Ubuntu)." >&2; exit 1
  fi
  echo "run.sh: installing $2 (for '$1')" >&2
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

need java openjdk-17-jdk-headless
need mvn maven
need etcd etcd-server
need openssl openssl   # the etcd TLS tests make their own CA and certificates
if [ "${1:-}" = "test" ]; then
  need chromium chromium   # the status page's HTML view is tested in a headless browser
  # kubectl kustomize renders the manifests under test (on the machine image; apt has it where Kubernetes' or
  # Google Cloud's apt repository is configured, otherwise: https://kubernetes.io/docs/tasks/tools/)
  need kubectl kubectl
fi

if [ "${1:-}" = "test" ]; then
  shift
  if command -v podman >/dev/null 2>&1; then
    exec mvn -B verify -Pimage "$@"
  fi
  echo "run.sh: podman is not installed: the image checks (ImageIT) do not run; .ci/run installs it" >&2
  exec mvn -B verify "$@"
fi

jar=target/offline-worker-reaper.jar
demo_jar=target/offline-worker-reaper-demo.jar
if [ ! -f "$jar" ] || [ ! -f "$demo_jar" ] || [ ! -f target/bom.json ] \
    || [ -n "$(find pom.xml src routes config -newer "$demo_jar" -type f 2>/dev/null | head -n 1)" ]; then
  echo "run.sh: building $jar and $demo_jar" >&2
  mvn -B -q -DskipTests clean package
fi

if [ "${1:-}" = "image" ]; then
  # The name the Deployment, the chart and docker-compose.yml use: the registry path a release is pushed to,
  # tagged with the project version (DeploymentFilesTest and ImageIT check that they agree).
  version="$(sed -n 's|.*<artifactId>offline-worker-reaper</artifactId>[[:space:]]*<version>\([^<]*\)</version>.*|\1|p' \
    <(tr -d '\n' < pom.xml) | head -n 1)"
  image="ghcr.io/offline-worker-reaper/offline-worker-reaper:${version%-SNAPSHOT}"
  engine="${REAPER_IMAGE_ENGINE:-$(command -v podman >/dev/null 2>&1 && echo podman || echo docker)}"
  if ! command -v "$engine" >/dev/null 2>&1; then
    echo "run.sh: building the image needs podman or docker (apt-get install podman runc)" >&2; exit 1
  fi
  build_args=()
  base="${REAPER_RUNTIME_IMAGE:-}"
  if [ "$base" = "debian" ]; then
    # A JRE base from Debian bookworm's packages: the JRE, and passwd for the Dockerfile's useradd. No apt, no
    # documentation but the copyright files. openjdk's postinst links its man page: the directory must exist.
    base="localhost/offline-worker-reaper-jre:bookworm"
    if ! "$engine" image inspect "$base" >/dev/null 2>&1; then
      need mmdebstrap mmdebstrap
      echo "run.sh: assembling $base from Debian's packages (mmdebstrap)" >&2
      as_root mmdebstrap --quiet --variant=essential --include=openjdk-17-jre-headless,passwd \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --essential-hook='mkdir -p "$1/usr/share/man/man1"' bookworm - | "$engine" import - "$base" >/dev/null
    fi
  fi
  if [ -n "$base" ]; then build_args+=(--build-arg "RUNTIME_IMAGE=$base"); fi
  # The image's AppCDS archive holds the classes a remediation loads. The build cannot reach a cluster, so they are
  # recorded here, once per jar: the demo (the production code against its emulated cluster, watch mode) runs one
  # remediation with the JVM writing the classes it loads to target/classes.lst; the demo's own classes are left out.
  classes=target/classes.lst
  if [ ! -f "$classes" ] || [ "$classes" -ot "$jar" ]; then
    echo "run.sh: recording the classes a remediation loads (the demo, about 10 s) into $classes" >&2
    recording="$(mktemp -d)"
    (cd "$recording" && java -XX:DumpLoadedClassList="$recording/classes.lst" -XX:+UseSerialGC \
      -XX:TieredStopAtLevel=1 -jar "$OLDPWD/$demo_jar" --demo -Ddemo.crash-after=2s -Ddemo.exit-when-done=true \
      -Dreaper.check-interval=1s -Dreaper.detection=watch -Dcamel.management.port=$((20000 + RANDOM % 20000)) \
      >"$recording/demo.log" 2>&1) || { echo "run.sh: the demo run failed: $recording/demo.log" >&2; exit 1; }
    grep -v -e 'io/offlineworkerreaper/demo/' -e 'io/fabric8/mockwebserver/' \
      -e 'io/fabric8/kubernetes/client/server/mock/' "$recording/classes.lst" > "$classes"
    rm -rf "$recording"
  fi
  echo "run.sh: building $image with $engine${base:+ on $base}" >&2
  "$engine" build "${build_args[@]}" --tag "$image" . >&2
  echo "$image"
  exit 0
fi

# The Deployment's JVM flags (chosen by measurement, docs/BENCHMARKS.md), and an AppCDS archive of the classes the
# jar loads: the first run records it as it exits (target/ is wiped by every rebuild, so it always matches the
# jar); later runs map it, and a JVM that cannot use it starts without it, silently.
jvm_flags() { # jvm_flags JAR
  archive="${1%.jar}.jsa"
  echo "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k -Xms64m"
  if [ -f "$archive" ]; then
    echo "-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
  else
    echo "-XX:ArchiveClassesAtExit=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}

if [ -n "${KUBECONFIG:-}" ] || [ -f "$HOME/.kube/config" ] || [ -n "${KUBERNETES_SERVICE_HOST:-}" ]; then
  export REAPER_DRY_RUN="${REAPER_DRY_RUN:-true}"
  echo "run.sh: using the configured Kubernetes cluster, reaper.dry-run=$REAPER_DRY_RUN" >&2
  # shellcheck disable=SC2046
  exec java $(jvm_flags "$jar") -jar "$jar" "$@"
fi
echo "run.sh: no Kubernetes cluster configured: running the built-in demo (Ctrl-C to stop)" >&2
# shellcheck disable=SC2046
exec java $(jvm_flags "$demo_jar") -jar "$demo_jar" "$@"
