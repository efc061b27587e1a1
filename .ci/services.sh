# shellcheck shell=bash
# .ci/services.sh — sourced by .ci/test.sh. Installs (idempotently) and starts the throwaway servers the
# tests need, on 127.0.0.1 only, with all state under $SVC_DIR. Recipe: ../shared/test-infra.md §5.
#
# Which servers start is decided by SVC_SERVICES (space-separated: postgres mysql moto; all three by
# default). Python's botocore is installed for the SigV4 differential test and the benchmark peer.
# Tests find the servers through PGHOST/PGPORT/PGUSER, MYSQL_HOST/MYSQL_PORT and MOTO_ENDPOINT.
SVC_DIR=${SVC_DIR:-/tmp/dblambda-ci-svc}
SVC_SERVICES=${SVC_SERVICES:-postgres mysql moto}
PG_PORT=${PG_PORT:-55432}
MY_PORT=${MY_PORT:-53306}
MOTO_PORT=${MOTO_PORT:-55000}
# A second moto for the tests that turn signature checks on (`/moto-api/reset-auth` is global to a server):
# the other suites share MOTO_PORT and never see a 403 they did not ask for.
MOTO_AUTH_PORT=${MOTO_AUTH_PORT:-55001}
PGBIN=/usr/lib/postgresql/15/bin

svc_log() { echo "[svc $(date +%T)] $*" >&2; }

# wait_until SECONDS CMD... : poll every 0.2 s, fail after SECONDS
wait_until() {
    local limit=$1
    shift
    local end=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS >= end)) && { svc_log "timeout after ${limit}s: $*"; return 1; }
        sleep 0.2
    done
}

port_free() { ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

svc_wants() { [[ " $SVC_SERVICES " == *" $1 "* ]]; }

svc_install() {
    local need=()
    if svc_wants postgres; then
        dpkg -s postgresql-15 >/dev/null 2>&1 || need+=(postgresql-15 postgresql-contrib)
        # plpython3u: a stand-in for aws_lambda.invoke that really POSTs a signed request (install before
        # the server starts: it upgrades postgresql-15)
        dpkg -s postgresql-plpython3-15 >/dev/null 2>&1 || need+=(postgresql-plpython3-15)
        command -v psql >/dev/null 2>&1 || need+=(postgresql-client-15)
    fi
    if svc_wants mysql; then
        dpkg -s mariadb-server >/dev/null 2>&1 || need+=(mariadb-server mariadb-client)
    fi
    command -v ss >/dev/null 2>&1 || need+=(iproute2)
    if ((${#need[@]})); then
        svc_log "apt-get install ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
    python3 -c 'import botocore' 2>/dev/null || pip install -q 'botocore==1.43.11'
    if svc_wants moto; then
        python3 -c 'import moto, flask, flask_cors' 2>/dev/null || pip install -q 'moto[server]==5.2.1'
        # The AWS CLI runs the generated `plan --format shell` script against moto in the renderer tests.
        command -v aws >/dev/null 2>&1 || pip install -q 'awscli==1.45.11'
    fi
}

svc_start_pg() {
    port_free "$PG_PORT" || { svc_log "port $PG_PORT busy"; return 1; }
    local d=$SVC_DIR/pg
    rm -rf "$d"
    mkdir -p "$d/sock"
    chown -R postgres:postgres "$d"
    runuser -u postgres -- "$PGBIN/initdb" -D "$d/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$d/initdb.log" 2>&1
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 30 -o \
        "-p $PG_PORT -k $d/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
    wait_until 30 "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres createdb test
    export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
    svc_log "postgres ready on 127.0.0.1:$PG_PORT"
}

svc_start_mysql() {
    port_free "$MY_PORT" || { svc_log "port $MY_PORT busy"; return 1; }
    local d=$SVC_DIR/mysql
    rm -rf "$d"
    mkdir -p "$d/data" "$d/tmp"
    id mysql >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin mysql
    chown -R mysql:mysql "$d"
    mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" \
        --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1
    runuser -u mysql -- mariadbd --no-defaults --datadir="$d/data" --socket="$d/mysqld.sock" \
        --pid-file="$d/mysqld.pid" --tmpdir="$d/tmp" --port="$MY_PORT" --bind-address=127.0.0.1 \
        --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --log-error="$d/error.log" </dev/null >/dev/null 2>&1 &
    wait_until 60 mariadb-admin --no-defaults -h127.0.0.1 -P"$MY_PORT" -uroot ping
    mariadb --no-defaults -h127.0.0.1 -P"$MY_PORT" -uroot -e 'CREATE DATABASE test'
    export MYSQL_HOST=127.0.0.1 MYSQL_PORT=$MY_PORT
    svc_log "mariadb ready on 127.0.0.1:$MY_PORT"
}

# svc_start_moto_on NAME PORT VARIABLE: one moto server (docker-less Lambda) whose URL goes into VARIABLE.
svc_start_moto_on() {
    local name=$1 port=$2 variable=$3
    port_free "$port" || { svc_log "port $port busy"; return 1; }
    local d=$SVC_DIR/$name
    mkdir -p "$d"
    MOTO_LAMBDA_DATA_DIR="$d/lambda" python3 -m moto.server -H 127.0.0.1 -p "$port" \
        </dev/null >"$d/moto.log" 2>&1 &
    echo $! >"$d/moto.pid"
    local url=http://127.0.0.1:$port
    export "$variable=$url"
    wait_until 30 curl -sf "$url/moto-api/"
    curl -sf -X POST "$url/moto-api/config" -H 'Content-Type: application/json' \
        -d '{"lambda":{"use_docker":false}}' >/dev/null
    svc_log "$name ready on $url"
}

svc_start_moto() {
    svc_start_moto_on moto "$MOTO_PORT" MOTO_ENDPOINT
    svc_start_moto_on moto-auth "$MOTO_AUTH_PORT" MOTO_AUTH_ENDPOINT
}

svc_start_all() {
    mkdir -p "$SVC_DIR"
    chmod 0755 "$SVC_DIR"
    if svc_wants postgres; then svc_start_pg; fi
    if svc_wants mysql; then svc_start_mysql; fi
    if svc_wants moto; then svc_start_moto; fi
    return 0
}

svc_stop_all() {
    local d=$SVC_DIR mp=''
    local end=$((SECONDS + 20))
    if [[ -f $d/pg/data/postmaster.pid ]]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d/pg/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
    fi
    if [[ -f $d/mysql/mysqld.pid ]]; then
        mariadb-admin --no-defaults -h127.0.0.1 -P"$MY_PORT" -uroot shutdown >/dev/null 2>&1 \
            || kill "$(cat "$d/mysql/mysqld.pid")" 2>/dev/null || true
    fi
    local pidfile
    for pidfile in "$d"/moto/moto.pid "$d"/moto-auth/moto.pid; do
        if [[ -f $pidfile ]]; then
            mp="$mp $(cat "$pidfile")"
            kill "$(cat "$pidfile")" 2>/dev/null || true
        fi
    done
    local pid alive
    while true; do
        alive=0
        for pid in $mp; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
        [[ -f $d/mysql/mysqld.pid ]] || ((alive)) || break
        ((SECONDS >= end)) && break
        sleep 0.2
    done
    for pid in $mp; do if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi; done
    rm -rf "$d"
}
