# What the bench scripts share; they source it after `set -euo pipefail`. Defines functions only.

# Sets tmp to a new temporary directory, removed on exit after every process in the array pids is killed.
make_tmp() {
  tmp="$(mktemp -d)"
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
}

# Exits unless GNU time is at /usr/bin/time and $py imports the modules, e.g. require_tools "numpy, scipy".
require_tools() {
  [ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install -y time)" >&2; exit 1; }
  "$py" -c "import $1" || { echo "needs $py with $1 (or set PYTHON)" >&2; exit 1; }
}

# A loopback port free now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# wait_up URL NAME LOG [TRIES]: waits (TRIES x 0.1 s, default 300) for URL to answer; else prints LOG and exits.
wait_up() {
  for _ in $(seq 1 "${4:-300}"); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "$2 did not start; see $3" >&2; cat "$3" >&2; exit 1
}

# vitals_config FILE PORT STORE UPSTREAM_PORT: a gateway configuration with auth off and one OpenAI backend,
# the fake upstream, serving bench-model and bench-model-chunked.
vitals_config() {
  cat >"$1" <<YAML
server:
  host: 127.0.0.1
  port: $2
store:
  path: $3
auth:
  enabled: false
defaultModel: bench-model
backends:
  - name: bench
    type: openai
    baseUrl: http://127.0.0.1:$4/v1
    models: [bench-model, bench-model-chunked]
YAML
}
