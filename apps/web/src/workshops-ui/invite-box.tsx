"use client";
// An admin invites an instructor: a single-use sign-up link, shown once, to pass on by hand.
import { useState } from "react";
import { copyText } from "../player/clipboard";
import { inviteInstructor } from "./workshop-api";

/** Where an invitation's token signs up (this app's page, whatever path the API suggests). */
export function invitationPath(token: string): string {
  return `/instructor/sign-up?invitation=${encodeURIComponent(token)}`;
}

export function InviteBox() {
  const [link, setLink] = useState<{ url: string; expiresAt: string } | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const invite = async () => {
    setBusy(true);
    setNote(undefined);
    try {
      const invitation = await inviteInstructor();
      setLink({ url: `${window.location.origin}${invitationPath(invitation.token)}`, expiresAt: invitation.expiresAt });
    } catch (error) {
      setNote(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="invite" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite an instructor</h2>
      <p className="muted">The link works once and for 7 days. Send it to the new instructor yourself.</p>
      <button type="button" onClick={invite} disabled={busy}>
        Create an invitation link
      </button>
      {link ? (
        <div className="invitation">
          <label htmlFor="invitation-link">Invitation link</label>
          <input id="invitation-link" readOnly value={link.url} onFocus={(event) => event.target.select()} />
          <button
            type="button"
            className="secondary"
            onClick={async () =>
              setNote((await copyText(link.url)) ? "Copied." : "Copying was refused by the browser.")
            }
          >
            Copy
          </button>
          <p className="muted">Valid until {new Date(link.expiresAt).toLocaleString()}.</p>
        </div>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
    </section>
  );
}
