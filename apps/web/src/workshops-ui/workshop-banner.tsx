"use client";
// The learner's side of a workshop, in the player and on the workshop page: the instructor's messages,
// a banner while the instructor watches their terminal, and the closing page when the workshop ends.
// Listens to /api/me/workshop/events; renders nothing for a learner who is not in a workshop.
import { useRouter } from "next/navigation";
import { useCallback, useRef, useState } from "react";
import {
  LEARNER_EVENTS_PATH,
  LearnerHelloSchema,
  MessageEventSchema,
  WatchingEventSchema,
} from "./learner-workshop-events";
import { useEventSource } from "./use-event-source";
import "./workshops.css";

const EVENTS = ["hello", "message", "watching", "ended"] as const;

interface Message {
  id: number;
  text: string;
  at: string;
}

export function WorkshopBanner() {
  const router = useRouter();
  const [workshopId, setWorkshopId] = useState<string | undefined>();
  const [watched, setWatched] = useState(false);
  const [messages, setMessages] = useState<Message[]>([]);
  const workshopRef = useRef<string | undefined>(undefined);

  const onEvent = useCallback(
    (event: string, data: string) => {
      const json = parseJson(data);
      if (event === "hello") {
        const hello = LearnerHelloSchema.safeParse(json);
        if (!hello.success) return;
        workshopRef.current = hello.data.workshop.id;
        setWorkshopId(hello.data.workshop.id);
        setWatched(hello.data.watched);
      } else if (event === "message") {
        const message = MessageEventSchema.safeParse(json);
        if (message.success) setMessages((list) => [...list, { id: Date.now() + list.length, ...message.data }]);
      } else if (event === "watching") {
        const watching = WatchingEventSchema.safeParse(json);
        if (watching.success) setWatched(watching.data.on);
      } else if (event === "ended") {
        setWatched(false);
        const id = workshopRef.current;
        if (id) router.push(`/workshops/${encodeURIComponent(id)}/ended`);
      }
    },
    [router],
  );
  const status = useEventSource(LEARNER_EVENTS_PATH, EVENTS, onEvent);

  return (
    <aside
      className="workshop-banner"
      aria-label="Workshop"
      data-status={workshopId ? status : "none"}
      data-watched={watched}
    >
      {watched ? (
        <p className="watched-banner" role="status">
          <span aria-hidden="true">👁 </span>Your instructor is watching your terminal (they cannot type in it).
        </p>
      ) : null}
      <ul className="workshop-messages" aria-live="polite" aria-label="Messages from your instructor">
        {messages.map((message) => (
          <li key={message.id} className="workshop-message">
            <strong>Instructor:</strong> <span data-testid="workshop-message">{message.text}</span>
            <button
              type="button"
              className="link-button"
              onClick={() => setMessages((list) => list.filter((item) => item.id !== message.id))}
            >
              Dismiss<span className="visually-hidden"> the message</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
