#!/usr/bin/env sh
# Builds the gateway and runs all of it on this machine: a Kafka broker, Redis, the provider simulator and every
# service, with a demo tenant. Ctrl-C stops everything. Flags go to LocalStack: ./run-local.sh --help
# SKIP_BUILD=1 runs what was built last.
set -eu
cd "$(dirname "$0")"

case " $* " in
  *" --help "* | *" -h "*) SKIP_BUILD=1 ;;
esac
if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "building: mvn -q -B -DskipTests package"
  mvn -q -B -DskipTests package
fi

exec java -cp "devstack/target/devstack-0.1.0-SNAPSHOT.jar:devstack/target/lib/*" \
  com.booqing.whatsapp.devstack.LocalStack "$@"
