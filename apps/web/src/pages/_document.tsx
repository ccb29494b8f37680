// The Pages Router's document (the player and the scenario page, served off the App Router's runtime for a
// lighter first load): <html> carries the learner's theme as the App Router's layout sets it. Next reads
// the CSP nonce for its scripts from the request's policy header (server.ts) by itself.
import Document, { type DocumentContext, type DocumentInitialProps, Head, Html, Main, NextScript } from "next/document";
import { themeFromCookieHeader } from "../player-pages/page-theme";

interface CircusDocumentProps extends DocumentInitialProps {
  theme: "light" | "dark" | undefined;
}

export default class CircusDocument extends Document<CircusDocumentProps> {
  static override async getInitialProps(context: DocumentContext): Promise<CircusDocumentProps> {
    const initial = await Document.getInitialProps(context);
    const theme = themeFromCookieHeader(context.req?.headers.cookie);
    return { ...initial, theme: theme === "system" ? undefined : theme };
  }

  override render() {
    return (
      <Html lang="en" data-theme={this.props.theme}>
        <Head />
        <body>
          <Main />
          <NextScript />
        </body>
      </Html>
    );
  }
}
