#!/usr/bin/env bash
# Start PostgreSQL and Redis when they are installed here but not running, and install
# Debian's Chromium + CJK fonts for the browser tests when missing (root only).
# With FORMLOOM_REQUIRE_SERVICES=1 a service that stays down fails the run.
set -u
require="${FORMLOOM_REQUIRE_SERVICES:-0}"
fail=0

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
    [ -n "$ver" ] && pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "PostgreSQL is not running at 127.0.0.1:5432"; fail=1
  fi
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.3; done
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "Redis is not running at 127.0.0.1:6379"; fail=1
  fi
fi

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null 2>&1 || true
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "Chromium is missing (apt-get install chromium fonts-noto-cjk)"; fail=1
  fi
fi

if [ "$fail" = "1" ] && [ "$require" != "0" ]; then
  echo "services required (FORMLOOM_REQUIRE_SERVICES=$require) but missing"; exit 1
fi
exit 0
