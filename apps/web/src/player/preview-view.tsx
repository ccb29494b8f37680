"use client";
// A port preview: the page a host serves on a port, in a sandboxed iframe. No allow-same-origin, so
// the preview runs in an opaque origin and cannot read Circus's cookies or pages.

export function PreviewView({ title, url, active }: { title: string; url: string; active: boolean }) {
  return (
    <section className="preview-panel" aria-label={`Preview ${title}`} hidden={!active}>
      <div className="terminal-bar">
        <span className="preview-url">{url}</span>
        <a href={url} target="_blank" rel="noopener noreferrer">
          Open in new tab
        </a>
      </div>
      {active ? (
        <iframe className="preview-frame" title={title} src={url} sandbox="allow-scripts allow-forms allow-popups" />
      ) : null}
    </section>
  );
}
