#!/usr/bin/env bash
# Checks that docs/deploy.md works as written on a clean Debian 12 server.
#
#   sudo bash deploy/check_guide.sh [ROOTFS] [--rebuild] [--keep]
#
# ROOTFS (default /work/deploycheck/rootfs) is a throwaway copy of a pristine debootstrap kept
# at ROOTFS.base; --rebuild makes that again, --keep leaves the used copy for inspection.
# Needs root, network access to Debian's mirror and PyPI, and a few minutes. Not part of CI.
#
# The guide's fenced blocks are run exactly as the guide has them: this script extracts them
# from docs/deploy.md, so the guide and the check cannot drift apart. The only edits are listed
# in run_block's callers (the repository address, a non-interactive createsuperuser, the day of
# the backup to restore). Steps that are not the guide's are marked [harness].
#
# The server is a systemd-nspawn container booted with its own network namespace: systemctl
# is real, and its PostgreSQL, Redis, nginx and gunicorn listen on the container's own loopback,
# so the host's PostgreSQL (5432) and Redis (6379) are never touched.
set -euo pipefail

ROOTFS=/work/deploycheck/rootfs
REBUILD=0
KEEP=0
for arg in "$@"; do
    case "$arg" in
        --rebuild) REBUILD=1 ;;
        --keep) KEEP=1 ;;
        -*) echo "unknown option $arg" >&2; exit 2 ;;
        *) ROOTFS=$(realpath -m "$arg") ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "run as root: sudo bash $0" >&2; exit 2; }
# It is deleted and recreated on every run: refuse anything that is not a dedicated directory.
case "$ROOTFS" in /|/work|/work/main*|/root|/home|/srv|/var|/tmp) echo "refusing ROOTFS=$ROOTFS" >&2; exit 2 ;; esac

REPO=$(cd "$(dirname "$0")/.." && pwd)
GUIDE=${GUIDE:-$REPO/docs/deploy.md}   # overridable, to see that a broken guide fails
BASE=$ROOTFS.base            # pristine debootstrap, reused between runs
CACHE=$ROOTFS.apt-cache      # downloaded .debs only: a download cache, not state
RUN=$ROOTFS.run              # this run's logs, blocks, origin repository
NS=danvan-check              # network namespace and machine name
HOST_IP=10.231.77.1          # veth pair; a /30 nobody else is expected to use
CT_IP=10.231.77.2
SITE=danvan.tinh.gov.vn
ORIGIN_URL=git://$HOST_IP/origin.git
SU_USER=quantri
SU_PASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
STARTED=$(date +%s)
FAILURES=0
NSPAWN_PID=""
GITD_PID=""
FORWARD_BEFORE=""

pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; FAILURES=$((FAILURES + 1)); }
check() {  # check "description" command...: PASS/FAIL on the command's status, never aborts
    local what=$1; shift
    echo "### $what" >>"$RUN/logs/checks.log"
    if "$@" </dev/null >>"$RUN/logs/checks.log" 2>&1; then pass "$what"; else fail "$what"; fi
}
abort() {  # a guide step failed: later steps depend on it, so stop here
    fail "$1"
    [ -n "${2:-}" ] && [ -f "$2" ] && { echo "----- last lines of $2"; tail -n 25 "$2"; echo "-----"; }
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Host side: namespaces, NAT, container. Everything created here is undone by cleanup().

leader() { pgrep -P "$NSPAWN_PID" | head -n 1; }

inside() {
    # A root login on the server: a clean environment (no LANG, as on a bare install), stdin
    # from the caller, so nothing can wait on a terminal that is not there.
    nsenter --target "$(leader)" --all \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb "$@"
}

in_netns() { nsenter --net="/run/netns/$NS" "$@"; }

boot_container() {
    # --keep-unit/--register=no: the host need not run systemd or machined.
    systemd-nspawn -D "$ROOTFS" -M "$NS" --boot --network-namespace-path="/run/netns/$NS" \
        --bind="$CACHE:/var/cache/apt/archives" --register=no --keep-unit --console=passive \
        >>"$RUN/logs/nspawn.log" 2>&1 &
    NSPAWN_PID=$!
    BOOTED=""
    for _ in $(seq 90); do
        if [ -n "$(leader)" ]; then
            BOOTED=$(inside systemctl is-system-running 2>/dev/null || true)
            case "$BOOTED" in running|degraded) return 0 ;; esac
        fi
        sleep 1
    done
    return 1
}

stop_container() {
    [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null || return 0
    inside systemctl poweroff >/dev/null 2>&1
    for _ in $(seq 60); do kill -0 "$NSPAWN_PID" 2>/dev/null || return 0; sleep 1; done
    kill "$NSPAWN_PID" 2>/dev/null; sleep 2; kill -9 "$NSPAWN_PID" 2>/dev/null
    return 0
}

cleanup() {
    local rc=$?
    set +e
    stop_container
    [ -n "$GITD_PID" ] && kill "$GITD_PID" 2>/dev/null
    network_down
    [ -n "$FORWARD_BEFORE" ] && sysctl -qw net.ipv4.ip_forward="$FORWARD_BEFORE"
    # nspawn mounts inside its own mount namespace; anything still listed here is ours to undo.
    grep -o " $ROOTFS/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l
    if [ "$KEEP" = 1 ]; then echo "kept $ROOTFS (logs in $RUN/logs)"; else rm -rf "$ROOTFS"; fi
    local elapsed=$(( $(date +%s) - STARTED ))
    if [ "$FAILURES" = 0 ] && [ "$rc" = 0 ]; then
        echo "ALL PASSED in $((elapsed / 60)) min $((elapsed % 60)) s"
    else
        echo "FAILED ($FAILURES failing checks) after $((elapsed / 60)) min $((elapsed % 60)) s; logs in $RUN/logs"
        rc=1
    fi
    exit "$rc"
}

network_down() {
    iptables -t nat -D POSTROUTING -s "$CT_IP/30" ! -o dvc-host -j MASQUERADE -m comment --comment "$NS" 2>/dev/null || true
    iptables -D FORWARD -i dvc-host -j ACCEPT -m comment --comment "$NS" 2>/dev/null || true
    iptables -D FORWARD -o dvc-host -j ACCEPT -m comment --comment "$NS" 2>/dev/null || true
    ip link del dvc-host 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
}

network_up() {
    # apt and pip inside the server need the network; its services must not share the host's
    # loopback. So: its own namespace, a veth to the host, and NAT out of the host's interfaces.
    ip netns add "$NS"
    ip link add dvc-host type veth peer name dvc-ct
    ip link set dvc-ct netns "$NS"
    ip addr add "$HOST_IP/30" dev dvc-host && ip link set dvc-host up
    in_netns ip addr add "$CT_IP/30" dev dvc-ct
    in_netns ip link set dvc-ct up
    in_netns ip link set lo up
    in_netns ip route add default via "$HOST_IP"
    FORWARD_BEFORE=$(sysctl -n net.ipv4.ip_forward)
    sysctl -qw net.ipv4.ip_forward=1
    # Explicit FORWARD rules in case the host's policy drops forwarded traffic (Docker hosts do).
    iptables -I FORWARD -i dvc-host -j ACCEPT -m comment --comment "$NS"
    iptables -I FORWARD -o dvc-host -j ACCEPT -m comment --comment "$NS"
    iptables -t nat -A POSTROUTING -s "$CT_IP/30" ! -o dvc-host -j MASQUERADE -m comment --comment "$NS"
}

# ---------------------------------------------------------------------------------------------
# The guide's blocks

extract_blocks() {
    # One file per fenced block: <section>-<n>.<lang>, plus <section>-<n>.path when the line
    # before the fence names the file the block is (as "`/etc/...`:").
    rm -rf "$RUN/blocks" && mkdir -p "$RUN/blocks"
    awk -v dir="$RUN/blocks" '
        /^## [0-9]+\./ && !infence { sec = $2; sub(/\.$/, "", sec); n = 0; next }
        /^```[a-z]+$/ && !infence {
            infence = 1; n++; lang = substr($0, 4); file = dir "/" sec "-" n "." lang
            printf "" > file
            if (prev ~ /^`\/[^`]*`:$/) { p = prev; gsub(/^`|`:$/, "", p); print p > (dir "/" sec "-" n ".path") }
            next
        }
        /^```$/ && infence { infence = 0; close(file); next }
        infence { print > file; next }
        NF { prev = $0 }
    ' "$GUIDE"
}

# Every block the guide has, in order. A block added to the guide but unknown here would go
# unchecked, so any difference stops the check until this script learns it.
EXPECTED_BLOCKS="1-1.bash 2-1.bash 3-1.bash 3-2.bash 3-3.bash 4-1.ini 4-2.bash 5-1.nginx 5-2.bash 6-1.bash 6-2.bash 6-3.bash 7-1.bash"

run_block() {  # run_block <id> [note sed-expression]: run a bash block as root in /root, as an admin would
    local id=$1 note=${2:-} edit=${3:-} src="$RUN/blocks/$1.bash" log="$RUN/logs/$1.log"
    mkdir -p "$ROOTFS/root/guide"
    if [ -n "$edit" ]; then sed -e "$edit" "$src"; else cat "$src"; fi >"$ROOTFS/root/guide/$id.sh"
    # -e: a failing command fails the step (the guide gives no command that may fail);
    # -x: the log shows which command it was.
    if inside bash -c "cd /root && bash -e -o pipefail -x /root/guide/$id.sh" </dev/null >"$log" 2>&1; then
        pass "§${id%%-*} block $id runs as written${note:+ ($note)}"
    else
        abort "§${id%%-*} block $id runs as written${note:+ ($note)}" "$log"
    fi
}

install_file_block() {  # a block that is a file: write it where the guide says it goes
    local id=$1 block
    block=$(ls "$RUN/blocks/$id".* | grep -v '\.path$')
    local path
    path=$(cat "$RUN/blocks/$id.path")
    install -D -m 0644 "$block" "$ROOTFS$path"
    pass "§${id%%-*} $path written from the guide"
}

https() {  # curl against nginx in the server, as a browser that resolves the portal's name
    in_netns curl -sS --max-time 20 --resolve "$SITE:443:127.0.0.1" --resolve "$SITE:80:127.0.0.1" \
        --cacert "$RUN/fullchain.pem" "$@"
}

wait_https_ok() {  # nginx reloads and gunicorn restarts are asynchronous: give them a moment
    for _ in $(seq 30); do
        https "https://$SITE/healthz" 2>/dev/null | grep -q '"status": "ok"' && return 0
        sleep 1
    done
    return 1
}

psql_count() {
    inside sudo -u postgres psql "$1" -Atc "SELECT count(*) FROM models_registry_registration" 2>/dev/null
}

status_of() { https -o /dev/null -w '%{http_code}' "$@"; }

home_check() {
    test "$(https -o "$RUN/home.html" -w '%{http_code}' "https://$SITE/")" = 200 &&
        grep -q '<html lang="vi"' "$RUN/home.html" && grep -q 'Dân vận khéo' "$RUN/home.html"
}

static_check() {  # $1: a path under /static/ taken from the home page
    https -o /dev/null -D "$RUN/static-headers" -H 'Accept-Encoding: gzip' "https://$SITE$1" &&
        tr -d '\r' <"$RUN/static-headers" | grep -q '^HTTP/2 200' &&
        tr -d '\r' <"$RUN/static-headers" | grep -qi '^content-encoding: gzip$'
}

login_check() {  # a browser's login: GET the form, POST it back with its CSRF token and a Referer
    local jar=$RUN/cookies token
    rm -f "$jar"
    https -c "$jar" -b "$jar" -o "$RUN/login.html" "https://$SITE/tai-khoan/dang-nhap/"
    token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$RUN/login.html" | head -n 1 |
            sed 's/.*value="//; s/"$//')
    grep -q csrftoken "$jar" && [ -n "$token" ] || return 1
    https -c "$jar" -b "$jar" -o /dev/null -D "$RUN/login-headers" -e "https://$SITE/" \
        --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$SU_USER" \
        --data-urlencode "password=$SU_PASS" "https://$SITE/tai-khoan/dang-nhap/"
    tr -d '\r' <"$RUN/login-headers" >"$RUN/login-headers.txt"
    cat "$RUN/login-headers.txt"
    local session
    session=$(grep -i '^set-cookie: sessionid=' "$RUN/login-headers.txt")
    grep -q '^HTTP/2 302' "$RUN/login-headers.txt" && ! grep -qi '^location: .*dang-nhap' "$RUN/login-headers.txt" &&
        grep -q 'HttpOnly' <<<"$session" && grep -q 'Secure' <<<"$session"
}

add_registration() {  # [harness] one registration, through the project's models
    inside bash -c 'cd /srv/danvan/app && set -a && . /etc/danvan/env && set +a &&
                    sudo -E -u danvan .venv/bin/python manage.py shell' >>"$RUN/logs/data.log" 2>&1 <<PY
from models_registry.models import AdminArea, Registration, Unit, UnitKind
area = AdminArea.objects.filter(structure="moi", level="commune").order_by("code").first()
unit, _ = Unit.objects.get_or_create(code="KIEMTRA01", defaults=dict(
    name="Đơn vị kiểm tra triển khai", kind=UnitKind.objects.order_by("id").first(), area=area))
Registration.objects.create(unit=unit, year=2025, name="$1", field="economy")
PY
}

trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$RUN/logs" "$CACHE/partial"
: >"$RUN/logs/checks.log"

# ---------------------------------------------------------------------------------------------
echo "== [harness] a clean Debian 12 server"

for tool in debootstrap:debootstrap systemd-nspawn:systemd-container iptables:iptables \
            curl:curl openssl:openssl git:git nsenter:util-linux; do
    command -v "${tool%%:*}" >/dev/null || apt-get install -y -q "${tool#*:}" >/dev/null
done

# Leftovers of an interrupted run would make `ip netns add` fail.
network_down

if [ "$REBUILD" = 1 ] || [ ! -f "$BASE/etc/debian_version" ]; then
    rm -rf "$BASE" "$BASE.tmp"
    # The default variant is what a netinst "no tasks" install gives: systemd, cron, adduser;
    # no sudo, curl, python3 or git.
    debootstrap bookworm "$BASE.tmp" http://deb.debian.org/debian >"$RUN/logs/debootstrap.log" 2>&1 \
        || abort "debootstrap bookworm" "$RUN/logs/debootstrap.log"
    mv "$BASE.tmp" "$BASE"
    pass "debootstrap bookworm into $BASE"
else
    pass "reusing pristine rootfs $BASE ($(cat "$BASE/etc/debian_version"))"
fi
rm -rf "$ROOTFS"
cp -a "$BASE" "$ROOTFS"
# The installer names the host and lists it in /etc/hosts; without that sudo complains on
# every call ("unable to resolve host").
echo "$NS" >"$ROOTFS/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$NS" >"$ROOTFS/etc/hosts"

extract_blocks
found=$(cd "$RUN/blocks" && ls | grep -v '\.path$' | sort -V | tr '\n' ' ' | sed 's/ $//')
if [ "$found" = "$EXPECTED_BLOCKS" ]; then
    pass "guide has the blocks this check knows: $found"
else
    abort "guide's blocks changed (found: $found; expected: $EXPECTED_BLOCKS); update check_guide.sh"
fi

# The repository to deploy, served as a remote (git://) like the real one: cloning a local
# path owned by another user fails on git's ownership check, which a real remote never hits.
rm -rf "$RUN/origin.git" "$RUN/wt"
git clone -q --bare --no-local "$REPO" "$RUN/origin.git"

network_up
git daemon --base-path="$RUN" --export-all --listen="$HOST_IP" --port=9418 --reuseaddr \
    >"$RUN/logs/git-daemon.log" 2>&1 &
GITD_PID=$!

boot_container || abort "container boots with systemd" "$RUN/logs/nspawn.log"
pass "container boots with systemd ($BOOTED), own network namespace"

# ---------------------------------------------------------------------------------------------
echo "== §1 Packages"
run_block 1-1
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    # [harness] This host reaches PyPI through a TLS-inspecting proxy: do what §1 says for that.
    cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
    inside update-ca-certificates >>"$RUN/logs/1-1.log" 2>&1
    pass "§1 network's CA installed as the guide says (update-ca-certificates)"
fi

echo "== §2 Database"
run_block 2-1
run_block 2-2
check "§2 Redis drops least recently used keys at its memory limit" \
    test "$(inside redis-cli config get maxmemory-policy | tail -1)" = allkeys-lru

echo "== §3 Application"
run_block 3-1 "repository: $ORIGIN_URL" "s|<địa chỉ kho mã>|$ORIGIN_URL|"
run_block 3-2
check "§3 /etc/danvan/env is root:danvan 0640 with a generated SECRET_KEY" \
    inside bash -c 'test "$(stat -c %U:%G:%a /etc/danvan/env)" = root:danvan:640 &&
                    grep -Eq "^SECRET_KEY=[A-Za-z0-9_-]{80,}$" /etc/danvan/env'
# createsuperuser without a terminal creates nobody; the guide says to script it like this.
run_block 3-3 "createsuperuser --noinput with DJANGO_SUPERUSER_*" "1i export DJANGO_SUPERUSER_USERNAME=$SU_USER DJANGO_SUPERUSER_EMAIL=$SU_USER@$SITE DJANGO_SUPERUSER_PASSWORD=$SU_PASS
s|manage.py createsuperuser$|manage.py createsuperuser --noinput|"
check "§3 check --deploy reports no issues" grep -q "System check identified no issues" "$RUN/logs/3-3.log"
check "§3 superuser created" grep -q "Superuser created successfully" "$RUN/logs/3-3.log"

echo "== §4 gunicorn under systemd"
install_file_block 4-1
run_block 4-2
check "§4 the guide's curl gets /healthz ok" grep -q '{"status": "ok", "database": "ok"}' "$RUN/logs/4-2.log"
check "§4 danvan.service enabled and active" inside bash -c \
    'systemctl is-enabled danvan && systemctl is-active danvan'

echo "== §5 nginx with TLS"
# [harness] The guide says to put the portal's certificate there; a self-signed one stands in.
mkdir -p "$ROOTFS/etc/ssl/danvan"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$SITE" -addext "subjectAltName=DNS:$SITE" \
    -keyout "$ROOTFS/etc/ssl/danvan/privkey.pem" -out "$ROOTFS/etc/ssl/danvan/fullchain.pem" 2>/dev/null
chmod 0600 "$ROOTFS/etc/ssl/danvan/privkey.pem"
cp "$ROOTFS/etc/ssl/danvan/fullchain.pem" "$RUN/fullchain.pem"
install_file_block 5-1
run_block 5-2

check "§5 https /healthz answers ok" wait_https_ok
check "§5 https / answers 200 in Vietnamese" home_check
static=$(grep -oE '/static/[^"]+\.[0-9a-f]{12}\.css' "$RUN/home.html" | head -n 1 || true)
check "§5 page links a content-hashed static file ($static)" test -n "$static"
check "§5 static file answers 200, gzip-compressed when asked" static_check "$static"
check "§5 http:// redirects to https://" test \
    "$(https -o /dev/null -w '%{http_code} %{redirect_url}' "http://$SITE/tai-khoan/dang-nhap/")" = \
    "301 https://$SITE/tai-khoan/dang-nhap/"
check "§5 /media/ is not served (404)" test "$(status_of "https://$SITE/media/bang-chung/tep.pdf")" = 404
check "§5 anonymous public page cached in Redis" test "$(inside redis-cli -n 0 dbsize)" -gt 0
check "§5 superuser logs in through the form (302, session cookie Secure+HttpOnly)" login_check

echo "== §6 Backups"
# [harness] Something to back up: a registration and an evidence file.
add_registration "Mô hình kiểm tra sao lưu"
inside sudo -u danvan sh -c 'echo minh-chung > /srv/danvan/media/kiem-tra-sao-luu.txt'
live=$(psql_count danvan || true)
check "§6 live database has registrations to back up ($live)" test "${live:-0}" -gt 0
run_block 6-1
check "§6 /etc/cron.d/danvan-backup is root-owned 0644 (cron ignores it otherwise)" \
    test "$(inside stat -c %U:%a /etc/cron.d/danvan-backup)" = root:644
# [harness] Cron will not fire during the check: run each line now as cron would (the line's
# user, cron's environment, the user's home as working directory, \% unescaped).
cat >"$ROOTFS/root/guide/cron-now.sh" <<'SH'
set -e
grep -Ev '^(#|$)' /etc/cron.d/danvan-backup | while read -r _m _h _dom _mon _dow user cmd; do
    home=$(getent passwd "$user" | cut -d: -f6)
    # cron cuts a command at its first unescaped %: the guide must escape every one.
    if [[ $cmd =~ (^|[^\\])% ]]; then echo "unescaped % in: $cmd"; exit 1; fi
    cmd=${cmd//\\%/%}
    echo "+ [$user] $cmd"
    (cd "$home" && runuser -u "$user" -- env -i HOME="$home" LOGNAME="$user" SHELL=/bin/sh \
        PATH=/usr/bin:/bin sh -c "$cmd") </dev/null
done
ls -l /var/backups/danvan
today=$(date +%F)
test -s "/var/backups/danvan/danvan-$today.dump"
tar -tzf "/var/backups/danvan/media-$today.tar.gz" | grep -qx media/kiem-tra-sao-luu.txt
SH
check "§6 the cron lines, run now, write tonight's dump and a media archive with the evidence file" \
    inside bash /root/guide/cron-now.sh
run_block 6-2
restored=$(grep -A2 -- '-------' "$RUN/logs/6-2.log" | grep -Eo '^ *[0-9]+ *$' | tr -d ' ' | head -n 1 || true)
check "§6 restore test counts $restored registrations, as live at the dump ($live)" test "${restored:-x}" = "$live"

# Life goes on after the dump: a registration more, an evidence file lost. The real restore
# must bring back exactly the night's state.
add_registration "Mô hình sau bản sao lưu"
inside rm -f /srv/danvan/media/kiem-tra-sao-luu.txt
check "§6 (live data changed since the dump)" test "$(psql_count danvan)" != "$live"
run_block 6-3 "DAY=today" 's/^DAY=.*/DAY=$(date +%F)/'
check "§6 real restore: $live registrations again" test "$(psql_count danvan)" = "$live"
check "§6 real restore: evidence file back, owned by danvan" \
    test "$(inside stat -c %U /srv/danvan/media/kiem-tra-sao-luu.txt)" = danvan
check "§6 real restore: portal answers ok" wait_https_ok

echo "== §7 Upgrades"
# [harness] A new release: a throwaway commit in this run's copy of the repository (never in
# the working repository), adding a static file that only a pulled, collected and restarted
# portal serves (WhiteNoise reads the static files once, at start).
marker=upgrade-$(date +%s)
git clone -q "$RUN/origin.git" "$RUN/wt"
echo "$marker" >"$RUN/wt/static/kiem-tra-nang-cap.txt"
git -C "$RUN/wt" add static/kiem-tra-nang-cap.txt
git -C "$RUN/wt" -c user.name=check_guide -c user.email=check@localhost commit -qm "throwaway: upgrade check"
git -C "$RUN/wt" push -q origin HEAD
new_head=$(git -C "$RUN/wt" rev-parse HEAD)
pid_before=$(inside systemctl show -p MainPID --value danvan)
run_block 7-1
check "§7 before-upgrade dump written" inside bash -c 'ls /var/backups/danvan/before-upgrade-*.dump'
check "§7 git pull brought the new release" \
    test "$(inside sudo -u danvan git -C /srv/danvan/app rev-parse HEAD)" = "$new_head"
check "§7 gunicorn was restarted" test "$(inside systemctl show -p MainPID --value danvan)" != "$pid_before"
check "§7 upgraded portal answers /healthz ok" wait_https_ok
check "§7 upgraded portal serves the release's new static file" \
    test "$(https "https://$SITE/static/kiem-tra-nang-cap.txt")" = "$marker"
check "§7 superuser still logs in" login_check

echo "== [harness] after a reboot"
# Everything must come back by itself: services enabled, not just started. (A plain nspawn
# does not restart a container that reboots, so power off and boot again.)
stop_container
check "server boots again" boot_container
check "portal answers over https after the reboot" wait_https_ok
check "superuser logs in after the reboot" login_check
