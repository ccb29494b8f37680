import { describe, expect, it } from "vitest";
import {
  issueObserverTicket,
  OBSERVER_PROTOCOL,
  OBSERVER_TICKET_TTL_MS,
  observerProtocols,
  SpentTickets,
  ticketFromProtocols,
  verifyObserverTicket,
} from "./observer-ticket";

const secret = "s".repeat(40);
const claims = { runId: "run-1", workshopId: "ws-1", instructorId: "ins-1", sessionTokenHash: "h".repeat(43) };

describe("observer tickets", () => {
  it("verify with the server secret until they expire", () => {
    const now = 1_000_000;
    const { ticket, expiresAt } = issueObserverTicket(secret, claims, now);
    expect(expiresAt.getTime()).toBe(now + OBSERVER_TICKET_TTL_MS);
    expect(verifyObserverTicket(ticket, secret, now + 1)).toEqual({ ...claims, nonce: expect.any(String), expiresAt });
    expect(verifyObserverTicket(ticket, secret, now + OBSERVER_TICKET_TTL_MS)).toBeUndefined();
  });

  it("refuse another secret, a changed payload, and garbage", () => {
    const { ticket } = issueObserverTicket(secret, claims);
    expect(verifyObserverTicket(ticket, "t".repeat(40))).toBeUndefined();
    const [payload, signature] = ticket.split(".");
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), r: "run-2" }),
    ).toString("base64url");
    expect(verifyObserverTicket(`${forged}.${signature}`, secret)).toBeUndefined();
    expect(verifyObserverTicket(undefined, secret)).toBeUndefined();
    expect(verifyObserverTicket("a.b.c", secret)).toBeUndefined();
    expect(verifyObserverTicket("x".repeat(2_000), secret)).toBeUndefined();
  });
});

describe("observer ticket transport and use", () => {
  it("travel in the subprotocol header, next to the observer protocol", () => {
    const { ticket } = issueObserverTicket(secret, claims);
    const protocols = observerProtocols(ticket);
    expect(protocols[0]).toBe(OBSERVER_PROTOCOL);
    expect(ticketFromProtocols(protocols.join(", "))).toBe(ticket);
    expect(ticketFromProtocols(protocols[1])).toBeUndefined();
    expect(ticketFromProtocols(undefined)).toBeUndefined();
  });

  it("are spent once, and the record of spent tickets stays bounded", () => {
    const spent = new SpentTickets(2);
    const [a, b] = [issueObserverTicket(secret, claims, 0), issueObserverTicket(secret, claims, 0)].map(
      ({ ticket }) => verifyObserverTicket(ticket, secret, 1)!,
    );
    expect(a!.nonce).not.toBe(b!.nonce);
    expect(spent.spend(a!.nonce, 100, 1)).toBe(true);
    expect(spent.spend(a!.nonce, 100, 2)).toBe(false);
    expect(spent.spend(b!.nonce, 100, 2)).toBe(true);
    expect(spent.spend("c".repeat(22), 100, 3)).toBe(false);
    expect(spent.spend("c".repeat(22), 200, 101)).toBe(true);
  });
});
