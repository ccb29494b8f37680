// The CSP nonce server.ts put in the request's Content-Security-Policy header (security-headers.ts), for
// the Pages Router's document: its <Head> and <NextScript> stamp their scripts only with a nonce given to
// them (the App Router reads the header by itself).

export function nonceFromPolicy(policy: string | string[] | undefined): string | undefined {
  const text = Array.isArray(policy) ? policy.join(";") : (policy ?? "");
  const scriptSources = text
    .split(";")
    .map((directive) => directive.trim().split(/\s+/))
    .find(([name]) => name === "script-src");
  const source = scriptSources?.find((value) => /^'nonce-[^']+'$/.test(value));
  return source ? source.slice("'nonce-".length, -1) : undefined;
}
