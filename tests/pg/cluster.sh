#!/bin/sh
# A throw-away PostgreSQL cluster for the tests: nothing depends on a server started by hand.
#
#   tests/pg/cluster.sh start DIR   create and start a cluster in DIR (a new, empty directory),
#                                   listening only on a Unix socket in DIR; prints the
#                                   connection string (postgresql:///paper?host=DIR&port=...)
#   tests/pg/cluster.sh stop DIR    stop it and remove DIR
#   tests/pg/cluster.sh restart DIR restart its server (fast shutdown: clients are cut off)
#   tests/pg/cluster.sh run CMD...  start a cluster in a temporary directory, run CMD with
#                                   PAPER_TEST_PG set to its connection string, then stop and
#                                   remove it whatever CMD did; exits with CMD's status
#
# Installs Debian's postgresql when missing (as root). PostgreSQL refuses to run as root, so
# when the suite runs as root the server runs as the unprivileged user nobody.
set -eu

bindir() {
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	return 1
}

ensure_server() {
	bindir > /dev/null && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "PostgreSQL server binaries missing: sudo apt-get install -y postgresql" >&2
		exit 77
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql > /dev/null
}

as_owner() { # run a command as the cluster's owner
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

start() {
	dir=$1
	ensure_server
	bin=$(bindir)
	mkdir -p "$dir/data"
	[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$dir"
	chmod 700 "$dir"
	as_owner "$bin/initdb" -D "$dir/data" -U paper -A trust -E UTF8 --no-instructions > "$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# A port number names the socket file; any free-looking one will do since nothing listens on TCP.
	port=$(( 20000 + $$ % 20000 ))
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -p $port -c listen_addresses='' -c fsync=on -c max_connections=50" start > /dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
	as_owner "$bin/createdb" -h "$dir" -p "$port" -U paper paper
	echo "$port" > "$dir/port"
	echo "postgresql:///paper?host=$dir&port=$port&user=paper"
}

restart() {
	dir=$1
	bin=$(bindir)
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart > /dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
}

stop() {
	dir=$1
	bin=$(bindir) || return 0
	if [ -d "$dir/data" ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start) start "$2" ;;
stop) stop "$2" ;;
restart) restart "$2" ;;
run)
	shift
	dir=$(mktemp -d /tmp/paper-pg.XXXXXX)
	trap 'stop "$dir"' EXIT INT TERM
	PAPER_TEST_PG=$(start "$dir")
	export PAPER_TEST_PG
	set +e
	"$@"
	status=$?
	set -e
	exit $status
	;;
*)
	echo "usage: $0 start DIR | stop DIR | restart DIR | run CMD..." >&2
	exit 2
	;;
esac
