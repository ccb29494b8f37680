# Deploys the shop's releases v1 (blue, port 8001) and v2 (green, port 8002); v3 is deployed by the
# learner in step 3. shop-server, traffic-watch and traffic-count come from assets/bin/.
for release in v1:8001 v2:8002; do
  port=${release#*:}
  if ! curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    setsid shop-server "${release%:*}" "$port" </dev/null >/dev/null 2>&1 &
  fi
done
for port in 8001 8002; do
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
  curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "the shop on port $port did not start" >&2; exit 1; }
done
