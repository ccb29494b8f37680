source /root/lab.env 2>/dev/null || { echo "The lab is still being prepared: wait a few seconds and check again"; exit 1; }
if ! birdc show status >/dev/null 2>&1; then
  echo "BIRD is not running on node1: write /etc/bird/bird.conf and start it with bird -c /etc/bird/bird.conf -s /run/bird/bird.ctl"
  exit 1
fi
# Sessions take a few seconds to come up after BIRD starts.
established=0
for _ in $(seq 15); do
  established=$(birdc show protocols | awk '$2 == "BGP" && /Established/' | wc -l)
  [ "$established" -ge 2 ] && break
  sleep 1
done
if [ "$established" -lt 2 ]; then
  echo "node1 has $established established BGP sessions, not 2: is BIRD running on node2 and node3? (birdc show protocols there)"
  exit 1
fi
# Every host's routes to the other hosts' workloads, as "host workload next-hop". Routes reach the
# clients through the reflector a moment after the sessions come up, so give them a few seconds.
check_routes() {
  while read -r host workload hop; do
    script="ip route show $workload/32"
    if [ "$host" = node1 ]; then routes=$(bash -c "$script"); else routes=$(netlab-on "$host" "$script"); fi
    if grep -v "proto bird" <<<"$routes" | grep -q .; then
      echo "$host still has a hand-made route to $workload, which wins over BIRD's: on $host run ip route del $workload/32 proto boot"
      return 1
    fi
    if ! grep -q "via $hop .*proto bird" <<<"$routes"; then
      echo "$host has no route from BIRD to $workload via $hop yet: look at birdc show protocols and birdc show route on $host"
      return 1
    fi
  done <<EOF
node1 $BACKEND $NODE2
node1 $REPORTS $NODE3
node2 $FRONTEND $NODE1
node2 $REPORTS $NODE3
node3 $FRONTEND $NODE1
node3 $BACKEND $NODE2
EOF
}
problem=""
for _ in $(seq 15); do
  problem=$(check_routes) && break
  sleep 1
done
if [ -n "$problem" ]; then
  echo "$problem"
  exit 1
fi
if ! curl -s -m 3 -o /dev/null --interface "$FRONTEND" "http://$REPORTS/"; then
  echo "BIRD's routes are in place, but frontend cannot reach reports ($REPORTS): is a firewall rule in the way?"
  exit 1
fi
