// The Pages Router's document (the player and the scenario page, served off the App Router's runtime for a
// lighter first load): <html> carries the learner's theme as the App Router's layout sets it. Next reads
// the CSP nonce from the request's policy header (server.ts) only for its inline data: the document hands it
// to <Head> and <NextScript> for every script.
import Document, { type DocumentContext, type DocumentInitialProps, Head, Html, Main, NextScript } from "next/document";
import { themeFromCookieHeader } from "../player-pages/page-theme";
import { nonceFromPolicy } from "../player-pages/request-nonce";

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
    return (
      <Html lang="en" data-theme={this.props.theme}>
        <Head nonce={this.props.nonce} />
        <body>
          <Main />
          <NextScript nonce={this.props.nonce} />
        </body>
      </Html>
    );
  }
}
