"use client";
// The learner's "Screen reader mode" setting, remembered in this browser (localStorage) and shared by
// every open player tab: it turns on spoken terminal output, the transcript and quieter focus moves.
import { useCallback, useEffect, useState } from "react";

export const SCREEN_READER_KEY = "circus.screenReaderMode";

function readSetting(): boolean {
  try {
    return window.localStorage.getItem(SCREEN_READER_KEY) === "on";
  } catch {
    return false;
  }
}

/** The setting and a way to change it; false until the page has read it. */
export function useScreenReaderMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    setOn(readSetting());
    const onStorage = (event: StorageEvent) => {
      if (event.key === SCREEN_READER_KEY) setOn(readSetting());
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);
  const change = useCallback((next: boolean) => {
    try {
      if (next) window.localStorage.setItem(SCREEN_READER_KEY, "on");
      else window.localStorage.removeItem(SCREEN_READER_KEY);
    } catch {
      // Storage refused (private mode): the setting holds for this page only.
    }
    setOn(next);
  }, []);
  return [on, change];
}
