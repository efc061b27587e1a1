#!/usr/bin/env bash
# Benchmarks/peers/invoke_server.sh start|stop PORT — a fast loopback "Lambda" for the invoke benchmark: nginx
# (Debian package, installed on first use) answering every request with HTTP 200 and a fixed JSON body, keep-alive
# on, plus /nginx-status (stub_status: accepted connections, to show connection reuse).
set -euo pipefail
action=${1:?start|stop}
port=${2:-18080}
dir=${INVOKE_SERVER_DIR:-/tmp/dblambda-invoke-nginx}
case "$action" in
start)
    command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 8m;
        location = /nginx-status { stub_status; }
        location / {
            default_type application/json;
            return 200 '{"statusCode":200,"body":"ok"}';
        }
    }
}
CONF
    nginx -c "$dir/nginx.conf" -p "$dir"
    for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/nginx-status" >/dev/null 2>&1 && exit 0; sleep 0.1; done
    echo "nginx did not start" >&2
    exit 1
    ;;
stop)
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    ;;
esac
