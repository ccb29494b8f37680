// Mutual-TLS material for the Docker-in-Docker Swarm fixture, made with openssl (offline): one CA,
// a server certificate per node engine (its address as the subject alternative name) and one client
// certificate for Circus. Test fixture only; operators bring their own CA (sandbox/README.md, Swarm).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const DAYS = "2";

export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run("openssl", args, { cwd });
}

async function keyAndRequest(dir: string, name: string, subject: string): Promise<void> {
  await openssl(
    ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.csr`,
      "-subj",
      subject,
    ]),
    dir,
  );
}

async function sign(dir: string, name: string, extensions: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    // A random serial each: certificates are signed concurrently, so no shared serial file.
    ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem"]
      .concat(["-set_serial", `0x${randomBytes(12).toString("hex")}`])
      .concat(["-out", `${name}-cert.pem`, "-days", DAYS, "-extfile", `${name}.ext`]),
    dir,
  );
}

/** Makes the CA and the client certificate in `dir`; returns what a client needs. */
export async function createClientTls(dir: string): Promise<ClientTls> {
  await mkdir(dir, { recursive: true });
  await openssl(
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
      "-keyout",
      "ca-key.pem",
      "-out",
      "ca.pem",
      "-days",
      DAYS,
      "-subj",
      "/CN=circus-test-swarm-ca",
    ]),
    dir,
  );
  await keyAndRequest(dir, "client", "/CN=circus");
  await sign(dir, "client", "extendedKeyUsage=clientAuth\n");
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "client-cert.pem", "client-key.pem"].map((file) => readFile(join(dir, file), "utf8")),
  );
  return { ca: ca!, cert: cert!, key: key! };
}

/** Writes a node engine's ca.pem, server-cert.pem and server-key.pem into `nodeDir` (signed by the CA in `caDir`). */
export async function createServerTls(caDir: string, name: string, address: string, nodeDir: string): Promise<void> {
  await keyAndRequest(caDir, name, `/CN=${name}`);
  await sign(caDir, name, `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`);
  await mkdir(nodeDir, { recursive: true });
  await Promise.all([
    writeFile(join(nodeDir, "ca.pem"), await readFile(join(caDir, "ca.pem"))),
    writeFile(join(nodeDir, "server-cert.pem"), await readFile(join(caDir, `${name}-cert.pem`))),
    writeFile(join(nodeDir, "server-key.pem"), await readFile(join(caDir, `${name}-key.pem`)), { mode: 0o600 }),
  ]);
}
