// How the shared header and not-found text link to App Router pages: `next/link` in the App Router (client-side
// navigation), a plain <a> in the Pages Router's pages, for which every App Router page is a document load
// anyway (and which then leave `next/link` out of their scripts).
import type { ComponentType, ReactNode } from "react";

export type SiteLink = ComponentType<{ href: string; className?: string; children: ReactNode }>;

export function PlainLink({ href, className, children }: { href: string; className?: string; children: ReactNode }) {
  return (
    <a href={href} className={className}>
      {children}
    </a>
  );
}
