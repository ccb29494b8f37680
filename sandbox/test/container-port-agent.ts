// Test support: an http.Agent whose connections are port forwards into one container given by id (the
// product reaches a host's port through the Environment handle's `ports.agent`).
import type http from "node:http";
import type Dockerode from "dockerode";
import { forwardPort } from "../src/ports/forward-port";
import { createForwardingAgent } from "../src/ports/port-proxy-agent";

/** Every connection goes to 127.0.0.1:<port> inside `containerId`, whatever the request's host name and port. */
export function containerPortAgent(docker: Dockerode, containerId: string, port: number): http.Agent {
  return createForwardingAgent(() => () => forwardPort(docker, containerId, port));
}
