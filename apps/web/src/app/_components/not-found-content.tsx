// What a page that is not there says (the App Router's not-found page and the Pages Router's pages).
import type { SiteLink } from "./site-link";

export function NotFoundContent({ Link }: { Link: SiteLink }) {
  return (
    <div className="empty-state">
      <h1>Page not found</h1>
      <p>There is no scenario or page at this address. It may have been renamed or removed.</p>
      <p>
        <Link href="/">Browse all scenarios</Link>
      </p>
    </div>
  );
}
