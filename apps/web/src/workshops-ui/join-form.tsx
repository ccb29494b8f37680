"use client";
// Joining a workshop: the code from the instructor's slide (or the link) and a display name, no account.
// A full workshop, a wrong code and too many wrong codes each get the server's plain message.
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError } from "../player/run-api";
import { joinWorkshop } from "./workshop-api";
import "./workshops.css";

export function JoinForm({ code: initialCode }: { code?: string }) {
  const router = useRouter();
  const [code, setCode] = useState(initialCode ?? "");
  const [displayName, setDisplayName] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ code: string; message: string } | undefined>();
  /** Answers received from the server (the page exposes it so tests can wait for each one). */
  const [answers, setAnswers] = useState(0);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const join = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const workshop = await joinWorkshop(code, displayName);
      setAnswers((count) => count + 1);
      router.push(`/workshops/${encodeURIComponent(workshop.id)}`);
    } catch (error) {
      setAnswers((count) => count + 1);
      setFailure(
        error instanceof ApiError
          ? { code: error.code, message: error.message }
          : { code: "unknown", message: String(error) },
      );
      setBusy(false);
    }
  };

  return (
    <form className="panel-form" onSubmit={join} aria-label="Join a workshop" data-answers={answers}>
      <div className="field">
        <label htmlFor="join-code">Workshop code</label>
        <input
          id="join-code"
          name="code"
          required
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={64}
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="join-name">Your name</label>
        <input
          id="join-name"
          name="displayName"
          required
          maxLength={80}
          autoComplete="nickname"
          aria-describedby="join-name-note"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <p id="join-name-note" className="muted field-note">
          Shown to your instructor. No account needed.
        </p>
      </div>
      <button type="submit" className="primary" disabled={!hydrated || busy}>
        {busy ? "Joining…" : "Join"}
      </button>
      {failure ? (
        <p role="alert" className="error" data-error-code={failure.code}>
          {failure.message}
        </p>
      ) : null}
    </form>
  );
}
