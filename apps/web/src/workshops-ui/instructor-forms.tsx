"use client";
// Instructor accounts in the browser: sign up (the first account becomes the admin with the server's
// setup token; later ones come with an admin's invitation), sign in, sign out. Each goes to the instructor's home when done.
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { signIn, signOut, signUp } from "./workshop-api";
import "./workshops.css";

function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };
  return { busy: busy || !hydrated, failure, submit };
}

function Field(props: {
  id: string;
  label: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
  minLength?: number;
  note?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? "text"}
        required
        autoComplete={props.autoComplete}
        minLength={props.minLength}
        value={props.value}
        aria-describedby={props.note ? `${props.id}-note` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.note ? (
        <p id={`${props.id}-note`} className="muted field-note">
          {props.note}
        </p>
      ) : null}
    </div>
  );
}

/** `setupToken`: the first account, claiming the server (the field is shown, prefilled from the link when given). */
export function SignUpForm({ invitation, setupToken }: { invitation?: string; setupToken?: string }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState(setupToken ?? "");
  const claimsSetup = setupToken !== undefined;
  const { busy, failure, submit } = useSubmit(async () => {
    await signUp({
      email,
      displayName,
      password,
      ...(invitation ? { invitation } : {}),
      ...(claimsSetup ? { setupToken: token.trim() } : {}),
    });
    router.push("/instructor");
    router.refresh();
  });
  return (
    <form className="panel-form" onSubmit={submit} aria-label="Create an instructor account">
      {claimsSetup ? (
        <Field
          id="sign-up-setup-token"
          label="Setup token"
          type="password"
          value={token}
          onChange={setToken}
          autoComplete="off"
          note='The server printed it when it started (the "no admin yet" line of its output).'
        />
      ) : null}
      <Field id="sign-up-name" label="Name" value={displayName} onChange={setDisplayName} autoComplete="name" />
      <Field id="sign-up-email" label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field
        id="sign-up-password"
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        minLength={10}
        note="At least 10 characters."
      />
      <button type="submit" className="primary" disabled={busy}>
        Create account
      </button>
      {failure ? <p role="alert">{failure}</p> : null}
    </form>
  );
}

export function SignInForm() {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, failure, submit } = useSubmit(async () => {
    await signIn(email, password);
    router.push("/instructor");
    router.refresh();
  });
  return (
    <form className="panel-form" onSubmit={submit} aria-label="Sign in">
      <Field id="sign-in-email" label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field
        id="sign-in-password"
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
      />
      <button type="submit" className="primary" disabled={busy}>
        Sign in
      </button>
      {failure ? <p role="alert">{failure}</p> : null}
    </form>
  );
}

export function SignOutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await signOut().catch(() => undefined);
        router.push("/instructor/sign-in");
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}
