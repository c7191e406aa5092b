# Makes sure the PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) the tests
# use are up: starts them when installed and stopped, installs them with apt when
# missing and this user may. Sourced by scripts/test; prints what it does.

have() { command -v "$1" >/dev/null 2>&1; }

can_install() { [ "$(id -u)" = 0 ] && have apt-get; }

apt_install() {
    echo "services: installing $*"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

postgres_up() { have pg_isready && pg_isready -q -h 127.0.0.1 -p 5432; }

ensure_postgres() {
    postgres_up && return 0
    local fresh=0
    if ! have pg_ctlcluster; then
        can_install || { echo "services: PostgreSQL is not installed and cannot be installed here"; return 0; }
        apt_install postgresql postgresql-client || return 0
        fresh=1
    fi
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || { echo "services: no PostgreSQL cluster found"; return 0; }
    if [ "$fresh" = 1 ]; then
        # Tests connect as postgres over TCP without a password, as on the CI machines.
        sed -ri 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' \
            "/etc/postgresql/$version/main/pg_hba.conf"
    fi
    echo "services: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do postgres_up && return 0; sleep 1; done
    echo "services: PostgreSQL did not come up"
}

redis_up() { have redis-cli && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

ensure_redis() {
    redis_up && return 0
    if ! have redis-server; then
        can_install || { echo "services: Redis is not installed and cannot be installed here"; return 0; }
        apt_install redis-server || return 0
    fi
    echo "services: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 30); do redis_up && return 0; sleep 1; done
    echo "services: Redis did not come up"
}
