import { describe, expect, it } from "vitest";
import { issueObserverTicket, OBSERVER_TICKET_TTL_MS, verifyObserverTicket } from "./observer-ticket";

const secret = "s".repeat(40);
const claims = { runId: "run-1", workshopId: "ws-1", instructorId: "ins-1" };

describe("observer tickets", () => {
  it("verify with the server secret until they expire", () => {
    const now = 1_000_000;
    const { ticket, expiresAt } = issueObserverTicket(secret, claims, now);
    expect(expiresAt.getTime()).toBe(now + OBSERVER_TICKET_TTL_MS);
    expect(verifyObserverTicket(ticket, secret, now + 1)).toEqual({ ...claims, expiresAt });
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
