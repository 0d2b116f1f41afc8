"""Entrypoint scripts written into Debian-built images (POSIX sh: dash runs them)."""
from __future__ import annotations

POSTGRES_ENTRYPOINT = r"""#!/bin/sh
# dnlab: entrypoint of the offline stand-in for postgres (Debian's PostgreSQL), behaving like the
# official image's docker-entrypoint.sh: POSTGRES_USER (default postgres), POSTGRES_PASSWORD
# (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_DB (default: the user),
# POSTGRES_INITDB_ARGS, and /docker-entrypoint-initdb.d/*.sql and *.sh on first start.
# A command other than postgres (psql ...) is run as it is.
set -eu

[ "$#" -gt 0 ] || set -- postgres
case "$1" in -*) set -- postgres "$@" ;; esac
[ "$1" = postgres ] || exec "$@"

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    chmod 3777 /var/run/postgresql
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

if [ -s "$PGDATA/PG_VERSION" ]; then
    echo
    echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
    echo
    exec "$@"
fi

if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    cat >&2 <<'EOF'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about "trust":
       https://www.postgresql.org/docs/current/auth-trust.html
EOF
    exit 1
fi
if [ "$auth" = trust ]; then
    echo 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust: every connection is allowed without a password.' >&2
fi

umask 077
pwfile=""
if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
fi
# shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of arguments
initdb --username="$user" ${pwfile:+"--pwfile=$pwfile"} ${POSTGRES_INITDB_ARGS:-}
if [ -n "$pwfile" ]; then rm -f "$pwfile"; fi
echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname postgres --set db="$db" <<'EOF'
CREATE DATABASE :"db";
EOF
fi
for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
        *.sh) echo "$0: running $f"; . "$f" ;;
        *.sql) echo "$0: running $f"; psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname "$db" -f "$f" ;;
        *) if [ -e "$f" ]; then echo "$0: ignoring $f"; fi ;;
    esac
done
pg_ctl -D "$PGDATA" -m fast -w stop

echo
echo 'PostgreSQL init process complete; ready for start up.'
echo
exec "$@"
"""

NODE_ENTRYPOINT = r"""#!/bin/sh
# dnlab: entrypoint of dnlab/node, a lab machine with its own Docker engine (Docker-in-Docker).
# Makes /sys and the cgroup hierarchies writable where the container runtime mounted them
# read-only, then runs dockerd with its API on unix://$DNLAB_NODE_SOCKET_DIR/docker.sock (a host
# directory bind-mounted here) and on /var/run/docker.sock inside the node; never on TCP.
# With DNLAB_NODE_AUTHORIZED_KEY (an ssh public key) it is also a host reached over ssh, as a real one
# is: dropbear on the node's underlay address only (that of its default route), root by that key only.
# Arguments are passed on to dockerd. Every step that cannot be done is skipped with a message.
set -u
say() { echo "dnlab-node: $*"; }

underlay_address() {
    dev="$(ip -4 route show default | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)"
    [ -n "$dev" ] && ip -4 -o addr show dev "$dev" scope global | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p' | head -n 1
}

start_ssh_server() {
    address="$(underlay_address)"
    if [ -z "$address" ]; then
        say "skipped: ssh server (no underlay address: the node has no default route)"
        return
    fi
    mkdir -p -m 700 /root/.ssh /etc/dropbear
    (umask 077 && printf '%s\n' "$DNLAB_NODE_AUTHORIZED_KEY" > /root/.ssh/authorized_keys)
    host_key=/etc/dropbear/dropbear_ed25519_host_key
    [ -s "$host_key" ] || dropbearkey -t ed25519 -f "$host_key" > /dev/null
    dropbearkey -y -f "$host_key" | grep '^ssh-' > "$host_key.pub"
    say "starting an ssh server on $address:22: root, by the authorized key only"
    dropbear -F -E -m -s -j -k -r "$host_key" -p "$address:22" &
}

socket_dir="${DNLAB_NODE_SOCKET_DIR:-/run/dnlab-node}"
cgroup_parent="${DNLAB_NODE_CGROUP_PARENT:-dnlab-node}"
export container=docker

if grep -qs ' /sys sysfs ro[ ,]' /proc/self/mounts; then
    mount -o remount,rw /sys && say "remounted /sys read-write" || say "skipped: /sys stays read-only"
fi
if [ -d /sys/kernel/security ] && ! mountpoint -q /sys/kernel/security; then
    mount -t securityfs none /sys/kernel/security 2>/dev/null || say "skipped: securityfs (no AppArmor inside)"
fi

mounts="$(cat /proc/self/mounts)"
while read -r _ point type options _; do
    case "$point" in /sys/fs/cgroup/*) ;; *) continue ;; esac
    case ",$options," in *,ro,*) ;; *) continue ;; esac
    name="${point##*/}"
    case "$type:$name" in
        cgroup2:*) kind=cgroup2 flags=rw ;;
        cgroup:systemd) kind=cgroup flags=none,name=systemd ;;
        cgroup:*) kind=cgroup flags="$name" ;;
        *) continue ;;
    esac
    if ! umount "$point" 2>/dev/null; then
        say "skipped: cgroup $name stays read-only (cannot unmount it)"
    elif mount -t "$kind" -o "$flags" "$kind" "$point" 2>/dev/null; then
        say "remounted cgroup $name read-write"
    else
        say "skipped: cgroup $name could not be mounted again; containers in this node go without it"
    fi
done <<EOF
$mounts
EOF

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then  # cgroup v2: move out of the root to nest
    mount -o remount,rw /sys/fs/cgroup 2>/dev/null || :
    if mkdir -p /sys/fs/cgroup/init 2>/dev/null; then
        for pid in $(cat /sys/fs/cgroup/cgroup.procs); do echo "$pid" > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null; done
        sed -e 's/ / +/g' -e 's/^/+/' /sys/fs/cgroup/cgroup.controllers > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null \
            || say "skipped: enabling cgroup v2 controllers"
    else
        say "skipped: cgroup v2 nesting"
    fi
fi

rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
mkdir -p "$socket_dir"
export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
if [ -n "${DNLAB_NODE_AUTHORIZED_KEY:-}" ]; then start_ssh_server; fi
say "starting dockerd: API on unix://$socket_dir/docker.sock, cgroup parent $cgroup_parent"
exec dockerd --cgroup-parent="$cgroup_parent" -H "unix://$socket_dir/docker.sock" -H unix:///var/run/docker.sock "$@"
"""
