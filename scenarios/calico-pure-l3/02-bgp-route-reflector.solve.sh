source /root/lab.env
# A route reflector client's configuration; each client fills in its own router id.
client='source /root/lab.env
me=$(ip -4 -o addr show dev eth0 | awk "{split(\$4, a, \"/\"); print a[1]; exit}")
ip route del "$FRONTEND/32" proto boot 2>/dev/null || true
cat > /etc/bird/bird.conf <<EOF
router id $me;
protocol device {}
protocol direct workloads { ipv4; interface "wl-*"; }
protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }
protocol bgp reflector {
  local as 64512;
  neighbor $NODE1 as 64512;
  direct;
  ipv4 { import all; export where proto = "workloads"; };
}
EOF
birdc configure >/dev/null 2>&1 || bird -c /etc/bird/bird.conf -s /run/bird/bird.ctl'

ip route del "$BACKEND/32" proto boot 2>/dev/null || true
cat >/etc/bird/bird.conf <<EOF
router id $NODE1;
protocol device {}
protocol direct workloads { ipv4; interface "wl-*"; }
protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }
template bgp clients {
  local as 64512;
  rr client;
  direct;
  ipv4 { import all; export where proto = "workloads" || source = RTS_BGP; };
}
protocol bgp node2 from clients { neighbor $NODE2 as 64512; }
protocol bgp node3 from clients { neighbor $NODE3 as 64512; }
EOF
birdc configure >/dev/null 2>&1 || bird -c /etc/bird/bird.conf -s /run/bird/bird.ctl
netlab-on node2 "$client"
netlab-on node3 "$client"
