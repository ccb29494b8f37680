"use client";
// The colour scheme in effect, kept current when the system preference or the learner's choice changes.
import { useEffect, useState } from "react";
import { type ColorScheme, currentColorScheme } from "./color-scheme";

export function useColorScheme(): ColorScheme {
  const [scheme, setScheme] = useState<ColorScheme>("dark");
  useEffect(() => {
    const update = () => setScheme(currentColorScheme());
    update();
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", update);
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => {
      media.removeEventListener("change", update);
      observer.disconnect();
    };
  }, []);
  return scheme;
}
