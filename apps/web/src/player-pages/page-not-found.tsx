// The Pages Router's answer for a scenario or run that is not there (or not the learner's): the same
// content as the App Router's not-found page, with its own title.
import Head from "next/head";
import { NotFoundContent } from "../app/_components/not-found-content";
import { PlainLink } from "../app/_components/site-link";

export function PageNotFound() {
  return (
    <>
      <Head>
        <title>Page not found · Circus</title>
      </Head>
      <NotFoundContent Link={PlainLink} />
    </>
  );
}
