# Prepares the three hosts: shrinks eth0 to the fabric, starts each host's workloads and writes the
# lab's addresses to ~/lab.env on every host (calico-lab-init is in assets/bin/).
set -e
calico-lab-init
netlab-on node2 calico-lab-init
netlab-on node3 calico-lab-init
