// The Pages Router's document (the player and the scenario page, served off the App Router's runtime for a
// lighter first load): <html> carries the learner's theme as the App Router's layout sets it. Next reads
// the CSP nonce from the request's policy header (server.ts) only for its inline data: the document hands it
// to <Head> and <NextScript> for every script. The player's page loads its own client entry instead of
// Next's runtime (off there in production, see pages/runs/[runId].tsx): its props, its module and the
// modules its first prompt needs, all with the nonce.
import Document, { type DocumentContext, type DocumentInitialProps, Head, Html, Main, NextScript } from "next/document";
import { PAGE_PROPS_ELEMENT_ID, pagePropsJson } from "../player-entry/page-props-json";
import { type PlayerEntryManifest, publishedPlayerEntry } from "../player-entry/player-entry-manifest";
import { themeFromCookieHeader } from "../player-pages/page-theme";
import { nonceFromPolicy } from "../player-pages/request-nonce";

/** The pages hydrated by the player's own client entry rather than by Next's runtime. */
const PLAYER_ENTRY_PAGES = new Set(["/runs/[runId]"]);

interface CircusDocumentProps extends DocumentInitialProps {
  theme: "light" | "dark" | undefined;
  nonce: string | undefined;
}

export default class CircusDocument extends Document<CircusDocumentProps> {
  static override async getInitialProps(context: DocumentContext): Promise<CircusDocumentProps> {
    const initial = await Document.getInitialProps(context);
    const theme = themeFromCookieHeader(context.req?.headers.cookie);
    const nonce = nonceFromPolicy(context.req?.headers["content-security-policy"]);
    return { ...initial, theme: theme === "system" ? undefined : theme, nonce };
  }

  override render() {
    const { nonce } = this.props;
    const data = this.props.__NEXT_DATA__;
    const entry: PlayerEntryManifest | undefined = PLAYER_ENTRY_PAGES.has(data.page)
      ? publishedPlayerEntry()
      : undefined;
    return (
      <Html lang="en" data-theme={this.props.theme}>
        <Head nonce={nonce}>
          {entry ? <link rel="modulepreload" href={entry.entry} nonce={nonce} /> : null}
          {entry?.preload.map((href) => (
            <link key={href} rel="modulepreload" href={href} nonce={nonce} />
          ))}
        </Head>
        <body>
          <Main />
          <NextScript nonce={nonce} />
          {entry ? (
            <>
              <script
                id={PAGE_PROPS_ELEMENT_ID}
                type="application/json"
                nonce={nonce}
                // biome-ignore lint/security/noDangerouslySetInnerHtml: JSON with every character that could end the element escaped (page-props-json.ts).
                dangerouslySetInnerHTML={{ __html: pagePropsJson(data.props?.pageProps ?? {}) }}
              />
              <script type="module" src={entry.entry} nonce={nonce} />
            </>
          ) : null}
        </body>
      </Html>
    );
  }
}
